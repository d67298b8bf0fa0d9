package filter

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/hhtime"
	"github.com/hhjobs/hhjobs/internal/store"
)

// Filter is a resolved Spec: ids checked against the stored reference data,
// areas expanded to everything inside them. The zero Filter matches all.
type Filter struct {
	Spec
	QueryID int64 // the saved query's id (0: any)

	roles, exp, wf, ef set
	areas              set // the selected areas and their descendants
	employerIDs        set
	employerNames      []string
	skillKeys          set // analytics.SkillKey of each --skill
	skillMu            sync.Mutex
	skillSeen          map[string]bool   // spelling → matches (SkillKey is not cheap)
	names              map[string]string // role and area words → their stored names
}

type set map[string]bool

func newSet(xs []string) set {
	if len(xs) == 0 {
		return nil
	}
	s := make(set, len(xs))
	for _, x := range xs {
		s[x] = true
	}
	return s
}

// isID reports whether s looks like an hh.ru numeric id.
func isID(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Resolve checks the spec against st (areas tree, roles, saved queries)
// with one read of each, and returns the filter to apply. Unknown or
// ambiguous names are a *ParamError naming the parameter.
func Resolve(ctx context.Context, st store.Store, s Spec) (*Filter, error) {
	f := &Filter{Spec: s, names: map[string]string{}, exp: newSet(s.Experience), wf: newSet(s.WorkFormats), ef: newSet(s.EmploymentForms)}
	if len(s.Roles) > 0 {
		roles, err := st.Roles(ctx)
		if err != nil {
			return nil, fmt.Errorf("roles: %w", err)
		}
		f.roles = set{}
		for _, w := range s.Roles {
			id, err := pick(ParamRole, w, len(roles), func(i int) (string, string) { return roles[i].ID, roles[i].Name }, "hhjobs roles")
			if err != nil {
				return nil, err
			}
			f.roles[id] = true
			for _, r := range roles {
				if r.ID == id {
					f.names[w] = r.Name
				}
			}
		}
	}
	if len(s.Areas) > 0 {
		areas, err := st.Areas(ctx)
		if err != nil {
			return nil, fmt.Errorf("areas: %w", err)
		}
		children := map[string][]string{}
		for _, a := range areas {
			children[a.ParentID] = append(children[a.ParentID], a.ID)
		}
		f.areas = set{}
		for _, w := range s.Areas {
			id, err := pick(ParamArea, w, len(areas), func(i int) (string, string) { return areas[i].ID, areas[i].Name }, "hhjobs areas")
			if err != nil {
				return nil, err
			}
			for _, a := range areas {
				if a.ID == id {
					f.names[w] = a.Name
				}
			}
			// The area and everything under it: a region selects its cities.
			stack := []string{id}
			for len(stack) > 0 {
				a := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if !f.areas[a] {
					f.areas[a] = true
					stack = append(stack, children[a]...)
				}
			}
		}
	}
	if len(s.Employers) > 0 {
		f.employerIDs = set{}
		for _, w := range s.Employers {
			if isID(w) {
				f.employerIDs[w] = true
			} else {
				f.employerNames = append(f.employerNames, w)
			}
		}
	}
	for _, w := range s.Skills {
		if f.skillKeys == nil {
			f.skillKeys, f.skillSeen = set{}, map[string]bool{}
		}
		k, _ := analytics.SkillKey(w)
		f.skillKeys[k] = true
	}
	if s.Query != "" {
		q, err := st.QueryByName(ctx, s.Query)
		if errors.Is(err, store.ErrNotFound) {
			return nil, &ParamError{ParamQuery, fmt.Sprintf("no saved query %q (see 'hhjobs query list')", s.Query)}
		}
		if err != nil {
			return nil, err
		}
		f.QueryID = q.ID
	}
	return f, nil
}

// pick finds the id of word among n (id, name) entries: an id as it is, a
// name matched case-insensitively, exactly once. An id not in an empty
// reference list is taken on trust (nothing stored to check it against).
func pick(param, word string, n int, at func(int) (string, string), listCmd string) (string, error) {
	var byName []string
	for i := 0; i < n; i++ {
		id, name := at(i)
		if id == word {
			return id, nil
		}
		if strings.EqualFold(name, word) && !slices.Contains(byName, id) {
			byName = append(byName, id)
		}
	}
	switch {
	case len(byName) == 1:
		return byName[0], nil
	case len(byName) > 1:
		return "", &ParamError{param, fmt.Sprintf("%q is ambiguous: ids %s; give one id", word, strings.Join(byName, ", "))}
	case isID(word) && n == 0:
		return word, nil
	}
	return "", &ParamError{param, fmt.Sprintf("unknown %s %q: see '%s'", param, word, listCmd)}
}

// Match reports whether v passes every filter. It is the one test of a
// vacancy: the store wrapper, the CLI and the dashboard's snapshot all call it.
func (f *Filter) Match(v *store.Vacancy) bool {
	if f == nil {
		return true
	}
	if !f.Since.IsZero() && v.PublishedAt.Before(f.Since) {
		return false
	}
	if !f.Until.IsZero() && !v.PublishedAt.Before(f.Until) {
		return false
	}
	if f.Open && v.ClosedAt != nil {
		return false
	}
	if f.exp != nil && !f.exp[v.ExperienceID] {
		return false
	}
	if f.ef != nil && !f.ef[v.EmploymentFormID] {
		return false
	}
	if f.areas != nil && !f.areas[v.AreaID] {
		return false
	}
	if f.wf != nil && !slices.ContainsFunc(v.WorkFormat, func(w string) bool { return f.wf[w] }) {
		return false
	}
	if f.roles != nil && !slices.ContainsFunc(v.Roles, func(r store.IDName) bool { return f.roles[r.ID] }) {
		return false
	}
	if f.skillKeys != nil && !slices.ContainsFunc(v.KeySkills, f.skill) {
		return false
	}
	if f.employerIDs != nil {
		ok := f.employerIDs[v.EmployerID]
		for _, n := range f.employerNames {
			ok = ok || strings.EqualFold(n, v.EmployerName)
		}
		if !ok {
			return false
		}
	}
	return true
}

// skill reports whether a spelling of a key skill is one the filter keeps.
func (f *Filter) skill(raw string) bool {
	f.skillMu.Lock()
	defer f.skillMu.Unlock()
	ok, seen := f.skillSeen[raw]
	if !seen {
		k, _ := analytics.SkillKey(raw)
		ok = f.skillKeys[k]
		f.skillSeen[raw] = ok
	}
	return ok
}

// Fields are the parts of a vacancy Match reads beyond the always-filled ones.
func (f *Filter) Fields() store.Fields {
	var x store.Fields
	if f == nil {
		return x
	}
	if f.roles != nil {
		x |= store.FieldRoles
	}
	if f.areas != nil {
		x |= store.FieldArea
	}
	if f.employerIDs != nil {
		x |= store.FieldEmployer
	}
	if f.exp != nil || f.wf != nil || f.ef != nil {
		x |= store.FieldTerms
	}
	if f.skillKeys != nil {
		x |= store.FieldSkills
	}
	return x
}

// needsMatch reports whether Match tests more than the store filter does.
func (f *Filter) needsMatch() bool { return f != nil && (f.Fields() != 0 || !f.Until.IsZero()) }

// StoreFilter is the part of the filter the engines apply themselves.
func (f *Filter) StoreFilter() store.Filter {
	if f == nil {
		return store.Filter{}
	}
	return store.Filter{QueryID: f.QueryID, Since: f.Since, OpenOnly: f.Open}
}

// Describe says in Russian what the filter keeps beyond the saved query,
// the since bound and open (which the report states itself): "" for nothing.
func (f *Filter) Describe() string {
	if f == nil {
		return ""
	}
	var parts []string
	add := func(label string, xs []string, name func(string) string) {
		if len(xs) == 0 {
			return
		}
		ns := make([]string, len(xs))
		for i, x := range xs {
			ns[i] = x
			if n := name(x); n != "" {
				ns[i] = n
			}
		}
		parts = append(parts, label+": "+strings.Join(ns, ", "))
	}
	same := func(string) string { return "" }
	add("роль", f.Roles, func(x string) string { return f.names[x] })
	add("опыт", f.Experience, func(x string) string { return analytics.ExperienceNames[x] })
	add("регион/город", f.Areas, func(x string) string { return f.names[x] })
	add("формат работы", f.WorkFormats, func(x string) string { return analytics.WorkFormatNames[x] })
	add("занятость", f.EmploymentForms, func(x string) string { return analytics.EmploymentFormNames[x] })
	add("работодатель", f.Employers, same)
	add("навык", f.Skills, same)
	if !f.Until.IsZero() {
		parts = append(parts, "опубликованные до "+f.Until.Add(-time.Second).In(hhtime.Moscow).Format("02.01.2006 15:04"))
	}
	return strings.Join(parts, "; ")
}
