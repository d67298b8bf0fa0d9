package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/hhjobs/hhjobs/internal/bench"
)

// BenchOptions are the flags of `hhjobs bench`.
type BenchOptions struct {
	What      string // harvest | store | all
	Cfg       bench.Config
	JSON      bool
	InProcess bool
	Quiet     bool
	Engine    string // store leg: sqlite | postgres
	PGDSN     string
}

// NewCmdBench builds `hhjobs bench`.
func NewCmdBench(f *Factory) *cobra.Command {
	o := &BenchOptions{}
	cmd := &cobra.Command{
		Use:   "bench [harvest|store|market|serve|all]",
		Short: "Measure recall, request cost, rate, sync cost, memory and store speed on a seeded sandbox",
		Long: `Measure hhjobs against a seeded sandbox and print each figure with its target.

harvest (on the main sandbox, run as a subprocess of this command so that the
peak RSS is the harvester's alone):
  recall          stored ids of the HR preset over Russia ∩ the sandbox's truth
  requests        pages + probes + details ÷ (ceil(truth/100) + truth)
  peak RSS        VmHWM of this process while harvesting with details
  incremental     a sync with nothing changed, then one after publishing,
                  archiving and changing vacancies: detail requests vs K+C+M
  naive baseline  the original scripts' paging (per_page=100, a pause, stop at
                  2000; pages only) vs hhjobs with --details none
  rate            the same harvest on a smaller sandbox (no hard cells) limited
                  to --rps with --latency, the client limited to --rps too:
                  achieved share of the rate and share of 429s
market (not part of all: minutes at 200,000): the whole market (area 113, no
  role) with --details none on --market-vacancies, collected with clusters and
  on a sandbox that sends none: recall, duplicates, requests ÷ ceil(truth/100),
  peak RSS; collect --dry-run's plan against the run; a sync after --publish,
  --change and --archive (pages and probes ÷ ceil(truth/100), recall).
serve (not part of all): the dashboard on the database of --analytics-vacancies
  below, in this process: start-up to the overview, peak RSS, and the server
  time of a fixed list of filter changes (targets at 1M: ≤ 10 s, ≤ 600 MB,
  p95 ≤ 150 ms); see internal/bench/serve.go.
store: upsert rate of search-item pages into SQLite; then, on a database of
  --analytics-vacancies generated vacancies (0 = skip), each timed once with
  its peak Go heap:
  store walk      EachVacancy with a no-op callback (for attribution)
  stats           what 'hhjobs stats --by role' computes (target ≤ 3 s at 1M)
  report          'hhjobs report' to a file (target ≤ 15 s at 1M)
  That database is hhjobs-bench-N.db in --dir or else the system temporary
  directory, kept and reused once hhjobs-bench-N.db.done says it is complete
  (the 1M benchmarks of internal/analytics and internal/report share it);
  filling a million takes some minutes and ~3.5 GB.
  With --engine postgres only that stats/report leg runs, on PostgreSQL
  (--pg-dsn): schema hhjobs_bench_N of that database, filled with COPY (some
  minutes per million), kept and reused while its hhjobs_bench_done table
  says it is complete.

Other databases go to a temporary directory (--dir keeps them). Progress goes
to stderr, the report to stdout.`,
		Example: `  hhjobs bench
  hhjobs bench harvest --vacancies 100000
  hhjobs bench store --store-vacancies 200000 --json
  hhjobs bench store --analytics-vacancies 0     # upserts only
  hhjobs bench market --market-vacancies 200000
  hhjobs bench store --engine postgres --pg-dsn postgres://postgres@127.0.0.1/hhjobs_bench1m`,
		Args:      cobra.MaximumNArgs(1),
		ValidArgs: []string{"harvest", "store", "market", "serve", "all"},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.What = "all"
			if len(args) == 1 {
				o.What = args[0]
			}
			return runBench(cmd.Context(), f, o)
		},
	}
	fl := cmd.Flags()
	c := &o.Cfg
	fl.Int64Var(&c.Seed, "seed", 1, "sandbox data seed")
	fl.IntVar(&c.Vacancies, "vacancies", bench.DefaultVacancies, "vacancies of the main sandbox (plus its 4200 hard-cell vacancies)")
	fl.IntVar(&c.Concurrency, "concurrency", bench.DefaultConcurrency, "harvester requests in flight")
	fl.Float64Var(&c.RPS, "rps", bench.DefaultRPS, "rate leg: allowed rate R (sandbox and client), requests per second")
	fl.BoolVar(&c.RateAuto, "rate-auto", false, "rate legs: also measure the client without --rps (adaptive) at R = 4, 10 and 25, a first and a remembered run each (≈ 10 min)")
	fl.DurationVar(&c.Latency, "latency", bench.DefaultLatency, "rate leg: latency added to every sandbox response")
	fl.IntVar(&c.RateVacancies, "rate-vacancies", bench.DefaultRateVacancies, "rate leg: vacancies of its sandbox (no hard cells)")
	fl.IntVar(&c.Publish, "publish", bench.DefaultPublish, "incremental sync: vacancies published (K, sandbox-wide)")
	fl.IntVar(&c.Archive, "archive", bench.DefaultArchive, "incremental sync: vacancies archived (M, sandbox-wide)")
	fl.IntVar(&c.Change, "change", bench.DefaultChange, "incremental sync: vacancies changed (C, sandbox-wide)")
	fl.DurationVar(&c.NaivePause, "naive-pause", bench.DefaultNaivePause, "naive baseline: pause between pages")
	fl.IntVar(&c.MarketVacancies, "market-vacancies", bench.DefaultMarketVacancies, "market: vacancies of its sandboxes (plus the hard cells)")
	fl.IntVar(&c.StoreVacancies, "store-vacancies", bench.DefaultStoreVacancies, "store: generated vacancies upserted into SQLite")
	fl.IntVar(&c.AnalyticsVacancies, "analytics-vacancies", bench.DefaultAnalyticsVacancies, "store: generated vacancies of the stats/report database (0 = skip)")
	fl.StringVar(&c.Dir, "dir", "", "keep the bench databases in this directory (default: a temporary one, removed; the analytics one: the system temporary directory, kept)")
	fl.StringVar(&o.Engine, "engine", "sqlite", "store: sqlite, or postgres (stats/report on --analytics-vacancies in PostgreSQL)")
	fl.StringVar(&o.PGDSN, "pg-dsn", bench.DefaultPGDSN, "store --engine postgres: the database that keeps schema hhjobs_bench_N")
	fl.BoolVar(&o.InProcess, "in-process", false, "run the main sandbox inside this process (peak RSS then includes it)")
	fl.BoolVar(&o.JSON, "json", false, "print the report as JSON")
	fl.BoolVarP(&o.Quiet, "quiet", "q", false, "no progress lines on stderr")
	return cmd
}

