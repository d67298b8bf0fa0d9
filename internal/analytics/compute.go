package analytics

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
)

// MSK is the time zone periods are cut in (hh.ru's; Moscow has no DST since 2014).
var MSK = time.FixedZone("MSK", 3*3600)

// Config says what Compute reads and computes.
type Config struct {
	Filter store.Filter // Raw is forced off
	Options
	// Groupings are the dimension tuples to group by; nil means DefaultGroupings.
	Groupings [][]Dim
	// GroupsOnly skips skills, employers, trends, lifetimes and data quality (for `stats`).
	GroupsOnly bool
	// TopSkills (30), TopEmployers (20) and MinN (DefaultMinNRank: the
	// smallest base a premium or an employer's pay level is ranked on) tune the sections.
	TopSkills    int
	TopEmployers int
	MinN         int
	// Small are the small-sample rules (withheld medians and quartiles).
	Small Thresholds
	// Synonyms fold skill spellings into groups; nil means DefaultSynonyms.
	Synonyms *Synonyms
	// UniquePostings takes one copy of each mass posting into salary figures (postings.go).
	UniquePostings bool
	// Now is the time of the analysis (the censoring time of vacancies never seen).
	Now time.Time
}

// DefaultGroupings are every single dimension plus role × experience × region.
func DefaultGroupings() [][]Dim {
	g := make([][]Dim, 0, len(Dims)+1)
	for _, d := range Dims {
		g = append(g, []Dim{d})
	}
	return append(g, []Dim{DimRole, DimExperience, DimRegion})
}

// GroupStats are the figures of one group. Every figure carries its base:
// Salary.N is the number of salaries behind the quantiles (after outliers).
type GroupStats struct {
	Key             []string `json:"key"`
	Label           []string `json:"label"`
	Vacancies       int      `json:"vacancies"`
	Open            int      `json:"open"`
	Disclosed       int      `json:"disclosed"`        // vacancies with a salary
	DisclosureShare float64  `json:"disclosure_share"` // Disclosed / Vacancies
	Excluded        int      `json:"excluded"`         // disclosed, but no monthly RUR (FLY_IN_FLY_OUT, SERVICE, no rate)
	OutliersAbs     int      `json:"outliers_abs"`     // outside [10 000, 5 000 000]
	OutliersIQR     int      `json:"outliers_iqr"`     // outside the group's 3·IQR fences
	Salary          Summary  `json:"salary"`           // monthly RUR on the report's basis
}

// Grouping is the groups of one dimension tuple, largest first.
type Grouping struct {
	Dims   []Dim        `json:"dims"`
	Groups []GroupStats `json:"groups"`
}

// SalaryMix says how the published salaries looked and what normalisation did.
type SalaryMix struct {
	Vacancies       int            `json:"vacancies"`
	Disclosed       int            `json:"disclosed"`
	DisclosureShare float64        `json:"disclosure_share"`
	ForkBoth        int            `json:"fork_both"`
	ForkFromOnly    int            `json:"fork_from_only"`
	ForkToOnly      int            `json:"fork_to_only"`
	Modes           map[string]int `json:"modes"`
	Currencies      map[string]int `json:"currencies"`
	Gross           int            `json:"gross"`
	Net             int            `json:"net"`
	GrossUnknown    int            `json:"gross_unknown"`
	Normalised      int            `json:"normalised"`    // got a monthly RUR value
	ExcludedMode    int            `json:"excluded_mode"` // FLY_IN_FLY_OUT, SERVICE, unknown modes
	NoRate          int            `json:"no_rate"`
	RateAfter       int            `json:"rate_after"`
	ModeAssumed     int            `json:"mode_assumed"`
	TaxConverted    int            `json:"tax_converted"`
	OutliersAbs     int            `json:"outliers_abs"`
	// Pay per shift or hour turned into a month (roster.go): with the vacancy's
	// own roster, with constants filling a gap, or as a full-time equivalent.
	RosterKnown   int `json:"roster_known"`
	RosterAssumed int `json:"roster_assumed"`
	RosterFTE     int `json:"roster_fte"`
}

// SharePoint is a share in one period.
type SharePoint struct {
	Start time.Time `json:"start"`
	Base  int       `json:"base"`
	Count int       `json:"count"`
	Share float64   `json:"share"`
}

