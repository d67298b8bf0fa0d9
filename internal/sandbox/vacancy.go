package sandbox

import (
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/hhjobs/hhjobs/internal/hhtime"
)

const (
	apiBase  = "https://api.hh.ru"
	siteBase = "https://hh.ru"
	// hhTimeLayout is hh.ru's timestamp format (offset without a colon).
	hhTimeLayout = hhtime.Layout
)

// msk is the fixed Moscow offset every timestamp is rendered in.
var msk = hhtime.Moscow

func fmtTime(unix int64) string { return time.Unix(unix, 0).In(msk).Format(hhTimeLayout) }

type salaryInfo struct {
	from, to *int
	cur      string
	gross    bool
	mode     string // salary_range_mode id
	freq     string // salary_range_frequency id, "" = null
	// bounds converted to roubles (0 when the bound is absent)
	minRUR, maxRUR float64
}

type logoURLs struct {
	Original string `json:"original"`
	L90      string `json:"90"`
	L240     string `json:"240"`
}

type employer struct {
	id         string // "" for anonymous vacancies
	name       string
	nameTok    []string
	trusted    bool
	accredited bool
	logo       *logoURLs
	industries []idName // sub-industries
	area       *areaNode
	typ        string
	countryID  int
	site       string
	descr      string
}

type metroJSON struct {
	StationName string  `json:"station_name"`
	LineName    string  `json:"line_name"`
	StationID   string  `json:"station_id"`
	LineID      string  `json:"line_id"`
	Lat         float64 `json:"lat"`
	Lng         float64 `json:"lng"`
}

type addressJSON struct {
	City          *string     `json:"city"`
	Street        *string     `json:"street"`
	Building      *string     `json:"building"`
	Lat           *float64    `json:"lat"`
	Lng           *float64    `json:"lng"`
	Description   *string     `json:"description"`
	Raw           *string     `json:"raw"`
	Metro         *metroJSON  `json:"metro"`
	MetroStations []metroJSON `json:"metro_stations"`
}

type langJSON struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Level idName `json:"level"`
}

type insiderJSON struct {
	ID  string `json:"id"`
	URL string `json:"url"`
}

type vacancy struct {
	// hot fields first: match reads them for every candidate
	archived, removed bool
	published         int64 // unix seconds
	area              *areaNode
	roles             []string

	id      int64
	ids     string
	name    string
	nameTok []string
	emp     *employer
	initial int64
	sal     *salaryInfo

	exp, empForm, schedule, employment string
	workFormat, wsbd, hours            []string
	intervals                          []string // working_time_intervals ids
	skills                             []string
	desc                               []int32 // indices into the paragraph pool
	addr                               *addressJSON
	billing, vtype                     string
	dept                               *idName
	insider                            *insiderJSON
	hasTest, respLetter                bool
	acceptHandicapped, acceptTemporary bool
	acceptKids, internship, night      bool
	acceptIncomplete, showContacts     bool
	allowMessages, autoResponse        bool
	languages                          []langJSON
	code                               *string
	showLogo                           *bool
	responses                          int
	relKey                             uint64 // relevance order key

	// item caches the marshalled search item (without the per-query
	// sort_point_distance / counters); reset whenever the vacancy changes.
	item atomic.Pointer[[]byte]
}

// ---- JSON shapes --------------------------------------------------------

type areaRefJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

type salaryJSON struct {
	From     *int   `json:"from"`
	To       *int   `json:"to"`
	Currency string `json:"currency"`
	Gross    bool   `json:"gross"`
}

type salaryRangeJSON struct {
	From      *int    `json:"from"`
	To        *int    `json:"to"`
	Currency  string  `json:"currency"`
	Gross     bool    `json:"gross"`
	Mode      idName  `json:"mode"`
	Frequency *idName `json:"frequency"`
}

