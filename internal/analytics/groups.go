package analytics

import (
	"cmp"
	"slices"
	"strings"
)

// GroupStats are the figures of one group. Every figure carries its base:
// Salary.N is the number of salaries behind the quantiles (after outliers).
type GroupStats struct {
	Key             []string `json:"key"`
	Label           []string `json:"label"`
	Vacancies       int      `json:"vacancies"`
	Open            int      `json:"open"`
	Disclosed       int      `json:"disclosed"`        // vacancies with a salary
	DisclosureShare float64  `json:"disclosure_share"` // Disclosed / Vacancies
	Excluded        int      `json:"excluded"`         // disclosed, but no monthly RUR (FLY_IN_FLY_OUT, SERVICE, no rate)
	OutliersAbs     int      `json:"outliers_abs"`     // outside [10 000, 5 000 000]
	OutliersIQR     int      `json:"outliers_iqr"`     // outside the group's 3·IQR fences
	Salary          Summary  `json:"salary"`           // monthly RUR on the report's basis
}

// Grouping is the groups of one dimension tuple, largest first.
type Grouping struct {
	Dims   []Dim        `json:"dims"`
	Groups []GroupStats `json:"groups"`
}

// acc accumulates one group: counts and the salaries that enter its figures.
type acc struct {
	key, label  []string
	vacancies   int
	open        int
	disclosed   int
	excluded    int
	outliersAbs int
	vals        []float64
	sorted      bool // vals are in ascending order already (fed from a ColumnStore)
}

func (a *acc) add(open bool, s Salary) {
	a.vacancies++
	if open {
		a.open++
	}
	if !s.Disclosed() {
		return
	}
	a.disclosed++
	switch {
	case !s.OK:
		a.excluded++
	case s.Flags.Has(FlagOutlier):
		a.outliersAbs++
	case s.Flags.Has(FlagCopy): // --unique-postings: one copy per posting
	default:
		a.vals = append(a.vals, s.MonthlyRUR)
	}
}

func (a *acc) merge(b *acc) {
	a.vacancies += b.vacancies
	a.open += b.open
	a.disclosed += b.disclosed
	a.excluded += b.excluded
	a.outliersAbs += b.outliersAbs
	a.vals = append(a.vals, b.vals...)
}

// trim is TrimIQR of a's salaries, which it sorts unless they are.
func (a *acc) trim() (kept []float64, outliers int) {
	if a.sorted {
		return trimSortedIQR(a.vals)
	}
	return TrimIQR(a.vals)
}

func (a *acc) finish() GroupStats {
	kept, out := a.trim()
	g := GroupStats{
		Key: a.key, Label: a.label, Vacancies: a.vacancies, Open: a.open, Disclosed: a.disclosed,
		Excluded: a.excluded, OutliersAbs: a.outliersAbs, OutliersIQR: out, Salary: summariseSorted(kept),
	}
	if a.vacancies > 0 {
		g.DisclosureShare = float64(a.disclosed) / float64(a.vacancies)
	}
	a.vals = nil
	return g
}

func sortGroups(gs []GroupStats) {
	slices.SortFunc(gs, func(a, b GroupStats) int {
		if c := cmp.Compare(b.Vacancies, a.Vacancies); c != 0 {
			return c
		}
		if c := cmp.Compare(strings.Join(a.Label, " "), strings.Join(b.Label, " ")); c != 0 {
			return c
		}
		return slices.Compare(a.Key, b.Key)
	})
}

// dimIndexes are the indexes in Dims of dims.
func dimIndexes(dims []Dim) []int {
	idx := make([]int, len(dims))
	for i, d := range dims {
		idx[i] = slices.Index(Dims, d)
	}
	return idx
}

// groupsSection: the total and every grouping of Env.Groupings, with the
// small-sample rules applied (Result.Total, Groupings, Small).
type groupsSection struct {
	env    *Env
	total  acc
	dims   [][]Dim
	groups *grouper // one tuple per grouping
}

func newGroupsSection(env *Env) Section {
	if env.cols != nil {
		return &fedGroups{fed{env: env}}
	}
	idx := make([][]int, len(env.Groupings))
	for i, d := range env.Groupings {
		idx[i] = dimIndexes(d)
	}
	return &groupsSection{env: env, dims: env.Groupings, groups: newGrouper(idx)}
}

func (g *groupsSection) Observe(o *Seen) {
	g.total.add(o.Open, o.Salary)
	g.groups.observe(o)
}

func (g *groupsSection) Merge(other Section) {
	b := other.(*groupsSection)
	g.total.merge(&b.total)
	g.groups.merge(b.groups)
}

func (g *groupsSection) Finish(r *Result) { g.finish(r, g.groups.finish) }

// finish writes the total and the groupings, groupsOf(i) the groups of
// grouping i, largest first.
func (g *groupsSection) finish(r *Result, groupsOf func(i int) []GroupStats) {
	r.Total = g.total.finish()
	r.Total.Label = []string{"Все вакансии"}
	for i := range g.dims {
		r.Groupings = append(r.Groupings, Grouping{Dims: g.dims[i], Groups: groupsOf(i)})
	}
	r.Small = rules(g.env.Config)
	r.Total.Salary.Withhold(g.env.Small)
	for i := range r.Groupings {
		for j := range r.Groupings[i].Groups {
			r.Groupings[i].Groups[j].Salary.Withhold(g.env.Small)
		}
	}
}
