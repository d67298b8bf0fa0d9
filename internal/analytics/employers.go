package analytics

import (
	"cmp"
	"slices"
)

// EmployerReport ranks employers.
type EmployerReport struct {
	ByOpen []GroupStats `json:"by_open"`
	ByPay  []GroupStats `json:"by_pay"` // Salary.N ≥ MinN, by the median's CI lower bound
}

// employersSection ranks the employer grouping, which the groups section
// accumulates for it (withEmployerGrouping), so no second map of employers
// is kept during the walk; it observes nothing itself (Result.Employers).
type employersSection struct{ env *Env }

func newEmployersSection(env *Env) Section { return &employersSection{env} }

func (*employersSection) Observe(*Seen) {}
func (*employersSection) Merge(Section) {}
func (*employersSection) idle()         {}

var employerDims = []Dim{DimEmployer}

// withEmployerGrouping adds the employer grouping to gs when it is missing.
func withEmployerGrouping(gs [][]Dim) [][]Dim {
	if slices.ContainsFunc(gs, func(g []Dim) bool { return slices.Equal(g, employerDims) }) {
		return gs
	}
	return append(slices.Clone(gs), employerDims)
}

func (e *employersSection) Finish(r *Result) {
	emp := r.Grouping(DimEmployer)
	if emp == nil {
		return
	}
	cfg := e.env.Config
	er := &EmployerReport{}
	byOpen := slices.Clone(emp.Groups)
	slices.SortStableFunc(byOpen, func(a, b GroupStats) int { return cmp.Compare(b.Open, a.Open) })
	er.ByOpen = head(byOpen, cfg.TopEmployers)
	er.ByPay = head(rankByPay(emp.Groups, cfg.MinN), cfg.TopEmployers)
	r.Employers = er
	if !slices.ContainsFunc(cfg.Groupings, func(g []Dim) bool { return slices.Equal(g, employerDims) }) {
		r.Groupings = slices.DeleteFunc(r.Groupings, func(g Grouping) bool { return slices.Equal(g.Dims, employerDims) })
	}
}
