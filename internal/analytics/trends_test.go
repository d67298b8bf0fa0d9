package analytics

import (
	"testing"
	"time"
)

// monthKey's integer calendar gives the month time gives, on both sides of
// every midnight from 1600 to 2400 (leap centuries, negative Unix times).
func TestMonthKeyIsTheMSKMonth(t *testing.T) {
	want := func(t time.Time) int64 {
		m := t.In(MSK)
		return int64(m.Year())*12 + int64(m.Month()) - 1
	}
	tests := []struct {
		name     string
		from, to time.Time
	}{
		{"1600-2400", time.Date(1600, 1, 1, 0, 0, 0, 0, MSK), time.Date(2400, 12, 31, 0, 0, 0, 0, MSK)},
		{"around the epoch in UTC", time.Date(1969, 12, 25, 0, 0, 0, 0, time.UTC), time.Date(1970, 1, 5, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for d := tt.from; d.Before(tt.to); d = d.Add(24 * time.Hour) {
				for _, x := range []time.Time{d.Add(-time.Second), d, d.Add(3 * time.Hour), d.Add(-3*time.Hour - time.Second)} {
					if got, w := monthKey(x), want(x); got != w {
						t.Fatalf("monthKey(%v) = %d, want %d", x, got, w)
					}
				}
			}
		})
	}
}
