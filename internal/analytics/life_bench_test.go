package analytics

import (
	"testing"

	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/synth"
)

// benchSeen is n generated vacancies as the sections see them: closed ones
// carry their closing, open ones were last seen at the end of the data.
func benchSeen(b *testing.B, n int) (*Env, []Seen) {
	b.Helper()
	env := &Env{Config: withDefaults(Config{Now: synth.End}), Areas: NewAreaIndex(synth.Areas),
		Rates: NewRates([]store.CurrencyRate{{Date: synth.End.Add(-synth.Span), Code: "RUR", Rate: 1},
			{Date: synth.End.Add(-synth.Span), Code: "USD", Rate: 0.012967}, {Date: synth.End.Add(-synth.Span), Code: "KZT", Rate: 6.499584}}),
		Window: LifeWindow{From: synth.End.Add(-synth.Span), To: synth.End}}
	env.dims = dimSource{env.Areas}
	seen := make([]Seen, n)
	for i := range seen {
		v, closed := synth.Vacancy(i, n, synth.BenchSeed)
		v.RawItem, v.RawFull = nil, nil
		v.LastSeenAt = synth.End
		if closed != nil {
			v.ClosedAt, v.LastSeenAt = closed, *closed
		}
		seen[i] = Seen{V: &v, Open: closed == nil, env: env, Salary: NormaliseRoster(v, nil, env.Rates, env.Options)}
	}
	return env, seen
}

// heavySections are the sections with the heaviest per-vacancy or
// per-finish work outside the groups, for the benchmarks below.
var heavySections = []struct {
	name string
	make func(*Env) Section
}{
	{"lifetime", newLifetimeSection},
	{"postings", newPostingsSection},
	{"trends", newTrendsSection},
}

// BenchmarkSections times the walk and the finish of the sections with the
// heaviest per-vacancy or per-finish work outside the groups.
func BenchmarkSections(b *testing.B) {
	const n = 50_000
	env, seen := benchSeen(b, n)
	for _, bc := range heavySections {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s := bc.make(env)
				for i := range seen {
					seen[i].have = 0
					s.Observe(&seen[i])
				}
				s.Finish(&Result{})
			}
		})
	}
}

// BenchmarkSectionsObserve times the per-vacancy work alone, on vacancies
// already in the cache, as in the walk, where the first sections to read a
// vacancy pay its cache misses: 500 vacancies seen 100 times.
func BenchmarkSectionsObserve(b *testing.B) {
	env, seen := benchSeen(b, 500)
	for _, bc := range heavySections {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s := bc.make(env)
				for range 100 {
					for i := range seen {
						seen[i].have = 0
						s.Observe(&seen[i])
					}
				}
			}
		})
	}
}

// BenchmarkKaplanMeierLT times the estimator alone on the generated lifetimes.
func BenchmarkKaplanMeierLT(b *testing.B) {
	_, seen := benchSeen(b, 50_000)
	subj := make([]Subject, len(seen))
	for i, o := range seen {
		subj[i], _ = lifeSubject(o.V)
	}
	b.ReportAllocs()
	for b.Loop() {
		KaplanMeierLT(subj)
	}
}
