package store

import (
	"strings"
	"time"
)

// Tracked are the fields whose change makes a new version of a vacancy:
// name, area, professional roles, salary and publication time. Every engine
// classifies writes with these, so "changed" means the same everywhere.
type Tracked struct {
	Name, AreaID, Currency string
	RoleIDs                string // comma list, in API order
	From, To               *int64
	Gross                  *bool
	Published              time.Time
}

// TrackedOf returns v's tracked fields.
func TrackedOf(v *Vacancy) Tracked {
	return Tracked{Name: v.Name, AreaID: v.AreaID, Currency: v.SalaryCurrency, RoleIDs: RoleIDList(v.Roles),
		From: v.SalaryFrom, To: v.SalaryTo, Gross: v.SalaryGross, Published: v.PublishedAt}
}

// Equal compares publication times at millisecond precision, the coarsest
// an engine stores (hh.ru itself prints seconds).
func (a Tracked) Equal(b Tracked) bool {
	return a.Name == b.Name && a.AreaID == b.AreaID && a.Currency == b.Currency && a.RoleIDs == b.RoleIDs &&
		a.Published.UnixMilli() == b.Published.UnixMilli() &&
		eqPtr(a.From, b.From) && eqPtr(a.To, b.To) && eqPtr(a.Gross, b.Gross)
}

func eqPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// RoleIDList joins role ids with commas, as engines store them.
func RoleIDList(roles []IDName) string {
	ids := make([]string, len(roles))
	for i, r := range roles {
		ids[i] = r.ID
	}
	return strings.Join(ids, ",")
}

// Classify splits a batch into new, changed and unchanged ids against the
// stored tracked fields (known, by id); mark[i] is true for new and changed.
func Classify(vs []Vacancy, known map[string]Tracked) (res UpsertResult, mark []bool) {
	mark = make([]bool, len(vs))
	for i := range vs {
		old, ok := known[vs[i].ID]
		switch {
		case !ok:
			res.New = append(res.New, vs[i].ID)
			mark[i] = true
		case !old.Equal(TrackedOf(&vs[i])):
			res.Changed = append(res.Changed, vs[i].ID)
			mark[i] = true
		default:
			res.Unchanged = append(res.Unchanged, vs[i].ID)
		}
	}
	return res, mark
}

// Dedupe keeps the last item of each id, in first-appearance order: hh.ru
// occasionally repeats an id within one page.
func Dedupe(items []Vacancy) []Vacancy {
	idx := make(map[string]int, len(items))
	out := make([]Vacancy, 0, len(items))
	for _, v := range items {
		if i, ok := idx[v.ID]; ok {
			out[i] = v
			continue
		}
		idx[v.ID] = len(out)
		out = append(out, v)
	}
	return out
}

// IDs lists the ids of vs.
func IDs(vs []Vacancy) []string {
	out := make([]string, len(vs))
	for i := range vs {
		out[i] = vs[i].ID
	}
	return out
}
