package synth

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
)

// BenchSeed is the seed of the benchmark databases.
const BenchSeed = 1

// BenchPath is where the benchmark database of n vacancies filled by Fill
// with seed lives in dir: hhjobs-bench-N.db for BenchSeed (the name the 1M
// benchmarks and `hhjobs bench` share), hhjobs-bench-N-seedS.db otherwise.
// BenchMarker(path) exists once it is complete.
func BenchPath(dir string, n int, seed int64) string {
	name := fmt.Sprintf("hhjobs-bench-%d.db", n)
	if seed != BenchSeed {
		name = fmt.Sprintf("hhjobs-bench-%d-seed%d.db", n, seed)
	}
	return filepath.Join(dir, name)
}

// BenchMarker is the file that says the database at path is complete.
func BenchMarker(path string) string { return path + ".done" }

// Opener opens (creating) the database file at path. Callers pass the SQLite
// engine's (sqlite.Open): synth imports no engine, so that the engines'
// own tests can use its rows without an import cycle.
type Opener func(ctx context.Context, path string) (store.Store, error)

// EnsureBenchDB returns the path of a complete database of n vacancies
// filled by Fill with seed in dir (see BenchPath), opened with open. An existing one
// is reused when its marker says it is complete; otherwise any partial file
// is removed, the database filled (minutes for a million), and the marker
// written. built reports whether it was filled now.
func EnsureBenchDB(ctx context.Context, dir string, n int, seed int64, open Opener) (path string, built bool, err error) {
	if n <= 0 {
		return "", false, fmt.Errorf("bench database of %d vacancies: want a positive number", n)
	}
	path = BenchPath(dir, n, seed)
	done := BenchMarker(path)
	if _, err := os.Stat(done); err == nil {
		return path, false, nil
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !os.IsNotExist(err) {
			return "", false, err
		}
	}
	s, err := open(ctx, path)
	if err != nil {
		return "", false, err
	}
	if err := Fill(ctx, s, n, seed); err != nil {
		s.Close()
		return "", false, fmt.Errorf("filling %s: %w", path, err)
	}
	if err := s.Close(); err != nil {
		return "", false, err
	}
	if err := os.WriteFile(done, nil, 0o644); err != nil {
		return "", false, err
	}
	return path, true, nil
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
