package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/report"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
	"github.com/hhjobs/hhjobs/internal/synth"
)

// Targets of the analytics leg, for 1,000,000 stored vacancies.
const (
	TargetStats1M  = 3.0  // seconds
	TargetReport1M = 15.0 // seconds
	targetAtN      = 1_000_000
)

// AnalyticsReport: `hhjobs stats` and `hhjobs report` over a SQLite database
// of generated vacancies, with the plain store walk for attribution.
type AnalyticsReport struct {
	Engine    string `json:"engine"`
	Vacancies int    `json:"vacancies"`
	Seed      int64  `json:"seed"`
	DB        string `json:"db"`
	DBBytes   int64  `json:"db_bytes"`
	// Reused: the database was complete (its marker file existed) and was
	// not filled again; otherwise FillS is the time synth.Fill took.
	Reused bool    `json:"reused"`
	FillS  float64 `json:"fill_s,omitempty"`

	Walk        Timing `json:"walk"`   // EachVacancy with a no-op callback
	Stats       Timing `json:"stats"`  // hhjobs stats --by role
	Report      Timing `json:"report"` // hhjobs report
	ReportBytes int64  `json:"report_bytes"`
}

// Timing is one run of an operation.
type Timing struct {
	ElapsedS   float64 `json:"elapsed_s"`
	PeakHeapMB float64 `json:"peak_heap_mb"` // largest HeapInuse, sampled every 10 ms
	// TargetS applies at 1,000,000 vacancies (0 = none); OK is set only then.
	TargetS float64 `json:"target_s,omitempty"`
	OK      *bool   `json:"ok,omitempty"`
}

// StatsConfig is what `hhjobs stats --by role` computes (no --query, --since
// or --net), with the generated data's last sync as now.
func StatsConfig() analytics.Config {
	return analytics.Config{Groupings: [][]analytics.Dim{{analytics.DimRole}}, GroupsOnly: true, Now: synth.End}
}

// ReportConfig is what `hhjobs report` computes (no --query, --since or
// --net), with the generated data's last sync as now.
func ReportConfig() analytics.Config { return analytics.Config{Now: synth.End} }

// RunAnalytics builds, or reuses when its marker says it is complete, the
// SQLite database of cfg.AnalyticsVacancies vacancies that
// synth.Fill generates (synth.EnsureBenchDB: dbDir, default
// os.TempDir(), as the 1M benchmarks name it), then times once each: the
// store walk, `hhjobs stats --by role` and `hhjobs report` to a file in
// cfg.Dir (default: a temporary directory).
func RunAnalytics(ctx context.Context, cfg Config, dbDir string) (*AnalyticsReport, error) {
	cfg.defaults()
	if dbDir == "" {
		dbDir = os.TempDir()
	}
	if err := os.MkdirAll(dbDir, 0o755); err != nil {
		return nil, err
	}
	dir, cleanup, err := workDir(cfg.Dir)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	n, seed := cfg.AnalyticsVacancies, cfg.Seed
	rep := &AnalyticsReport{Engine: "sqlite", Vacancies: n, Seed: seed, DB: synth.BenchPath(dbDir, n, seed)}
	if _, err := os.Stat(synth.BenchMarker(rep.DB)); err == nil {
		cfg.logf("analytics: reusing %s (%s is there)", rep.DB, filepath.Base(synth.BenchMarker(rep.DB)))
	} else {
		cfg.logf("analytics: filling %s with %d generated vacancies (seed %d; some minutes per million)", rep.DB, n, seed)
	}
	t0 := time.Now()
	path, built, err := synth.EnsureBenchDB(ctx, dbDir, n, seed, openSQLite)
	if err != nil {
		return nil, err
	}
	rep.Reused = !built
	if built {
		rep.FillS = secs(time.Since(t0))
	}
	if sz, err := statSize(path); err == nil {
		rep.DBBytes = sz
	}
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer st.Close()

	if err := timeAnalytics(ctx, cfg, st, rep, filepath.Join(dir, "hhjobs-bench-report.html")); err != nil {
		return nil, err
	}
	return rep, nil
}

// timeAnalytics times the store walk, `hhjobs stats --by role` and
// `hhjobs report` (to out) once each on st: the analytics legs of both
// engines (RunAnalytics, RunPostgres).
func timeAnalytics(ctx context.Context, cfg Config, st store.Store, a *AnalyticsReport, out string) error {
	n := a.Vacancies
	cfg.logf("analytics: walking the store (EachVacancy, no-op callback)")
	k := 0
	var err error
	a.Walk, err = timed(0, func() error {
		return st.EachVacancy(ctx, store.Filter{}, func(store.Vacancy) error { k++; return nil })
	})
	if err != nil {
		return fmt.Errorf("store walk: %w", err)
	}
	if k != n {
		return fmt.Errorf("store walk: %d vacancies in %s, want %d (an incomplete bench database: delete it to rebuild)", k, a.DB, n)
	}
	cfg.logf("analytics: timing stats --by role")
	var total int
	a.Stats, err = timed(TargetStats1M, func() error {
		defer analytics.WithGCPercent(cfg.GCPercent)() // as `hhjobs stats` runs it
		res, err := analytics.Compute(ctx, st, StatsConfig())
		if res != nil {
			total = res.Total.Vacancies
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("stats: %w", err)
	}
	if total != n {
		return fmt.Errorf("stats: %d vacancies, want %d", total, n)
	}
	cfg.logf("analytics: timing report")
	a.Report, err = timed(TargetReport1M, func() error {
		return report.Generate(ctx, st, ReportConfig(), report.Meta{}, out)
	})
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if fi, err := os.Stat(out); err == nil {
		a.ReportBytes = fi.Size()
	}
	if n >= targetAtN {
		for _, t := range []*Timing{&a.Stats, &a.Report} {
			ok := t.ElapsedS <= t.TargetS
			t.OK = &ok
		}
	}
	return nil
}

// timed runs f once after a GC, sampling the heap.
func timed(target float64, f func() error) (Timing, error) {
	runtime.GC()
	stop := synth.PeakHeap()
	t0 := time.Now()
	err := f()
	el := time.Since(t0)
	return Timing{ElapsedS: secs(el), PeakHeapMB: stop(), TargetS: target}, err
}

// openSQLite is the synth.Opener of the analytics database.
func openSQLite(ctx context.Context, path string) (store.Store, error) {
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, err // not a typed nil inside the interface
	}
	return s, nil
}
