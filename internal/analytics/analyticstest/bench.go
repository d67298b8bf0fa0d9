package analyticstest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

// BenchEnv is the variable that turns the 1M benchmarks on; BenchSizeEnv
// overrides their size (default 1,000,000).
const (
	BenchEnv     = "HHJOBS_BENCH_1M"
	BenchSizeEnv = "HHJOBS_BENCH_N"
)

// BenchDB skips b unless HHJOBS_BENCH_1M=1, and returns the path of a SQLite
// database filled by Fill with HHJOBS_BENCH_N (default 1,000,000) vacancies.
// The file is kept in the temporary directory and reused by later runs (and
// by the other packages' benchmarks); delete hhjobs-bench-*.db to rebuild it.
func BenchDB(b *testing.B) (path string, n int) {
	b.Helper()
	if os.Getenv(BenchEnv) != "1" {
		b.Skip("set " + BenchEnv + "=1 to run the 1M-vacancy benchmarks (the first run fills a database for some minutes)")
	}
	n = 1_000_000
	if s := os.Getenv(BenchSizeEnv); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			b.Fatalf("%s=%q: want a positive number", BenchSizeEnv, s)
		}
		n = v
	}
	path = filepath.Join(os.TempDir(), fmt.Sprintf("hhjobs-bench-%d.db", n))
	done := path + ".done"
	if _, err := os.Stat(done); err == nil {
		return path, n
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		_ = os.Remove(path + suffix)
	}
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := Fill(ctx, s, n, 1); err != nil {
		s.Close()
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	b.Logf("filled %s with %d vacancies in %s", path, n, time.Since(start).Round(time.Second))
	if err := os.WriteFile(done, nil, 0o644); err != nil {
		b.Fatal(err)
	}
	return path, n
}

// PeakHeap samples the Go heap every 10 ms until stop is called, which returns
// the largest HeapInuse seen, in MB.
func PeakHeap() (stop func() float64) {
	var mu sync.Mutex
	var peak uint64
	quit := make(chan struct{})
	finished := make(chan struct{})
	sample := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		mu.Lock()
		peak = max(peak, m.HeapInuse)
		mu.Unlock()
	}
	go func() {
		defer close(finished)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				sample()
			}
		}
	}()
	return func() float64 {
		close(quit)
		<-finished
		sample()
		mu.Lock()
		defer mu.Unlock()
		return float64(peak) / (1 << 20)
	}
}