func (o *BenchOptions) check() error {
	switch o.What {
	case "harvest", "store", "market", "serve", "all":
	default:
		return usageErrorf("bench %q: want harvest, store, market, serve or all", o.What)
	}
	c := o.Cfg
	switch {
	case o.Engine != "sqlite" && o.Engine != "postgres":
		return usageErrorf("--engine %q: want sqlite or postgres", o.Engine)
	case o.Engine == "postgres" && (o.What != "store" || c.AnalyticsVacancies < 1):
		return usageErrorf("--engine postgres runs the stats/report leg only: 'bench store' with --analytics-vacancies ≥ 1")
	case c.Vacancies < 1 || c.RateVacancies < 1 || c.StoreVacancies < 1:
		return usageErrorf("--vacancies, --rate-vacancies and --store-vacancies must be ≥ 1")
	case c.MarketVacancies < 0:
		return usageErrorf("--market-vacancies %d: want ≥ 0 (0 = the default)", c.MarketVacancies)
	case c.AnalyticsVacancies < 0:
		return usageErrorf("--analytics-vacancies %d: want ≥ 0 (0 = skip)", c.AnalyticsVacancies)
	case c.RPS <= 0:
		return usageErrorf("--rps %v: want a rate > 0", c.RPS)
	case c.Concurrency < 1 || c.Concurrency > 64:
		return usageErrorf("--concurrency %d: want 1…64", c.Concurrency)
	case c.Latency < 0 || c.NaivePause < 0:
		return usageErrorf("--latency and --naive-pause must be ≥ 0")
	case c.Publish < 0 || c.Archive < 0 || c.Change < 0:
		return usageErrorf("--publish, --archive and --change must be ≥ 0")
	}
	return nil
}

func runBench(ctx context.Context, f *Factory, o *BenchOptions) error {
	if err := o.check(); err != nil {
		return err
	}
	if o.What == "serve" {
		return runBenchServe(ctx, f, o) // bench_serve.go
	}
	legs := bench.Legs{Harvest: o.What == "harvest" || o.What == "all", Store: o.What == "store" || o.What == "all",
		Market: o.What == "market"}
	legs.Analytics = legs.Store && o.Cfg.AnalyticsVacancies > 0
	cfg := o.Cfg
	cfg.GCPercent = batchGCPercent(os.Getenv)
	if !o.Quiet {
		cfg.Log = f.IO.Err
	}
	if !o.InProcess && (legs.Harvest || legs.Market) {
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("cannot find this executable to run the sandbox as a subprocess (%v): pass --in-process", err)
		}
		cfg.Launch = bench.Subprocess(exe, f.IO.Err)
	}
	start := time.Now()
	run := func() (*bench.Report, error) { return bench.Run(ctx, cfg, legs) }
	if o.Engine == "postgres" {
		run = func() (*bench.Report, error) { return bench.RunPostgres(ctx, cfg, o.PGDSN) }
	}
	rep, err := run()
	if err != nil {
		return err
	}
	return o.output(f, rep, start)
}

// benchReport is what every bench leg's report can do.
type benchReport interface {
	WriteJSON(io.Writer) error
	Print(io.Writer)
}

// output writes rep (JSON with --json, else the table) and the closing line.
func (o *BenchOptions) output(f *Factory, rep benchReport, start time.Time) error {
	if o.JSON {
		return rep.WriteJSON(f.IO.Out)
	}
	rep.Print(f.IO.Out)
	if !o.Quiet {
		fmt.Fprintf(f.IO.Err, "bench: done in %s\n", time.Since(start).Round(time.Second))
	}
	return nil
}
