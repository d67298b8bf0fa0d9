package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/analytics/analyticstest"
	"github.com/hhjobs/hhjobs/internal/filter"
	"github.com/hhjobs/hhjobs/internal/report"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

// indexedSnapshot fills a database of n generated vacancies (closed when t
// ends) and returns it with its snapshot, indexes built and rosters loaded.
func indexedSnapshot(t *testing.T, n int, seed int64) (*sqlite.DB, *Snapshot) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := analyticstest.Fill(ctx, db, n, seed); err != nil {
		t.Fatal(err)
	}
	snap, err := BuildSnapshot(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	snap.WaitIndex()
	return db, snap
}

// TestIndexSelectsWhatMatchKeeps: for every kind of filter and their
// combinations, the rows the indexes select (EachVacancyFiltered) and the
// list's sorted selection are exactly, and in the same order, those of a
// scan of every row with Match.
func TestIndexSelectsWhatMatchKeeps(t *testing.T) {
	ctx := context.Background()
	_, snap := indexedSnapshot(t, 2500, 7)
	srv := &Server{}
	srv.snap.Store(snap)
	for _, q := range []string{
		"role=118", "role=118,38", "experience=between3And6", "experience=noExperience,moreThan6",
		"area=1", "area=1624", "area=113", "area=40", "area=88,2", "work-format=REMOTE", "work-format=HYBRID,FIELD_WORK",
		"employment-form=PART", "employer=10000", "employer=" + url.QueryEscape("компания 2"), "employer=10001," + url.QueryEscape("Компания 5"),
		"skill=Excel", "skill=" + url.QueryEscape("MS Excel,Сорсинг"), "since=2026-03-01", "until=2026-02-01", "since=2026-02-01&until=2026-03-15",
		"open=true", "role=118&experience=between3And6&area=1624", "role=69&area=1&work-format=REMOTE&open=true",
		"experience=between1And3&skill=Excel&since=2026-03-01", "employer=10000&role=117", "area=1&until=2026-02-15",
	} {
		v, _ := url.ParseQuery(q)
		f := resolved(t, ctx, snap, v)
		sf := f.StoreFilter()
		if _, ok := snap.candidates(f, sf); !ok && q != "open=true" { // open is the store filter's, not an index's
			t.Errorf("%s: no index used", q)
		}
		var want, got []string
		collect := func(dst *[]string) func(store.Vacancy) error {
			return func(v store.Vacancy) error { *dst = append(*dst, v.ID); return nil }
		}
		if err := snap.EachVacancyMatching(ctx, sf, f.Fields(), f.Match, collect(&want)); err != nil {
			t.Fatal(err)
		}
		if err := snap.EachVacancyFiltered(ctx, sf, f, collect(&got)); err != nil {
			t.Fatal(err)
		}
		var piped []string // the same through the two-goroutine pipeline
		pipelineMin = 1
		err := snap.EachVacancyFiltered(ctx, sf, f, collect(&piped))
		pipelineMin = 8192
		if err != nil || !slices.Equal(piped, want) {
			t.Errorf("%s: the pipeline selects %d rows (%v), the scan %d", q, len(piped), err, len(want))
		}
		cols, err := snap.coverage(ctx, f) // the header's count from the columns
		walked, werr := report.ReadCoverage(ctx, f.Wrap(snap), sf)
		if err != nil || werr != nil || !reflect.DeepEqual(cols, walked) || cols.N != len(want) {
			t.Errorf("%s: coverage from the columns %+v (%v), from a walk %+v (%v)", q, cols, err, walked, werr)
		}
		sink := &selectionSink{} // the overview's: the rows its analytics' count selected
		if _, err := analytics.Compute(withSink(ctx, sink), f.Wrap(snap), analytics.Config{Filter: sf, Now: analyticstest.End}); err != nil {
			t.Fatal(err)
		}
		if counted, err := snap.coverageOf(ctx, f, sink); !sink.ok || err != nil || !reflect.DeepEqual(counted, cols) {
			t.Errorf("%s: coverage from the count's rows %+v (%v, rows given: %v), from the columns %+v", q, counted, err, sink.ok, cols)
		}
		partMin, partMaxShare = 1, 1 // the same in 2 and 3 parts, concatenated in part order
		for _, n := range []int{2, 3} {
			parts := make([][]string, n)
			err := snap.filteredParts(ctx, sf, f, n, func(k int, v store.Vacancy) error {
				parts[k] = append(parts[k], v.ID)
				return nil
			})
			if all := slices.Concat(parts...); err != nil || !slices.Equal(all, want) {
				t.Errorf("%s: %d parts select %d rows (%v), the scan %d", q, n, len(all), err, len(want))
			}
		}
		partMin, partMaxShare = 1, 0.5 // a selection of over half the rows: one part
		if cand, ok := snap.candidates(f, sf); ok && snap.broad(cand.count()) {
			in0, total := 0, 0
			_ = snap.filteredParts(ctx, sf, f, 2, func(k int, v store.Vacancy) error {
				if total++; k == 0 {
					in0++
				}
				return nil
			})
			if in0 != total || total != len(want) {
				t.Errorf("%s: a broad selection of %d rows was cut into parts (%d in the first)", q, total, in0)
			}
		}
		partMin, partMaxShare = 8192, 0.5
		if len(want) == 0 || len(want) == snap.Len() && q != "area=113" {
			t.Errorf("%s: %d of %d rows: the case tests nothing", q, len(want), snap.Len())
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: indexes select %d rows, the scan %d", q, len(got), len(want))
		}
		for _, sort := range []string{"date", "pay"} {
			lr := &listReq{request: &request{flt: f}, sort: sort}
			var scan []int
			for i := range snap.rows {
				var lv store.Vacancy
				if snap.keep(i, sf, sinceNano(sf)) {
					if snap.light(i, &lv, f.Fields()); f.Match(&lv) {
						scan = append(scan, i)
					}
				}
			}
			order := snap.byDate
			if sort == "pay" {
				order = snap.byPay
			}
			slices.SortStableFunc(scan, order)
			if got := srv.matches(snap, lr); !slices.Equal(got, scan) {
				t.Errorf("%s sort=%s: the list differs from the sorted scan (%d vs %d rows)", q, sort, len(got), len(scan))
			}
			partMin, parts = 1, func() int { return 3 } // a broad list tested in runs
			got := srv.matches(snap, lr)
			partMin, parts = 8192, func() int { return runtime.GOMAXPROCS(0) }
			if !slices.Equal(got, scan) {
				t.Errorf("%s sort=%s: the list in runs differs from the sorted scan (%d vs %d rows)", q, sort, len(got), len(scan))
			}
		}
	}
}

