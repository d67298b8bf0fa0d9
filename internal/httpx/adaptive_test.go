package httpx

import (
	"math"
	"testing"
	"time"
)

func TestAdaptiveStartAndCap(t *testing.T) {
	for _, tc := range []struct {
		name            string
		start, hi, want float64
		remembered      bool
	}{
		{"default start", 0, 0, AutoStartRPS, false},
		{"remembered start", 12, 0, 12, true},
		{"start capped", 80, 50, 50, true},
		{"floor", 0.1, 0, AutoMinRPS, true},
	} {
		a := NewAdaptive(tc.start, tc.hi, tc.remembered, nil)
		if got := a.Rate(); got != tc.want {
			t.Errorf("%s: Rate = %g, want %g", tc.name, got, tc.want)
		}
	}
	a := NewAdaptive(0, 10, false, nil)
	for range 100 {
		a.Good()
	}
	if got := a.Rate(); got != 10 {
		t.Errorf("after 100 clean answers with cap 10: Rate = %g, want 10", got)
	}
}

// fakeClock steps a controller's time by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time           { return c.t }
func (c *fakeClock) add(d time.Duration)      { c.t = c.t.Add(d) }
func newFake() (*fakeClock, func() time.Time) { c := &fakeClock{time.Unix(0, 0)}; return c, c.now }

// The ceiling read from a 429 is the largest n/(Δ + burstShare) over the
// clean answers before it, whatever rate was asked.
func TestAdaptiveEstimate(t *testing.T) {
	for _, tc := range []struct {
		name    string
		answers []time.Duration // gaps between clean answers
		gap429  time.Duration   // from the last answer to the 429
		want    float64         // ceiling after the 429
	}{
		// 10 req/s for 3 s, then the 429 right after: 30 answers in
		// (2.9 s + 0.1 s) → 30 / (3.0 + 0.5) = 8.57.
		{"steady", repeat(100*time.Millisecond, 30), 100 * time.Millisecond, 30 / 3.5},
		// One a second, then a burst of 5 at 50 ms: the interval from the
		// last slow answer says 6/(0.3+0.5) = 7.5, more than the whole
		// history (10/(5.3+0.5)) or the burst alone (5/0.75).
		{"burst at the end", append(repeat(time.Second, 5), repeat(50*time.Millisecond, 5)...), 50 * time.Millisecond, 6 / 0.8},
		// Fewer than 4 answers: nothing to read; the fallback cuts ×0.7
		// what was asked (4 + 3 × slowStep).
		{"too few", repeat(100*time.Millisecond, 3), 100 * time.Millisecond, (4 + 3*slowStep) * fallback / settle},
	} {
		c, now := newFake()
		a := NewAdaptive(0, 0, false, now)
		for _, g := range tc.answers {
			c.add(g)
			a.Good()
		}
		c.add(tc.gap429)
		a.Throttled()
		if got := a.Ceiling(); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%s: ceiling %g, want %g", tc.name, got, tc.want)
		}
		if got := a.Rate(); math.Abs(got-settle*tc.want) > 1e-9 {
			t.Errorf("%s: rate %g, want settle × ceiling = %g", tc.name, got, settle*tc.want)
		}
	}
}

func repeat(d time.Duration, n int) []time.Duration {
	s := make([]time.Duration, n)
	for i := range s {
		s[i] = d
	}
	return s
}

// After the first 429: one cut per quiet period, a 429 below the estimate
// lowers it to the rate asked, and the ceiling is raised by probeGrow only
// after probeEvery without a 429.
func TestAdaptiveAfterTheFirst429(t *testing.T) {
	c, now := newFake()
	a := NewAdaptive(0, 0, false, now)
	for range 40 { // 20 answers a second for 2 s
		c.add(50 * time.Millisecond)
		a.Good()
	}
	c.add(50 * time.Millisecond)
	a.Throttled()
	ceil := a.Ceiling() // 40 / (2.0 + 0.5) = 16
	if math.Abs(ceil-16) > 1e-9 {
		t.Fatalf("ceiling %g, want 16", ceil)
	}
	c.add(100 * time.Millisecond)
	a.Throttled() // in flight: the same excess
	if a.Ceiling() != ceil {
		t.Fatalf("a second 429 within the quiet period moved the ceiling to %g", a.Ceiling())
	}
	c.add(time.Second)  // Retry-After: every worker waits
	for range 18 * 15 { // 18 s of clean answers at 15 req/s (19.1 s after the 429): no probe yet
		c.add(time.Second / 15)
		a.Good()
	}
	if a.Ceiling() != ceil || math.Abs(a.Rate()-settle*ceil) > 1e-9 {
		t.Fatalf("before probeEvery: ceiling %g rate %g, want %g and %g", a.Ceiling(), a.Rate(), ceil, settle*ceil)
	}
	for range 3 * 15 {
		c.add(time.Second / 15)
		a.Good()
	}
	if math.Abs(a.Ceiling()-ceil*probeGrow) > 1e-9 {
		t.Fatalf("after probeEvery: ceiling %g, want %g", a.Ceiling(), ceil*probeGrow)
	}
	// A 429 at settle × ceiling: the estimate was high; the ceiling falls
	// to at most the rate asked.
	asked := a.Rate()
	c.add(2 * time.Second)
	a.Throttled()
	if got := a.Ceiling(); got > asked+1e-9 {
		t.Fatalf("429 below the estimate: ceiling %g, want ≤ the rate asked %g", got, asked)
	}
	if rps, n := a.Remember(); math.Abs(rps-settle*a.Ceiling()) > 1e-9 || n != 40+18*15+3*15 {
		t.Fatalf("Remember = %g, %d; want settle × ceiling and every clean answer", rps, n)
	}
}

// Clean answers that arrive just after the 429 (their requests were sent
// before it; the 429 itself is answered at once) count for its estimate;
// later ones do not.
func TestAdaptiveLateAnswers(t *testing.T) {
	c, now := newFake()
	a := NewAdaptive(0, 0, false, now)
	for range 20 {
		c.add(50 * time.Millisecond)
		a.Good()
	}
	c.add(50 * time.Millisecond)
	a.Throttled() // 20 answers from 0.05 s to 1.0 s, the 429 at 1.05 s
	if got, want := a.Ceiling(), 20/1.5; math.Abs(got-want) > 1e-9 {
		t.Fatalf("at the 429: ceiling %g, want %g", got, want)
	}
	for _, step := range []struct {
		after time.Duration
		want  float64
	}{
		{50 * time.Millisecond, 21 / 1.5},
		{50 * time.Millisecond, 22 / 1.5},
		{300 * time.Millisecond, 22 / 1.5}, // 400 ms after the 429: a new request's answer
	} {
		c.add(step.after)
		a.Good()
		if got := a.Ceiling(); math.Abs(got-step.want) > 1e-9 {
			t.Fatalf("%s after the previous answer: ceiling %g, want %g", step.after, got, step.want)
		}
	}
}

// A remembered rate is settle × a ceiling already found: no slow start.
func TestAdaptiveRemembered(t *testing.T) {
	c, now := newFake()
	a := NewAdaptive(9.7, 0, true, now)
	for range 50 {
		c.add(100 * time.Millisecond)
		a.Good()
	}
	if got := a.Rate(); math.Abs(got-9.7) > 1e-9 {
		t.Fatalf("remembered run after 5 s of answers: rate %g, want 9.7 (no slow start)", got)
	}
}
