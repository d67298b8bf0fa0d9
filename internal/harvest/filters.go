package harvest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/store"
)

// enumParams maps a search parameter to the /dictionaries dictionaries whose
// ids it accepts; the first one that is stored is used (hh.ru lists the
// search's employment forms apart from the vacancy's).
var enumParams = map[string][]string{
	hhapi.ParamExperience:     {"experience"},
	hhapi.ParamEmployment:     {"employment"},
	hhapi.ParamEmploymentForm: {"vacancy_search_employment_form", "employment_form"},
	hhapi.ParamSchedule:       {"schedule"},
	hhapi.ParamWorkFormat:     {"work_format"},
	"working_hours":           {"working_hours"},
	"work_schedule_by_days":   {"work_schedule_by_days"},
	hhapi.ParamLabel:          {"vacancy_label"},
	hhapi.ParamOrderBy:        {"vacancy_search_order"},
	hhapi.ParamCurrency:       {"currency"},
	hhapi.ParamSearchField:    {"vacancy_search_fields"},
	"salary_mode":             {"salary_range_mode"},
	"salary_frequency":        {"salary_range_frequency"},
	"education":               {"education_level"},
}

// BadValueError is a filter value that hh.ru would refuse: not in its
// dictionary, or not a number or date where one is needed. Flag, when the
// caller sets it, names the command-line flag the value came from.
type BadValueError struct {
	Param string // the API parameter, e.g. experience
	Value string
	Want  string // the valid forms, for the message
	Flag  string
	// Deprecated: Value is a professional role hh.ru no longer searches by.
	Deprecated bool
}

func (e *BadValueError) Error() string {
	name := e.Flag
	if name == "" {
		name = "--param " + e.Param + "="
		return fmt.Sprintf("%s%s: %s", name, e.Value, e.Want)
	}
	return fmt.Sprintf("%s %q: %s", name, e.Value, e.Want)
}

// CheckFilters checks a saved query's enumerated, numeric, boolean and date
// parameters before a sync sends them (areas and roles are left to hh.ru:
// a role deprecated since the query was saved may still be searched). It
// works on a copy: the saved query is not changed.
func CheckFilters(ctx context.Context, s store.Store, params map[string][]string) error {
	p := url.Values{}
	for k, vs := range params {
		p[k] = slices.Clone(vs)
	}
	return checkFilters(ctx, s, p)
}

// checkFilters checks every enumerated, numeric, boolean and date parameter
// of p against the stored dictionaries, normalising the case of enumerated
// values (remote → REMOTE) and accepting an entry's name for its id.
func checkFilters(ctx context.Context, s store.Store, p url.Values) error {
	var dicts map[string][]store.DictEntry
	for _, key := range sortedKeys(p) {
		names, ok := enumParams[key]
		if !ok {
			if err := checkScalar(key, p[key]); err != nil {
				return err
			}
			continue
		}
		if dicts == nil {
			all, err := s.Dictionaries(ctx)
			if err != nil {
				return err
			}
			dicts = map[string][]store.DictEntry{}
			for _, e := range all {
				dicts[e.Dict] = append(dicts[e.Dict], e)
			}
		}
		var entries []store.DictEntry
		for _, n := range names {
			if entries = dicts[n]; len(entries) > 0 {
				break
			}
		}
		if len(entries) == 0 {
			// Not in this hh.ru's /dictionaries (or an older store): let
			// hh.ru judge rather than refuse what may be valid.
			continue
		}
		for i, v := range p[key] {
			id, ok := matchEntry(v, entries)
			if !ok {
				return &BadValueError{Param: key, Value: v, Want: "want one of " + listEntries(entries)}
			}
			p[key][i] = id
		}
		p[key] = slices.Compact(p[key])
	}
	return nil
}