type employerRefJSON struct {
	ID           *string   `json:"id"`
	Name         string    `json:"name"`
	URL          *string   `json:"url"`
	AlternateURL *string   `json:"alternate_url"`
	LogoURLs     *logoURLs `json:"logo_urls"`
	VacanciesURL *string   `json:"vacancies_url"`
	CountryID    int       `json:"country_id"`
	Accredited   bool      `json:"accredited_it_employer"`
	Trusted      bool      `json:"trusted"`
}

type skillJSON struct {
	Name string `json:"name"`
}

type testJSON struct {
	Required bool `json:"required"`
}

type autoResponseJSON struct {
	AcceptAutoResponse bool `json:"accept_auto_response"`
}

// fullVacancyJSON is GET /vacancies/{id}: the 61 keys of the real 2025
// sample, in the sample's order.
type fullVacancyJSON struct {
	ID                         string           `json:"id"`
	Premium                    bool             `json:"premium"`
	BillingType                idName           `json:"billing_type"`
	Relations                  []string         `json:"relations"`
	Name                       string           `json:"name"`
	InsiderInterview           *insiderJSON     `json:"insider_interview"`
	ResponseLetterRequired     bool             `json:"response_letter_required"`
	Area                       areaRefJSON      `json:"area"`
	Salary                     *salaryJSON      `json:"salary"`
	SalaryRange                *salaryRangeJSON `json:"salary_range"`
	Type                       idName           `json:"type"`
	Address                    *addressJSON     `json:"address"`
	AllowMessages              bool             `json:"allow_messages"`
	Experience                 idName           `json:"experience"`
	Schedule                   idName           `json:"schedule"`
	Employment                 idName           `json:"employment"`
	Department                 *idName          `json:"department"`
	ShowContacts               bool             `json:"show_contacts"`
	Contacts                   *struct{}        `json:"contacts"`
	Description                string           `json:"description"`
	BrandedDescription         *string          `json:"branded_description"`
	VacancyConstructorTemplate *struct{}        `json:"vacancy_constructor_template"`
	KeySkills                  []skillJSON      `json:"key_skills"`
	AutoResponse               autoResponseJSON `json:"auto_response"`
	AcceptHandicapped          bool             `json:"accept_handicapped"`
	AcceptKids                 bool             `json:"accept_kids"`
	AgeRestriction             *idName          `json:"age_restriction"`
	Archived                   bool             `json:"archived"`
	ResponseURL                *string          `json:"response_url"`
	Specializations            []idName         `json:"specializations"`
	ProfessionalRoles          []idName         `json:"professional_roles"`
	Code                       *string          `json:"code"`
	Hidden                     bool             `json:"hidden"`
	QuickResponsesAllowed      bool             `json:"quick_responses_allowed"`
	DriverLicenseTypes         []idName         `json:"driver_license_types"`
	AcceptIncompleteResumes    bool             `json:"accept_incomplete_resumes"`
	Employer                   employerRefJSON  `json:"employer"`
	PublishedAt                string           `json:"published_at"`
	CreatedAt                  string           `json:"created_at"`
	InitialCreatedAt           string           `json:"initial_created_at"`
	NegotiationsURL            *string          `json:"negotiations_url"`
	SuitableResumesURL         *string          `json:"suitable_resumes_url"`
	ApplyAlternateURL          string           `json:"apply_alternate_url"`
	HasTest                    bool             `json:"has_test"`
	Test                       *testJSON        `json:"test"`
	AlternateURL               string           `json:"alternate_url"`
	WorkingDays                []idName         `json:"working_days"`
	WorkingTimeIntervals       []idName         `json:"working_time_intervals"`
	WorkingTimeModes           []idName         `json:"working_time_modes"`
	AcceptTemporary            bool             `json:"accept_temporary"`
	Languages                  []langJSON       `json:"languages"`
	Approved                   bool             `json:"approved"`
	EmploymentForm             idName           `json:"employment_form"`
	FlyInFlyOutDuration        []idName         `json:"fly_in_fly_out_duration"`
	Internship                 bool             `json:"internship"`
	NightShifts                bool             `json:"night_shifts"`
	WorkFormat                 []idName         `json:"work_format"`
	WorkScheduleByDays         []idName         `json:"work_schedule_by_days"`
	WorkingHours               []idName         `json:"working_hours"`
	ShowLogoInSearch           *bool            `json:"show_logo_in_search"`
	ClosedForApplicants        bool             `json:"closed_for_applicants"`
}

