package cli

import (
	"testing"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

func TestBatchGCPercent(t *testing.T) {
	for _, tt := range []struct {
		gogc string
		want int
	}{{"", analytics.BatchGCPercent}, {"50", 0}, {"off", 0}, {"300", 0}} {
		env := func(k string) string {
			if k == "GOGC" {
				return tt.gogc
			}
			return ""
		}
		if got := batchGCPercent(env); got != tt.want {
			t.Errorf("GOGC=%q: %d, want %d", tt.gogc, got, tt.want)
		}
	}
}