func sortedKeys(p url.Values) []string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// matchEntry finds v among entries by id, case-insensitively, or by name
// (case and ё folded).
func matchEntry(v string, entries []store.DictEntry) (string, bool) {
	v = strings.TrimSpace(v)
	for _, e := range entries {
		if e.ID == v {
			return e.ID, true
		}
	}
	for _, e := range entries {
		if strings.EqualFold(e.ID, v) {
			return e.ID, true
		}
	}
	f := Fold(v)
	for _, e := range entries {
		if Fold(e.Name) == f {
			return e.ID, true
		}
	}
	return "", false
}

func listEntries(entries []store.DictEntry) string {
	parts := make([]string, len(entries))
	for i, e := range entries {
		parts[i] = e.ID
		if e.Name != "" && e.Name != e.ID {
			parts[i] += " (" + e.Name + ")"
		}
	}
	return strings.Join(parts, ", ")
}

var (
	digits     = regexp.MustCompile(`^[0-9]+$`)
	industryID = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)
)

// checkScalar checks the parameters that are numbers, booleans or dates.
func checkScalar(key string, vals []string) error {
	for _, v := range vals {
		var want string
		switch key {
		case hhapi.ParamSalary:
			if n, err := strconv.ParseInt(v, 10, 64); err != nil || n < 0 {
				want = "want a whole amount ≥ 0, e.g. 150000"
			}
		case hhapi.ParamPeriod:
			if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 30 {
				want = "want a number of days, 1…30"
			}
		case hhapi.ParamEmployerID:
			if !digits.MatchString(v) {
				want = "want a numeric id"
			}
		case hhapi.ParamIndustry:
			if !industryID.MatchString(v) {
				want = "want an industry id, e.g. 7 or 7.540"
			}
		case "only_with_salary", "accept_temporary", "responses_count_enabled", "clusters", "describe_arguments", "no_magic", "premium":
			if v != "true" && v != "false" {
				want = "want true or false"
			}
		case hhapi.ParamDateFrom, hhapi.ParamDateTo:
			if _, err := ParseAPITime(v); err != nil {
				want = "want YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+hhmm"
			}
		}
		if want != "" {
			return &BadValueError{Param: key, Value: v, Want: want}
		}
	}
	return nil
}

// ParseAPITime parses a date the way hh.ru accepts it in date_from/date_to:
// a day (Moscow time) or an ISO 8601 instant.
func ParseAPITime(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02", hhapi.TimeLayout, time.RFC3339, "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, hhapi.Moscow); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("bad date")
}

// dictEntries flattens the dictionaries a query can be checked against.
func dictEntries(d *hhapi.Dictionaries) []store.DictEntry {
	var out []store.DictEntry
	seen := map[string]bool{}
	for _, names := range enumParams {
		for _, n := range names {
			if seen[n] {
				continue
			}
			seen[n] = true
			if n == "currency" {
				for _, c := range d.Currency {
					out = append(out, store.DictEntry{Dict: n, ID: c.Code, Name: c.Name})
				}
				continue
			}
			items, err := d.Lookup(n)
			if err != nil {
				continue // not every hh.ru has every dictionary
			}
			for _, it := range items {
				out = append(out, store.DictEntry{Dict: n, ID: it.ID, Name: it.Name})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Dict < out[j].Dict })
	return out
}

// BadQueryError is hh.ru's 400 bad_argument for a query's own filters: no
// retry can heal it, only a change of the query.
type BadQueryError struct {
	Params []string // the parameters hh.ru named
	Err    error
}

func (e *BadQueryError) Error() string {
	return fmt.Sprintf("hh.ru rejected the query's %s (400 bad_argument)", strings.Join(e.Params, ", "))
}
func (e *BadQueryError) Unwrap() error { return e.Err }

// badQuery returns a StopError for a bad_argument answer to a search, or nil.
func badQuery(err error) *StopError {
	if !errors.Is(err, hhapi.ErrBadArgument) || hhapi.IsDepthLimit(err) {
		return nil
	}
	params := hhapi.BadArguments(err)
	if len(params) == 0 {
		params = []string{"parameters"}
	}
	bq := &BadQueryError{Params: params, Err: err}
	return &StopError{Kind: StopBadQuery, Reason: bq.Error(), Permanent: true, Err: bq}
}