type snippetJSON struct {
	Requirement    *string `json:"requirement"`
	Responsibility *string `json:"responsibility"`
}

type countersJSON struct {
	Responses      int `json:"responses"`
	TotalResponses int `json:"total_responses"`
}

// searchItemJSON is one item of GET /vacancies (REFERENCE §6.5, the short
// form: no description, no key_skills). sort_point_distance and counters
// appear only when requested (order_by=distance, responses_count_enabled).
type searchItemJSON struct {
	ID                      string           `json:"id"`
	Premium                 bool             `json:"premium"`
	Name                    string           `json:"name"`
	Department              *idName          `json:"department"`
	HasTest                 bool             `json:"has_test"`
	ResponseLetterRequired  bool             `json:"response_letter_required"`
	Area                    areaRefJSON      `json:"area"`
	Salary                  *salaryJSON      `json:"salary"`
	SalaryRange             *salaryRangeJSON `json:"salary_range"`
	Type                    idName           `json:"type"`
	Address                 *addressJSON     `json:"address"`
	ResponseURL             *string          `json:"response_url"`
	SortPointDistance       *float64         `json:"sort_point_distance,omitempty"`
	PublishedAt             string           `json:"published_at"`
	CreatedAt               string           `json:"created_at"`
	Archived                bool             `json:"archived"`
	ApplyAlternateURL       string           `json:"apply_alternate_url"`
	ShowLogoInSearch        *bool            `json:"show_logo_in_search"`
	ShowContacts            bool             `json:"show_contacts"`
	InsiderInterview        *insiderJSON     `json:"insider_interview"`
	URL                     string           `json:"url"`
	AlternateURL            string           `json:"alternate_url"`
	Relations               []string         `json:"relations"`
	Employer                employerRefJSON  `json:"employer"`
	Snippet                 snippetJSON      `json:"snippet"`
	Contacts                *struct{}        `json:"contacts"`
	Schedule                idName           `json:"schedule"`
	WorkingDays             []idName         `json:"working_days"`
	WorkingTimeIntervals    []idName         `json:"working_time_intervals"`
	WorkingTimeModes        []idName         `json:"working_time_modes"`
	AcceptTemporary         bool             `json:"accept_temporary"`
	FlyInFlyOutDuration     []idName         `json:"fly_in_fly_out_duration"`
	WorkFormat              []idName         `json:"work_format"`
	WorkingHours            []idName         `json:"working_hours"`
	WorkScheduleByDays      []idName         `json:"work_schedule_by_days"`
	NightShifts             bool             `json:"night_shifts"`
	ProfessionalRoles       []idName         `json:"professional_roles"`
	AcceptIncompleteResumes bool             `json:"accept_incomplete_resumes"`
	Experience              idName           `json:"experience"`
	Employment              idName           `json:"employment"`
	EmploymentForm          idName           `json:"employment_form"`
	Internship              bool             `json:"internship"`
	VideoVacancy            *struct{}        `json:"video_vacancy"`
	Counters                *countersJSON    `json:"counters,omitempty"`
}

func strp(s string) *string { return &s }

func (s *Server) areaRef(a *areaNode) areaRefJSON {
	return areaRefJSON{ID: a.ID, Name: a.Name, URL: apiBase + "/areas/" + a.ID}
}

func (s *Server) idNames(dict string, ids []string) []idName {
	out := make([]idName, 0, len(ids))
	for _, id := range ids {
		out = append(out, idName{id, s.ref.dictName(dict, id)})
	}
	return out
}