// TestPipelineStops: an error of the consumer, or the end of the context,
// stops the pipeline with that error and leaves no goroutine behind.
func TestPipelineStops(t *testing.T) {
	produce := func(emit func(store.Vacancy) bool) {
		for i := 0; i < 100000; i++ {
			if !emit(store.Vacancy{ID: strconv.Itoa(i)}) {
				return
			}
		}
	}
	stop := errors.New("enough")
	n := 0
	err := pipeline(context.Background(), produce, func(v store.Vacancy) error {
		if n++; n == 1500 {
			return stop
		}
		if v.ID != strconv.Itoa(n-1) {
			t.Fatalf("vacancy %s arrived as number %d", v.ID, n-1)
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 1500 {
		t.Errorf("err %v after %d vacancies", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	err = pipeline(ctx, produce, func(store.Vacancy) error {
		if n++; n == 700 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n >= 100000 {
		t.Errorf("cancelled: err %v after %d vacancies", err, n)
	}
	before := runtime.NumGoroutine()
	if err := pipeline(context.Background(), produce, func(store.Vacancy) error { return nil }); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if after := runtime.NumGoroutine(); after > before {
		t.Errorf("%d goroutines before, %d after", before, after)
	}
}

// TestPipelineKeepsCodes: the producer rewrites one store.Codes row after
// row, as the snapshot's walk does; the consumer, slower, still reads each
// vacancy's own codes (the batch holds a copy).
func TestPipelineKeepsCodes(t *testing.T) {
	var code store.Codes
	produce := func(emit func(store.Vacancy) bool) {
		for i := range 3 * batchSize {
			code = store.Codes{Area: int32(i)}
			if !emit(store.Vacancy{ID: strconv.Itoa(i), Codes: &code}) {
				return
			}
		}
	}
	n := 0
	err := pipeline(context.Background(), produce, func(v store.Vacancy) error {
		if n == 0 {
			time.Sleep(20 * time.Millisecond) // the producer runs ahead
		}
		if v.ID != strconv.Itoa(n) || v.Codes == nil || v.Codes.Area != int32(n) {
			t.Fatalf("vacancy %s (number %d) arrived with codes %+v", v.ID, n, v.Codes)
		}
		n++
		return nil
	})
	if err != nil || n != 3*batchSize {
		t.Errorf("err %v after %d vacancies", err, n)
	}
}

// TestPartsGiveOneWalksFigures: analytics computed on the snapshot in
// parts on several goroutines (store.PartWalker), or in batches observed by
// two halves of the sections at once (store.BatchWalker), equal, byte for byte, the
// analytics of the database's one walk, filtered or not, gross and net,
// rosters included (the held shift vacancies are replayed in walk order).
func TestPartsGiveOneWalksFigures(t *testing.T) {
	ctx := context.Background()
	db, snap := indexedSnapshot(t, 3000, 5)
	// The rosters come from memory now, and equal the database's.
	mp := snap.rosters.Load()
	if mp == nil || len(*mp) == 0 {
		t.Fatal("the rosters were not loaded")
	}
	var ids []string
	for id := range *mp {
		ids = append(ids, id)
	}
	shifts := 0 // every vacancy paid per shift or hour is among them
	_ = snap.EachVacancy(ctx, store.Filter{}, func(v store.Vacancy) error {
		if m := strings.ToUpper(v.SalaryMode); m == analytics.ModeShift || m == analytics.ModeHour {
			shifts++
			if _, ok := (*mp)[v.ID]; !ok {
				t.Errorf("vacancy %s (%s) has no roster loaded", v.ID, v.SalaryMode)
			}
		}
		return nil
	})
	if shifts == 0 || len(*mp) != shifts {
		t.Errorf("%d rosters loaded for %d vacancies paid per shift or hour", len(*mp), shifts)
	}
	fromDB, err := db.Rosters(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	fromSnap, err := snap.Rosters(ctx, append(ids, "no-such-id"))
	if err != nil || len(fromDB) == 0 || !reflect.DeepEqual(fromSnap, fromDB) {
		t.Errorf("rosters: %d from the snapshot (%v), %d from the database", len(fromSnap), err, len(fromDB))
	}
	defer func() {
		partMin, partMaxShare, parts, pipelineMin, batchWalks = 8192, 0.5, func() int { return runtime.GOMAXPROCS(0) }, 8192, true
	}()
	if snap.cols.Load() == nil {
		t.Fatal("the snapshot built no columns: the groups below would come from the walk, untested")
	}
	now := analyticstest.End.Add(24 * time.Hour)
	// The snapshot's walk in 3 parts; in batches shown to two halves of the
	// sections at once; and in one part through the pipeline (the
	// vacancies' codes copied into its batches).
	for _, walk := range []string{"parts", "batches", "pipeline"} {
		switch walk {
		case "parts":
			partMin, partMaxShare, parts, batchWalks = 1, 1, func() int { return 3 }, true
		case "batches":
			partMin, partMaxShare, pipelineMin, batchWalks = 1, 0, 1, true
		default:
			partMin, partMaxShare, pipelineMin, batchWalks = 1, 0, 1, false
		}
		for _, q := range []string{"", "role=118", "area=113&experience=between1And3", "skill=Excel", "open=true&work-format=REMOTE"} {
			for _, cfg := range []analytics.Config{
				{Now: now},
				{Now: now, Options: analytics.Options{Net: true}, UniquePostings: true},
				{Now: now, GroupsOnly: true, Groupings: [][]analytics.Dim{{analytics.DimRole, analytics.DimExperience}}},
			} {
				v, _ := url.ParseQuery(q)
				f := resolved(t, ctx, snap, v)
				cfg.Filter = f.StoreFilter()
				if want, _ := sameFigures(t, ctx, f, db, snap, cfg); want.Total.Vacancies == 0 {
					t.Errorf("%s, %q net=%v groupsOnly=%v: no vacancies to compare", walk, q, cfg.Net, cfg.GroupsOnly)
				}
			}
		}
	}
}

// sameFigures computes cfg through f on the database and on the snapshot
// and reports an error, with the first difference, unless their JSON is
// the same to the byte; it returns both results.
func sameFigures(t *testing.T, ctx context.Context, f *filter.Filter, db *sqlite.DB, snap store.Store, cfg analytics.Config) (want, got *analytics.Result) {
	t.Helper()
	want, err := analytics.Compute(ctx, f.Wrap(db), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got, err = analytics.Compute(ctx, f.Wrap(snap), cfg); err != nil {
		t.Fatal(err)
	}
	jw, _ := json.Marshal(want)
	jg, _ := json.Marshal(got)
	if string(jw) == string(jg) {
		return want, got
	}
	for i := range min(len(jw), len(jg)) {
		if jw[i] != jg[i] {
			t.Errorf("%q net=%v groupsOnly=%v groupings=%v: the snapshot's figures differ (%d vs %d bytes) at %d: want …%s…, got …%s…",
				f.Describe(), cfg.Net, cfg.GroupsOnly, cfg.Groupings, len(jg), len(jw), i, jw[max(0, i-120):min(len(jw), i+40)], jg[max(0, i-120):min(len(jg), i+40)])
			return want, got
		}
	}
	t.Errorf("%q: the snapshot's figures differ in length (%d vs %d bytes)", f.Describe(), len(jg), len(jw))
	return want, got
}

// resolved is the filter of the query parameters v on s, as the dashboard
// parses and resolves a URL's.
func resolved(tb testing.TB, ctx context.Context, s store.Store, v url.Values) *filter.Filter {
	tb.Helper()
	spec, err := filter.Parse(v)
	if err != nil {
		tb.Fatalf("%s: %v", v.Encode(), err)
	}
	f, err := filter.Resolve(ctx, s, spec)
	if err != nil {
		tb.Fatalf("%s: %v", v.Encode(), err)
	}
	return f
}
