package analytics

import (
	"runtime/debug"
	"testing"
)

func TestBatchGC(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	for _, tt := range []struct {
		gogc string
		want int
	}{{"", BatchGCPercent}, {"50", 100}} {
		t.Setenv("GOGC", tt.gogc)
		restore := BatchGC()
		if got := debug.SetGCPercent(tt.want); got != tt.want {
			t.Errorf("GOGC=%q: collector target %d during the batch, want %d", tt.gogc, got, tt.want)
		}
		restore()
		if got := debug.SetGCPercent(100); got != 100 {
			t.Errorf("GOGC=%q: target %d after restore, want 100", tt.gogc, got)
		}
	}
}
