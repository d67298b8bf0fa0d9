package analytics

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hhjobs/hhjobs/internal/store"
)

// MinRevisionBase is the smallest number of vacancies seen twice (the base of
// the share) and of pay changes (the base of the medians) a figure is shown on.
const MinRevisionBase = 30

// RevisionGroup describes the pay changes of one group. Only changes observed
// between two syncs count: a version row written when a run saw different
// published pay than the previous run had stored. A vacancy seen by one run
// only could not have been seen changing and is not in the base.
type RevisionGroup struct {
	Key   []string `json:"key"`
	Label []string `json:"label"`
	// SeenTwice is the base of the share: vacancies seen by at least two runs.
	SeenTwice int      `json:"seen_twice"`
	Changed   int      `json:"changed"` // of them, with at least one pay change
	Share     *float64 `json:"share"`   // Changed / SeenTwice
	Changes   int      `json:"changes"` // pay changes observed
	Up        int      `json:"up"`      // the monthly point estimate rose
	Down      int      `json:"down"`
	// Other counts changes without two comparable point estimates (pay added
	// or removed, a currency without a rate, an excluded mode).
	Other int `json:"other"`
	// MedianChangePct is the median of (new − old) / old · 100 over Up and Down.
	MedianChangePct *float64 `json:"median_change_pct"`
	// MedianDaysToChange is the median time from the vacancy's start
	// (initial_created_at, else published_at) to the sync that saw the change.
	MedianDaysToChange *float64 `json:"median_days_to_change"`
	Reason             string   `json:"reason,omitempty"`
}

// Revisions is what `stats --revisions` prints and the report shows.
type Revisions struct {
	Dims   []Dim           `json:"dims"`
	Total  RevisionGroup   `json:"total"`
	Groups []RevisionGroup `json:"groups"`
}

type revAcc struct {
	RevisionGroup
	pct, days []float64
}

// RevisionConfig says what ComputeRevisions reads.
type RevisionConfig struct {
	Filter store.Filter
	Options
	By []Dim
}

// ComputeRevisions measures salary revisions from the version history: the
// share of vacancies whose published pay changed while open, the direction
// and median size of the change (in % of the old monthly point estimate) and
// the time from the start to the change, per group of cfg.By.
func ComputeRevisions(ctx context.Context, s store.Store, cfg RevisionConfig) (*Revisions, error) {
	rs, err := ComputeRevisionsBy(ctx, s, cfg, [][]Dim{cfg.By})
	if err != nil {
		return nil, err
	}
	return rs[0], nil
}

// revGrouping accumulates the groups of one set of dimensions.
type revGrouping struct {
	by     []Dim
	groups map[string]*revAcc
	vals   [][]kv
}

// ComputeRevisionsBy is ComputeRevisions for several groupings (cfg.By is
// ignored) in one walk over the vacancies: the report's by role and by
// experience. The changed versions (usually a small share) are read first,
// so the walk holds nothing per vacancy.
func ComputeRevisionsBy(ctx context.Context, s store.Store, cfg RevisionConfig, bys [][]Dim) ([]*Revisions, error) {
	vw, ok := s.(store.VersionWalker)
	if !ok {
		return nil, fmt.Errorf("this store cannot stream version history")
	}
	f := cfg.Filter
	f.Raw = false
	f.Fields = store.FieldCreated | store.FieldState | store.FieldSalary
	gs := make([]*revGrouping, len(bys))
	for i, by := range bys {
		for _, d := range by {
			if !slices.Contains(Dims, d) {
				return nil, fmt.Errorf("unknown dimension %q", d)
			}
			f.Fields |= dimFields[d]
		}
		gs[i] = &revGrouping{by: by, groups: map[string]*revAcc{}, vals: make([][]kv, len(by))}
	}
	rs, err := s.CurrencyRates(ctx)
	if err != nil {
		return nil, fmt.Errorf("currency rates: %w", err)
	}
	areas, err := s.Areas(ctx)
	if err != nil {
		return nil, fmt.Errorf("areas: %w", err)
	}
	versions := map[string][]store.Version{} // of vacancies with more than one version
	if err := vw.EachChangedVersion(ctx, cfg.Filter, func(v store.Version) error {
		versions[v.VacancyID] = append(versions[v.VacancyID], v)
		return ctx.Err()
	}); err != nil {
		return nil, err
	}
	rates := NewRates(rs)
	ds := dimSource{NewAreaIndex(areas)}
	total := &revAcc{RevisionGroup: RevisionGroup{Key: []string{""}, Label: []string{"Все вакансии"}}}
	var accs []*revAcc
	if err := s.EachVacancy(ctx, f, func(v store.Vacancy) error {
		if !v.LastSeenAt.After(v.FirstSeenAt) {
			return ctx.Err() // seen by one run only: it could not have been seen changing
		}
		accs = append(accs[:0], total)
		for _, g := range gs {
			accs = g.accsOf(ds, &v, accs)
		}
		for _, a := range accs {
			a.SeenTwice++
		}
		if vs := versions[v.ID]; len(vs) > 1 {
			addRevisions(v, vs, accs, rates, cfg.Options)
		}
		return ctx.Err()
	}); err != nil {
		return nil, fmt.Errorf("read vacancies: %w", err)
	}
	out := make([]*Revisions, len(gs))
	for i, g := range gs {
		r := &Revisions{Dims: g.by, Total: total.finish()}
		for _, a := range g.groups {
			r.Groups = append(r.Groups, a.finish())
		}
		slices.SortFunc(r.Groups, func(a, b RevisionGroup) int {
			if c := cmp.Compare(b.SeenTwice, a.SeenTwice); c != 0 {
				return c
			}
			return slices.Compare(a.Key, b.Key)
		})
		out[i] = r
	}
	return out, nil
}

