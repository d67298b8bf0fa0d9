package analytics

import (
	"runtime/debug"
	"testing"
)

func TestWithGCPercent(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	for _, tt := range []struct {
		percent int
		want    int // target during the batch
	}{{BatchGCPercent, BatchGCPercent}, {150, 150}, {0, 100}, {-1, 100}} {
		restore := WithGCPercent(tt.percent)
		if got := debug.SetGCPercent(tt.want); got != tt.want {
			t.Errorf("WithGCPercent(%d): collector target %d during the batch, want %d", tt.percent, got, tt.want)
		}
		restore()
		if got := debug.SetGCPercent(100); got != 100 {
			t.Errorf("WithGCPercent(%d): target %d after restore, want 100", tt.percent, got)
		}
	}
}
