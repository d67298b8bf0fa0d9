package hhtime

import (
	"testing"
	"time"
)

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		in   time.Time
		want string
	}{
		{time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), "2025-01-01T03:00:00+0300"},
		{time.Date(2024, 12, 31, 22, 30, 5, 999, time.UTC), "2025-01-01T01:30:05+0300"},
		{time.Date(2025, 6, 10, 12, 0, 0, 0, time.FixedZone("", -5*3600)), "2025-06-10T20:00:00+0300"},
	} {
		if got := Format(tc.in); got != tc.want {
			t.Errorf("Format(%s) = %s, want %s", tc.in, got, tc.want)
		}
		back, err := time.Parse(Layout, tc.want)
		if err != nil || !back.Equal(tc.in.Truncate(time.Second)) {
			t.Errorf("Parse(%s) = %s, %v; want %s", tc.want, back, err, tc.in.Truncate(time.Second))
		}
	}
}
