package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/store"
)

// paramFlags names the collect flag of each search parameter, so that a
// refused value is reported by the flag the user typed.
var paramFlags = map[string]string{
	hhapi.ParamText: "--text", hhapi.ParamExcludedText: "--excluded-text", hhapi.ParamProfessionalRole: "--role",
	hhapi.ParamArea: "--area", hhapi.ParamExperience: "--experience", hhapi.ParamWorkFormat: "--work-format",
	hhapi.ParamEmploymentForm: "--employment-form", hhapi.ParamSchedule: "--schedule", hhapi.ParamIndustry: "--industry",
	hhapi.ParamEmployerID: "--employer", hhapi.ParamSearchField: "--search-field", hhapi.ParamSalary: "--salary",
	hhapi.ParamCurrency: "--currency", hhapi.ParamOnlyWithSalary: "--only-with-salary",
	hhapi.ParamDateFrom: "--date-from", hhapi.ParamDateTo: "--date-to", hhapi.ParamPeriod: "--period",
}

// flagged names the flag (or --param) in a filter error from harvest.Validate.
func flagged(err error, fromParam map[string]bool) error {
	flag := func(param string) string {
		if f, ok := paramFlags[param]; ok && !fromParam[param] {
			return f
		}
		return "--param " + param + "="
	}
	var bv *harvest.BadValueError
	if errors.As(err, &bv) {
		if f := flag(bv.Param); !strings.HasPrefix(f, "--param") {
			bv.Flag = f
		}
		return &UsageError{Err: bv}
	}
	var ui *harvest.UnknownIDError
	if errors.As(err, &ui) {
		ui.Flag = "--" + ui.Kind
		return &UsageError{Err: ui}
	}
	return &UsageError{Err: err}
}

// translit spells Russian names in Latin letters for query names.
var translit = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z", 'и': "i",
	'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t",
	'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "",
	'э': "e", 'ю': "yu", 'я': "ya",
}

// slug turns words into a lower-case, dash-separated Latin name part.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		var part string
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			part = string(r)
		default:
			if t, ok := translit[r]; ok {
				part = t
			}
		}
		if part == "" {
			if t, ok := translit[r]; ok && t == "" {
				continue // ъ, ь: no letter, no break
			}
			dash = b.Len() > 0
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		b.WriteString(part)
	}
	return b.String()
}

// readableName builds a default query name from the filters as the user
// typed them: the text, the preset, the roles, the areas (ids stay ids,
// names are spelled in Latin letters), then the other filters' values, e.g.
// "hr-113" for --preset hr --area 113 and "role118-moskva" for --role 118
// --area Москва.
func readableName(o *CollectOptions, p url.Values) string {
	var parts []string
	if t := slug(p.Get(hhapi.ParamText)); t != "" {
		parts = append(parts, t)
	}
	if o.Preset != "" {
		parts = append(parts, slug(o.Preset))
	}
	for _, r := range splitFlag(o.Roles) {
		if digitsOnly(r) {
			parts = append(parts, "role"+r)
		} else if s := slug(r); s != "" {
			parts = append(parts, s)
		}
	}
	for _, a := range splitFlag(o.Areas) {
		if s := slug(a); s != "" {
			parts = append(parts, s)
		}
	}
	for _, k := range []string{hhapi.ParamExperience, hhapi.ParamWorkFormat, hhapi.ParamEmploymentForm, hhapi.ParamSchedule,
		hhapi.ParamIndustry, hhapi.ParamEmployerID, hhapi.ParamSalary, hhapi.ParamCurrency, hhapi.ParamPeriod} {
		for _, v := range p[k] {
			parts = append(parts, slug(v))
		}
	}
	name := strings.Join(parts, "-")
	if len(name) > 48 {
		name = strings.TrimRight(name[:48], "-")
	}
	if name == "" {
		name = "all"
	}
	return name
}

func splitFlag(vals []string) []string {
	var out []string
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func digitsOnly(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// defaultQueryName names a query given without --name: the saved query with
// the same filters if there is one (whatever its name), else the readable
// name, numbered when a query with other filters holds it.
func defaultQueryName(ctx context.Context, st store.Store, o *CollectOptions, p url.Values) (string, error) {
	qs, err := st.Queries(ctx)
	if err != nil {
		return "", err
	}
	taken := map[string]bool{}
	for _, q := range qs {
		if sameParams(url.Values(q.Params), p) {
			return q.Name, nil
		}
		taken[q.Name] = true
	}
	base := readableName(o, p)
	name := base
	for i := 2; taken[name]; i++ {
		name = fmt.Sprintf("%s-%d", base, i)
	}
	return name, nil
}
