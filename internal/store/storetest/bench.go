package storetest

import (
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/fixture"
)

// Bench runs the shared store benchmarks:
//
//	UpsertSearchPages  pages of 100 search items with ~1.5 KB raw JSON each, all new ids
//	SaveDetails        batches of 20 full vacancies with ~6 KB raw JSON and 5 skills
//	EachVacancy1M      1,000,000 vacancies streamed; only with HHJOBS_BENCH_1M=1
//
// Each reports vacancies (or rows) per second; EachVacancy1M also reports the
// peak heap in use while streaming.
func Bench(b *testing.B, open func(b *testing.B) store.Store) {
	b.Run("UpsertSearchPages", func(b *testing.B) { benchUpsert(b, open(b)) })
	b.Run("SaveDetails", func(b *testing.B) { benchDetails(b, open(b)) })
	b.Run("EachVacancy1M", func(b *testing.B) {
		if os.Getenv("HHJOBS_BENCH_1M") != "1" {
			b.Skip("set HHJOBS_BENCH_1M=1 to insert and stream 1,000,000 vacancies")
		}
		benchEach1M(b, open(b))
	})
}

func setupB(b *testing.B, s store.Store) (store.Query, store.Run) {
	q, err := s.SaveQuery(ctx, store.Query{Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	r, err := s.CreateRun(ctx, store.Run{QueryID: q.ID, StartedAt: base, UpperBound: base})
	if err != nil {
		b.Fatal(err)
	}
	return q, r
}

// template returns n items to be re-identified per use.
func template(n, rawSize int, full bool) []store.Vacancy {
	out := make([]store.Vacancy, n)
	for i := range out {
		if full {
			out[i] = fixture.Full(i, rawSize)
		} else {
			out[i] = fixture.Item(i, rawSize)
		}
	}
	return out
}

func reID(page []store.Vacancy, first int) {
	for j := range page {
		page[j].ID = fmt.Sprintf("%010d", first+j)
	}
}

func benchUpsert(b *testing.B, s store.Store) {
	q, r := setupB(b, s)
	page := template(100, 1500, false)
	b.SetBytes(int64(len(page[0].RawItem) * len(page)))
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		reID(page, 1_000_000_000+i*len(page))
		res, err := s.UpsertSearchItems(ctx, q.ID, r.ID, page, base)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.New) != len(page) {
			b.Fatalf("page %d: %d new, want %d", i, len(res.New), len(page))
		}
	}
	b.ReportMetric(float64(b.N*len(page))/time.Since(start).Seconds(), "vacancies/s")
}

func benchDetails(b *testing.B, s store.Store) {
	q, r := setupB(b, s)
	const batch = 20
	items := template(batch, 1500, false)
	full := template(batch, 6000, true)
	b.SetBytes(int64(len(full[0].RawFull) * batch))
	b.ReportAllocs()
	var spent time.Duration
	for i := 0; i < b.N; i++ {
		// Store the search items first (untimed), as harvest does.
		b.StopTimer()
		reID(items, 1_000_000_000+i*batch)
		if _, err := s.UpsertSearchItems(ctx, q.ID, r.ID, items, base); err != nil {
			b.Fatal(err)
		}
		reID(full, 1_000_000_000+i*batch)
		b.StartTimer()
		t0 := time.Now()
		if err := s.SaveDetails(ctx, 0, full, base.Add(time.Minute)); err != nil {
			b.Fatal(err)
		}
		spent += time.Since(t0)
	}
	b.ReportMetric(float64(b.N*batch)/spent.Seconds(), "vacancies/s")
}

func benchEach1M(b *testing.B, s store.Store) {
	const total, pageSize = 1_000_000, 1000
	q, r := setupB(b, s)
	page := template(pageSize, 1500, false)
	t0 := time.Now()
	for i := 0; i < total/pageSize; i++ {
		reID(page, 1_000_000_000+i*pageSize)
		if _, err := s.UpsertSearchItems(ctx, q.ID, r.ID, page, base); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("inserted %d vacancies in %v (%.0f/s)", total, time.Since(t0).Round(time.Millisecond), total/time.Since(t0).Seconds())
	page = nil
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	baseline := ms.HeapInuse
	var peak uint64
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		n := 0
		err := s.EachVacancy(ctx, store.Filter{}, func(v store.Vacancy) error {
			n++
			if n%10_000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if n != total {
			b.Fatalf("streamed %d, want %d", n, total)
		}
	}
	b.ReportMetric(float64(b.N*total)/time.Since(start).Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(baseline)/(1<<20), "heap-before-MB")
}
