package analytics

import (
	"cmp"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
)

// days1to n gives n closures on days 1…n, all observed from day 0.
func days1to(n int) []Subject {
	s := make([]Subject, n)
	for i := range s {
		s[i] = Subject{Entry: 0, Exit: float64(i + 1), Event: true}
	}
	return s
}

// Hand-computed Kaplan-Meier estimates with delayed entry.
func TestKaplanMeierLT(t *testing.T) {
	type pt struct {
		t      float64
		s      float64
		atRisk int
		gw     float64
	}
	tests := []struct {
		name     string
		subj     []Subject
		curve    []pt
		median   float64 // 0: not reached
		atRisk   int
		ciLo     float64 // 0: not reached
		ciHi     float64
		events   int
		censored int
	}{{
		// t=2: at risk 1, 2, 4 (3 and 5 not entered yet) → 2/3, Greenwood 1/(3·2).
		// t=4: at risk 2, 3, 4; 5 enters at 4, so it is not at risk at 4 → 2/3·2/3 = 4/9 ≤ ½: the median.
		// t=5: 2 censored, at risk 2, 4, 5. t=6: at risk 4, 5 → 4/9·1/2 = 2/9. t=7: 5 alone → 0.
		// CI: at t=2 se(log(−log S)) = √(1/6)/|log ⅔| = 1.007, lower band ⅔^exp(1.96·1.007) = 0.054 ≤ ½;
		// the upper band never reaches ½ before S drops to 0 with no variance: high beyond the data.
		name:   "delayed entry",
		subj:   []Subject{{0, 2, true}, {0, 5, false}, {3, 4, true}, {1, 6, true}, {4, 7, true}},
		curve:  []pt{{2, 2.0 / 3, 3, 1.0 / 6}, {4, 4.0 / 9, 3, 1.0 / 3}, {5, 4.0 / 9, 3, 1.0 / 3}, {6, 2.0 / 9, 2, 5.0 / 6}, {7, 0, 1, math.Inf(1)}},
		median: 4, atRisk: 3, ciLo: 2, ciHi: 0, events: 4, censored: 1,
	}, {
		// A tie of two events and a censoring at 3: the censored one is at risk
		// at 3 (n = 5) → 3/5; t=5: n = 2 → 3/10.
		name:   "ties with a censoring at the tie",
		subj:   []Subject{{0, 3, true}, {0, 3, false}, {0, 3, true}, {0, 5, true}, {0, 6, false}},
		curve:  []pt{{3, 3.0 / 5, 5, 2.0 / 15}, {5, 3.0 / 10, 2, 2.0/15 + 0.5}, {6, 3.0 / 10, 1, 2.0/15 + 0.5}},
		median: 5, atRisk: 2, events: 3, censored: 2, ciLo: 3,
	}, {
		// S(12) = 12/24 = ½ exactly; the floating product lands a hair off it.
		// The CI: Greenwood after k closures is 1/(24−k) − 1/24, the lower band
		// S^exp(1.96·se) first reaches ½ at k = 7 (0.4838), the upper one at k = 17 (0.4758).
		name:   "S exactly one half",
		subj:   days1to(24),
		median: 12, atRisk: 13, ciLo: 7, ciHi: 17, events: 24,
	}, {
		name:   "seen once and still open: never at risk",
		subj:   []Subject{{5, 5, false}, {0, 1, true}, {0, 2, false}},
		curve:  []pt{{1, 0.5, 2, 0.5}, {2, 0.5, 1, 0.5}},
		median: 1, atRisk: 2, events: 1, censored: 2, ciLo: 1,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			km := KaplanMeierLT(tt.subj)
			if tt.curve != nil {
				if len(km.Curve) != len(tt.curve) {
					t.Fatalf("curve %+v", km.Curve)
				}
				for i, w := range tt.curve {
					g := km.Curve[i]
					if g.T != w.t || !near(g.S, w.s) || g.AtRisk != w.atRisk || !(near(g.Greenwood, w.gw) || g.Greenwood == w.gw) {
						t.Errorf("point %d = %+v, want %+v", i, g, w)
					}
				}
			}
			if km.MedianReached != (tt.median > 0) || km.Median != tt.median || km.MedianAtRisk != tt.atRisk {
				t.Errorf("median %v (reached %v, at risk %d), want %v at risk %d", km.Median, km.MedianReached, km.MedianAtRisk, tt.median, tt.atRisk)
			}
			if km.CILowOK != (tt.ciLo > 0) || km.CILow != tt.ciLo || km.CIHighOK != (tt.ciHi > 0) || km.CIHigh != tt.ciHi {
				t.Errorf("CI [%v %v] [%v %v], want [%v %v]", km.CILow, km.CILowOK, km.CIHigh, km.CIHighOK, tt.ciLo, tt.ciHi)
			}
			if km.Events != tt.events || km.Censored != tt.censored || km.N != len(tt.subj) {
				t.Errorf("n %d events %d censored %d", km.N, km.Events, km.Censored)
			}
		})
	}
	// Entry ignored, the first case is another curve: t=2 has all five at risk.
	if old := KaplanMeierLT([]Subject{{0, 2, true}, {0, 5, false}, {0, 4, true}, {0, 6, true}, {0, 7, true}}); !near(old.Curve[0].S, 4.0/5) {
		t.Errorf("entry ignored: %+v", old.Curve[0])
	}
}

