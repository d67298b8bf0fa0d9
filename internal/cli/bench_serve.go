package cli

import (
	"context"
	"net/url"
	"time"

	"github.com/hhjobs/hhjobs/internal/bench"
	"github.com/hhjobs/hhjobs/internal/store"
)

// runBenchServe is `hhjobs bench serve`: the dashboard with the functions
// `hhjobs serve` gives it, on the bench database of --analytics-vacancies.
func runBenchServe(ctx context.Context, f *Factory, o *BenchOptions) error {
	cfg := o.Cfg
	if cfg.AnalyticsVacancies < 1 {
		return usageErrorf("bench serve needs a database: --analytics-vacancies ≥ 1")
	}
	if !o.Quiet {
		cfg.Log = f.IO.Err
	}
	start := time.Now()
	rep, err := bench.RunServe(ctx, cfg, cfg.Dir, bench.ServeFuncs{
		Stats: func(ctx context.Context, st store.Store, v url.Values) ([]byte, error) {
			return StatsJSONBytes(ctx, st, v, f.Now())
		},
		Lifetime: func(ctx context.Context, st store.Store, v url.Values) ([]byte, error) {
			return LifetimeJSONBytes(ctx, st, v, f.Now())
		},
		StatsParams: StatsParams, LifetimeParams: LifetimeParams, MemoryLimit: serveMemoryLimit,
	})
	if err != nil {
		return err
	}
	return o.output(f, rep, start)
}
