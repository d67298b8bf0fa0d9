package hhapi

import (
	"encoding/json"
	"fmt"
	"time"
)

// IDName is hh.ru's ubiquitous {id, name} pair (dictionary entries, roles,
// experience, schedule, …). Ids are strings.
type IDName struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// AreaRef is the {id, name, url} area reference embedded in vacancies.
type AreaRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// Salary is the deprecated "salary" object. Bounds are nil when absent;
// Gross is "before tax".
type Salary struct {
	From     *int64 `json:"from"`
	To       *int64 `json:"to"`
	Currency string `json:"currency"`
	Gross    *bool  `json:"gross"`
}

// SalaryRange is "salary_range", the replacement of Salary (2025+).
type SalaryRange struct {
	From      *int64  `json:"from"`
	To        *int64  `json:"to"`
	Currency  string  `json:"currency"`
	Gross     *bool   `json:"gross"`
	Mode      *IDName `json:"mode"`      // e.g. MONTH, SHIFT (dict salary_range_mode)
	Frequency *IDName `json:"frequency"` // e.g. MONTHLY; may be null (dict salary_range_frequency)
}

// LogoURLs are employer logo links by size.
type LogoURLs struct {
	Size90   string `json:"90,omitempty"`
	Size240  string `json:"240,omitempty"`
	Original string `json:"original,omitempty"`
}

// VacancyEmployer is the employer object embedded in vacancies. ID is empty
// for anonymous vacancies (JSON null).
type VacancyEmployer struct {
	ID                   string    `json:"id"`
	Name                 string    `json:"name"`
	URL                  string    `json:"url"`
	AlternateURL         string    `json:"alternate_url"`
	VacanciesURL         string    `json:"vacancies_url"`
	LogoURLs             *LogoURLs `json:"logo_urls"`
	Trusted              bool      `json:"trusted"`
	AccreditedITEmployer bool      `json:"accredited_it_employer"`
	Blacklisted          *bool     `json:"blacklisted,omitempty"`
}

// MetroStation is an address's nearby station.
type MetroStation struct {
	StationID   string   `json:"station_id"`
	StationName string   `json:"station_name"`
	LineID      string   `json:"line_id"`
	LineName    string   `json:"line_name"`
	Lat         *float64 `json:"lat"`
	Lng         *float64 `json:"lng"`
}

// Address is a vacancy address.
type Address struct {
	City          string         `json:"city"`
	Street        string         `json:"street"`
	Building      string         `json:"building"`
	Description   string         `json:"description"`
	Lat           *float64       `json:"lat"`
	Lng           *float64       `json:"lng"`
	Raw           string         `json:"raw"`
	Metro         *MetroStation  `json:"metro"`
	MetroStations []MetroStation `json:"metro_stations"`
}

// Snippet holds search-result excerpts; query hits are wrapped in
// <highlighttext> tags.
type Snippet struct {
	Requirement    string `json:"requirement"`
	Responsibility string `json:"responsibility"`
}

// KeySkill is one entry of a full vacancy's key_skills.
type KeySkill struct {
	Name string `json:"name"`
}

// Language is a required language with its level.
type Language struct {
	ID    string  `json:"id"`
	Name  string  `json:"name"`
	Level *IDName `json:"level"`
}

// InsiderInterview links an employer interview.
type InsiderInterview struct {
	ID  string `json:"id"`
	URL string `json:"url"`
}