func (s *Server) salaryJSON(v *vacancy) (*salaryJSON, *salaryRangeJSON) {
	if v.sal == nil {
		return nil, nil
	}
	sa := v.sal
	sr := &salaryRangeJSON{From: sa.from, To: sa.to, Currency: sa.cur, Gross: sa.gross,
		Mode: idName{sa.mode, s.ref.dictName("salary_range_mode", sa.mode)}}
	if sa.freq != "" {
		sr.Frequency = &idName{sa.freq, s.ref.dictName("salary_range_frequency", sa.freq)}
	}
	return &salaryJSON{From: sa.from, To: sa.to, Currency: sa.cur, Gross: sa.gross}, sr
}

func (s *Server) employerRef(e *employer) employerRefJSON {
	if e.id == "" {
		return employerRefJSON{Name: e.name, CountryID: e.countryID}
	}
	return employerRefJSON{
		ID:           strp(e.id),
		Name:         e.name,
		URL:          strp(apiBase + "/employers/" + e.id),
		AlternateURL: strp(siteBase + "/employer/" + e.id),
		LogoURLs:     e.logo,
		VacanciesURL: strp(apiBase + "/vacancies?employer_id=" + e.id),
		CountryID:    e.countryID,
		Accredited:   e.accredited,
		Trusted:      e.trusted,
	}
}

func (s *Server) roleRefs(v *vacancy) []idName {
	out := make([]idName, 0, len(v.roles))
	for _, r := range v.roles {
		out = append(out, idName{r, s.ref.roles[r]})
	}
	return out
}

func (s *Server) fullJSON(v *vacancy) *fullVacancyJSON {
	sal, sr := s.salaryJSON(v)
	skills := make([]skillJSON, 0, len(v.skills))
	for _, k := range v.skills {
		skills = append(skills, skillJSON{k})
	}
	var test *testJSON
	if v.hasTest {
		test = &testJSON{Required: true}
	}
	langs := v.languages
	if langs == nil {
		langs = []langJSON{}
	}
	return &fullVacancyJSON{
		ID:                      v.ids,
		Premium:                 v.billing == "premium",
		BillingType:             idName{v.billing, s.ref.dictName("vacancy_billing_type", v.billing)},
		Relations:               []string{},
		Name:                    v.name,
		InsiderInterview:        v.insider,
		ResponseLetterRequired:  v.respLetter,
		Area:                    s.areaRef(v.area),
		Salary:                  sal,
		SalaryRange:             sr,
		Type:                    idName{v.vtype, s.ref.dictName("vacancy_type", v.vtype)},
		Address:                 v.addr,
		AllowMessages:           v.allowMessages,
		Experience:              idName{v.exp, s.ref.dictName("experience", v.exp)},
		Schedule:                idName{v.schedule, s.ref.dictName("schedule", v.schedule)},
		Employment:              idName{v.employment, s.ref.dictName("employment", v.employment)},
		Department:              v.dept,
		ShowContacts:            v.showContacts,
		Description:             s.pool.html(v.desc),
		KeySkills:               skills,
		AutoResponse:            autoResponseJSON{v.autoResponse},
		AcceptHandicapped:       v.acceptHandicapped,
		AcceptKids:              v.acceptKids,
		Archived:                v.archived,
		Specializations:         []idName{},
		ProfessionalRoles:       s.roleRefs(v),
		Code:                    v.code,
		DriverLicenseTypes:      []idName{},
		AcceptIncompleteResumes: v.acceptIncomplete,
		Employer:                s.employerRef(v.emp),
		PublishedAt:             fmtTime(v.published),
		CreatedAt:               fmtTime(v.published),
		InitialCreatedAt:        fmtTime(v.initial),
		ApplyAlternateURL:       siteBase + "/applicant/vacancy_response?vacancyId=" + v.ids,
		HasTest:                 v.hasTest,
		Test:                    test,
		AlternateURL:            siteBase + "/vacancy/" + v.ids,
		WorkingDays:             []idName{},
		WorkingTimeIntervals:    s.idNames("working_time_intervals", v.intervals),
		WorkingTimeModes:        []idName{},
		AcceptTemporary:         v.acceptTemporary,
		Languages:               langs,
		Approved:                true,
		EmploymentForm:          idName{v.empForm, s.ref.dictName("employment_form", v.empForm)},
		FlyInFlyOutDuration:     []idName{},
		Internship:              v.internship,
		NightShifts:             v.night,
		WorkFormat:              s.idNames("work_format", v.workFormat),
		WorkScheduleByDays:      s.idNames("work_schedule_by_days", v.wsbd),
		WorkingHours:            s.idNames("working_hours", v.hours),
		ShowLogoInSearch:        v.showLogo,
	}
}

