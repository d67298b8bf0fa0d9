package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/analytics/analyticstest"
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
			for b.Loop() {
				srv.cache.Store(newViewCache(64))
				srv.answers.Store(newAnswerCache(srv.Snapshot(), answerCacheSize))
				get(b, u)
			}
		})
	}
}

// BenchmarkColumnarGroups measures what the groups section would cost if
// it aggregated the snapshot's columns directly instead of observing
// rebuilt vacancies: the floor a columnar rewrite of the sections can
// reach (BENCHMARKS.md, stop 24). It is a prototype, not the product's
// path: it counts (vacancies, disclosed, excluded, outliers; not the
// open ones) and collects the salaries of the dashboard's groupings
// (the seven dimensions and role × experience × region) for the rows of
// role 118 (synth's largest, 37 % of the rows), with every salary
// normalised beforehand as a snapshot column would hold it, then sorts
// them once and spreads them into sorted per-group lists. It reports the
// three phases per view in ms.
//
//	HHJOBS_BENCH_SERVE_N=1000000 go test ./internal/web/ -run '^$' -bench ColumnarGroups -benchtime 10x
func BenchmarkColumnarGroups(b *testing.B) {
	db := BenchDB(b)
	ctx := context.Background()
	s, err := BuildSnapshot(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	s.WaitIndex()

	// What a columnar snapshot would hold: each row's salary on the basis
	// and its kind, and dense ids of each dimension's values.
	const (
		kindNone = iota
		kindVal
		kindExcluded
		kindOutlier
	)
	role := int32(slices.Index(s.dict, "118"))
	var kept []int32
	sal := make([]float64, len(s.rows))
	kind := make([]uint8, len(s.rows))
	sl := &slab{}
	for i := range s.rows {
		if !slices.Contains(s.roleCodes[s.rows[i].roleSet], role) {
			continue
		}
		kept = append(kept, int32(i))
		x := analytics.NormaliseRoster(s.vacancyIn(i, sl), nil, s.ratesIndex, analytics.Options{})
		switch {
		case !x.Disclosed():
		case !x.OK:
			kind[i] = kindExcluded
		case x.Flags.Has(analytics.FlagOutlier):
			kind[i] = kindOutlier
		default:
			kind[i], sal[i] = kindVal, x.MonthlyRUR
		}
	}
	regionOf := map[string]int32{}
	region := make([]int32, len(s.dict)) // area code → region id
	for c, id := range s.dict {
		r := s.areaIndex.Region(id)
		if _, ok := regionOf[r]; !ok {
			regionOf[r] = int32(len(regionOf))
		}
		region[c] = regionOf[r]
	}
	const dims = 7 // role, experience, area, region, employer, work format, employment form
	dense := make([][]int32, dims)
	ndense := make([]int, dims)
	for d := range dense {
		dense[d] = make([]int32, max(len(s.dict), len(regionOf)))
	}
	see := func(d int, c int32) {
		if dense[d][c] == 0 {
			ndense[d]++
			dense[d][c] = int32(ndense[d])
		}
	}
	for i := range s.rows {
		r := &s.rows[i]
		for _, c := range s.roleCodes[r.roleSet] {
			see(0, c)
		}
		see(1, r.exp)
		see(2, r.areaID)
		see(3, region[r.areaID])
		see(4, r.empID)
		for _, c := range s.wfCodes[r.wfSet] {
			see(5, c)
		}
		see(6, r.ef)
	}

	type group struct{ vacancies, disclosed, excluded, outliers, n int32 }
	var walk, sorting, spread time.Duration
	for b.Loop() {
		t0 := time.Now()
		groups := make([][]group, dims+1)
		for d := range dims {
			groups[d] = make([]group, ndense[d])
		}
		combo := map[uint64]int32{}
		var vals []float64
		var ends, refs []int32 // the groups of vals[k] are refs[ends[k-1]:ends[k]]
		hit := func(d int, id int32, k uint8) {
			g := &groups[d][id]
			g.vacancies++
			switch k {
			case kindVal:
				g.disclosed++
				g.n++
				refs = append(refs, int32(d)<<24|id)
			case kindExcluded:
				g.disclosed++
				g.excluded++
			case kindOutlier:
				g.disclosed++
				g.outliers++
			}
		}
		for _, i := range kept {
			r := &s.rows[i]
			k, before := kind[i], len(refs)
			for _, c := range s.roleCodes[r.roleSet] {
				hit(0, dense[0][c]-1, k)
			}
			hit(1, dense[1][r.exp]-1, k)
			hit(2, dense[2][r.areaID]-1, k)
			hit(3, dense[3][region[r.areaID]]-1, k)
			hit(4, dense[4][r.empID]-1, k)
			for _, c := range s.wfCodes[r.wfSet] {
				hit(5, dense[5][c]-1, k)
			}
			hit(6, dense[6][r.ef]-1, k)
			for _, c := range s.roleCodes[r.roleSet] {
				key := uint64(dense[0][c])<<42 | uint64(dense[1][r.exp])<<21 | uint64(dense[3][region[r.areaID]])
				id, ok := combo[key]
				if !ok {
					id = int32(len(groups[dims]))
					groups[dims] = append(groups[dims], group{})
					combo[key] = id
				}
				hit(dims, id, k)
			}
			if len(refs) > before {
				vals = append(vals, sal[i])
				ends = append(ends, int32(len(refs)))
			}
		}
		walk += time.Since(t0)

		t0 = time.Now()
		order := make([]int32, len(vals))
		for k := range order {
			order[k] = int32(k)
		}
		slices.SortFunc(order, func(x, y int32) int {
			switch {
			case vals[x] < vals[y]:
				return -1
			case vals[x] > vals[y]:
				return 1
			}
			return 0
		})
		sorting += time.Since(t0)

		t0 = time.Now()
		lists := make([][][]float64, len(groups))
		for d := range groups {
			lists[d] = make([][]float64, len(groups[d]))
			for id, g := range groups[d] {
				lists[d][id] = make([]float64, 0, g.n)
			}
		}
		for _, k := range order {
			start := int32(0)
			if k > 0 {
				start = ends[k-1]
			}
			for _, rf := range refs[start:ends[k]] {
				d, id := rf>>24, rf&(1<<24-1)
				lists[d][id] = append(lists[d][id], vals[k])
			}
		}
		for d := range lists {
			for _, xs := range lists[d] {
				if len(xs) > 0 && analytics.Quantile(xs, 0.5) <= 0 {
					b.Fatal("a median of positive salaries is not positive")
				}
			}
		}
		spread += time.Since(t0)
	}
	per := func(d time.Duration) float64 { return d.Seconds() * 1000 / float64(b.N) }
	b.ReportMetric(float64(len(kept)), "rows")
	b.ReportMetric(per(walk), "walk-ms")
	b.ReportMetric(per(sorting), "sort-ms")
	b.ReportMetric(per(spread), "spread-ms")
}
