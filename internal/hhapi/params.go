package hhapi

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultPerPage is the page size SearchParams sends when PerPage is 0
// (hh.ru's maximum; (page+1)*per_page must stay <= 2000).
const DefaultPerPage = 100

// SearchParams are the GET /vacancies query parameters. Zero values are
// not sent. Multi-valued fields repeat their key (area=1&area=2).
type SearchParams struct {
	Text             string
	SearchField      []string // name, company_name, description
	ExcludedText     string
	Area             []string
	ProfessionalRole []string
	Industry         []string
	EmployerID       []string
	Experience       []string // noExperience, between1And3, between3And6, moreThan6
	EmploymentForm   []string
	WorkFormat       []string
	Schedule         []string // deprecated by hh.ru
	Employment       []string // deprecated by hh.ru
	Salary           *int64
	Currency         string
	OnlyWithSalary   bool
	Label            []string
	Period           int       // days (max 30); exclusive with DateFrom/DateTo
	DateFrom         time.Time // zero = unset; sent as 2006-01-02T15:04:05-0700
	DateTo           time.Time
	OrderBy          string // publication_time, salary_desc, salary_asc, relevance, distance
	NoMagic          bool   // true = don't let hh rewrite Text into filters (use for analytics)
	Page             int
	// PerPage 0 sends DefaultPerPage; set Probe to send per_page=0 (read
	// only "found", no items).
	PerPage int
	Probe   bool
	// Extra holds any other parameter (e.g. from --param); its values are
	// added after the typed ones.
	Extra url.Values
}

// search parameter keys modelled by SearchParams.
const (
	kText             = "text"
	kSearchField      = "search_field"
	kExcludedText     = "excluded_text"
	kArea             = "area"
	kProfessionalRole = "professional_role"
	kIndustry         = "industry"
	kEmployerID       = "employer_id"
	kExperience       = "experience"
	kEmploymentForm   = "employment_form"
	kWorkFormat       = "work_format"
	kSchedule         = "schedule"
	kEmployment       = "employment"
	kSalary           = "salary"
	kCurrency         = "currency"
	kOnlyWithSalary   = "only_with_salary"
	kLabel            = "label"
	kPeriod           = "period"
	kDateFrom         = "date_from"
	kDateTo           = "date_to"
	kOrderBy          = "order_by"
	kNoMagic          = "no_magic"
	kPage             = "page"
	kPerPage          = "per_page"
)

func (p *SearchParams) multi() []struct {
	key string
	v   *[]string
} {
	return []struct {
		key string
		v   *[]string
	}{
		{kSearchField, &p.SearchField}, {kArea, &p.Area}, {kProfessionalRole, &p.ProfessionalRole},
		{kIndustry, &p.Industry}, {kEmployerID, &p.EmployerID}, {kExperience, &p.Experience},
		{kEmploymentForm, &p.EmploymentForm}, {kWorkFormat, &p.WorkFormat}, {kSchedule, &p.Schedule},
		{kEmployment, &p.Employment}, {kLabel, &p.Label},
	}
}

func (p *SearchParams) single() []struct {
	key string
	v   *string
} {
	return []struct {
		key string
		v   *string
	}{{kText, &p.Text}, {kExcludedText, &p.ExcludedText}, {kCurrency, &p.Currency}, {kOrderBy, &p.OrderBy}}
}

// Values encodes p as a query. url.Values.Encode escapes the "+" of date
// offsets as %2B, as hh.ru requires.
func (p SearchParams) Values() url.Values {
	v := url.Values{}
	for _, s := range p.single() {
		if *s.v != "" {
			v.Set(s.key, *s.v)
		}
	}
	for _, m := range p.multi() {
		for _, x := range *m.v {
			v.Add(m.key, x)
		}
	}
	if p.Salary != nil {
		v.Set(kSalary, strconv.FormatInt(*p.Salary, 10))
	}
	if p.OnlyWithSalary {
		v.Set(kOnlyWithSalary, "true")
	}
	if p.Period > 0 {
		v.Set(kPeriod, strconv.Itoa(p.Period))
	}
	if !p.DateFrom.IsZero() {
		v.Set(kDateFrom, p.DateFrom.Format(TimeLayout))
	}
	if !p.DateTo.IsZero() {
		v.Set(kDateTo, p.DateTo.Format(TimeLayout))
	}
	if p.NoMagic {
		v.Set(kNoMagic, "true")
	}
	v.Set(kPage, strconv.Itoa(p.Page))
	switch {
	case p.Probe:
		v.Set(kPerPage, "0")
	case p.PerPage > 0:
		v.Set(kPerPage, strconv.Itoa(p.PerPage))
	default:
		v.Set(kPerPage, strconv.Itoa(DefaultPerPage))
	}
	for k, xs := range p.Extra {
		for _, x := range xs {
			v.Add(k, x)
		}
	}
	return v
}

// ParseSearchValues is the inverse of Values: known keys fill the typed
// fields, anything else goes to Extra. Values that do not fit a typed field
// (a bare date "2025-01-02", only_with_salary=false, a repeated single key)
// are kept verbatim in Extra so nothing the user asked for is lost.
// Malformed numbers and booleans are errors, and so is a repeated page or
// per_page.
func ParseSearchValues(q url.Values) (SearchParams, error) {
	var p SearchParams
	extra := func(k string, xs ...string) {
		if p.Extra == nil {
			p.Extra = url.Values{}
		}
		p.Extra[k] = append(p.Extra[k], xs...)
	}
	singles := map[string]*string{}
	for _, s := range p.single() {
		singles[s.key] = s.v
	}
	multis := map[string]*[]string{}
	for _, m := range p.multi() {
		multis[m.key] = m.v
	}
	for k, xs := range q {
		if len(xs) == 0 {
			continue
		}
		if m, ok := multis[k]; ok {
			*m = append([]string(nil), xs...)
			continue
		}
		if s, ok := singles[k]; ok && len(xs) == 1 {
			*s = xs[0]
			continue
		}
		if len(xs) != 1 {
			if k == kPage || k == kPerPage {
				// Values always sends its own page and per_page: extra copies
				// would pile up on every round trip.
				return SearchParams{}, fmt.Errorf("search parameter %s given %d times", k, len(xs))
			}
			extra(k, xs...)
			continue
		}
		x := xs[0]
		var err error
		switch k {
		case kSalary:
			var n int64
			n, err = strconv.ParseInt(x, 10, 64)
			p.Salary = &n
		case kOnlyWithSalary, kNoMagic:
			var b bool
			b, err = strconv.ParseBool(x)
			if err == nil && !b {
				extra(k, x)
			}
			if k == kOnlyWithSalary {
				p.OnlyWithSalary = b
			} else {
				p.NoMagic = b
			}
		case kPeriod:
			p.Period, err = parseNonNeg(x)
		case kPage:
			p.Page, err = parseNonNeg(x)
		case kPerPage:
			p.PerPage, err = parseNonNeg(x)
			p.Probe = err == nil && p.PerPage == 0
		case kDateFrom, kDateTo:
			if len(x) == len("2006-01-02") {
				extra(k, x) // date-only: keep hh.ru's own interpretation
				break
			}
			var t time.Time
			t, err = ParseTime(x)
			if k == kDateFrom {
				p.DateFrom = t
			} else {
				p.DateTo = t
			}
		default:
			extra(k, x)
		}
		if err != nil {
			return SearchParams{}, fmt.Errorf("search parameter %s=%q: %w", k, x, err)
		}
	}
	return p, nil
}

func parseNonNeg(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	if n < 0 {
		return 0, fmt.Errorf("must not be negative")
	}
	return n, nil
}
