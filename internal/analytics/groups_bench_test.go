package analytics

import (
	"fmt"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/synth"
)

// benchMarket is n generated vacancies with their salaries normalised, and
// the Env of a full computation over them: what a section sees in a walk.
// Like the dashboard's snapshot, the vacancies share their strings and
// their lists of roles and work formats.
func benchMarket(b *testing.B, n int) (*Env, []store.Vacancy, []Salary) {
	b.Helper()
	day := synth.End.Add(-synth.Span).Truncate(24 * time.Hour)
	rates := NewRates([]store.CurrencyRate{
		{Date: day, Code: "RUR", Rate: 1}, {Date: day, Code: "USD", Rate: 0.012967},
		{Date: day, Code: "EUR", Rate: 0.010986}, {Date: day, Code: "KZT", Rate: 6.499584},
	})
	cfg := withDefaults(Config{Now: synth.End})
	env := &Env{Config: cfg, Rates: rates, Areas: NewAreaIndex(synth.Areas), Groupings: withEmployerGrouping(cfg.Groupings)}
	env.dims = dimSource{env.Areas}
	strs := map[string]string{}
	intern := func(s string) string {
		if t, ok := strs[s]; ok {
			return t
		}
		strs[s] = s
		return s
	}
	roleSets, wfSets := map[string][]store.IDName{}, map[string][]string{}
	vs := make([]store.Vacancy, n)
	ss := make([]Salary, n)
	for i := range vs {
		v, closed := synth.Vacancy(i, n, 1)
		v.RawItem, v.RawFull, v.KeySkills, v.ClosedAt = nil, nil, nil, closed
		v.AreaID, v.AreaName, v.ExperienceID, v.EmploymentFormID = intern(v.AreaID), intern(v.AreaName), intern(v.ExperienceID), intern(v.EmploymentFormID)
		v.EmployerID, v.EmployerName = intern(v.EmployerID), intern(v.EmployerName)
		k := fmt.Sprint(v.Roles)
		if _, ok := roleSets[k]; !ok {
			roleSets[k] = v.Roles
		}
		v.Roles = roleSets[k]
		k = fmt.Sprint(v.WorkFormat)
		if _, ok := wfSets[k]; !ok {
			wfSets[k] = v.WorkFormat
		}
		v.WorkFormat = wfSets[k]
		vs[i], ss[i] = v, NormaliseRoster(v, nil, rates, cfg.Options)
	}
	return env, vs, ss
}

// BenchmarkGroupSections times the walk and the finish of the sections that
// group salaries (groups, region × experience, the histogram) over 50 000
// generated vacancies, each section alone.
func BenchmarkGroupSections(b *testing.B) {
	env, vs, ss := benchMarket(b, 50_000)
	for _, bc := range []struct {
		name string
		make func(*Env) Section
	}{
		{"groups", newGroupsSection},
		{"region-experience", newRegionExperienceSection},
		{"salary-histogram", newHistogramSection},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s := bc.make(env)
				o := &Seen{env: env}
				for i := range vs {
					o.V, o.Open, o.have, o.Salary = &vs[i], vs[i].ClosedAt == nil, 0, ss[i]
					s.Observe(o)
				}
				s.Finish(&Result{})
			}
		})
	}
}
