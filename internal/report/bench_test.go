package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/analytics/analyticstest"
	"github.com/hhjobs/hhjobs/internal/analytics/analyticstest/benchdb"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

// BenchmarkReport1M times `hhjobs report` over a million stored vacancies:
// analytics in one pass, rendering, atomic write (opt-in: HHJOBS_BENCH_1M=1;
// target ≤ 15 s).
func BenchmarkReport1M(b *testing.B) {
	path, _ := benchdb.BenchDB(b)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	out := filepath.Join(b.TempDir(), "report.html")
	b.ReportAllocs()
	var peak float64
	for b.Loop() {
		stop := analyticstest.PeakHeap()
		err := Generate(ctx, db, analytics.Config{Now: analyticstest.End}, Meta{}, out)
		peak = max(peak, stop())
		if err != nil {
			b.Fatal(err)
		}
	}
	st, err := os.Stat(out)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(peak, "MB-peak-heap")
	b.ReportMetric(float64(st.Size())/1024, "KB-report")
}

// BenchmarkRender times Render alone on the report of 40,000 synthetic
// vacancies (a page about the size of a broad dashboard view: some 7,000
// table cells, eleven charts).
func BenchmarkRender(b *testing.B) {
	ctx := context.Background()
	db := filledDB(b, 40000, 5)
	res, err := analytics.Compute(ctx, db, analytics.Config{Now: analyticstest.End})
	if err != nil {
		b.Fatal(err)
	}
	var n int
	for b.Loop() {
		var buf bytes.Buffer
		if err := Render(&buf, res, Meta{}); err != nil {
			b.Fatal(err)
		}
		n = buf.Len()
	}
	b.ReportMetric(float64(n)/1024, "KB-page")

}
