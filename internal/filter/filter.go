// Package filter is the one filter language of hhjobs: the same parameters
// narrow `stats`, `report` and `export` (as flags) and the dashboard of
// `serve` (as URL query parameters), so that any view is a shareable link.
//
// Parse reads the parameters (from url.Values: the CLI turns its flags into
// the same values), Resolve checks them against the stored reference data
// (areas tree, roles) and Filter.Match is the one place a vacancy is tested.
// Filter.Wrap applies it to every reader of a store.
package filter

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/hhtime"
)

// Parameter names: flags are "--" + the name, URL query parameters the name.
const (
	ParamRole           = "role"
	ParamExperience     = "experience"
	ParamArea           = "area"
	ParamWorkFormat     = "work-format"
	ParamEmploymentForm = "employment-form"
	ParamEmployer       = "employer"
	ParamSince          = "since"
	ParamUntil          = "until"
	ParamOpen           = "open"
	ParamQuery          = "query"
	ParamSkill          = "skill"
)

// Params lists every filter parameter, in display order.
var Params = []string{ParamRole, ParamExperience, ParamArea, ParamWorkFormat, ParamEmploymentForm, ParamEmployer, ParamSkill, ParamSince, ParamUntil, ParamOpen, ParamQuery}

// Usage is the help text of each parameter (flags and docs).
var Usage = map[string]string{
	ParamRole:           "only these professional roles (ids or names, comma-separated; see 'hhjobs roles')",
	ParamExperience:     "only these experience grades: noExperience, between1And3, between3And6, moreThan6 (or Russian names)",
	ParamArea:           "only these areas and everything inside them: country, region or city, ids or names (see 'hhjobs areas')",
	ParamWorkFormat:     "only these work formats: ON_SITE, REMOTE, HYBRID, FIELD_WORK",
	ParamEmploymentForm: "only these employment forms: FULL, PART, PROJECT, FLY_IN_FLY_OUT, SIDE_JOB",
	ParamEmployer:       "only these employers (ids, or exact names)",
	ParamSince:          "only vacancies published on or after DATE (YYYY-MM-DD, Moscow time, or RFC 3339)",
	ParamUntil:          "only vacancies published on or before DATE (YYYY-MM-DD: the whole day, Moscow time, or RFC 3339)",
	ParamOpen:           "only vacancies still open (not closed)",
	ParamQuery:          "only vacancies seen by this saved query",
	ParamSkill:          "only vacancies that list one of these key skills (any spelling: «MS Excel» = «Excel»)",
}

// ParamError is a bad parameter value: the edge (a flag, a URL) adds its
// own prefix ("--role" or "role") and status.
type ParamError struct {
	Param string
	Msg   string
}

func (e *ParamError) Error() string { return e.Param + ": " + e.Msg }

// Spec is a parsed, not yet resolved, set of filters: the words the user gave.
type Spec struct {
	Roles           []string
	Experience      []string // ids
	Areas           []string
	WorkFormats     []string // ids
	EmploymentForms []string // ids
	Employers       []string
	Skills          []string
	Since, Until    time.Time // Until is exclusive (the end of a given day)
	Open            bool
	Query           string
}

// Empty reports whether the spec filters nothing.
func (s Spec) Empty() bool {
	return len(s.Roles)+len(s.Experience)+len(s.Areas)+len(s.WorkFormats)+len(s.EmploymentForms)+len(s.Employers)+len(s.Skills) == 0 &&
		s.Since.IsZero() && s.Until.IsZero() && !s.Open && s.Query == ""
}

