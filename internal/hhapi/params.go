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

// The GET /vacancies parameter names SearchParams models: the one spelling
// of each key for every package that builds or reads a search (cli, harvest,
// bench). Slice planning adds clusters (ParamClusters).
const (
	ParamText             = "text"
	ParamSearchField      = "search_field"
	ParamExcludedText     = "excluded_text"
	ParamArea             = "area"
	ParamProfessionalRole = "professional_role"
	ParamIndustry         = "industry"
	ParamEmployerID       = "employer_id"
	ParamExperience       = "experience"
	ParamEmploymentForm   = "employment_form"
	ParamWorkFormat       = "work_format"
	ParamSchedule         = "schedule"
	ParamEmployment       = "employment"
	ParamSalary           = "salary"
	ParamCurrency         = "currency"
	ParamOnlyWithSalary   = "only_with_salary"
	ParamLabel            = "label"
	ParamPeriod           = "period"
	ParamDateFrom         = "date_from"
	ParamDateTo           = "date_to"
	ParamOrderBy          = "order_by"
	ParamNoMagic          = "no_magic"
	ParamPage             = "page"
	ParamPerPage          = "per_page"
)

func (p *SearchParams) multi() []struct {
	key string
	v   *[]string
} {
	return []struct {
		key string
		v   *[]string
	}{
		{ParamSearchField, &p.SearchField}, {ParamArea, &p.Area}, {ParamProfessionalRole, &p.ProfessionalRole},
		{ParamIndustry, &p.Industry}, {ParamEmployerID, &p.EmployerID}, {ParamExperience, &p.Experience},
		{ParamEmploymentForm, &p.EmploymentForm}, {ParamWorkFormat, &p.WorkFormat}, {ParamSchedule, &p.Schedule},
		{ParamEmployment, &p.Employment}, {ParamLabel, &p.Label},
	}
}

func (p *SearchParams) single() []struct {
	key string
	v   *string
} {
	return []struct {
		key string
		v   *string
	}{{ParamText, &p.Text}, {ParamExcludedText, &p.ExcludedText}, {ParamCurrency, &p.Currency}, {ParamOrderBy, &p.OrderBy}}
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
		v.Set(ParamSalary, strconv.FormatInt(*p.Salary, 10))
	}
	if p.OnlyWithSalary {
		v.Set(ParamOnlyWithSalary, "true")
	}
	if p.Period > 0 {
		v.Set(ParamPeriod, strconv.Itoa(p.Period))
	}
	if !p.DateFrom.IsZero() {
		v.Set(ParamDateFrom, p.DateFrom.Format(TimeLayout))
	}
	if !p.DateTo.IsZero() {
		v.Set(ParamDateTo, p.DateTo.Format(TimeLayout))
	}
	if p.NoMagic {
		v.Set(ParamNoMagic, "true")
	}
	v.Set(ParamPage, strconv.Itoa(p.Page))
	switch {
	case p.Probe:
		v.Set(ParamPerPage, "0")
	case p.PerPage > 0:
		v.Set(ParamPerPage, strconv.Itoa(p.PerPage))
	default:
		v.Set(ParamPerPage, strconv.Itoa(DefaultPerPage))
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
			if k == ParamPage || k == ParamPerPage {
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
		case ParamSalary:
			var n int64
			n, err = strconv.ParseInt(x, 10, 64)
			p.Salary = &n
		case ParamOnlyWithSalary, ParamNoMagic:
			var b bool
			b, err = strconv.ParseBool(x)
			if err == nil && !b {
				extra(k, x)
			}
			if k == ParamOnlyWithSalary {
				p.OnlyWithSalary = b
			} else {
				p.NoMagic = b
			}
		case ParamPeriod:
			p.Period, err = parseNonNeg(x)
		case ParamPage:
			p.Page, err = parseNonNeg(x)
		case ParamPerPage:
			p.PerPage, err = parseNonNeg(x)
			p.Probe = err == nil && p.PerPage == 0
		case ParamDateFrom, ParamDateTo:
			if len(x) == len("2006-01-02") {
				extra(k, x) // date-only: keep hh.ru's own interpretation
				break
			}
			var t time.Time
			t, err = ParseTime(x)
			if k == ParamDateFrom {
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
