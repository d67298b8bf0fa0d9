package analytics

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

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

type revInfo struct {
	start time.Time
	mode  string
	freq  string
	accs  []*revAcc
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
	vw, ok := s.(store.VersionWalker)
	if !ok {
		return nil, fmt.Errorf("this store cannot stream version history")
	}
	f := cfg.Filter
	f.Raw = false
	f.Fields = store.FieldCreated | store.FieldState | store.FieldSalary
	for _, d := range cfg.By {
		if !slices.Contains(Dims, d) {
			return nil, fmt.Errorf("unknown dimension %q", d)
		}
		f.Fields |= dimFields[d]
	}
	rs, err := s.CurrencyRates(ctx)
	if err != nil {
		return nil, fmt.Errorf("currency rates: %w", err)
	}
	areas, err := s.Areas(ctx)
	if err != nil {
		return nil, fmt.Errorf("areas: %w", err)
	}
	rates := NewRates(rs)
	c := &computer{areas: NewAreaIndex(areas)}
	total := &revAcc{RevisionGroup: RevisionGroup{Key: []string{""}, Label: []string{"Все вакансии"}}}
	groups := map[string]*revAcc{}
	info := map[string]*revInfo{}
	vals := make([][]kv, len(cfg.By))
	if err := s.EachVacancy(ctx, f, func(v store.Vacancy) error {
		if !v.LastSeenAt.After(v.FirstSeenAt) {
			return ctx.Err()
		}
		in := &revInfo{start: v.PublishedAt, mode: v.SalaryMode, freq: v.SalaryFrequency, accs: []*revAcc{total}}
		if v.InitialCreatedAt != nil && !v.InitialCreatedAt.IsZero() {
			in.start = *v.InitialCreatedAt
		}
		for i, d := range cfg.By {
			vals[i] = c.dimValues(d, v, vals[i][:0])
		}
		var walk func(i int, keys, labels []string)
		walk = func(i int, keys, labels []string) {
			if i == len(cfg.By) {
				k := strings.Join(keys, "\x1f")
				a := groups[k]
				if a == nil {
					a = &revAcc{RevisionGroup: RevisionGroup{Key: slices.Clone(keys), Label: slices.Clone(labels)}}
					groups[k] = a
				}
				in.accs = append(in.accs, a)
				return
			}
			for _, x := range vals[i] {
				walk(i+1, append(keys, x.key), append(labels, x.label))
			}
		}
		if len(cfg.By) > 0 {
			walk(0, nil, nil)
		}
		for _, a := range in.accs {
			a.SeenTwice++
		}
		info[v.ID] = in
		return ctx.Err()
	}); err != nil {
		return nil, fmt.Errorf("read vacancies: %w", err)
	}
	var prev store.Version
	changed := map[string]bool{}
	if err := vw.EachChangedVersion(ctx, cfg.Filter, func(v store.Version) error {
		p := prev
		prev = v
		in := info[v.VacancyID]
		if in == nil || p.VacancyID != v.VacancyID || samePay(p, v) {
			return ctx.Err()
		}
		point := func(x store.Version) Salary {
			return Normalise(store.Vacancy{SalaryFrom: x.SalaryFrom, SalaryTo: x.SalaryTo, SalaryCurrency: x.SalaryCurrency,
				SalaryGross: x.SalaryGross, SalaryMode: in.mode, SalaryFrequency: in.freq, PublishedAt: x.ObservedAt}, rates, cfg.Options)
		}
		old, cur := point(p), point(v)
		days := v.ObservedAt.Sub(in.start).Hours() / 24
		first := !changed[v.VacancyID]
		changed[v.VacancyID] = true
		for _, a := range in.accs {
			a.Changes++
			if first {
				a.Changed++
			}
			a.days = append(a.days, days)
			switch {
			case !old.OK || !cur.OK || old.MonthlyRUR <= 0 || cur.MonthlyRUR == old.MonthlyRUR:
				a.Other++
			case cur.MonthlyRUR > old.MonthlyRUR:
				a.Up++
			default:
				a.Down++
			}
			if old.OK && cur.OK && old.MonthlyRUR > 0 && cur.MonthlyRUR != old.MonthlyRUR {
				a.pct = append(a.pct, (cur.MonthlyRUR-old.MonthlyRUR)/old.MonthlyRUR*100)
			}
		}
		return ctx.Err()
	}); err != nil {
		return nil, err
	}
	out := &Revisions{Dims: cfg.By, Total: total.finish()}
	for _, a := range groups {
		out.Groups = append(out.Groups, a.finish())
	}
	slices.SortFunc(out.Groups, func(a, b RevisionGroup) int {
		if c := cmp.Compare(b.SeenTwice, a.SeenTwice); c != 0 {
			return c
		}
		return slices.Compare(a.Key, b.Key)
	})
	return out, nil
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
