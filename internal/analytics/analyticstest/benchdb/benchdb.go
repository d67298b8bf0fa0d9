// Package benchdb gives the opt-in 1M-vacancy benchmarks their database. It
// imports testing, so only _test.go files may use it; the generator itself
// (synth, through analyticstest.EnsureBenchDB) stays free of it for
// `hhjobs bench`.
package benchdb

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics/analyticstest"
)

// Env is the variable that turns the 1M benchmarks on; SizeEnv overrides
// their size (default 1,000,000).
const (
	Env     = "HHJOBS_BENCH_1M"
	SizeEnv = "HHJOBS_BENCH_N"
)

// BenchDB skips tb unless HHJOBS_BENCH_1M=1, and returns the path of a SQLite
// database filled by analyticstest.Fill (seed analyticstest.BenchSeed) with
// HHJOBS_BENCH_N (default 1,000,000) vacancies. The file is kept in the
// temporary directory and reused by later runs, by the other packages'
// benchmarks and by `hhjobs bench`; delete hhjobs-bench-*.db* to rebuild it.
func BenchDB(tb testing.TB) (path string, n int) {
	tb.Helper()
	if os.Getenv(Env) != "1" {
		tb.Skip("set " + Env + "=1 to run the 1M-vacancy benchmarks (the first run fills a database for some minutes)")
	}
	n = 1_000_000
	if s := os.Getenv(SizeEnv); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			tb.Fatalf("%s=%q: want a positive number", SizeEnv, s)
		}
		n = v
	}
	start := time.Now()
	path, built, err := analyticstest.EnsureBenchDB(context.Background(), os.TempDir(), n, analyticstest.BenchSeed)
	if err != nil {
		tb.Fatal(err)
	}
	if built {
		tb.Logf("filled %s with %d vacancies in %s", path, n, time.Since(start).Round(time.Second))
	}
	return path, n
}
