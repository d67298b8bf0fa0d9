// Package analyticstest is the old name of the synthetic HR market: every
// identifier here is an alias of package synth, which the tests of analytics,
// report, export, web and the CLI (and `hhjobs bench`) may use directly. It
// is kept so that existing tests compile unchanged; new code imports synth.
package analyticstest

import (
	"context"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
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
