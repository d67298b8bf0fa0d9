// Package store owns hhjobs' domain types (vacancies, saved queries, runs and
// their slices) and the Store interface that every storage engine implements.
//
// It knows nothing of HTTP or of the hh.ru client: harvest maps API responses
// onto these types and keeps the raw JSON, so the schema can drift upstream
// without a migration here.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Errors returned by Store implementations. Callers branch on them with errors.Is.
var (
	// ErrNotFound: the named query, run or vacancy does not exist.
	ErrNotFound = errors.New("not found")
	// ErrNoSlice: ClaimSlice found no pending (or lease-expired) slice in the run.
	ErrNoSlice = errors.New("no slice to claim")
	// ErrSchemaTooNew: the database was migrated by a newer hhjobs.
	ErrSchemaTooNew = errors.New("database schema is newer than this hhjobs")
)

// IDName is hh.ru's ubiquitous {id, name} pair.
type IDName struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Vacancy is one row of the vacancies table: typed columns for what analytics
// uses, plus the raw JSON of the latest search item and full vacancy.
type Vacancy struct {
	ID               string
	Name             string
	AreaID           string
	AreaName         string
	EmployerID       string // empty for anonymous vacancies
	EmployerName     string
	Roles            []IDName // professional_roles, in API order
	ExperienceID     string
	EmploymentFormID string
	WorkFormat       []string // work_format ids (ON_SITE, REMOTE, HYBRID, FIELD_WORK)
	ScheduleID       string   // deprecated schedule.id, kept for older data
	SalaryFrom       *int64
	SalaryTo         *int64
	SalaryCurrency   string // hh code, e.g. RUR, USD
	SalaryGross      *bool
	SalaryMode       string // salary_range.mode.id: MONTH, HOUR, SHIFT, ...
	SalaryFrequency  string // salary_range.frequency.id, may be empty
	PublishedAt      time.Time
	CreatedAt        *time.Time
	InitialCreatedAt *time.Time
	Archived         bool
	KeySkills        []string // from the full vacancy; nil until details are fetched

	RawItem json.RawMessage // latest search item as the API sent it (may be nil when only details are known)
	RawFull json.RawMessage // latest full vacancy, nil until details are fetched

	FirstSeenAt     time.Time
	LastSeenAt      time.Time
	ClosedAt        *time.Time
	DetailFetchedAt *time.Time

	// Codes number the values above for the in-memory store that made
	// this vacancy (the dashboard's snapshot); nil from a database.
	Codes *Codes `json:"-"`
}

// Codes number a vacancy's values in an in-memory store that holds each
// distinct value once (fields may share one number space): within one
// walk, equal codes of a field stand for equal values (not always the
// reverse). The analytics remember what they derive from a value (its
// group, its region, its skill spelling) by its code, a slice index,
// instead of hashing the string on every row. Codes are ≥ 0 and dense enough to index a slice;
// they and the slices point into the store and are read-only. A walk
// rewrites them for the next vacancy: they are valid during its callback
// only, and a reader that keeps the vacancy must not read them later (the
// analytics, which hold some vacancies for their rosters, set Codes nil).
type Codes struct {
	Area, Employer, Experience, EmploymentForm int32
	Roles                                      []int32 // one per entry of Roles (its ID), in order
	WorkFormat                                 []int32 // one per entry of WorkFormat
	KeySkills                                  []int32 // one per entry of KeySkills
}

// Version is a row of vacancy_versions: the tracked fields as observed at a moment.
type Version struct {
	VacancyID      string
	ObservedAt     time.Time
	Name           string
	AreaID         string
	RoleIDs        []string
	SalaryFrom     *int64
	SalaryTo       *int64
	SalaryCurrency string
	SalaryGross    *bool
	PublishedAt    time.Time
}

// Area is a node of the /areas tree, flattened.
type Area struct {
	ID       string
	ParentID string // empty for roots
	Name     string
}