// SkillStat is the demand for one (folded) skill.
type SkillStat struct {
	Key       string  `json:"key"`
	Name      string  `json:"name"`
	Vacancies int     `json:"vacancies"`
	Share     float64 `json:"share"` // of SkillReport.Base
	// Spellings counts the raw spellings folded into this skill.
	Spellings map[string]int `json:"spellings"`
	// Monthly is the share per month of publication.
	Monthly []SharePoint `json:"monthly"`
	// Recent and Previous are the shares in the last 28 days of the data
	// and the 28 before (windows.go).
	Recent   WindowShare `json:"recent_28d"`
	Previous WindowShare `json:"previous_28d"`
	// Premium is the pooled premium (premium.go): the mean over role ×
	// experience cells (weighted by NWith) of median(with)/median(without) − 1,
	// over cells where both bases are ≥ MinN, with its 95 % interval.
	Premium      float64     `json:"premium"`
	PremiumCI95  *[2]float64 `json:"premium_ci95"`
	PremiumBase  int         `json:"premium_base"` // salaries with the skill behind Premium (0 = no premium)
	PremiumRoles int         `json:"premium_roles"`
	PremiumCells int         `json:"premium_cells"`
}

// SkillPremium compares medians with and without a skill inside one role ×
// experience cell.
type SkillPremium struct {
	Skill         string  `json:"skill"`
	RoleID        string  `json:"role_id"`
	Role          string  `json:"role"`
	ExperienceID  string  `json:"experience_id"`
	Experience    string  `json:"experience"`
	NWith         int     `json:"n_with"`
	NWithout      int     `json:"n_without"`
	MedianWith    float64 `json:"median_with"`
	MedianWithout float64 `json:"median_without"`
	Premium       float64 `json:"premium"` // MedianWith/MedianWithout − 1
	// CI95 is the premium's approximate 95 % interval (premium.go).
	CI95 [2]float64 `json:"premium_ci95"`
}

// SkillReport is skill demand: shares of the vacancies whose key skills are known.
type SkillReport struct {
	Base     int            `json:"base"` // vacancies with details (key skills known)
	Distinct int            `json:"distinct"`
	Top      []SkillStat    `json:"top"`
	Premiums []SkillPremium `json:"premiums"`
}

// Period is one week or month of publication.
type Period struct {
	Start          time.Time `json:"start"`
	Published      int       `json:"published"`
	Closed         int       `json:"closed"` // closed_at in the period
	Disclosed      int       `json:"disclosed"`
	Salary         Summary   `json:"salary"`
	Outliers       int       `json:"outliers"`
	WorkFormatBase int       `json:"work_format_base"` // published with a work format
	Remote         int       `json:"remote"`
	Hybrid         int       `json:"hybrid"`
	RemoteShare    float64   `json:"remote_share"`
	HybridShare    float64   `json:"hybrid_share"`
}

// RunQuality is the state of the latest run of one query.
type RunQuality struct {
	QueryID         int64      `json:"query_id"`
	Query           string     `json:"query"`
	RunID           int64      `json:"run_id"`
	Status          string     `json:"status"`
	StartedAt       time.Time  `json:"started_at"`
	FinishedAt      *time.Time `json:"finished_at"`
	Slices          int        `json:"slices"`
	Truncated       int        `json:"truncated"`
	Failed          int        `json:"failed"`
	Unfinished      int        `json:"unfinished"`
	FoundTruncated  int        `json:"found_truncated"`
	StoredTruncated int        `json:"stored_truncated"`
}

// Quality is the data-quality section.
type Quality struct {
	Vacancies       int          `json:"vacancies"`
	Open            int          `json:"open"`
	WithDetails     int          `json:"with_details"`
	Disclosed       int          `json:"disclosed"`
	DisclosureShare float64      `json:"disclosure_share"`
	LastSync        *time.Time   `json:"last_sync"`
	Runs            []RunQuality `json:"runs"`
	TruncatedSlices int          `json:"truncated_slices"`
	CurrencyRates   int          `json:"currency_rates"`
	RateDates       []time.Time  `json:"rate_dates"`
}

// EmployerReport ranks employers.
type EmployerReport struct {
	ByOpen []GroupStats `json:"by_open"`
	ByPay  []GroupStats `json:"by_pay"` // Salary.N ≥ MinN, by the median's CI lower bound
}

