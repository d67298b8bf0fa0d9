package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/store"
)

// paramFlags names the collect flag of each search parameter, so that a
// refused value is reported by the flag the user typed.
var paramFlags = map[string]string{
	"text": "--text", "excluded_text": "--excluded-text", "professional_role": "--role", "area": "--area",
	"experience": "--experience", "work_format": "--work-format", "employment_form": "--employment-form",
	"schedule": "--schedule", "industry": "--industry", "employer_id": "--employer", "search_field": "--search-field",
	"salary": "--salary", "currency": "--currency", "only_with_salary": "--only-with-salary",
	"date_from": "--date-from", "date_to": "--date-to", "period": "--period",
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

// readableName builds a default query name from the filters: the text, the
// preset or roles, the areas by name, then the other filters' values, e.g.
// "role118-moskva" or "hr-rossiya-remote".
func readableName(ctx context.Context, st store.Store, p url.Values, preset string) (string, error) {
	var parts []string
	if t := slug(p.Get("text")); t != "" {
		parts = append(parts, t)
	}
	roles := p["professional_role"]
	if strings.EqualFold(preset, "hr") {
		parts = append(parts, "hr")
		roles = slices.DeleteFunc(slices.Clone(roles), func(r string) bool { return slices.Contains(harvest.HRRoles, r) })
	}
	if len(roles) > 0 {
		parts = append(parts, "role"+strings.Join(roles, "-"))
	}
	if ids := p["area"]; len(ids) > 0 {
		areas, err := st.Areas(ctx)
		if err != nil {
			return "", err
		}
		names := map[string]string{}
		for _, a := range areas {
			names[a.ID] = a.Name
		}
		for _, id := range ids {
			if s := slug(names[id]); s != "" {
				parts = append(parts, s)
			} else {
				parts = append(parts, id)
			}
		}
	}
	for _, k := range []string{"experience", "work_format", "employment_form", "schedule", "industry", "employer_id", "salary", "currency", "period"} {
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
	return name, nil
}

// defaultQueryName picks the readable name, or a numbered variant of it
// when that name is taken by a query with other filters.
func defaultQueryName(ctx context.Context, st store.Store, p url.Values, preset string) (string, error) {
	base, err := readableName(ctx, st, p, preset)
	if err != nil {
		return "", err
	}
	for i := 1; ; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		q, err := st.QueryByName(ctx, name)
		if errors.Is(err, store.ErrNotFound) || (err == nil && sameParams(url.Values(q.Params), p)) {
			return name, nil
		}
		if err != nil {
			return "", err
		}
	}
}