// accsOf appends the accumulators of v's groups (one per combination of its
// values of g.by) to accs.
func (g *revGrouping) accsOf(ds dimSource, v *store.Vacancy, accs []*revAcc) []*revAcc {
	if len(g.by) == 0 {
		return accs
	}
	for i, d := range g.by {
		g.vals[i] = ds.values(d, v, g.vals[i][:0])
	}
	var walk func(i int, keys, labels []string)
	walk = func(i int, keys, labels []string) {
		if i == len(g.by) {
			k := strings.Join(keys, "\x1f")
			a := g.groups[k]
			if a == nil {
				a = &revAcc{RevisionGroup: RevisionGroup{Key: slices.Clone(keys), Label: slices.Clone(labels)}}
				g.groups[k] = a
			}
			accs = append(accs, a)
			return
		}
		for _, x := range g.vals[i] {
			walk(i+1, append(keys, x.key), append(labels, x.label))
		}
	}
	walk(0, nil, nil)
	return accs
}

// addRevisions counts the pay changes between consecutive versions vs of v
// (in observation order) into accs.
func addRevisions(v store.Vacancy, vs []store.Version, accs []*revAcc, rates *Rates, o Options) {
	start := v.PublishedAt
	if v.InitialCreatedAt != nil && !v.InitialCreatedAt.IsZero() {
		start = *v.InitialCreatedAt
	}
	point := func(x store.Version) Salary {
		return Normalise(store.Vacancy{SalaryFrom: x.SalaryFrom, SalaryTo: x.SalaryTo, SalaryCurrency: x.SalaryCurrency,
			SalaryGross: x.SalaryGross, SalaryMode: v.SalaryMode, SalaryFrequency: v.SalaryFrequency, PublishedAt: x.ObservedAt}, rates, o)
	}
	first := true
	for i := 1; i < len(vs); i++ {
		p, cur := vs[i-1], vs[i]
		if samePay(p, cur) {
			continue
		}
		old, now := point(p), point(cur)
		days := cur.ObservedAt.Sub(start).Hours() / 24
		comparable := old.OK && now.OK && old.MonthlyRUR > 0 && now.MonthlyRUR != old.MonthlyRUR
		for _, a := range accs {
			a.Changes++
			if first {
				a.Changed++
			}
			a.days = append(a.days, days)
			switch {
			case !comparable:
				a.Other++
			case now.MonthlyRUR > old.MonthlyRUR:
				a.Up++
			default:
				a.Down++
			}
			if comparable {
				a.pct = append(a.pct, (now.MonthlyRUR-old.MonthlyRUR)/old.MonthlyRUR*100)
			}
		}
		first = false
	}
}

func samePay(a, b store.Version) bool {
	eq := func(x, y *int64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	eqb := func(x, y *bool) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return eq(a.SalaryFrom, b.SalaryFrom) && eq(a.SalaryTo, b.SalaryTo) && a.SalaryCurrency == b.SalaryCurrency && eqb(a.SalaryGross, b.SalaryGross)
}

func (a *revAcc) finish() RevisionGroup {
	g := a.RevisionGroup
	if g.SeenTwice < MinRevisionBase {
		g.Reason = fmt.Sprintf("недостаточно наблюдений: увидено дважды %d вакансий, нужно не меньше %d", g.SeenTwice, MinRevisionBase)
		return g
	}
	sh := float64(g.Changed) / float64(g.SeenTwice)
	g.Share = &sh
	if len(a.pct) >= MinRevisionBase {
		slices.Sort(a.pct)
		m := Quantile(a.pct, 0.5)
		g.MedianChangePct = &m
	}
	if len(a.days) >= MinRevisionBase {
		slices.Sort(a.days)
		m := Quantile(a.days, 0.5)
		g.MedianDaysToChange = &m
	}
	if g.MedianChangePct == nil {
		g.Reason = fmt.Sprintf("медианы не указаны: изменений с двумя сравнимыми оценками %d, нужно не меньше %d", len(a.pct), MinRevisionBase)
	}
	return g
}
