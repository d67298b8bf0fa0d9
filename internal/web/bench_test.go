package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/web"
)

// BenchmarkServe measures the dashboard on the bench database of
// HHJOBS_BENCH_SERVE_N vacancies (opt-in; built under /tmp by Fill like the
// `hhjobs bench store` one, reused when present): start-up (snapshot build
// to the first answer), the Go heap after start-up, and the server time of
// filter changes that miss the view cache, per endpoint, as p50 and p95.
//
//	HHJOBS_BENCH_SERVE_N=100000 go test ./internal/web/ -run '^$' -bench Serve -benchtime 1x
//
// HHJOBS_BENCH_SERVE_URLS=N times only N of the 40 filter sets (for 1M).
func BenchmarkServe(b *testing.B) {
	db := web.BenchDB(b)
	for b.Loop() {
		start := time.Now()
		srv, _ := newServer(b, db)
		h := srv.Handler()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/stats?by=role", nil))
		startup := time.Since(start)
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(startup.Seconds(), "s-startup")
		b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "MB-heap-after-start")
		b.ReportMetric(float64(srv.Snapshot().Len()), "vacancies")
		b.ReportMetric(srv.Snapshot().Took.Seconds(), "s-snapshot-build")

		// The unfiltered overview, warmed in the background since start-up:
		// taken once here, so that the filter changes below are timed alone.
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
		b.ReportMetric(time.Since(start).Seconds(), "s-to-first-overview")

		var urls []string
		for _, exp := range []string{"noExperience", "between1And3", "between3And6", "moreThan6"} {
			for _, area := range []string{"1", "2", "1624", "113", "1438"} {
				for _, wf := range []string{"", "&work-format=REMOTE"} {
					urls = append(urls, "experience="+exp+"&area="+area+wf)
				}
			}
		}
		if k, _ := strconv.Atoi(os.Getenv("HHJOBS_BENCH_SERVE_URLS")); k > 0 && k < len(urls) {
			// Every other URL first, so that a short run still mixes narrow and broad filters.
			var picked []string
			for i := 0; i < len(urls) && len(picked) < k; i += 2 {
				picked = append(picked, urls[i])
			}
			urls = picked
		}
		for _, ep := range []string{"/api/stats?by=role,experience&", "/vacancies?sort=pay&", "/?"} {
			var times []time.Duration
			for _, u := range urls {
				t0 := time.Now()
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, ep+u, nil))
				times = append(times, time.Since(t0))
				if rec.Code != 200 {
					b.Fatalf("%s%s: %d %s", ep, u, rec.Code, rec.Body.String())
				}
			}
			slices.Sort(times)
			name := map[string]string{"/api/stats?by=role,experience&": "api-stats", "/vacancies?sort=pay&": "vacancies", "/?": "overview"}[ep]
			b.ReportMetric(float64(times[len(times)/2].Milliseconds()), "ms-p50-"+name)
			b.ReportMetric(float64(times[len(times)*95/100].Milliseconds()), "ms-p95-"+name)
			fmt.Fprintf(os.Stderr, "%s: %d filter changes, p50 %s, p95 %s, max %s\n", name, len(times), times[len(times)/2], times[len(times)*95/100], times[len(times)-1])
		}
	}
}
