// Package analyticstest is the old name of the synthetic HR market: every
// identifier here is an alias of package synth, which the tests of analytics,
// report, export, web and the CLI (and `hhjobs bench`) may use directly. It
// is kept so that existing tests compile unchanged; new code imports synth.
package analyticstest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/postgres"
	"github.com/hhjobs/hhjobs/internal/store/postgres/pgtest"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
	"github.com/hhjobs/hhjobs/internal/synth"
)

// Constants of the generated data (see synth).
const (
	Span      = synth.Span
	QueryName = synth.QueryName
	BenchSeed = synth.BenchSeed
)

// End and Areas share synth's values (same backing array: do not modify).
var (
	End   = synth.End
	Areas = synth.Areas
)

// Fill is synth.Fill.
func Fill(ctx context.Context, s store.Store, n int, seed int64) error {
	return synth.Fill(ctx, s, n, seed)
}

// Vacancy is synth.Vacancy.
func Vacancy(i, n int, seed int64) (store.Vacancy, *time.Time) { return synth.Vacancy(i, n, seed) }

// BenchPath is synth.BenchPath.
func BenchPath(dir string, n int, seed int64) string { return synth.BenchPath(dir, n, seed) }

// BenchMarker is synth.BenchMarker.
func BenchMarker(path string) string { return synth.BenchMarker(path) }

// EnsureBenchDB is synth.EnsureBenchDB on SQLite.
func EnsureBenchDB(ctx context.Context, dir string, n int, seed int64) (path string, built bool, err error) {
	return synth.EnsureBenchDB(ctx, dir, n, seed, openSQLite)
}

// openSQLite is a synth.Opener for the SQLite engine.
func openSQLite(ctx context.Context, path string) (store.Store, error) {
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, err // not a typed nil inside the interface
	}
	return s, nil
}

// PeakHeap is synth.PeakHeap.
func PeakHeap() (stop func() float64) { return synth.PeakHeap() }

// BothEngines opens an empty SQLite store in a temporary directory and an
// empty PostgreSQL store in a fresh schema (skipping tb without
// HHJOBS_TEST_POSTGRES), both closed when tb ends: the set-up of the tests
// that compare the two engines.
func BothEngines(tb testing.TB) (*sqlite.DB, *postgres.DB) {
	tb.Helper()
	dsn, _ := pgtest.FreshSchema(tb)
	ctx := context.Background()
	pg, err := postgres.Open(ctx, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { pg.Close() })
	lite, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "t.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { lite.Close() })
	return lite, pg
}