// A group's median is stated only on enough data; otherwise the figures are nil and the reason says why.
func TestLifetimeWithheld(t *testing.T) {
	var smallRisk []Subject
	for i := 1; i <= 5; i++ { // 5 watched from 0, closing on days 1…5: S(3) = 2/5, 3 at risk
		smallRisk = append(smallRisk, Subject{0, float64(i), true})
	}
	for i := 0; i < 30; i++ { // 30 more entering at day 10
		smallRisk = append(smallRisk, Subject{10, float64(11 + i), true})
	}
	open := days1to(35) // 35 closures on days 1…35, 65 open at day 100: S stays at 0.65
	for i := 0; i < 65; i++ {
		open = append(open, Subject{0, 100, false})
	}
	tests := []struct {
		name, reason string
		subj         []Subject
		median       float64
	}{
		{"too few closures", "недостаточно наблюдений: закрытий 29, нужно не меньше 30", days1to(29), 0},
		{"too few at risk at the median", "недостаточно наблюдений: под риском на медиане 3, нужно не меньше 10", smallRisk, 0},
		{"not reached", "медиана не достигнута", open, 0},
		{"enough", "", days1to(30), 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &lifeAcc{key: []string{""}, label: []string{""}}
			for _, s := range tt.subj {
				a.sample.add(s)
			}
			g, _ := a.finish(LifeWindow{}, false)
			if !strings.HasPrefix(g.Reason, tt.reason) {
				t.Errorf("reason %q, want %q", g.Reason, tt.reason)
			}
			if tt.median == 0 {
				if g.MedianDays != nil || g.MedianCI95 != nil || g.AtRiskAtMedian != nil {
					t.Errorf("withheld figures are not nil: %+v", g)
				}
				return
			}
			if g.MedianDays == nil || *g.MedianDays != tt.median || len(g.MedianCI95) != 2 || g.MedianCI95[0] == nil || g.AtRiskAtMedian == nil {
				t.Errorf("median %+v", g)
			}
		})
	}
}

// A vacancy's lifetime starts at initial_created_at (else published_at) and enters at first_seen_at.
func TestLifeSubject(t *testing.T) {
	day := func(d float64) time.Time {
		return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(d * 24 * float64(time.Hour)))
	}
	ptr := func(t time.Time) *time.Time { return &t }
	tests := []struct {
		name    string
		v       store.Vacancy
		want    Subject
		initial bool
	}{
		{"republished, closed", store.Vacancy{PublishedAt: day(20), InitialCreatedAt: ptr(day(5)), FirstSeenAt: day(25), LastSeenAt: day(30), ClosedAt: ptr(day(31))}, Subject{20, 26, true}, true},
		{"no details: published_at", store.Vacancy{PublishedAt: day(20), FirstSeenAt: day(25), LastSeenAt: day(30)}, Subject{5, 10, false}, false},
		{"seen once", store.Vacancy{PublishedAt: day(2), FirstSeenAt: day(3)}, Subject{1, 1, false}, false},
	}
	for _, tt := range tests {
		got, initial := lifeSubject(&tt.v)
		if !near(got.Entry, tt.want.Entry) || !near(got.Exit, tt.want.Exit) || got.Event != tt.want.Event || initial != tt.initial {
			t.Errorf("%s: %+v %v, want %+v %v", tt.name, got, initial, tt.want, tt.initial)
		}
	}
}

