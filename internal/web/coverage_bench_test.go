package web_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/filter"
	"github.com/hhjobs/hhjobs/internal/report"
	"github.com/hhjobs/hhjobs/internal/web"
)

// BenchmarkCoverage times the overview header's scope pass (report.ReadCoverage
// on the snapshot, which the overview runs beside the analytics) against
// the analytics themselves, unfiltered and with one filter.
// HHJOBS_BENCH_SERVE_N=100000 go test ./internal/web/ -run '^$' -bench Coverage
func BenchmarkCoverage(b *testing.B) {
	db := web.BenchDB(b)
	ctx := context.Background()
	snap, err := web.BuildSnapshot(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{"", "experience=between1And3"} {
		v, _ := url.ParseQuery(q)
		spec, err := filter.Parse(v)
		if err != nil {
			b.Fatal(err)
		}
		flt, err := filter.Resolve(ctx, snap, spec)
		if err != nil {
			b.Fatal(err)
		}
		name := q
		if name == "" {
			name = "all"
		}
		b.Run("coverage/"+name, func(b *testing.B) {
			for b.Loop() {
				if _, err := report.ReadCoverage(ctx, flt.Wrap(snap), flt.StoreFilter()); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("analytics/"+name, func(b *testing.B) {
			for b.Loop() {
				if _, err := analytics.Compute(ctx, flt.Wrap(snap), analytics.Config{Filter: flt.StoreFilter(), Now: now}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