func (s *Server) itemJSON(v *vacancy, q *query) *searchItemJSON {
	sal, sr := s.salaryJSON(v)
	req, resp := s.pool.snippet(v.desc)
	it := &searchItemJSON{
		ID:                      v.ids,
		Premium:                 v.billing == "premium",
		Name:                    v.name,
		Department:              v.dept,
		HasTest:                 v.hasTest,
		ResponseLetterRequired:  v.respLetter,
		Area:                    s.areaRef(v.area),
		Salary:                  sal,
		SalaryRange:             sr,
		Type:                    idName{v.vtype, s.ref.dictName("vacancy_type", v.vtype)},
		Address:                 v.addr,
		PublishedAt:             fmtTime(v.published),
		CreatedAt:               fmtTime(v.published),
		Archived:                v.archived,
		ApplyAlternateURL:       siteBase + "/applicant/vacancy_response?vacancyId=" + v.ids,
		ShowLogoInSearch:        v.showLogo,
		ShowContacts:            v.showContacts,
		InsiderInterview:        v.insider,
		URL:                     apiBase + "/vacancies/" + v.ids + "?host=hh.ru",
		AlternateURL:            siteBase + "/vacancy/" + v.ids,
		Relations:               []string{},
		Employer:                s.employerRef(v.emp),
		Snippet:                 snippetJSON{req, resp},
		Schedule:                idName{v.schedule, s.ref.dictName("schedule", v.schedule)},
		WorkingDays:             []idName{},
		WorkingTimeIntervals:    s.idNames("working_time_intervals", v.intervals),
		WorkingTimeModes:        []idName{},
		AcceptTemporary:         v.acceptTemporary,
		FlyInFlyOutDuration:     []idName{},
		WorkFormat:              s.idNames("work_format", v.workFormat),
		WorkingHours:            s.idNames("working_hours", v.hours),
		WorkScheduleByDays:      s.idNames("work_schedule_by_days", v.wsbd),
		NightShifts:             v.night,
		ProfessionalRoles:       s.roleRefs(v),
		AcceptIncompleteResumes: v.acceptIncomplete,
		Experience:              idName{v.exp, s.ref.dictName("experience", v.exp)},
		Employment:              idName{v.employment, s.ref.dictName("employment", v.employment)},
		EmploymentForm:          idName{v.empForm, s.ref.dictName("employment_form", v.empForm)},
		Internship:              v.internship,
	}
	if q != nil && q.sortPoint {
		d := distanceTo(v, q.sortLat, q.sortLng)
		it.SortPointDistance = &d
	}
	if q != nil && q.responsesCount {
		it.Counters = &countersJSON{Responses: v.responses, TotalResponses: v.responses}
	}
	return it
}

// ---- text --------------------------------------------------------------

// tokenize lower-cases s, folds ё to е and splits it into words of
// letters and digits.
func tokenize(s string) []string {
	s = strings.ToLower(s)
	s = strings.ReplaceAll(s, "ё", "е")
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '+' || r == '#')
	})
}

func containsTok(toks []string, w string) bool {
	for _, t := range toks {
		if t == w {
			return true
		}
	}
	return false
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