// Result is everything Compute found.
type Result struct {
	GeneratedAt time.Time        `json:"generated_at"`
	Basis       string           `json:"basis"` // gross | net
	Small       SmallSampleRules `json:"small_samples"`
	Filter      store.Filter     `json:"-"`
	Total       GroupStats       `json:"total"`
	Mix         SalaryMix        `json:"salary_mix"`
	Groupings   []Grouping       `json:"groupings"`
	Skills      *SkillReport     `json:"skills,omitempty"`
	Employers   *EmployerReport  `json:"employers,omitempty"`
	Weekly      []Period         `json:"weekly,omitempty"`
	Monthly     []Period         `json:"monthly,omitempty"`
	Lifetime    *Lifetime        `json:"lifetime,omitempty"`
	Quality     *Quality         `json:"quality,omitempty"`
	Postings    *Postings        `json:"postings,omitempty"`
	Revisions   []*Revisions     `json:"revisions,omitempty"` // filled by the report (revisions.go)
}

// Grouping returns the grouping over dims, or nil.
func (r *Result) Grouping(dims ...Dim) *Grouping {
	for i := range r.Groupings {
		if slices.Equal(r.Groupings[i].Dims, dims) {
			return &r.Groupings[i]
		}
	}
	return nil
}

// ---- accumulators ----

type acc struct {
	key, label  []string
	vacancies   int
	open        int
	disclosed   int
	excluded    int
	outliersAbs int
	vals        []float64
}

func (a *acc) add(open bool, s Salary) {
	a.vacancies++
	if open {
		a.open++
	}
	if !s.Disclosed() {
		return
	}
	a.disclosed++
	switch {
	case !s.OK:
		a.excluded++
	case s.Flags.Has(FlagOutlier):
		a.outliersAbs++
	case s.Flags.Has(FlagCopy): // --unique-postings: one copy per posting
	default:
		a.vals = append(a.vals, s.MonthlyRUR)
	}
}

func (a *acc) finish() GroupStats {
	kept, out := TrimIQR(a.vals)
	g := GroupStats{
		Key: a.key, Label: a.label, Vacancies: a.vacancies, Open: a.open, Disclosed: a.disclosed,
		Excluded: a.excluded, OutliersAbs: a.outliersAbs, OutliersIQR: out, Salary: Summarise(kept),
	}
	if a.vacancies > 0 {
		g.DisclosureShare = float64(a.disclosed) / float64(a.vacancies)
	}
	a.vals = nil
	return g
}

type kv struct{ key, label string }

type groupingAcc struct {
	dims   []Dim
	idx    []int // indexes of dims in Dims
	groups map[string]*acc
}

type periodAcc struct {
	acc
	published, closed      int
	wfBase, remote, hybrid int
}

type skillAcc struct {
	key       string
	name      string
	count     int
	spellings map[string]int
	win       [2]int // in the recent and the previous window (windows.go)
}

type salaryRec struct {
	monthly float64
	exp     uint8 // index in ExperienceOrder + 1 (0: not stated)
	roles   []int32
	skills  []int32 // sorted skill ids
}

type computer struct {
	cfg        Config
	rates      *Rates
	areas      *AreaIndex
	res        *Result
	total      acc
	groups     []*groupingAcc
	need       []int   // indexes in Dims of the dimensions any grouping uses
	vals       [8][]kv // per-vacancy values of each needed dimension (reused)
	weeks      map[int64]*periodAcc
	months     map[int64]*periodAcc
	skillIDs   map[string]int32
	rawSkill   map[string]int32 // raw spelling → skill id (−1: empty); a cache of SkillKey
	skills     []*skillAcc
	skMonth    map[[2]int64]int // (skill id, month) → count
	skBase     map[int64]int    // month → vacancies with details
	roleIDs    map[string]int32
	roles      []store.IDName
	recs       []salaryRec
	life       *lifeGroups // lifetimes by experience (lifetime.go)
	window     LifeWindow
	skillsSeen bool
	win        windows
	posts      postingFinder
	copies     map[string]bool
	rosterPass
}

