package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/analytics/analyticstest"
	"github.com/hhjobs/hhjobs/internal/filter"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
	"github.com/hhjobs/hhjobs/internal/synth"
)

// BenchDB opens the bench database of HHJOBS_BENCH_SERVE_N vacancies (the
// one of `hhjobs bench store` under the temporary directory, filled when
// absent), closed when b ends; without the variable it skips b. Exported
// for the external benchmarks of this package (bench_test.go).
func BenchDB(b *testing.B) *sqlite.DB {
	n, _ := strconv.Atoi(os.Getenv("HHJOBS_BENCH_SERVE_N"))
	if n <= 0 {
		b.Skip("set HHJOBS_BENCH_SERVE_N (e.g. 1000000) to run")
	}
	ctx := context.Background()
	path, _, err := analyticstest.EnsureBenchDB(ctx, os.TempDir(), n, 1)
	if err != nil {
		b.Fatal(err)
	}
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// BenchmarkView times the views of HHJOBS_BENCH_VIEWS (URLs separated by
// spaces; default /?role=118) in isolation, as serve computes them: the
// server started on the bench database with serve's memory limit, the
// index built and the start-up's warm-up done, and the caches emptied
// before each request, so that every request computes its view. Profile
// one view with -cpuprofile. The pages only: /api/stats and
// /api/lifetime run the CLI's functions, which this package does not have
// (time them with `hhjobs bench serve`).
//
//	HHJOBS_BENCH_SERVE_N=1000000 HHJOBS_BENCH_VIEWS='/?role=118 /?area=113' \
//	  go test ./internal/web/ -run '^$' -bench '^BenchmarkView$' -benchtime 4x
func BenchmarkView(b *testing.B) {
	db := BenchDB(b)
	if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(500 << 20)) // serveMemoryLimit of internal/cli
	}
	ctx := context.Background()
	srv, err := New(ctx, Config{Store: db, Now: func() time.Time { return synth.End },
		Stats: func(context.Context, store.Store, url.Values) ([]byte, error) { return []byte("{}"), nil }})
	if err != nil {
		b.Fatal(err)
	}
	srv.Snapshot().WaitIndex()
	h := srv.Handler()
	get := func(b *testing.B, u string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, u, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d %s", u, rec.Code, rec.Body)
		}
	}
	get(b, "/")                          // waits for the warm-up's overview
	time.Sleep(warmIdle + 2*time.Second) // and lets the warm-up's /api/stats pass
	views := strings.Fields(os.Getenv("HHJOBS_BENCH_VIEWS"))
	if len(views) == 0 {
		views = []string{"/?role=118"}
	}
	for _, u := range views {
		b.Run(u, func(b *testing.B) {
			cpu0 := cpuTime()
			for b.Loop() {
				srv.cache.Store(newViewCache(64))
				srv.answers.Store(newAnswerCache(srv.Snapshot(), answerCacheSize))
				get(b, u)
			}
			// On two cores the CPU a view takes, not its wall time, says
			// what the next change can gain.
			b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(b.N), "cpu-ms/op")
		})
	}
}

// BenchmarkCount times the snapshot's count of an overview's groups
// (columns.go) for the filters of each URL of HHJOBS_BENCH_VIEWS, alone:
// the query Compute makes for the overview (every dimension, role ×
// experience × region, the employers, region × experience).
//
//	HHJOBS_BENCH_SERVE_N=1000000 HHJOBS_BENCH_VIEWS='/?role=118 /?area=113' \
//	  go test ./internal/web/ -run '^$' -bench '^BenchmarkCount$' -benchtime 10x
func BenchmarkCount(b *testing.B) {
	db := BenchDB(b)
	ctx := context.Background()
	s, err := BuildSnapshot(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	s.WaitIndex()
	if s.cols.Load() == nil {
		b.Fatal("the snapshot built no columns")
	}
	tuples := append(analytics.DefaultGroupings(), []analytics.Dim{analytics.DimEmployer}, analytics.RegionExperienceDims)
	views := strings.Fields(os.Getenv("HHJOBS_BENCH_VIEWS"))
	if len(views) == 0 {
		views = []string{"/?role=118"}
	}
	for _, u := range views {
		pu, err := url.Parse(u)
		if err != nil {
			b.Fatal(err)
		}
		spec, err := filter.Parse(pu.Query())
		if err != nil {
			b.Fatal(err)
		}
		f, err := filter.Resolve(ctx, s, spec)
		if err != nil {
			b.Fatal(err)
		}
		cs := f.Wrap(s).(analytics.ColumnStore)
		q := analytics.ColumnQuery{Filter: f.StoreFilter(), Options: analytics.Options{Net: pu.Query().Get("basis") == "net"}, Tuples: tuples}
		b.Run(u, func(b *testing.B) {
			var ans *analytics.ColumnAnswer
			for b.Loop() {
				if ans, err = cs.Count(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(ans.Total.Vacancies), "rows")
		})
	}
}

// cpuTime is the CPU time of the process so far (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