// kaplanMeierRef is the estimator as first written: the subjects sorted by
// exit with a comparison function, the band at every exit time. The split
// sample must give the same estimate to the bit.
func kaplanMeierRef(subj []Subject) KM {
	km := KM{N: len(subj)}
	var entries []float64
	var used []Subject
	for _, s := range subj {
		if !s.Event {
			km.Censored++
		}
		if s.Exit <= s.Entry {
			if s.Event {
				km.Dropped++
			}
			continue
		}
		entries = append(entries, s.Entry)
		used = append(used, s)
	}
	slices.Sort(entries)
	slices.SortStableFunc(used, func(a, b Subject) int { return cmp.Compare(a.Exit, b.Exit) })
	s, gw := 1.0, 0.0
	ie, ix := 0, 0
	for ix < len(used) {
		t := used[ix].Exit
		for ie < len(entries) && entries[ie] < t {
			ie++
		}
		n := ie - ix
		d, c := 0, 0
		for ix < len(used) && used[ix].Exit == t {
			if used[ix].Event {
				d++
			} else {
				c++
			}
			ix++
		}
		if d > 0 {
			s *= 1 - float64(d)/float64(n)
			if n > d {
				gw += float64(d) / float64(n*(n-d))
			} else {
				gw = math.Inf(1)
			}
		}
		km.Curve = append(km.Curve, KMPoint{T: t, S: s, AtRisk: n, Events: d, Censored: c, Greenwood: gw})
		km.Events += d
		if !km.MedianReached && s <= 0.5+MedianTol {
			km.Median, km.MedianReached, km.MedianAtRisk = t, true, n
		}
		lo, hi := band(s, gw)
		if !km.CILowOK && lo <= 0.5+MedianTol {
			km.CILow, km.CILowOK = t, true
		}
		if !km.CIHighOK && hi <= 0.5+MedianTol {
			km.CIHigh, km.CIHighOK = t, true
		}
	}
	return km
}

// The estimate is the reference one to the bit, whatever the order of the
// subjects, with many ties (whole days), entries at exit times, subjects
// never at risk, and sharded samples merged.
func TestKaplanMeierLTMatchesReference(t *testing.T) {
	tests := []struct {
		name   string
		n      int
		days   int     // exits on whole days 0…days−1 (ties); 0: continuous times
		closed float64 // share of events
	}{
		{"empty", 0, 10, 0.5},
		{"one", 1, 10, 1},
		{"ties", 2000, 30, 0.7},
		{"heavy ties, few events", 2000, 5, 0.2},
		{"continuous", 5000, 0, 0.8},
		{"all censored", 300, 40, 0},
		{"all closed", 300, 40, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(tt.n)))
			subj := make([]Subject, tt.n)
			for i := range subj {
				entry, exit := r.Float64()*5, r.ExpFloat64()*10
				if tt.days > 0 {
					entry, exit = float64(r.IntN(3)), float64(r.IntN(tt.days))
				}
				subj[i] = Subject{Entry: entry, Exit: exit, Event: r.Float64() < tt.closed}
			}
			want := kaplanMeierRef(subj)
			if got := KaplanMeierLT(subj); !reflect.DeepEqual(got, want) {
				t.Fatalf("got %+v\nwant %+v", got, want)
			}
			r.Shuffle(len(subj), func(i, j int) { subj[i], subj[j] = subj[j], subj[i] })
			var a, b kmSample
			for i, s := range subj {
				if i%3 == 0 {
					a.add(s)
				} else {
					b.add(s)
				}
			}
			a.merge(&b)
			got := a.estimate(true)
			if len(want.Curve) == 0 {
				got.Curve = nil // made with capacity, or not at all
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("shuffled and merged: got %+v\nwant %+v", got, want)
			}
			noCurve := want
			noCurve.Curve = nil
			if got := a.estimate(false); !reflect.DeepEqual(got, noCurve) {
				t.Fatalf("without the curve: got %+v\nwant %+v", got, noCurve)
			}
		})
	}
}