// Compute reads the filtered vacancies in one pass and computes the analytics.
func Compute(ctx context.Context, s store.Store, cfg Config) (*Result, error) {
	if cfg.TopSkills <= 0 {
		cfg.TopSkills = 30
	}
	if cfg.TopEmployers <= 0 {
		cfg.TopEmployers = 20
	}
	if cfg.MinN <= 0 {
		cfg.MinN = DefaultMinNRank
	}
	if cfg.Now.IsZero() {
		cfg.Now = time.Now()
	}
	if cfg.Groupings == nil {
		cfg.Groupings = DefaultGroupings()
	}
	if cfg.Synonyms == nil {
		cfg.Synonyms = DefaultSynonyms()
	}
	cfg.Filter.Raw = false
	// Read only what the computation uses: `stats --by role` needs the
	// salary and the roles, not the whole row.
	cfg.Filter.Fields = store.FieldsAll // the name finds mass postings, the created dates start lifetimes
	if cfg.GroupsOnly {
		cfg.Filter.Fields = store.FieldSalary
		for _, g := range cfg.Groupings {
			for _, d := range g {
				cfg.Filter.Fields |= dimFields[d]
			}
		}
	}
	rs, err := s.CurrencyRates(ctx)
	if err != nil {
		return nil, fmt.Errorf("currency rates: %w", err)
	}
	areas, err := s.Areas(ctx)
	if err != nil {
		return nil, fmt.Errorf("areas: %w", err)
	}
	c := &computer{
		cfg: cfg, rates: NewRates(rs), areas: NewAreaIndex(areas),
		res: &Result{GeneratedAt: cfg.Now, Basis: cfg.Basis(), Filter: cfg.Filter},
	}
	c.res.Mix.Modes = map[string]int{}
	c.res.Mix.Currencies = map[string]int{}
	groupings := cfg.Groupings
	if !cfg.GroupsOnly && !slices.ContainsFunc(groupings, func(g []Dim) bool { return slices.Equal(g, []Dim{DimEmployer}) }) {
		groupings = append(slices.Clone(groupings), []Dim{DimEmployer})
	}
	for _, g := range groupings {
		ga := &groupingAcc{dims: g, groups: map[string]*acc{}}
		for _, d := range g {
			i := slices.Index(Dims, d)
			if i < 0 {
				return nil, fmt.Errorf("unknown dimension %q", d)
			}
			ga.idx = append(ga.idx, i)
			if !slices.Contains(c.need, i) {
				c.need = append(c.need, i)
			}
		}
		c.groups = append(c.groups, ga)
	}
	if !cfg.GroupsOnly {
		c.weeks, c.months = map[int64]*periodAcc{}, map[int64]*periodAcc{}
		c.skillIDs, c.skMonth, c.skBase = map[string]int32{}, map[[2]int64]int{}, map[int64]int{}
		c.rawSkill = map[string]int32{}
		c.roleIDs = map[string]int32{}
		c.life = newLifeGroups(c, []Dim{DimExperience})
		if c.window, err = lifeWindow(ctx, s, cfg.Filter.QueryID); err != nil {
			return nil, err
		}
	}
	if cfg.UniquePostings {
		p, copies, err := findCopies(ctx, s, cfg.Filter)
		if err != nil {
			return nil, err
		}
		p.Unique, c.copies, c.res.Postings = true, copies, &p
	}
	c.rosters, _ = s.(store.RosterReader)
	if !cfg.GroupsOnly {
		c.win.end = dataEnd(ctx, s, cfg.Filter, cfg.Now)
	}
	if err := s.EachVacancy(ctx, cfg.Filter, func(v store.Vacancy) error {
		if !c.hold(ctx, v) {
			c.add(v)
		}
		return ctx.Err()
	}); err != nil {
		c.abandon()
		return nil, fmt.Errorf("read vacancies: %w", err)
	}
	if err := c.replayRosters(ctx); err != nil {
		return nil, err
	}
	if !cfg.GroupsOnly && !c.skillsSeen && c.skBaseTotal() > 0 {
		// The store did not fill KeySkills in EachVacancy: count from EachSkill
		// (demand only; no monthly trend or premium then).
		if err := c.skillsFromEachSkill(ctx, s); err != nil {
			return nil, err
		}
	}
	c.finish()
	if !cfg.GroupsOnly {
		q, err := quality(ctx, s, cfg.Filter, rs)
		if err != nil {
			return nil, err
		}
		q.Vacancies, q.Open, q.Disclosed = c.total.vacancies, c.total.open, c.total.disclosed
		q.WithDetails = c.skBaseTotal()
		q.DisclosureShare = c.res.Total.DisclosureShare
		c.res.Quality = q
	}
	return c.res, nil
}

