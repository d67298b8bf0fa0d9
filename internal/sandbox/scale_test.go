package sandbox

import (
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"
)

// BenchmarkMarketProbes times the planner's requests on a market-sized
// sandbox: HHJOBS_BENCH_SANDBOX_N vacancies (default 100,000), e.g.
//
//	HHJOBS_BENCH_SANDBOX_N=1000000 go test ./internal/sandbox/ -run '^$' -bench MarketProbes -benchtime 20x
func BenchmarkMarketProbes(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("HHJOBS_BENCH_SANDBOX_N")); err == nil && v > 0 {
		n = v
	}
	t0 := time.Now()
	s, err := New(Config{Vacancies: n, Now: newClock().Now})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d vacancies built in %s", n, time.Since(t0).Round(time.Millisecond))
	tok := s.MintAppToken()
	for _, q := range []string{
		"area=113&per_page=0",
		"area=113&per_page=0&clusters=true",
		"area=1&per_page=0&clusters=true",
		"area=113&per_page=100&page=19&order_by=publication_time",
		"area=1&professional_role=96&per_page=100&order_by=publication_time",
		"area=1&per_page=0&date_from=2026-11-20T00:00:00%2B0300&date_to=2026-11-21T00:00:00%2B0300&clusters=true",
	} {
		b.Run(q, func(b *testing.B) {
			req, _ := http.NewRequest("GET", "/vacancies?"+q, nil)
			req.Header.Set("User-Agent", testUA)
			req.Header.Set("Authorization", "Bearer "+tok)
			req.RemoteAddr = "127.0.0.1:1"
			for b.Loop() {
				w := &discard{h: http.Header{}}
				s.ServeHTTP(w, req)
				if w.code != 200 {
					b.Fatalf("%d", w.code)
				}
			}
		})
	}
}