// Parse reads the filter parameters from v; other keys are ignored (the
// caller owns them). A value may be repeated or comma-separated. A key
// spelled with "_" (work_format) is read like its "-" spelling.
func Parse(v url.Values) (Spec, error) {
	var s Spec
	get := func(name string) []string {
		var out []string
		for _, k := range []string{name, strings.ReplaceAll(name, "-", "_")} {
			for _, raw := range v[k] {
				for _, p := range strings.Split(raw, ",") {
					if p = strings.TrimSpace(p); p != "" && !slices.Contains(out, p) {
						out = append(out, p)
					}
				}
			}
			if !strings.Contains(name, "-") {
				break
			}
		}
		return out
	}
	one := func(name string) (string, error) {
		vs := get(name)
		if len(vs) > 1 {
			return "", &ParamError{name, fmt.Sprintf("one value expected, got %d", len(vs))}
		}
		if len(vs) == 0 {
			return "", nil
		}
		return vs[0], nil
	}
	var err error
	s.Roles = get(ParamRole)
	s.Areas = get(ParamArea)
	s.Employers = get(ParamEmployer)
	s.Skills = get(ParamSkill)
	if s.Experience, err = dictIDs(ParamExperience, get(ParamExperience), analytics.ExperienceNames); err != nil {
		return s, err
	}
	if s.WorkFormats, err = dictIDs(ParamWorkFormat, get(ParamWorkFormat), analytics.WorkFormatNames); err != nil {
		return s, err
	}
	if s.EmploymentForms, err = dictIDs(ParamEmploymentForm, get(ParamEmploymentForm), analytics.EmploymentFormNames); err != nil {
		return s, err
	}
	for _, p := range []struct {
		name  string
		dst   *time.Time
		until bool
	}{{ParamSince, &s.Since, false}, {ParamUntil, &s.Until, true}} {
		raw, err := one(p.name)
		if err != nil {
			return s, err
		}
		if *p.dst, err = ParseTime(raw, p.until); err != nil {
			return s, &ParamError{p.name, err.Error()}
		}
	}
	if !s.Since.IsZero() && !s.Until.IsZero() && !s.Since.Before(s.Until) {
		return s, &ParamError{ParamUntil, "is before since: nothing can match"}
	}
	open, err := one(ParamOpen)
	if err != nil {
		return s, err
	}
	switch strings.ToLower(open) {
	case "", "false", "0", "no":
	case "true", "1", "yes", "on":
		s.Open = true
	default:
		return s, &ParamError{ParamOpen, fmt.Sprintf("%q: want true or false", open)}
	}
	if s.Query, err = one(ParamQuery); err != nil {
		return s, err
	}
	return s, nil
}

// dictIDs matches words against a dictionary's ids (case-insensitive) or
// Russian names.
func dictIDs(param string, words []string, names map[string]string) ([]string, error) {
	var out []string
	for _, w := range words {
		id := ""
		for k, n := range names {
			if strings.EqualFold(k, w) || strings.EqualFold(n, w) {
				id = k
			}
		}
		if id == "" {
			ids := make([]string, 0, len(names))
			for k := range names {
				ids = append(ids, k)
			}
			slices.Sort(ids)
			return nil, &ParamError{param, fmt.Sprintf("unknown value %q: valid are %s", w, strings.Join(ids, ", "))}
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// ParseTime reads a date (Moscow midnight) or an RFC 3339 time. With
// endOfDay, a date means the end of that day and a time the instant after
// it, so that the bound is exclusive either way.
func ParseTime(s string, endOfDay bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, hhtime.Moscow); err == nil {
		if endOfDay {
			t = t.AddDate(0, 0, 1)
		}
		return t, nil
	}
	for _, layout := range []string{time.RFC3339, hhtime.Layout} {
		if t, err := time.ParseInLocation(layout, s, hhtime.Moscow); err == nil {
			if endOfDay {
				t = t.Add(time.Second)
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q: want a date like 2025-06-01 or an RFC 3339 time", s)
}

// Values gives the spec back as canonical query parameters (sorted keys,
// comma-joined values): the shareable form of a view.
func (s Spec) Values() url.Values {
	v := url.Values{}
	set := func(k string, xs []string) {
		if len(xs) > 0 {
			v.Set(k, strings.Join(xs, ","))
		}
	}
	set(ParamRole, s.Roles)
	set(ParamExperience, s.Experience)
	set(ParamArea, s.Areas)
	set(ParamWorkFormat, s.WorkFormats)
	set(ParamEmploymentForm, s.EmploymentForms)
	set(ParamEmployer, s.Employers)
	set(ParamSkill, s.Skills)
	if !s.Since.IsZero() {
		v.Set(ParamSince, s.Since.In(hhtime.Moscow).Format(time.RFC3339))
	}
	if !s.Until.IsZero() {
		// Until is exclusive; its parameter names the last second included.
		v.Set(ParamUntil, s.Until.Add(-time.Second).In(hhtime.Moscow).Format(time.RFC3339))
	}
	if s.Open {
		v.Set(ParamOpen, "true")
	}
	if s.Query != "" {
		v.Set(ParamQuery, s.Query)
	}
	return v
}