func (c *computer) skBaseTotal() int {
	n := 0
	for _, b := range c.skBase {
		n += b
	}
	return n
}

func (c *computer) dimValues(d Dim, v store.Vacancy, buf []kv) []kv {
	switch d {
	case DimRole:
		if len(v.Roles) == 0 {
			return append(buf, kv{"", Unknown})
		}
		for _, r := range v.Roles {
			buf = append(buf, kv{r.ID, or(r.Name, r.ID)})
		}
	case DimExperience:
		buf = append(buf, kv{v.ExperienceID, or(ExperienceNames[v.ExperienceID], or(v.ExperienceID, Unknown))})
	case DimArea:
		buf = append(buf, kv{v.AreaID, or(v.AreaName, or(c.areas.Name(v.AreaID), or(v.AreaID, Unknown)))})
	case DimRegion:
		r := c.areas.Region(v.AreaID)
		name := c.areas.Name(r)
		if name == "" && r == v.AreaID {
			name = v.AreaName
		}
		buf = append(buf, kv{r, or(name, or(r, Unknown))})
	case DimEmployer:
		if v.EmployerID == "" {
			buf = append(buf, kv{"", "анонимный работодатель"})
		} else {
			buf = append(buf, kv{v.EmployerID, or(v.EmployerName, v.EmployerID)})
		}
	case DimWorkFormat:
		if len(v.WorkFormat) == 0 {
			return append(buf, kv{"", Unknown})
		}
		for _, w := range v.WorkFormat {
			buf = append(buf, kv{w, or(WorkFormatNames[w], w)})
		}
	case DimEmploymentForm:
		buf = append(buf, kv{v.EmploymentFormID, or(EmploymentFormNames[v.EmploymentFormID], or(v.EmploymentFormID, Unknown))})
	}
	return buf
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (c *computer) add(v store.Vacancy) {
	sal := NormaliseRoster(v, c.roster, c.rates, c.cfg.Options)
	c.markCopy(v, &sal)
	open := v.ClosedAt == nil
	c.total.add(open, sal)
	c.mix(v, sal)

	for _, i := range c.need {
		c.vals[i] = c.dimValues(Dims[i], v, c.vals[i][:0])
	}
	for _, g := range c.groups {
		if len(g.dims) == 1 {
			for _, x := range c.vals[g.idx[0]] {
				a := g.groups[x.key]
				if a == nil {
					a = &acc{key: []string{x.key}, label: []string{x.label}}
					g.groups[x.key] = a
				}
				a.add(open, sal)
			}
			continue
		}
		c.addCombos(g, 0, nil, nil, open, sal)
	}
	if c.cfg.GroupsOnly {
		return
	}
	if !c.cfg.UniquePostings {
		c.posts.add(v)
	}
	c.addPeriods(v, sal, open)
	c.addSkills(v, sal)
	c.life.add(v)
}

func (c *computer) addCombos(g *groupingAcc, i int, keys, labels []string, open bool, sal Salary) {
	if i == len(g.dims) {
		k := strings.Join(keys, "\x1f")
		a := g.groups[k]
		if a == nil {
			a = &acc{key: slices.Clone(keys), label: slices.Clone(labels)}
			g.groups[k] = a
		}
		a.add(open, sal)
		return
	}
	for _, x := range c.vals[g.idx[i]] {
		c.addCombos(g, i+1, append(keys, x.key), append(labels, x.label), open, sal)
	}
}

func (c *computer) mix(v store.Vacancy, s Salary) {
	m := &c.res.Mix
	m.Vacancies++
	if !s.Disclosed() {
		return
	}
	m.Disclosed++
	switch s.Fork {
	case ForkBoth:
		m.ForkBoth++
	case ForkFrom:
		m.ForkFromOnly++
	case ForkTo:
		m.ForkToOnly++
	}
	m.Modes[s.Mode]++
	m.Currencies[s.Currency]++
	switch {
	case v.SalaryGross == nil:
		m.GrossUnknown++
	case *v.SalaryGross:
		m.Gross++
	default:
		m.Net++
	}
	if s.OK {
		m.Normalised++
	}
	if s.Flags.Has(FlagExcludedMode) {
		m.ExcludedMode++
	}
	if s.Flags.Has(FlagNoRate) {
		m.NoRate++
	}
	if s.Flags.Has(FlagRateAfter) {
		m.RateAfter++
	}
	if s.Flags.Has(FlagModeAssumed) {
		m.ModeAssumed++
	}
	if s.Flags.Has(FlagTaxConverted) {
		m.TaxConverted++
	}
	if s.Flags.Has(FlagOutlier) {
		m.OutliersAbs++
	}
	m.countRoster(s)
}

// civilDay is the number of the MSK calendar day of t since 1970-01-01.
func civilDay(t time.Time) int64 {
	u := t.Unix() + 3*3600
	d := u / 86400
	if u%86400 < 0 {
		d--
	}
	return d
}

func weekKey(t time.Time) int64 {
	d := civilDay(t)
	return d - ((d+3)%7+7)%7 // Monday
}

func monthKey(t time.Time) int64 {
	m := t.In(MSK)
	return int64(m.Year())*12 + int64(m.Month()) - 1
}

func dayStart(d int64) time.Time { return time.Unix(d*86400-3*3600, 0).In(MSK) }

func monthStart(k int64) time.Time {
	return time.Date(int(k/12), time.Month(k%12+1), 1, 0, 0, 0, 0, MSK)
}

func startOf(v store.Vacancy) time.Time {
	if !v.PublishedAt.IsZero() {
		return v.PublishedAt
	}
	return v.FirstSeenAt
}

func (c *computer) addPeriods(v store.Vacancy, s Salary, open bool) {
	pub := startOf(v)
	hasWF := len(v.WorkFormat) > 0
	remote, hybrid := slices.Contains(v.WorkFormat, "REMOTE"), slices.Contains(v.WorkFormat, "HYBRID")
	for _, p := range []struct {
		m   map[int64]*periodAcc
		key int64
	}{{c.weeks, weekKey(pub)}, {c.months, monthKey(pub)}} {
		a := p.m[p.key]
		if a == nil {
			a = &periodAcc{}
			p.m[p.key] = a
		}
		a.published++
		a.add(open, s)
		if hasWF {
			a.wfBase++
			if remote {
				a.remote++
			}
			if hybrid {
				a.hybrid++
			}
		}
	}
	if v.ClosedAt != nil {
		for _, p := range []struct {
			m   map[int64]*periodAcc
			key int64
		}{{c.weeks, weekKey(*v.ClosedAt)}, {c.months, monthKey(*v.ClosedAt)}} {
			a := p.m[p.key]
			if a == nil {
				a = &periodAcc{}
				p.m[p.key] = a
			}
			a.closed++
		}
	}
}

func (c *computer) role(r store.IDName) int32 {
	id, ok := c.roleIDs[r.ID]
	if !ok {
		id = int32(len(c.roles))
		c.roleIDs[r.ID] = id
		c.roles = append(c.roles, r)
	}
	return id
}

func (c *computer) addSkills(v store.Vacancy, s Salary) {
	if v.DetailFetchedAt == nil && v.KeySkills == nil {
		return
	}
	month := monthKey(startOf(v))
	c.skBase[month]++
	var ids []int32
	var sps []string
	for _, raw := range v.KeySkills {
		id, ok := c.rawSkill[raw]
		if !ok {
			id = c.skillID(raw)
			if len(c.rawSkill) < 200_000 { // bounded: real spellings repeat a lot
				c.rawSkill[raw] = id
			}
		}
		if id < 0 {
			continue
		}
		c.skillsSeen = true
		// Every spelling a vacancy lists is counted (once per vacancy), also
		// the second spelling of a skill it already has.
		if sp := strings.TrimSpace(raw); !slices.Contains(sps, sp) {
			sps = append(sps, sp)
			countSpelling(c.skills[id], sp)
		}
		if slices.Contains(ids, id) {
			continue // the same skill spelled twice in one vacancy counts once
		}
		ids = append(ids, id)
		c.skills[id].count++
		c.skMonth[[2]int64{int64(id), month}]++
	}
	c.addWindow(startOf(v), ids)
	if s.Usable() && len(v.Roles) > 0 {
		slices.Sort(ids)
		rec := salaryRec{monthly: s.MonthlyRUR, skills: ids, exp: uint8(slices.Index(ExperienceOrder, v.ExperienceID) + 1)}
		for _, r := range v.Roles {
			rec.roles = append(rec.roles, c.role(r))
		}
		c.recs = append(c.recs, rec)
	}
}

// skillID folds raw and returns its skill's id (−1 when it folds to nothing).
func (c *computer) skillID(raw string) int32 {
	key, name := c.cfg.Synonyms.Key(raw)
	if key == "" {
		return -1
	}
	id, ok := c.skillIDs[key]
	if !ok {
		id = int32(len(c.skills))
		c.skillIDs[key] = id
		c.skills = append(c.skills, &skillAcc{key: key, name: name, spellings: map[string]int{}})
	}
	return id
}

func (c *computer) skillsFromEachSkill(ctx context.Context, s store.Store) error {
	seen := map[[2]string]bool{}
	spelt := map[[2]string]bool{}
	return s.EachSkill(ctx, c.cfg.Filter, func(vid, raw string) error {
		key, name := c.cfg.Synonyms.Key(raw)
		if key == "" {
			return nil
		}
		id, ok := c.skillIDs[key]
		if !ok {
			id = int32(len(c.skills))
			c.skillIDs[key] = id
			c.skills = append(c.skills, &skillAcc{key: key, name: name, spellings: map[string]int{}})
		}
		sk := c.skills[id]
		if sp := strings.TrimSpace(raw); !spelt[[2]string{vid, sp}] {
			spelt[[2]string{vid, sp}] = true
			countSpelling(sk, sp)
		}
		if seen[[2]string{vid, key}] {
			return nil
		}
		seen[[2]string{vid, key}] = true
		sk.count++
		return ctx.Err()
	})
}

func sortGroups(gs []GroupStats) {
	slices.SortFunc(gs, func(a, b GroupStats) int {
		if c := cmp.Compare(b.Vacancies, a.Vacancies); c != 0 {
			return c
		}
		if c := cmp.Compare(strings.Join(a.Label, " "), strings.Join(b.Label, " ")); c != 0 {
			return c
		}
		return slices.Compare(a.Key, b.Key)
	})
}

func (c *computer) finish() {
	r := c.res
	r.Total = c.total.finish()
	r.Total.Label = []string{"Все вакансии"}
	if r.Mix.Vacancies > 0 {
		r.Mix.DisclosureShare = float64(r.Mix.Disclosed) / float64(r.Mix.Vacancies)
	}
	for _, g := range c.groups {
		out := Grouping{Dims: g.dims, Groups: make([]GroupStats, 0, len(g.groups))}
		for _, a := range g.groups {
			out.Groups = append(out.Groups, a.finish())
		}
		sortGroups(out.Groups)
		r.Groupings = append(r.Groupings, out)
	}
	c.withholdGroups()
	if c.cfg.GroupsOnly {
		return
	}
	if emp := r.Grouping(DimEmployer); emp != nil {
		er := &EmployerReport{}
		byOpen := slices.Clone(emp.Groups)
		slices.SortStableFunc(byOpen, func(a, b GroupStats) int { return cmp.Compare(b.Open, a.Open) })
		er.ByOpen = head(byOpen, c.cfg.TopEmployers)
		er.ByPay = head(rankByPay(emp.Groups, c.cfg.MinN), c.cfg.TopEmployers)
		r.Employers = er
		if !slices.ContainsFunc(c.cfg.Groupings, func(g []Dim) bool { return slices.Equal(g, []Dim{DimEmployer}) }) {
			r.Groupings = slices.DeleteFunc(r.Groupings, func(g Grouping) bool { return slices.Equal(g.Dims, []Dim{DimEmployer}) })
		}
	}
	r.Weekly = finishPeriods(c.weeks, dayStart)
	r.Monthly = finishPeriods(c.months, monthStart)
	c.withholdPeriods()
	r.Skills = c.finishSkills()
	r.Lifetime = c.life.lifetimeReport(c.window)
	if !c.cfg.UniquePostings {
		p, _ := c.posts.finish()
		r.Postings = &p
	}
}

func head[T any](s []T, n int) []T {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func finishPeriods(m map[int64]*periodAcc, start func(int64) time.Time) []Period {
	keys := make([]int64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]Period, 0, len(keys))
	for _, k := range keys {
		a := m[k]
		g := a.finish()
		p := Period{
			Start: start(k), Published: a.published, Closed: a.closed, Disclosed: a.disclosed,
			Salary: g.Salary, Outliers: g.OutliersAbs + g.OutliersIQR,
			WorkFormatBase: a.wfBase, Remote: a.remote, Hybrid: a.hybrid,
		}
		if a.wfBase > 0 {
			p.RemoteShare = float64(a.remote) / float64(a.wfBase)
			p.HybridShare = float64(a.hybrid) / float64(a.wfBase)
		}
		out = append(out, p)
	}
	return out
}

func (c *computer) finishSkills() *SkillReport {
	sr := &SkillReport{Base: c.skBaseTotal(), Distinct: len(c.skills)}
	if sr.Base == 0 {
		return sr
	}
	order := make([]int32, len(c.skills))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		if x := cmp.Compare(c.skills[b].count, c.skills[a].count); x != 0 {
			return x
		}
		return cmp.Compare(c.skills[a].key, c.skills[b].key)
	})
	order = head(order, c.cfg.TopSkills)
	months := make([]int64, 0, len(c.skBase))
	for m := range c.skBase {
		months = append(months, m)
	}
	slices.Sort(months)
	for _, id := range order {
		sk := c.skills[id]
		st := SkillStat{Key: sk.key, Name: sk.name, Vacancies: sk.count, Share: float64(sk.count) / float64(sr.Base), Spellings: sk.spellings}
		if st.Name == "" {
			st.Name = mostFrequent(sk.spellings)
		}
		for _, m := range months {
			n := c.skMonth[[2]int64{int64(id), m}]
			st.Monthly = append(st.Monthly, SharePoint{Start: monthStart(m), Base: c.skBase[m], Count: n, Share: float64(n) / float64(c.skBase[m])})
		}
		st.Recent, st.Previous = c.win.share(0, sk.win[0]), c.win.share(1, sk.win[1])
		prem := c.premium(id, st.Name)
		poolPremium(&st, prem)
		sr.Premiums = append(sr.Premiums, prem...)
		sr.Top = append(sr.Top, st)
	}
	c.recs = nil
	return sr
}