// VacancyItem is one item of a GET /vacancies search page (the short form:
// no description, no key_skills). Raw keeps the item's exact JSON.
type VacancyItem struct {
	ID                      string            `json:"id"`
	Name                    string            `json:"name"`
	Area                    AreaRef           `json:"area"`
	Salary                  *Salary           `json:"salary"`       // deprecated: prefer SalaryRange
	SalaryRange             *SalaryRange      `json:"salary_range"` // nil when not disclosed
	Type                    *IDName           `json:"type"`         // open, closed, anonymous, direct
	Experience              *IDName           `json:"experience"`
	Employment              *IDName           `json:"employment"` // deprecated: EmploymentForm
	EmploymentForm          *IDName           `json:"employment_form"`
	Schedule                *IDName           `json:"schedule"` // deprecated: WorkFormat, WorkScheduleByDays
	WorkFormat              []IDName          `json:"work_format"`
	WorkScheduleByDays      []IDName          `json:"work_schedule_by_days"`
	WorkingHours            []IDName          `json:"working_hours"`
	ProfessionalRoles       []IDName          `json:"professional_roles"`
	Employer                *VacancyEmployer  `json:"employer"`
	Address                 *Address          `json:"address"`
	Department              *IDName           `json:"department"`
	Snippet                 *Snippet          `json:"snippet"`
	PublishedAt             Time              `json:"published_at"`
	CreatedAt               Time              `json:"created_at"`
	Archived                LooseBool         `json:"archived"`
	Premium                 *bool             `json:"premium"`
	HasTest                 bool              `json:"has_test"`
	ResponseLetterRequired  bool              `json:"response_letter_required"`
	AcceptTemporary         *bool             `json:"accept_temporary"`
	AcceptIncompleteResumes *bool             `json:"accept_incomplete_resumes"`
	Internship              *bool             `json:"internship"`
	NightShifts             *bool             `json:"night_shifts"`
	ShowLogoInSearch        *bool             `json:"show_logo_in_search"`
	SortPointDistance       *float64          `json:"sort_point_distance"`
	InsiderInterview        *InsiderInterview `json:"insider_interview"`
	Relations               []string          `json:"relations"`
	URL                     string            `json:"url"`
	AlternateURL            string            `json:"alternate_url"`
	ApplyAlternateURL       string            `json:"apply_alternate_url"`
	ResponseURL             string            `json:"response_url"`

	// Raw is the exact JSON of this item as received.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the item and keeps a copy of its bytes in Raw.
func (v *VacancyItem) UnmarshalJSON(b []byte) error {
	type plain VacancyItem
	if err := json.Unmarshal(b, (*plain)(v)); err != nil {
		return err
	}
	v.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// Vacancy is a full GET /vacancies/{id} answer. Raw keeps the exact JSON
// (store it: the schema drifts and new fields appear).
type Vacancy struct {
	ID                      string            `json:"id"`
	Name                    string            `json:"name"`
	Code                    string            `json:"code"` // employer's internal code (null → "")
	Area                    AreaRef           `json:"area"`
	Salary                  *Salary           `json:"salary"` // deprecated: prefer SalaryRange
	SalaryRange             *SalaryRange      `json:"salary_range"`
	Type                    *IDName           `json:"type"`
	BillingType             *IDName           `json:"billing_type"` // free, standard, standard_plus, premium
	Experience              *IDName           `json:"experience"`
	Employment              *IDName           `json:"employment"` // deprecated
	EmploymentForm          *IDName           `json:"employment_form"`
	Schedule                *IDName           `json:"schedule"` // deprecated
	WorkFormat              []IDName          `json:"work_format"`
	WorkScheduleByDays      []IDName          `json:"work_schedule_by_days"`
	WorkingHours            []IDName          `json:"working_hours"`
	FlyInFlyOutDuration     []IDName          `json:"fly_in_fly_out_duration"`
	ProfessionalRoles       []IDName          `json:"professional_roles"`
	KeySkills               []KeySkill        `json:"key_skills"`
	Languages               []Language        `json:"languages"`
	DriverLicenseTypes      []IDName          `json:"driver_license_types"` // entries carry only an id
	Employer                *VacancyEmployer  `json:"employer"`
	Address                 *Address          `json:"address"`
	Department              *IDName           `json:"department"`
	Description             string            `json:"description"` // HTML
	PublishedAt             Time              `json:"published_at"`
	CreatedAt               Time              `json:"created_at"` // deprecated
	InitialCreatedAt        Time              `json:"initial_created_at"`
	Archived                LooseBool         `json:"archived"`
	Approved                *bool             `json:"approved"`
	Premium                 *bool             `json:"premium"`
	HasTest                 bool              `json:"has_test"`
	ResponseLetterRequired  bool              `json:"response_letter_required"`
	AcceptTemporary         *bool             `json:"accept_temporary"`
	AcceptHandicapped       *bool             `json:"accept_handicapped"`
	AcceptKids              *bool             `json:"accept_kids"`
	AcceptIncompleteResumes *bool             `json:"accept_incomplete_resumes"`
	Internship              *bool             `json:"internship"`
	NightShifts             *bool             `json:"night_shifts"`
	ClosedForApplicants     *bool             `json:"closed_for_applicants"`
	AllowMessages           *bool             `json:"allow_messages"`
	AgeRestriction          *IDName           `json:"age_restriction"`
	InsiderInterview        *InsiderInterview `json:"insider_interview"`
	Relations               []string          `json:"relations"`
	URL                     string            `json:"url"` // absent on GET /vacancies/{id}; kept for symmetry
	AlternateURL            string            `json:"alternate_url"`
	ApplyAlternateURL       string            `json:"apply_alternate_url"`
	ResponseURL             string            `json:"response_url"`

	// Raw is the exact JSON of the vacancy as received.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the vacancy and keeps a copy of its bytes in Raw.
func (v *Vacancy) UnmarshalJSON(b []byte) error {
	type plain Vacancy
	if err := json.Unmarshal(b, (*plain)(v)); err != nil {
		return err
	}
	v.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// SearchPage is one page of GET /vacancies.
type SearchPage struct {
	Found        int             `json:"found"` // total matches; only the first 2000 are reachable
	Pages        int             `json:"pages"`
	Page         int             `json:"page"`
	PerPage      int             `json:"per_page"`
	Items        []VacancyItem   `json:"items"`
	AlternateURL string          `json:"alternate_url,omitempty"`
	Clusters     json.RawMessage `json:"clusters,omitempty"`  // with clusters=true
	Arguments    json.RawMessage `json:"arguments,omitempty"` // with describe_arguments=true
	Fixes        json.RawMessage `json:"fixes,omitempty"`
	Suggests     json.RawMessage `json:"suggests,omitempty"`
	// Date is the response's Date header (the server's time of the page;
	// zero without one): the time the page observed its vacancies.
	Date time.Time `json:"-"`
}

// Currency is an entry of /dictionaries currency. Rate is units of this
// currency per 1 RUR, so amount_rur = amount / Rate.
type Currency struct {
	Code    string  `json:"code"` // RUR (not RUB), USD, EUR, …
	Abbr    string  `json:"abbr"`
	Name    string  `json:"name"`
	Default bool    `json:"default"`
	Rate    float64 `json:"rate"`
	InUse   bool    `json:"in_use"`
}

// Dictionaries is GET /dictionaries. Only the dictionaries a collector
// needs are typed; Lookup reads any other one from Raw.
type Dictionaries struct {
	Currency             []Currency `json:"currency"`
	Experience           []IDName   `json:"experience"`
	Employment           []IDName   `json:"employment"`
	EmploymentForm       []IDName   `json:"employment_form"`
	Schedule             []IDName   `json:"schedule"`
	WorkFormat           []IDName   `json:"work_format"`
	WorkScheduleByDays   []IDName   `json:"work_schedule_by_days"`
	WorkingHours         []IDName   `json:"working_hours"`
	SalaryRangeMode      []IDName   `json:"salary_range_mode"`
	SalaryRangeFrequency []IDName   `json:"salary_range_frequency"`
	EmployerType         []IDName   `json:"employer_type"`
	EducationLevel       []IDName   `json:"education_level"`
	VacancyType          []IDName   `json:"vacancy_type"`
	VacancyLabel         []IDName   `json:"vacancy_label"`
	VacancyBillingType   []IDName   `json:"vacancy_billing_type"`
	VacancySearchOrder   []IDName   `json:"vacancy_search_order"`
	VacancySearchFields  []IDName   `json:"vacancy_search_fields"`

	// Raw is the whole /dictionaries body.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the dictionaries and keeps the bytes in Raw.
func (d *Dictionaries) UnmarshalJSON(b []byte) error {
	type plain Dictionaries
	if err := json.Unmarshal(b, (*plain)(d)); err != nil {
		return err
	}
	d.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// Lookup decodes the named dictionary (e.g. "working_days") from Raw as
// {id, name} entries. Unknown names are an error.
func (d *Dictionaries) Lookup(name string) ([]IDName, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(d.Raw, &all); err != nil {
		return nil, fmt.Errorf("hhapi: dictionaries: %w", err)
	}
	raw, ok := all[name]
	if !ok {
		return nil, fmt.Errorf("hhapi: no dictionary %q", name)
	}
	var out []IDName
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("hhapi: dictionary %q: %w", name, err)
	}
	return out, nil
}

// CurrencyByCode returns the currency entry with the given code.
func (d *Dictionaries) CurrencyByCode(code string) (Currency, bool) {
	for _, c := range d.Currency {
		if c.Code == code {
			return c, true
		}
	}
	return Currency{}, false
}

// Area is a node of the GET /areas tree (also /areas/{id} and the flat
// /areas/countries list, whose entries carry URL instead of children).
type Area struct {
	ID                string   `json:"id"`
	ParentID          *string  `json:"parent_id"` // nil for roots
	Name              string   `json:"name"`
	Areas             []Area   `json:"areas"`
	UTCOffset         string   `json:"utc_offset,omitempty"` // e.g. "+03:00" (2026 data)
	Lat               *float64 `json:"lat,omitempty"`
	Lng               *float64 `json:"lng,omitempty"`
	URL               string   `json:"url,omitempty"`
	NamePrepositional string   `json:"name_prepositional,omitempty"`
}

// IsLeaf reports whether a has no children.
func (a *Area) IsLeaf() bool { return len(a.Areas) == 0 }

// WalkAreas and FlattenAreas are used only by tests (the sandbox and the
// decoder tests check whole area trees with them).

// Role is a professional role.
type Role struct {
	ID                      string `json:"id"`
	Name                    string `json:"name"`
	AcceptIncompleteResumes bool   `json:"accept_incomplete_resumes"`
	IsDefault               bool   `json:"is_default"`
	SearchDeprecated        bool   `json:"search_deprecated"` // skip when building searches
	SelectDeprecated        bool   `json:"select_deprecated"`
}

// RoleCategory groups roles; a role may appear in several categories.
type RoleCategory struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Roles []Role `json:"roles"`
}

// RoleCatalog is GET /professional_roles.
type RoleCatalog struct {
	Categories []RoleCategory `json:"categories"`
}

// Roles returns every role once (deduplicated by id, first occurrence wins,
// catalogue order).
func (c *RoleCatalog) Roles() []Role {
	seen := make(map[string]bool)
	var out []Role
	for _, cat := range c.Categories {
		for _, r := range cat.Roles {
			if !seen[r.ID] {
				seen[r.ID] = true
				out = append(out, r)
			}
		}
	}
	return out
}

// Industry is a node of GET /industries: top-level industries hold
// sub-industries ("7" → "7.540"); both ids work in industry=.
type Industry struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Industries []Industry `json:"industries,omitempty"`
}

// Employer is GET /employers/{id}.
type Employer struct {
	ID                   string    `json:"id"`
	Name                 string    `json:"name"`
	Type                 string    `json:"type"` // company, agency, … (dict employer_type); null → ""
	SiteURL              string    `json:"site_url"`
	Description          string    `json:"description"` // HTML
	AlternateURL         string    `json:"alternate_url"`
	VacanciesURL         string    `json:"vacancies_url"`
	OpenVacancies        *int      `json:"open_vacancies"`
	Trusted              bool      `json:"trusted"`
	AccreditedITEmployer bool      `json:"accredited_it_employer"`
	LogoURLs             *LogoURLs `json:"logo_urls"`
	Area                 *AreaRef  `json:"area"`
	Industries           []IDName  `json:"industries"`
	Relations            []string  `json:"relations"`

	// Raw is the exact JSON of the employer as received.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the employer and keeps its bytes in Raw.
func (e *Employer) UnmarshalJSON(b []byte) error {
	type plain Employer
	if err := json.Unmarshal(b, (*plain)(e)); err != nil {
		return err
	}
	e.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// AreaID returns the employer's area id ("" when unknown).
func (e *Employer) AreaID() string {
	if e.Area == nil {
		return ""
	}
	return e.Area.ID
}

// Me is GET /me: which kind of token we hold. With an application token
// only AuthType ("application") and the Is* flags are set.
type Me struct {
	AuthType      string `json:"auth_type"` // application, applicant, employer
	IsApplication bool   `json:"is_application"`
	IsEmployer    bool   `json:"is_employer"`
	IsApplicant   bool   `json:"is_applicant"`
	IsAdmin       bool   `json:"is_admin"`
	IsAnonymous   bool   `json:"is_anonymous,omitempty"`
	ID            string `json:"id,omitempty"`
	Email         string `json:"email,omitempty"`
	FirstName     string `json:"first_name,omitempty"`
	LastName      string `json:"last_name,omitempty"`
	MiddleName    string `json:"middle_name,omitempty"`

	// Raw is the exact JSON of the answer.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes /me and keeps its bytes in Raw.
func (m *Me) UnmarshalJSON(b []byte) error {
	type plain Me
	if err := json.Unmarshal(b, (*plain)(m)); err != nil {
		return err
	}
	m.Raw = append(json.RawMessage(nil), b...)
	return nil
}
