package bench

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// The --rate-auto legs: a first run finds the sandbox's limit by itself, the
// second starts where the first would have been remembered, both collect
// everything, and the report prints them. One small R keeps it quick.
func TestAutoLegs(t *testing.T) {
	if testing.Short() {
		t.Skip("runs harvests against rate-limited sandboxes")
	}
	defer func(r []float64) { AutoRates = r }(AutoRates)
	AutoRates = []float64{30}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var log bytes.Buffer
	cfg := Config{Seed: 3, NoHardCells: true, Cap: 100, Concurrency: 4, Latency: 20 * time.Millisecond,
		RateVacancies: 300, Dir: t.TempDir(), Log: &log}
	cfg.defaults()
	legs, err := runAutoLegs(ctx, cfg)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if len(legs) != 2 || legs[0].Run != "first" || legs[1].Run != "remembered" {
		t.Fatalf("legs %+v", legs)
	}
	first, second := legs[0], legs[1]
	if first.StartRPS != 4 || second.StartRPS != first.Remembered {
		t.Errorf("starts: first %g (want 4), remembered %g (want the first's %g)", first.StartRPS, second.StartRPS, first.Remembered)
	}
	for _, l := range legs {
		if l.Recall != 1 || l.Requests < 50 || l.Achieved <= 0 || l.Share429 >= 0.05 {
			t.Errorf("%s run: %+v", l.Run, l)
		}
	}
	var out bytes.Buffer
	printAutoLegs(&out, legs, cfg)
	for _, want := range []string{"without --rps", "R = 30, first run", "R = 30, remembered run", "429 share"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	t.Log(out.String())
}