func mostFrequent(m map[string]int) string {
	best, n := "", -1
	for k, v := range m {
		if v > n || (v == n && k < best) {
			best, n = k, v
		}
	}
	return best
}

func quality(ctx context.Context, s store.Store, f store.Filter, rates []store.CurrencyRate) (*Quality, error) {
	q := &Quality{CurrencyRates: len(rates)}
	for _, r := range rates {
		if len(q.RateDates) == 0 || !q.RateDates[len(q.RateDates)-1].Equal(r.Date) {
			if !slices.ContainsFunc(q.RateDates, func(t time.Time) bool { return t.Equal(r.Date) }) {
				q.RateDates = append(q.RateDates, r.Date)
			}
		}
	}
	runs, err := s.Runs(ctx, f.QueryID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("runs: %w", err)
	}
	queries, err := s.Queries(ctx)
	if err != nil {
		return nil, fmt.Errorf("queries: %w", err)
	}
	names := map[int64]string{}
	for _, qq := range queries {
		names[qq.ID] = qq.Name
	}
	latest := map[int64]bool{}
	for _, r := range runs {
		if r.FinishedAt != nil && (q.LastSync == nil || r.FinishedAt.After(*q.LastSync)) {
			t := *r.FinishedAt
			q.LastSync = &t
		}
		if latest[r.QueryID] {
			continue
		}
		latest[r.QueryID] = true
		rq := RunQuality{QueryID: r.QueryID, Query: names[r.QueryID], RunID: r.ID, Status: r.Status, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt}
		sl, err := s.Slices(ctx, r.ID)
		if err != nil {
			return nil, fmt.Errorf("slices of run %d: %w", r.ID, err)
		}
		for _, x := range sl {
			if x.State == store.SliceSplit {
				continue
			}
			rq.Slices++
			switch x.State {
			case store.SliceTruncated:
				rq.Truncated++
				rq.FoundTruncated += x.Found
				rq.StoredTruncated += x.Stored
			case store.SliceFailed:
				rq.Failed++
			case store.SlicePending, store.SliceClaimed:
				rq.Unfinished++
			}
		}
		q.TruncatedSlices += rq.Truncated
		q.Runs = append(q.Runs, rq)
	}
	return q, nil
}
