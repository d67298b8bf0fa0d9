package filter

import (
	"context"
	"strings"

	"github.com/hhjobs/hhjobs/internal/store"
)

// FilteringStore is a store that selects the vacancies of a resolved filter
// itself, from indexes (the dashboard's snapshot): Wrap hands it the whole
// filter instead of scanning with Match. It must call fn for exactly the
// vacancies EachVacancy with Match would, in the same order.
type FilteringStore interface {
	EachVacancyFiltered(ctx context.Context, sf store.Filter, f *Filter, fn func(store.Vacancy) error) error
}

// Terms are a filter's resolved sets, for a store that indexes them. A nil
// field does not constrain; otherwise a vacancy passes that field when one
// of its values is in the set. Match stays the one test: an index selects
// candidates with Terms, then keeps those Match keeps.
type Terms struct {
	Roles, Experience, WorkFormats, EmploymentForms map[string]bool
	Areas                                           map[string]bool // expanded: the selected areas and everything inside them
	EmployerIDs                                     map[string]bool // with EmployerName: either
	Skills                                          bool            // KeepsSkill decides
}

// Terms returns f's resolved sets (shared: do not modify them).
func (f *Filter) Terms() Terms {
	if f == nil {
		return Terms{}
	}
	return Terms{Roles: f.roles, Experience: f.exp, WorkFormats: f.wf, EmploymentForms: f.ef, Areas: f.areas,
		EmployerIDs: f.employerIDs, Skills: f.skillKeys != nil}
}

// KeepsEmployerName reports whether an employer of this name passes the
// employer filter by name (names compare case-insensitively, as in Match).
func (f *Filter) KeepsEmployerName(name string) bool {
	for _, n := range f.employerNames {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// KeepsSkill reports whether a key skill of this spelling passes the skill
// filter (when there is one).
func (f *Filter) KeepsSkill(raw string) bool { return f.skillKeys != nil && f.skill(raw) }
