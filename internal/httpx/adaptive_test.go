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

func TestAdaptiveAIMD(t *testing.T) {
	now := time.Unix(0, 0)
	a := NewAdaptive(4, 50, false, func() time.Time { return now })
	for range 12 { // slow start: +0.5 per answer
		a.Good()
	}
	if got := a.Rate(); got != 10 {
		t.Fatalf("slow start: Rate = %g, want 10", got)
	}
	a.Throttled()
	if got := a.Rate(); math.Abs(got-7) > 1e-9 {
		t.Fatalf("after a 429: Rate = %g, want 7 (×0.7)", got)
	}
	a.Throttled() // a 429 of a request already in flight: no second cut
	if got := a.Rate(); math.Abs(got-7) > 1e-9 {
		t.Fatalf("second 429 within the quiet period cut again: %g", got)
	}
	n := 0 // fast recovery stops just under the ceiling
	for ; a.Rate() < 9.5 && n < 100; n++ {
		a.Good()
	}
	if got := a.Rate(); math.Abs(got-9.5) > 1e-9 || n > 20 {
		t.Fatalf("recovery: Rate = %g after %d answers, want 9.5 (0.95 × ceiling 10) in ≤ 20", got, n)
	}
	for range 100 { // then probes gently: 0.0005 × ceiling per answer + 0.005 × ceiling per second
		a.Good()
	}
	if got := a.Rate(); got < 10.4 || got > 10.6 {
		t.Fatalf("probe: Rate = %g, want about 10.5", got)
	}
	now = now.Add(2 * time.Second)
	before := a.Rate()
	a.Throttled()
	if got, lim := a.Rate(), float64(a.lim.Limit()); math.Abs(got-0.7*before) > 1e-9 || got != lim {
		t.Fatalf("after a later 429: Rate = %g (limiter %g), want 0.7 × %g", got, lim, before)
	}
}

// In slow start the asked-for rate runs ahead of what gets through: the
// ceiling after a 429 is the measured rate of clean answers, not the asked.
func TestAdaptiveCeilingMeasured(t *testing.T) {
	now := time.Unix(0, 0)
	a := NewAdaptive(4, 50, false, func() time.Time { return now })
	for range 20 { // 5 answers a second for 4 s: the rate asked climbs to 14
		now = now.Add(200 * time.Millisecond)
		a.Good()
	}
	if got := a.Rate(); got != 14 {
		t.Fatalf("slow start: Rate = %g, want 14", got)
	}
	a.Throttled()
	if got := a.Rate(); math.Abs(got-0.7*5.5) > 1e-9 { // 11 answers in the 2 s window
		t.Fatalf("after a 429: Rate = %g, want 0.7 × 5.5 measured", got)
	}
}
