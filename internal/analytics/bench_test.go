package analytics_test

import (
	"context"
	"testing"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/analytics/analyticstest"
	"github.com/hhjobs/hhjobs/internal/analytics/analyticstest/benchdb"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

// BenchmarkStats1M times what `hhjobs stats` computes over a million stored
// vacancies (opt-in: HHJOBS_BENCH_1M=1; target ≤ 3 s).
func BenchmarkStats1M(b *testing.B) {
	path, n := benchdb.BenchDB(b)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	// The floor: the store's streaming walk alone, for attribution.
	b.Run("store-walk-only", func(b *testing.B) {
		for b.Loop() {
			k := 0
			if err := db.EachVacancy(ctx, store.Filter{}, func(store.Vacancy) error { k++; return nil }); err != nil {
				b.Fatal(err)
			}
			if k != n {
				b.Fatalf("%d vacancies", k)
			}
		}
	})
	for _, bc := range []struct {
		name string
		cfg  analytics.Config
	}{
		{"by=role", analytics.Config{Groupings: [][]analytics.Dim{{analytics.DimRole}}, GroupsOnly: true}},
		{"by=role,experience,region", analytics.Config{Groupings: [][]analytics.Dim{{analytics.DimRole, analytics.DimExperience, analytics.DimRegion}}, GroupsOnly: true}},
		{"all-sections", analytics.Config{Now: analyticstest.End}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var peak float64
			for b.Loop() {
				stop := analyticstest.PeakHeap()
				res, err := analytics.Compute(ctx, db, bc.cfg)
				peak = max(peak, stop())
				if err != nil {
					b.Fatal(err)
				}
				if res.Total.Vacancies != n {
					b.Fatalf("%d vacancies, want %d", res.Total.Vacancies, n)
				}
			}
			b.ReportMetric(peak, "MB-peak-heap")
		})
	}
}