// Role is a professional role with the category it was listed under first.
type Role struct {
	ID               string
	Name             string
	CategoryID       string
	CategoryName     string
	SearchDeprecated bool
}

// CurrencyRate is one /dictionaries currency rate: Rate units of Code equal 1 RUR.
type CurrencyRate struct {
	Date time.Time // the day the rates were fetched (UTC midnight)
	Code string
	Rate float64
}

// DictEntry is one entry of a /dictionaries dictionary: Dict names it
// (experience, work_format, currency, vacancy_label, …); currencies use
// their code as ID.
type DictEntry struct {
	Dict string
	ID   string
	Name string
}

// Query is a saved named search. Params are the API's query parameters
// (url.Values-shaped) without paging and without the run's time bounds.
type Query struct {
	ID        int64
	Name      string
	Params    map[string][]string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Run states.
const (
	RunRunning = "running"
	RunDone    = "done"
	RunFailed  = "failed"
	RunStopped = "stopped" // interrupted (Ctrl-C, captcha); resumable
	// RunAbandoned: given up by the user ('query abandon', 'collect
	// --replace'); never resumed, the next collect or sync plans anew.
	RunAbandoned = "abandoned"
)

// Open reports whether the run can still be resumed or joined: it is
// neither done nor abandoned. (Whether a newer run superseded it is a
// question about its query's runs, not about the run alone.)
func (r Run) Open() bool { return r.Status != RunDone && r.Status != RunAbandoned }

// Counters are a run's request and outcome counters. AddRunCounters adds them
// atomically so that several collectors can share a run.
// New, Changed and Unchanged count distinct vacancies: a run's revisits (a
// vacancy in two overlapping slices) are not counted again.
type Counters struct {
	Requests    int64 `json:"requests"`
	Requests429 int64 `json:"requests_429"`
	Retries     int64 `json:"retries"`
	Pages       int64 `json:"pages"`
	Details     int64 `json:"details"`
	New         int64 `json:"new"`
	Changed     int64 `json:"changed"`
	Unchanged   int64 `json:"unchanged"`
	Closed      int64 `json:"closed"`
}

// Run is one collect or sync of a query.
type Run struct {
	ID         int64
	QueryID    int64
	Status     string
	StartedAt  time.Time
	FinishedAt *time.Time
	// UpperBound is the run's fixed date_to: its start rounded up to hh.ru's 5-minute grid.
	UpperBound time.Time
	Details    string // new | all | none
	Error      string
	Counters   Counters
}

// Slice states.
const (
	SlicePending   = "pending"
	SliceClaimed   = "claimed"
	SliceSplit     = "split"     // over the cap; replaced by child slices
	SliceDone      = "done"      // fully paged
	SliceTruncated = "truncated" // could not be split under the cap; paged up to 2000
	SliceFailed    = "failed"
)

// Slice is one planned part of a run: a disjoint sub-query. It is the
// checkpoint that makes runs resumable and the work queue collectors share.
type Slice struct {
	ID         int64
	RunID      int64
	ParentID   int64               // 0 for a root slice
	Params     map[string][]string // search parameters only: everything here is sent to hh.ru
	Plan       SlicePlan           // the planner's own notes, never sent
	State      string
	Found      int // found reported by the API for this slice (-1 unknown)
	Pages      int // pages fetched so far
	Stored     int // items stored from this slice
	Worker     string
	LeaseUntil *time.Time
	Error      string
	UpdatedAt  time.Time
}

// SlicePlan is what the slice planner records on a slice for itself. It
// is not a search parameter: the engines keep it in the params column under
// reserved keys (EncodeSliceParams), the form older versions wrote, so a
// database from before this type reads the same.
type SlicePlan struct {
	// Why says which split of which parent made the slice ("area: found
	// 186318 > 2000; 88 areas listed", "reused: …").
	Why string
	// NoAreaSplit marks a slice whose area cannot be split without losing
	// the vacancies attached to the area node itself; its children inherit it.
	NoAreaSplit bool
}

// UpsertResult classifies the ids of one UpsertSearchItems call.
type UpsertResult struct {
	New       []string
	Changed   []string // tracked fields differ from the stored row: a version row was written
	Unchanged []string
}

// Filter selects vacancies for export and analytics. Zero value = everything.
type Filter struct {
	QueryID  int64     // only vacancies seen by this query (0 = all)
	Since    time.Time // published_at >= Since (zero = no bound)
	OpenOnly bool      // closed_at IS NULL
	// Raw loads RawItem and RawFull. Off by default: analytics over a million
	// rows must not read megabytes of JSON it does not use.
	Raw bool
	// Fields narrows what EachVacancy must fill (zero: every part). An
	// engine may fill more; a caller must not read parts it did not ask for.
	Fields Fields
}

// Has reports whether f asks for the parts in x.
func (f Filter) Has(x Fields) bool { return f.Fields == 0 || f.Fields&x == x }

// Fields are parts of a Vacancy, for Filter.Fields. ID, PublishedAt,
// FirstSeenAt and ClosedAt are always filled: every reader needs them and
// they cost next to nothing.
type Fields uint16

const (
	FieldName     Fields = 1 << iota // Name
	FieldArea                        // AreaID, AreaName
	FieldEmployer                    // EmployerID, EmployerName
	FieldRoles                       // Roles
	FieldTerms                       // ExperienceID, EmploymentFormID, WorkFormat, ScheduleID
	FieldSalary                      // SalaryFrom, SalaryTo, SalaryCurrency, SalaryGross, SalaryMode, SalaryFrequency
	FieldCreated                     // CreatedAt, InitialCreatedAt
	FieldState                       // LastSeenAt, DetailFetchedAt, Archived
	FieldSkills                      // KeySkills

	// FieldsAll is every part (the same as zero).
	FieldsAll = FieldName | FieldArea | FieldEmployer | FieldRoles | FieldTerms | FieldSalary | FieldCreated | FieldState | FieldSkills
)

// Store is what harvest, analytics and export need from a database.
// Every method is safe for concurrent use. Write methods are transactional:
// a batch is stored whole or not at all.
type Store interface {
	// Reference data.
	ReplaceAreas(ctx context.Context, areas []Area) error
	Areas(ctx context.Context) ([]Area, error)
	ReplaceRoles(ctx context.Context, roles []Role) error
	Roles(ctx context.Context) ([]Role, error)
	// SaveCurrencyRates stores one dated set of rates (replacing that date's set).
	SaveCurrencyRates(ctx context.Context, rates []CurrencyRate) error
	// CurrencyRates returns every stored rate, ordered by date then code.
	CurrencyRates(ctx context.Context) ([]CurrencyRate, error)
	// ReplaceDictionaries replaces every stored /dictionaries entry.
	ReplaceDictionaries(ctx context.Context, entries []DictEntry) error
	// Dictionaries returns every stored entry in the order it was given.
	Dictionaries(ctx context.Context) ([]DictEntry, error)

	// Saved queries. SaveQuery inserts or updates by name and returns the stored row.
	SaveQuery(ctx context.Context, q Query) (Query, error)
	// QueryByName returns ErrNotFound when absent.
	QueryByName(ctx context.Context, name string) (Query, error)
	Queries(ctx context.Context) ([]Query, error)
	// DeleteQuery removes the named query with its runs, slices and links to
	// vacancies (the vacancies themselves stay); ErrNotFound when absent.
	DeleteQuery(ctx context.Context, name string) error

	// Runs.
	CreateRun(ctx context.Context, r Run) (Run, error)
	// GetRun returns ErrNotFound when absent.
	GetRun(ctx context.Context, id int64) (Run, error)
	// Runs lists a query's runs, newest first (queryID 0 = all queries).
	Runs(ctx context.Context, queryID int64) ([]Run, error)
	// FinishRun sets status, error and finished_at (nil finishedAt keeps it open).
	FinishRun(ctx context.Context, id int64, status, errMsg string, finishedAt *time.Time) error
	// AddRunCounters adds c to the run's counters atomically.
	AddRunCounters(ctx context.Context, id int64, c Counters) error

	// Slices: the checkpoint and the work queue.
	// AddSlices inserts slices (state pending unless set) and returns them with ids.
	AddSlices(ctx context.Context, runID int64, slices []Slice) ([]Slice, error)
	// ClaimSlice atomically takes the oldest pending slice of the run, or a
	// claimed one whose lease expired, marks it claimed by worker until now+lease.
	// Returns ErrNoSlice when none is available. Two concurrent callers never get the same slice.
	ClaimSlice(ctx context.Context, runID int64, worker string, lease time.Duration) (Slice, error)
	// ExtendLease moves a claimed slice's lease to now+lease while worker still
	// holds it (a heartbeat for long slices); ErrNotFound when it does not.
	ExtendLease(ctx context.Context, sliceID int64, worker string, lease time.Duration) error
	// UpdateSlice writes state, found, pages, stored, error and lease of s.
	UpdateSlice(ctx context.Context, s Slice) error
	// SplitSlice marks parent split and inserts children, in one transaction.
	SplitSlice(ctx context.Context, parent Slice, children []Slice) ([]Slice, error)
	Slices(ctx context.Context, runID int64) ([]Slice, error)

	// Vacancies.
	// UpsertSearchItems stores one page of search items in one transaction:
	// new ids are inserted (first_seen_at = last_seen_at = seenAt), known ids get
	// last_seen_at = seenAt (and closed_at cleared if they reappear), and ids whose
	// tracked fields (name, salary, roles, area, published_at) changed get a
	// version row and updated columns. The vacancy is linked to queryID with the
	// run id, so Sync can find what a query no longer returns. A non-zero
	// runID also gets its Pages (+1), New, Changed and Unchanged counters
	// raised in the same transaction: a crash can never keep a page and lose
	// its count.
	UpsertSearchItems(ctx context.Context, queryID, runID int64, items []Vacancy, seenAt time.Time) (UpsertResult, error)
	// SaveDetails stores full vacancies (RawFull, KeySkills and the typed columns
	// they carry) with detail_fetched_at = fetchedAt. Unknown ids are inserted.
	// A non-zero runID gets its Details counter raised in the same transaction.
	SaveDetails(ctx context.Context, runID int64, vs []Vacancy, fetchedAt time.Time) error
	// MarkClosed sets closed_at = at (and archived) for the ids still open; a
	// non-zero runID gets its Closed counter raised by the number it closed.
	MarkClosed(ctx context.Context, runID int64, ids []string, at time.Time) error
	// GetVacancy returns ErrNotFound when absent.
	GetVacancy(ctx context.Context, id string) (Vacancy, error)
	// NotSeenByRun lists open vacancies linked to queryID that run runID did not see.
	NotSeenByRun(ctx context.Context, queryID, runID int64) ([]string, error)
	// NeedDetails lists the ids linked to queryID that have no details yet, or
	// whose details are older than their last change.
	NeedDetails(ctx context.Context, queryID int64, limit int) ([]string, error)
	Versions(ctx context.Context, id string) ([]Version, error)
	// EachVacancy streams vacancies in id order without loading them all; fn's
	// error stops the walk and is returned.
	EachVacancy(ctx context.Context, f Filter, fn func(Vacancy) error) error
	// EachSkill streams (vacancy id, skill) pairs of the filtered vacancies.
	EachSkill(ctx context.Context, f Filter, fn func(vacancyID, skill string) error) error
	CountVacancies(ctx context.Context, f Filter) (int, error)

	Close() error
}
