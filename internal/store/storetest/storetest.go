// Package storetest is the conformance suite every store.Store engine runs
// (Run), plus shared benchmarks (Bench).
package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/fixture"
)

// base is the fixtures' fixed instant.
var base = fixture.Base

func i64(v int64) *int64        { return &v }
func tp(t time.Time) *time.Time { return &t }

// Run runs the conformance suite. open must return a store over a fresh,
// empty database and arrange for it to be closed (t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Areas", testAreas},
		{"Roles", testRoles},
		{"CurrencyRates", testCurrencyRates},
		{"Queries", testQueries},
		{"Runs", testRuns},
		{"AddRunCounters", testAddRunCounters},
		{"WriteCounters", testWriteCounters},
		{"ExtendLease", testExtendLease},
		{"Slices", testSlices},
		{"SplitSlice", testSplitSlice},
		{"ClaimSliceConcurrent", testClaimSliceConcurrent},
		{"ClaimSliceLease", testClaimSliceLease},
		{"UpsertClassification", testUpsertClassification},
		{"UpsertDuplicatesInPage", testUpsertDuplicates},
		{"Reappearance", testReappearance},
		{"DetailsNotClobbered", testDetailsNotClobbered},
		{"SaveDetails", testSaveDetails},
		{"MarkClosed", testMarkClosed},
		{"NeedDetails", testNeedDetails},
		{"NotSeenByRun", testNotSeenByRun},
		{"EachVacancy", testEachVacancy},
		{"EachVacancyChunks", testEachVacancyChunks},
		{"EachVacancyFields", testEachVacancyFields},
		{"EachSkill", testEachSkill},
		{"Timestamps", testTimestamps},
		{"NotFound", testNotFound},
		{"Canceled", testCanceled},
		{"Dictionaries", testDictionaries},
		{"DeleteQuery", testDeleteQuery},
		{"AbandonRun", testAbandonRun},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, open(t))
		})
	}
}

var ctx = context.Background()

// cmpOpts compare stored values: instants with time.Equal, empty and nil alike,
// raw JSON by meaning (PostgreSQL's jsonb re-formats it).
var cmpOpts = cmp.Options{
	cmp.FilterPath(func(p cmp.Path) bool {
		return p.Last().Type() != reflect.TypeFor[json.RawMessage]()
	}, cmpopts.EquateEmpty()),
	cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
	cmp.Comparer(func(a, b json.RawMessage) bool { return jsonEqual(a, b) }),
}

func jsonEqual(a, b []byte) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	return cmp.Equal(x, y)
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func diff(t *testing.T, what string, want, got any) {
	t.Helper()
	if d := cmp.Diff(want, got, cmpOpts); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, d)
	}
}

// setup saves a query and starts a run for it.
func setup(t *testing.T, s store.Store, name string) (store.Query, store.Run) {
	t.Helper()
	q := must[store.Query](t)(s.SaveQuery(ctx, store.Query{Name: name, Params: map[string][]string{"text": {"hr"}}}))
	r := must[store.Run](t)(s.CreateRun(ctx, store.Run{QueryID: q.ID, StartedAt: base, UpperBound: base, Details: "new"}))
	return q, r
}

func newRun(t *testing.T, s store.Store, q store.Query, at time.Time) store.Run {
	t.Helper()
	return must[store.Run](t)(s.CreateRun(ctx, store.Run{QueryID: q.ID, StartedAt: at, UpperBound: at, Details: "new"}))
}

func testAreas(t *testing.T, s store.Store) {
	first := []store.Area{{ID: "1", ParentID: "113", Name: "Москва"}, {ID: "113", Name: "Россия"}, {ID: "2", ParentID: "113", Name: "Санкт-Петербург"}}
	check(t, s.ReplaceAreas(ctx, first))
	diff(t, "areas", first, must[[]store.Area](t)(s.Areas(ctx)))
	second := []store.Area{{ID: "113", Name: "Россия"}, {ID: "88", ParentID: "1624", Name: "Казань"}}
	check(t, s.ReplaceAreas(ctx, second))
	diff(t, "areas after replace", second, must[[]store.Area](t)(s.Areas(ctx)))
}

func testRoles(t *testing.T, s store.Store) {
	roles := []store.Role{
		{ID: "117", Name: "Специалист по подбору персонала", CategoryID: "17", CategoryName: "Управление персоналом"},
		{ID: "69", Name: "Менеджер по персоналу", CategoryID: "17", CategoryName: "Управление персоналом"},
		{ID: "9", Name: "Старая роль", CategoryID: "1", CategoryName: "Прочее", SearchDeprecated: true},
	}
	check(t, s.ReplaceRoles(ctx, roles))
	got := must[[]store.Role](t)(s.Roles(ctx))
	slices.SortFunc(got, func(a, b store.Role) int { return cmpString(a.ID, b.ID) })
	want := slices.Clone(roles)
	slices.SortFunc(want, func(a, b store.Role) int { return cmpString(a.ID, b.ID) })
	diff(t, "roles", want, got)
	check(t, s.ReplaceRoles(ctx, roles[:1]))
	diff(t, "roles after replace", roles[:1], must[[]store.Role](t)(s.Roles(ctx)))
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func testCurrencyRates(t *testing.T, s store.Store) {
	d1 := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	d2 := d1.AddDate(0, 0, 1)
	rate := func(d time.Time, code string, r float64) store.CurrencyRate {
		return store.CurrencyRate{Date: d, Code: code, Rate: r}
	}
	check(t, s.SaveCurrencyRates(ctx, []store.CurrencyRate{rate(d1, "USD", 0.0125), rate(d1, "EUR", 0.011), rate(d1, "RUR", 1)}))
	check(t, s.SaveCurrencyRates(ctx, []store.CurrencyRate{rate(d2, "USD", 0.0126)}))
	// Saving d1 again replaces that day's set only.
	check(t, s.SaveCurrencyRates(ctx, []store.CurrencyRate{rate(d1, "USD", 0.0124), rate(d1, "RUR", 1)}))
	want := []store.CurrencyRate{rate(d1, "RUR", 1), rate(d1, "USD", 0.0124), rate(d2, "USD", 0.0126)}
	diff(t, "rates", want, must[[]store.CurrencyRate](t)(s.CurrencyRates(ctx)))
}

func testQueries(t *testing.T, s store.Store) {
	q1 := must[store.Query](t)(s.SaveQuery(ctx, store.Query{Name: "hr", Params: map[string][]string{"professional_role": {"69", "117"}, "area": {"113"}}}))
	if q1.ID == 0 || q1.CreatedAt.IsZero() || q1.UpdatedAt.IsZero() {
		t.Fatalf("SaveQuery returned %+v, want id and timestamps set", q1)
	}
	q2 := must[store.Query](t)(s.SaveQuery(ctx, store.Query{Name: "it", Params: nil}))
	upd := must[store.Query](t)(s.SaveQuery(ctx, store.Query{Name: "hr", Params: map[string][]string{"text": {"рекрутер"}}}))
	if upd.ID != q1.ID || !upd.CreatedAt.Equal(q1.CreatedAt) {
		t.Errorf("update by name: got id %d created %v, want id %d created %v", upd.ID, upd.CreatedAt, q1.ID, q1.CreatedAt)
	}
	got := must[store.Query](t)(s.QueryByName(ctx, "hr"))
	diff(t, "query", upd, got)
	diff(t, "params", map[string][]string{"text": {"рекрутер"}}, got.Params)
	all := must[[]store.Query](t)(s.Queries(ctx))
	if len(all) != 2 || all[0].Name != "hr" || all[1].Name != "it" || all[1].ID != q2.ID {
		t.Errorf("Queries = %+v, want hr and it", all)
	}
}

func testRuns(t *testing.T, s store.Store) {
	q, r1 := setup(t, s, "q")
	if r1.ID == 0 || r1.Status != store.RunRunning || r1.FinishedAt != nil {
		t.Fatalf("CreateRun = %+v, want id, status running, open", r1)
	}
	diff(t, "run", r1, must[store.Run](t)(s.GetRun(ctx, r1.ID)))
	r2 := newRun(t, s, q, base.Add(time.Hour))
	other, r3 := setup(t, s, "other")
	_ = other
	end := base.Add(2 * time.Hour)
	check(t, s.FinishRun(ctx, r1.ID, store.RunFailed, "captcha", &end))
	got := must[store.Run](t)(s.GetRun(ctx, r1.ID))
	if got.Status != store.RunFailed || got.Error != "captcha" || got.FinishedAt == nil || !got.FinishedAt.Equal(end) {
		t.Errorf("after FinishRun: %+v", got)
	}
	check(t, s.FinishRun(ctx, r1.ID, store.RunStopped, "", nil))
	if got := must[store.Run](t)(s.GetRun(ctx, r1.ID)); got.FinishedAt != nil || got.Status != store.RunStopped {
		t.Errorf("FinishRun with nil finishedAt: %+v", got)
	}
	ids := func(rs []store.Run) []int64 {
		var out []int64
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	diff(t, "runs of q, newest first", []int64{r2.ID, r1.ID}, ids(must[[]store.Run](t)(s.Runs(ctx, q.ID))))
	diff(t, "all runs", []int64{r3.ID, r2.ID, r1.ID}, ids(must[[]store.Run](t)(s.Runs(ctx, 0))))
}

func testAddRunCounters(t *testing.T, s store.Store) {
	_, r := setup(t, s, "q")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 10; j++ {
				if err := s.AddRunCounters(ctx, r.ID, store.Counters{Requests: 1, Requests429: 2, Retries: 3, Pages: 4, Details: 5, New: 6, Changed: 7, Unchanged: 8, Closed: 9}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	want := store.Counters{Requests: 80, Requests429: 160, Retries: 240, Pages: 320, Details: 400, New: 480, Changed: 560, Unchanged: 640, Closed: 720}
	diff(t, "counters", want, must[store.Run](t)(s.GetRun(ctx, r.ID)).Counters)
}

// testWriteCounters: the writes that carry a run id raise its counters in
// their own transaction, so a crash cannot keep data and lose its count.
func testWriteCounters(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	items := []store.Vacancy{fixture.Item(1, 0), fixture.Item(2, 0), fixture.Item(3, 0)}
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, items, base))
	items[0].Name = "renamed"
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, items, base.Add(time.Minute)))
	check(t, s.SaveDetails(ctx, r.ID, []store.Vacancy{fixture.Full(1, 0), fixture.Full(2, 0)}, base.Add(2*time.Minute)))
	check(t, s.MarkClosed(ctx, r.ID, []string{items[0].ID, items[1].ID}, base.Add(3*time.Minute)))
	check(t, s.MarkClosed(ctx, r.ID, []string{items[0].ID, items[2].ID}, base.Add(4*time.Minute))) // one already closed
	// Writes without a run id count nowhere.
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, 0, []store.Vacancy{fixture.Item(4, 0)}, base))
	got := must[store.Run](t)(s.GetRun(ctx, r.ID)).Counters
	// The second page revisits what the run saw (overlapping slices): it
	// counts a page but no vacancy twice.
	want := store.Counters{Pages: 2, New: 3, Details: 2, Closed: 3}
	diff(t, "counters", want, got)

	// The next run counts each vacancy it sees once: new (5), changed (2
	// renamed, and 1 whose details of run 1 carried its old name) or
	// unchanged (3), the second page adding nothing.
	r2 := newRun(t, s, q, base.Add(time.Hour))
	items[1].Name = "renamed too"
	more := append(items, fixture.Item(5, 0))
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r2.ID, more, base.Add(time.Hour)))
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r2.ID, more[1:], base.Add(time.Hour+time.Minute)))
	got = must[store.Run](t)(s.GetRun(ctx, r2.ID)).Counters
	want = store.Counters{Pages: 2, New: 1, Changed: 2, Unchanged: 1}
	diff(t, "second run's counters", want, got)
}

// testExtendLease: a heartbeat keeps a claim alive past its first lease;
// only the holder can renew it, and only while it is claimed.
func testExtendLease(t *testing.T, s store.Store) {
	_, r := setup(t, s, "q")
	must[[]store.Slice](t)(s.AddSlices(ctx, r.ID, []store.Slice{{Params: map[string][]string{"area": {"1"}}, State: store.SlicePending, Found: -1}}))
	sl := must[store.Slice](t)(s.ClaimSlice(ctx, r.ID, "w1", time.Second)) // long enough for a loaded machine
	check(t, s.ExtendLease(ctx, sl.ID, "w1", time.Hour))
	time.Sleep(1200 * time.Millisecond)
	if _, err := s.ClaimSlice(ctx, r.ID, "w2", time.Minute); !errors.Is(err, store.ErrNoSlice) {
		t.Errorf("claim after the holder renewed: err %v, want ErrNoSlice", err)
	}
	if err := s.ExtendLease(ctx, sl.ID, "w2", time.Hour); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("renewal by another worker: err %v, want ErrNotFound", err)
	}
	sl.State, sl.LeaseUntil = store.SliceDone, nil
	check(t, s.UpdateSlice(ctx, sl))
	if err := s.ExtendLease(ctx, sl.ID, "w1", time.Hour); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("renewal of a finished slice: err %v, want ErrNotFound", err)
	}
}

func testSlices(t *testing.T, s store.Store) {
	_, r := setup(t, s, "q")
	in := []store.Slice{
		{Params: map[string][]string{"professional_role": {"69"}}, Found: -1},
		{Params: map[string][]string{"professional_role": {"117"}}, Found: 1500, State: store.SliceDone},
	}
	got := must[[]store.Slice](t)(s.AddSlices(ctx, r.ID, in))
	if len(got) != 2 || got[0].ID == 0 || got[1].ID <= got[0].ID {
		t.Fatalf("AddSlices ids: %+v", got)
	}
	if got[0].State != store.SlicePending || got[1].State != store.SliceDone || got[0].RunID != r.ID || got[0].Found != -1 {
		t.Errorf("AddSlices states: %+v", got)
	}
	sl := got[0]
	lease := base.Add(time.Minute)
	sl.State, sl.Found, sl.Pages, sl.Stored, sl.Error, sl.LeaseUntil, sl.Worker = store.SliceTruncated, 2500, 20, 1999, "cap", &lease, "w1"
	check(t, s.UpdateSlice(ctx, sl))
	all := must[[]store.Slice](t)(s.Slices(ctx, r.ID))
	if len(all) != 2 {
		t.Fatalf("Slices = %d, want 2", len(all))
	}
	sl.UpdatedAt = all[0].UpdatedAt
	diff(t, "updated slice", sl, all[0])
	diff(t, "second slice", got[1], all[1])
	if len(must[[]store.Slice](t)(s.Slices(ctx, r.ID+1000))) != 0 {
		t.Error("Slices of an unknown run not empty")
	}
}

func testSplitSlice(t *testing.T, s store.Store) {
	_, r := setup(t, s, "q")
	root := must[[]store.Slice](t)(s.AddSlices(ctx, r.ID, []store.Slice{{Params: map[string][]string{"area": {"113"}}, Found: -1}}))[0]
	root.Found = 5000
	kids := must[[]store.Slice](t)(s.SplitSlice(ctx, root, []store.Slice{
		{Params: map[string][]string{"area": {"1"}}, Found: -1},
		{Params: map[string][]string{"area": {"2"}}, Found: -1},
	}))
	if len(kids) != 2 {
		t.Fatalf("SplitSlice returned %d children", len(kids))
	}
	for _, k := range kids {
		if k.ID == 0 || k.ParentID != root.ID || k.RunID != r.ID || k.State != store.SlicePending {
			t.Errorf("child %+v: want id, parent %d, run %d, pending", k, root.ID, r.ID)
		}
	}
	all := must[[]store.Slice](t)(s.Slices(ctx, r.ID))
	if len(all) != 3 || all[0].State != store.SliceSplit || all[0].Found != 5000 || all[0].ParentID != 0 {
		t.Errorf("after split: %+v", all)
	}
	diff(t, "children", kids, all[1:])
}

func testClaimSliceConcurrent(t *testing.T, s store.Store) {
	_, r := setup(t, s, "q")
	const n = 40
	in := make([]store.Slice, n)
	for i := range in {
		in[i] = store.Slice{Params: map[string][]string{"page_group": {fmt.Sprint(i)}}, Found: -1}
	}
	added := must[[]store.Slice](t)(s.AddSlices(ctx, r.ID, in))
	_, other := setup(t, s, "other")
	must[[]store.Slice](t)(s.AddSlices(ctx, other.ID, in[:3]))

	var mu sync.Mutex
	claims := map[int64]int{}
	var order []int64
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				sl, err := s.ClaimSlice(ctx, r.ID, fmt.Sprintf("worker-%d", w), time.Hour)
				if errors.Is(err, store.ErrNoSlice) {
					return
				}
				if err != nil {
					errs <- err
					return
				}
				if sl.State != store.SliceClaimed || sl.Worker != fmt.Sprintf("worker-%d", w) || sl.LeaseUntil == nil || sl.RunID != r.ID {
					errs <- fmt.Errorf("claimed slice %+v", sl)
					return
				}
				mu.Lock()
				claims[sl.ID]++
				order = append(order, sl.ID)
				mu.Unlock()
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(claims) != n {
		t.Errorf("%d distinct slices claimed, want %d", len(claims), n)
	}
	for _, sl := range added {
		if claims[sl.ID] != 1 {
			t.Errorf("slice %d claimed %d times, want once", sl.ID, claims[sl.ID])
		}
	}
	if _, err := s.ClaimSlice(ctx, r.ID, "late", time.Hour); !errors.Is(err, store.ErrNoSlice) {
		t.Errorf("ClaimSlice on an exhausted run: %v, want ErrNoSlice", err)
	}
}

func testClaimSliceLease(t *testing.T, s store.Store) {
	_, r := setup(t, s, "q")
	added := must[[]store.Slice](t)(s.AddSlices(ctx, r.ID, []store.Slice{{Found: -1}, {Found: -1}}))
	first := must[store.Slice](t)(s.ClaimSlice(ctx, r.ID, "a", time.Hour))
	if first.ID != added[0].ID {
		t.Errorf("first claim got slice %d, want the oldest %d", first.ID, added[0].ID)
	}
	// The short lease must outlive the next claim even on a loaded machine
	// (10 ms did not under a load of 20 on two cores), yet expire soon.
	const lease = time.Second
	short := must[store.Slice](t)(s.ClaimSlice(ctx, r.ID, "b", lease))
	if short.ID != added[1].ID {
		t.Errorf("second claim got slice %d, want %d", short.ID, added[1].ID)
	}
	if _, err := s.ClaimSlice(ctx, r.ID, "c", time.Hour); !errors.Is(err, store.ErrNoSlice) {
		t.Fatalf("claim while leases hold: %v, want ErrNoSlice", err)
	}
	time.Sleep(lease + 100*time.Millisecond)
	again := must[store.Slice](t)(s.ClaimSlice(ctx, r.ID, "c", time.Hour))
	if again.ID != added[1].ID || again.Worker != "c" {
		t.Errorf("after lease expiry got %+v, want slice %d for worker c", again, added[1].ID)
	}
	// A finished slice is never handed out again.
	again.State = store.SliceDone
	again.LeaseUntil = nil
	check(t, s.UpdateSlice(ctx, again))
	if _, err := s.ClaimSlice(ctx, r.ID, "d", time.Hour); !errors.Is(err, store.ErrNoSlice) {
		t.Errorf("claim after done: %v, want ErrNoSlice", err)
	}
}

func idsOf(vs []store.Vacancy) []string {
	out := make([]string, len(vs))
	for i := range vs {
		out[i] = vs[i].ID
	}
	return out
}

func testUpsertClassification(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	a, b, c := fixture.Item(1, 500), fixture.Item(2, 500), fixture.Item(3, 500)
	at := func(h int) time.Time { return base.Add(time.Duration(h) * time.Hour) }
	change := func(v store.Vacancy, f func(*store.Vacancy)) store.Vacancy {
		v.Roles = slices.Clone(v.Roles)
		f(&v)
		return v
	}
	steps := []struct {
		name     string
		items    []store.Vacancy
		want     store.UpsertResult
		versions map[string]int // version rows expected after the step
	}{
		{"all new", []store.Vacancy{a, b}, store.UpsertResult{New: []string{a.ID, b.ID}}, map[string]int{a.ID: 1, b.ID: 1}},
		{"same again", []store.Vacancy{a, b}, store.UpsertResult{Unchanged: []string{a.ID, b.ID}}, map[string]int{a.ID: 1, b.ID: 1}},
		{"untracked field only", []store.Vacancy{change(a, func(v *store.Vacancy) { v.ExperienceID = "noExperience"; v.RawItem = json.RawMessage(`{"id":"x"}`) })},
			store.UpsertResult{Unchanged: []string{a.ID}}, map[string]int{a.ID: 1}},
		{"salary from", []store.Vacancy{change(a, func(v *store.Vacancy) { v.SalaryFrom = i64(999_999) }), c},
			store.UpsertResult{New: []string{c.ID}, Changed: []string{a.ID}}, map[string]int{a.ID: 2, c.ID: 1}},
		{"name", []store.Vacancy{change(b, func(v *store.Vacancy) { v.Name = "Рекрутер" })}, store.UpsertResult{Changed: []string{b.ID}}, map[string]int{b.ID: 2}},
		{"roles", []store.Vacancy{change(b, func(v *store.Vacancy) {
			v.Name = "Рекрутер"
			v.Roles = []store.IDName{{ID: "38", Name: "Директор по персоналу"}}
		})},
			store.UpsertResult{Changed: []string{b.ID}}, map[string]int{b.ID: 3}},
		{"gross", []store.Vacancy{
			change(c, func(v *store.Vacancy) { v.SalaryGross = nil }),
		}, store.UpsertResult{Changed: []string{c.ID}}, map[string]int{c.ID: 2}},
		{"area", []store.Vacancy{change(c, func(v *store.Vacancy) { v.SalaryGross = nil; v.AreaID = "88" })}, store.UpsertResult{Changed: []string{c.ID}}, map[string]int{c.ID: 3}},
		{"published", []store.Vacancy{change(c, func(v *store.Vacancy) {
			v.SalaryGross = nil
			v.AreaID = "88"
			v.PublishedAt = v.PublishedAt.Add(time.Hour)
		})},
			store.UpsertResult{Changed: []string{c.ID}}, map[string]int{c.ID: 4}},
		{"currency", []store.Vacancy{change(c, func(v *store.Vacancy) {
			v.SalaryGross = nil
			v.AreaID = "88"
			v.PublishedAt = v.PublishedAt.Add(time.Hour)
			v.SalaryCurrency = "USD"
		})}, store.UpsertResult{Changed: []string{c.ID}}, map[string]int{c.ID: 5}},
	}
	for i, st := range steps {
		got, err := s.UpsertSearchItems(ctx, q.ID, r.ID, st.items, at(i))
		if err != nil {
			t.Fatalf("step %q: %v", st.name, err)
		}
		diff(t, "step "+st.name+": result", st.want, got)
		for id, n := range st.versions {
			vs := must[[]store.Version](t)(s.Versions(ctx, id))
			if len(vs) != n {
				t.Errorf("step %q: %s has %d versions, want %d", st.name, id, len(vs), n)
			}
		}
		for _, it := range st.items {
			v := must[store.Vacancy](t)(s.GetVacancy(ctx, it.ID))
			if !v.LastSeenAt.Equal(at(i)) {
				t.Errorf("step %q: %s last_seen_at %v, want %v", st.name, it.ID, v.LastSeenAt, at(i))
			}
			diff(t, "step "+st.name+": typed columns", it, withoutBookkeeping(v))
		}
	}
	// The last version of b carries what was observed.
	vs := must[[]store.Version](t)(s.Versions(ctx, b.ID))
	want := store.Version{VacancyID: b.ID, ObservedAt: at(5), Name: "Рекрутер", AreaID: b.AreaID, RoleIDs: []string{"38"},
		SalaryFrom: b.SalaryFrom, SalaryTo: b.SalaryTo, SalaryCurrency: b.SalaryCurrency, SalaryGross: b.SalaryGross, PublishedAt: b.PublishedAt}
	diff(t, "last version of b", want, vs[len(vs)-1])
	diff(t, "first version of b", at(0), vs[0].ObservedAt)
	first := must[store.Vacancy](t)(s.GetVacancy(ctx, a.ID))
	if !first.FirstSeenAt.Equal(at(0)) {
		t.Errorf("first_seen_at moved: %v, want %v", first.FirstSeenAt, at(0))
	}
}

// withoutBookkeeping clears what UpsertSearchItems sets itself, for comparing with the item.
func withoutBookkeeping(v store.Vacancy) store.Vacancy {
	v.FirstSeenAt, v.LastSeenAt, v.ClosedAt, v.DetailFetchedAt = time.Time{}, time.Time{}, nil, nil
	return v
}

func testUpsertDuplicates(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	a := fixture.Item(1, 300)
	a2 := a
	a2.SalaryFrom = i64(1)
	got := must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, []store.Vacancy{a, fixture.Item(2, 300), a2}, base))
	diff(t, "result", store.UpsertResult{New: []string{a.ID, fixture.Item(2, 0).ID}}, got)
	if v := must[store.Vacancy](t)(s.GetVacancy(ctx, a.ID)); v.SalaryFrom == nil || *v.SalaryFrom != 1 {
		t.Errorf("duplicate in a page: salary_from %v, want the last item's 1", v.SalaryFrom)
	}
	// No items is a no-op.
	diff(t, "empty page", store.UpsertResult{}, must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, nil, base)))
}

func testReappearance(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	a := fixture.Item(1, 300)
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, []store.Vacancy{a}, base))
	check(t, s.MarkClosed(ctx, 0, []string{a.ID}, base.Add(time.Hour)))
	if v := must[store.Vacancy](t)(s.GetVacancy(ctx, a.ID)); v.ClosedAt == nil || !v.Archived {
		t.Fatalf("after MarkClosed: closed %v archived %v", v.ClosedAt, v.Archived)
	}
	r2 := newRun(t, s, q, base.Add(2*time.Hour))
	got := must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r2.ID, []store.Vacancy{a}, base.Add(2*time.Hour)))
	diff(t, "reappeared", store.UpsertResult{Unchanged: []string{a.ID}}, got)
	v := must[store.Vacancy](t)(s.GetVacancy(ctx, a.ID))
	if v.ClosedAt != nil || v.Archived || !v.LastSeenAt.Equal(base.Add(2*time.Hour)) {
		t.Errorf("reappeared vacancy: closed %v archived %v last seen %v", v.ClosedAt, v.Archived, v.LastSeenAt)
	}
}

func testDetailsNotClobbered(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	item := fixture.Item(7, 400)
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, []store.Vacancy{item}, base))
	full := fixture.Full(7, 2000)
	fetched := base.Add(time.Minute)
	check(t, s.SaveDetails(ctx, 0, []store.Vacancy{full}, fetched))
	later := fixture.Item(7, 450)
	later.ExperienceID, later.CreatedAt, later.EmployerName = "", nil, ""
	got := must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, []store.Vacancy{later}, base.Add(time.Hour)))
	diff(t, "result", store.UpsertResult{Unchanged: []string{item.ID}}, got)
	v := must[store.Vacancy](t)(s.GetVacancy(ctx, item.ID))
	diff(t, "raw_full", full.RawFull, v.RawFull)
	diff(t, "raw_item", later.RawItem, v.RawItem)
	diff(t, "key skills", full.KeySkills, v.KeySkills)
	diff(t, "detail_fetched_at", &fetched, v.DetailFetchedAt)
	diff(t, "initial_created_at", full.InitialCreatedAt, v.InitialCreatedAt)
	diff(t, "experience kept", full.ExperienceID, v.ExperienceID)
	diff(t, "employer name kept", full.EmployerName, v.EmployerName)
	diff(t, "created_at kept", full.CreatedAt, v.CreatedAt)
}

func testSaveDetails(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	item := fixture.Item(1, 300)
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, []store.Vacancy{item}, base))
	full := fixture.Full(1, 3000)
	full.Name = "HR BP"
	full.Roles = []store.IDName{{ID: "118", Name: "HR-бизнес-партнер"}}
	unknown := fixture.Full(2, 3000)
	fetched := base.Add(time.Minute)
	check(t, s.SaveDetails(ctx, 0, []store.Vacancy{full, unknown}, fetched))

	v := must[store.Vacancy](t)(s.GetVacancy(ctx, full.ID))
	want := full
	want.RawItem = item.RawItem
	want.FirstSeenAt, want.LastSeenAt, want.DetailFetchedAt = base, base, &fetched
	diff(t, "detailed vacancy", want, v)
	if n := len(must[[]store.Version](t)(s.Versions(ctx, full.ID))); n != 2 {
		t.Errorf("details that change tracked fields: %d versions, want 2", n)
	}

	u := must[store.Vacancy](t)(s.GetVacancy(ctx, unknown.ID))
	want = unknown
	want.FirstSeenAt, want.LastSeenAt, want.DetailFetchedAt = fetched, fetched, &fetched
	diff(t, "inserted by details", want, u)
	if n := len(must[[]store.Version](t)(s.Versions(ctx, unknown.ID))); n != 1 {
		t.Errorf("inserted by details: %d versions, want 1", n)
	}

	// Skills are replaced, not appended; a vacancy with details and no skills has an empty list.
	full.KeySkills = []string{"Go"}
	unknown.KeySkills = nil
	check(t, s.SaveDetails(ctx, 0, []store.Vacancy{full, unknown}, fetched.Add(time.Minute)))
	diff(t, "replaced skills", []string{"Go"}, must[store.Vacancy](t)(s.GetVacancy(ctx, full.ID)).KeySkills)
	if ks := must[store.Vacancy](t)(s.GetVacancy(ctx, unknown.ID)).KeySkills; ks == nil || len(ks) != 0 {
		t.Errorf("skills after details without skills: %#v, want empty non-nil", ks)
	}
	if ks := fixture.Item(3, 0); true {
		must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, []store.Vacancy{ks}, base))
		if got := must[store.Vacancy](t)(s.GetVacancy(ctx, ks.ID)).KeySkills; got != nil {
			t.Errorf("skills before details: %#v, want nil", got)
		}
	}
}

func testMarkClosed(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	a, b := fixture.Item(1, 100), fixture.Item(2, 100)
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, []store.Vacancy{a, b}, base))
	t1, t2 := base.Add(time.Hour), base.Add(2*time.Hour)
	check(t, s.MarkClosed(ctx, 0, []string{a.ID, "no-such-id"}, t1))
	check(t, s.MarkClosed(ctx, 0, []string{a.ID}, t2)) // idempotent: keeps t1
	check(t, s.MarkClosed(ctx, 0, nil, t2))
	va := must[store.Vacancy](t)(s.GetVacancy(ctx, a.ID))
	if va.ClosedAt == nil || !va.ClosedAt.Equal(t1) || !va.Archived {
		t.Errorf("closed twice: closed_at %v archived %v, want %v true", va.ClosedAt, va.Archived, t1)
	}
	if vb := must[store.Vacancy](t)(s.GetVacancy(ctx, b.ID)); vb.ClosedAt != nil || vb.Archived {
		t.Errorf("untouched vacancy closed: %v", vb.ClosedAt)
	}
}

func testNeedDetails(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	other, ro := setup(t, s, "other")
	var items []store.Vacancy
	for i := 5; i >= 1; i-- {
		items = append(items, fixture.Item(i, 100))
	}
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, items, base))
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, other.ID, ro.ID, []store.Vacancy{fixture.Item(9, 100)}, base))
	all := []string{fixture.Item(1, 0).ID, fixture.Item(2, 0).ID, fixture.Item(3, 0).ID, fixture.Item(4, 0).ID, fixture.Item(5, 0).ID}
	diff(t, "all need details, ordered", all, must[[]string](t)(s.NeedDetails(ctx, q.ID, 0)))
	diff(t, "limit", all[:2], must[[]string](t)(s.NeedDetails(ctx, q.ID, 2)))

	check(t, s.SaveDetails(ctx, 0, []store.Vacancy{fixture.Full(1, 100), fixture.Full(2, 100), fixture.Full(3, 100)}, base.Add(time.Minute)))
	check(t, s.MarkClosed(ctx, 0, []string{all[4]}, base.Add(time.Minute)))
	diff(t, "after details and a close", all[3:4], must[[]string](t)(s.NeedDetails(ctx, q.ID, 0)))

	// A change after the details makes them stale again; an unchanged sighting does not.
	ch := fixture.Item(2, 100)
	ch.SalaryTo = i64(1_000_000)
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, []store.Vacancy{ch, fixture.Item(3, 100)}, base.Add(time.Hour)))
	diff(t, "after a change", []string{all[1], all[3]}, must[[]string](t)(s.NeedDetails(ctx, q.ID, 10)))
	diff(t, "other query", []string{fixture.Item(9, 0).ID}, must[[]string](t)(s.NeedDetails(ctx, other.ID, 10)))
}

func testNotSeenByRun(t *testing.T, s store.Store) {
	q, r1 := setup(t, s, "q")
	a, b, c := fixture.Item(1, 100), fixture.Item(2, 100), fixture.Item(3, 100)
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r1.ID, []store.Vacancy{a, b, c}, base))
	r2 := newRun(t, s, q, base.Add(time.Hour))
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r2.ID, []store.Vacancy{b}, base.Add(time.Hour)))
	// A vacancy seen by another query's run is still unseen by this query.
	other, ro := setup(t, s, "other")
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, other.ID, ro.ID, []store.Vacancy{a}, base.Add(time.Hour)))
	diff(t, "not seen", []string{a.ID, c.ID}, must[[]string](t)(s.NotSeenByRun(ctx, q.ID, r2.ID)))
	check(t, s.MarkClosed(ctx, 0, []string{c.ID}, base.Add(time.Hour)))
	diff(t, "closed ones excluded", []string{a.ID}, must[[]string](t)(s.NotSeenByRun(ctx, q.ID, r2.ID)))
	diff(t, "other query", []string(nil), must[[]string](t)(s.NotSeenByRun(ctx, other.ID, ro.ID)))
}

func collect(t *testing.T, s store.Store, f store.Filter) []string {
	t.Helper()
	var out []string
	check(t, s.EachVacancy(ctx, f, func(v store.Vacancy) error {
		out = append(out, v.ID)
		return nil
	}))
	n := must[int](t)(s.CountVacancies(ctx, f))
	if n != len(out) {
		t.Errorf("CountVacancies(%+v) = %d, EachVacancy gave %d", f, n, len(out))
	}
	return out
}

func testEachVacancy(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	other, ro := setup(t, s, "other")
	var items []store.Vacancy
	for i := 10; i >= 1; i-- {
		v := fixture.Item(i, 200)
		v.PublishedAt = base.Add(time.Duration(i) * time.Hour)
		items = append(items, v)
	}
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, items[:6], base))
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, other.ID, ro.ID, items[5:], base))
	check(t, s.MarkClosed(ctx, 0, []string{fixture.Item(10, 0).ID, fixture.Item(1, 0).ID}, base))
	id := func(ns ...int) []string {
		var out []string
		for _, n := range ns {
			out = append(out, fixture.Item(n, 0).ID)
		}
		return out
	}
	for _, tt := range []struct {
		name string
		f    store.Filter
		want []string
	}{
		{"all", store.Filter{}, id(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)},
		{"query", store.Filter{QueryID: q.ID}, id(5, 6, 7, 8, 9, 10)},
		{"other query", store.Filter{QueryID: other.ID}, id(1, 2, 3, 4, 5)},
		{"since", store.Filter{Since: base.Add(8 * time.Hour)}, id(8, 9, 10)},
		{"open", store.Filter{OpenOnly: true}, id(2, 3, 4, 5, 6, 7, 8, 9)},
		{"all three", store.Filter{QueryID: q.ID, Since: base.Add(6 * time.Hour), OpenOnly: true}, id(6, 7, 8, 9)},
		{"unknown query", store.Filter{QueryID: 999_999}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) { diff(t, "ids", tt.want, collect(t, s, tt.f)) })
	}

	// Early stop returns fn's error, untouched.
	stop := errors.New("stop")
	n := 0
	err := s.EachVacancy(ctx, store.Filter{}, func(store.Vacancy) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if err != stop || n != 3 {
		t.Errorf("early stop: err %v after %d calls, want stop after 3", err, n)
	}

	// Rows carry their roles and skills.
	check(t, s.SaveDetails(ctx, 0, []store.Vacancy{fixture.Full(4, 300)}, base.Add(time.Minute)))
	// Without Filter.Raw the raw JSON is not read at all.
	check(t, s.EachVacancy(ctx, store.Filter{}, func(v store.Vacancy) error {
		if v.RawItem != nil || v.RawFull != nil {
			t.Errorf("%s: raw JSON loaded without Filter.Raw", v.ID)
		}
		return nil
	}))
	check(t, s.EachVacancy(ctx, store.Filter{Raw: true}, func(v store.Vacancy) error {
		want := fixture.Item(mustAtoi(v.ID)-100_000_000, 0)
		diff(t, "roles of "+v.ID, want.Roles, v.Roles)
		if v.ID == want.ID && v.ID == fixture.Item(4, 0).ID {
			diff(t, "skills of "+v.ID, fixture.Full(4, 0).KeySkills, v.KeySkills)
			diff(t, "raw_full of "+v.ID, fixture.Full(4, 300).RawFull, v.RawFull)
		} else if v.KeySkills != nil {
			t.Errorf("skills of %s without details: %v", v.ID, v.KeySkills)
		}
		return nil
	}))
}

func mustAtoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func testEachVacancyChunks(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	const n = 4500 // more than two chunks of 2000
	for start := 0; start < n; start += 500 {
		page := make([]store.Vacancy, 0, 500)
		for i := start; i < start+500; i++ {
			page = append(page, fixture.Item(i, 100))
		}
		must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, page, base))
	}
	var details []store.Vacancy
	for i := 1990; i < 2010; i++ {
		details = append(details, fixture.Full(i, 100))
	}
	check(t, s.SaveDetails(ctx, 0, details, base))
	got := 0
	prev := ""
	check(t, s.EachVacancy(ctx, store.Filter{QueryID: q.ID}, func(v store.Vacancy) error {
		if v.ID <= prev {
			return fmt.Errorf("order: %s after %s", v.ID, prev)
		}
		prev = v.ID
		i := mustAtoi(v.ID) - 100_000_000
		if len(v.Roles) != len(fixture.Item(i, 0).Roles) {
			return fmt.Errorf("%s has %d roles", v.ID, len(v.Roles))
		}
		if (i >= 1990 && i < 2010) != (len(v.KeySkills) == 5) {
			return fmt.Errorf("%s has %d skills", v.ID, len(v.KeySkills))
		}
		got++
		return nil
	}))
	if got != n {
		t.Errorf("streamed %d vacancies, want %d", got, n)
	}
}

// project keeps the parts of v that f asks for (and those always filled).
func project(v store.Vacancy, f store.Fields) store.Vacancy {
	p := store.Vacancy{ID: v.ID, PublishedAt: v.PublishedAt, FirstSeenAt: v.FirstSeenAt, ClosedAt: v.ClosedAt}
	if f&store.FieldName != 0 {
		p.Name = v.Name
	}
	if f&store.FieldArea != 0 {
		p.AreaID, p.AreaName = v.AreaID, v.AreaName
	}
	if f&store.FieldEmployer != 0 {
		p.EmployerID, p.EmployerName = v.EmployerID, v.EmployerName
	}
	if f&store.FieldRoles != 0 {
		p.Roles = v.Roles
	}
	if f&store.FieldTerms != 0 {
		p.ExperienceID, p.EmploymentFormID, p.WorkFormat, p.ScheduleID = v.ExperienceID, v.EmploymentFormID, v.WorkFormat, v.ScheduleID
	}
	if f&store.FieldSalary != 0 {
		p.SalaryFrom, p.SalaryTo, p.SalaryCurrency = v.SalaryFrom, v.SalaryTo, v.SalaryCurrency
		p.SalaryGross, p.SalaryMode, p.SalaryFrequency = v.SalaryGross, v.SalaryMode, v.SalaryFrequency
	}
	if f&store.FieldCreated != 0 {
		p.CreatedAt, p.InitialCreatedAt = v.CreatedAt, v.InitialCreatedAt
	}
	if f&store.FieldState != 0 {
		p.LastSeenAt, p.DetailFetchedAt, p.Archived = v.LastSeenAt, v.DetailFetchedAt, v.Archived
	}
	if f&store.FieldSkills != 0 {
		p.KeySkills = v.KeySkills
	}
	return p
}

// A narrowed walk (Filter.Fields) fills every part it asks for exactly as
// the full walk does, nil and empty lists included.
func testEachVacancyFields(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	var items []store.Vacancy
	for i := range 12 {
		v := fixture.Item(i, 200)
		if i == 3 {
			v.Roles, v.WorkFormat, v.EmployerID, v.EmployerName = nil, nil, "", ""
		}
		items = append(items, v)
	}
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, items, base))
	full := fixture.Full(5, 300)
	full.KeySkills = append(full.KeySkills, `Excel "Pro"`, `C:\Users`, "<b>&</b>")
	full.Roles = []store.IDName{{ID: "96", Name: `Программист "C++"`}}
	empty := fixture.Full(6, 300)
	empty.KeySkills = nil
	check(t, s.SaveDetails(ctx, 0, []store.Vacancy{full, empty}, base.Add(time.Minute)))
	check(t, s.MarkClosed(ctx, 0, []string{fixture.Item(7, 0).ID}, base.Add(time.Hour)))

	all := map[string]store.Vacancy{}
	check(t, s.EachVacancy(ctx, store.Filter{}, func(v store.Vacancy) error { all[v.ID] = v; return nil }))
	if len(all) != 12 {
		t.Fatalf("full walk: %d vacancies, want 12", len(all))
	}
	diff(t, "skills of the full vacancy", full.KeySkills, all[full.ID].KeySkills)
	if ks := all[empty.ID].KeySkills; ks == nil || len(ks) != 0 {
		t.Errorf("details without skills: KeySkills %#v, want empty and non-nil", ks)
	}
	if ks := all[fixture.Item(8, 0).ID].KeySkills; ks != nil {
		t.Errorf("no details: KeySkills %#v, want nil", ks)
	}
	if rs := all[fixture.Item(3, 0).ID].Roles; rs != nil {
		t.Errorf("no roles: Roles %#v, want nil", rs)
	}
	fields := []store.Fields{store.FieldName, store.FieldArea, store.FieldEmployer, store.FieldRoles, store.FieldTerms,
		store.FieldSalary, store.FieldCreated, store.FieldState, store.FieldSkills,
		store.FieldRoles | store.FieldSalary, store.FieldsAll}
	for _, f := range fields {
		n := 0
		check(t, s.EachVacancy(ctx, store.Filter{Fields: f, QueryID: q.ID}, func(v store.Vacancy) error {
			n++
			want := project(all[v.ID], f)
			if d := cmp.Diff(want, project(v, f)); d != "" {
				t.Errorf("Fields %b, vacancy %s (-full walk +narrow walk):\n%s", f, v.ID, d)
			}
			if f&store.FieldSkills != 0 && (v.KeySkills == nil) != (want.KeySkills == nil) {
				t.Errorf("Fields %b, vacancy %s: KeySkills nil %v, want nil %v", f, v.ID, v.KeySkills == nil, want.KeySkills == nil)
			}
			return nil
		}))
		if n != 12 {
			t.Errorf("Fields %b: %d vacancies, want 12", f, n)
		}
	}
}

func testEachSkill(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, []store.Vacancy{fixture.Item(1, 100), fixture.Item(2, 100)}, base))
	f3 := fixture.Full(3, 100)
	f3.PublishedAt = base.Add(24 * time.Hour)
	check(t, s.SaveDetails(ctx, 0, []store.Vacancy{fixture.Full(2, 100), fixture.Full(1, 100), f3}, base))
	type pair struct{ ID, Skill string }
	each := func(f store.Filter) []pair {
		var out []pair
		check(t, s.EachSkill(ctx, f, func(id, skill string) error {
			out = append(out, pair{id, skill})
			return nil
		}))
		return out
	}
	var want []pair
	for _, n := range []int{1, 2, 3} {
		for _, sk := range fixture.Full(n, 0).KeySkills {
			want = append(want, pair{fixture.Item(n, 0).ID, sk})
		}
	}
	diff(t, "all skills", want, each(store.Filter{}))
	diff(t, "query filter", want[:10], each(store.Filter{QueryID: q.ID}))
	diff(t, "since filter", want[10:], each(store.Filter{Since: base.Add(time.Hour)}))
	check(t, s.MarkClosed(ctx, 0, []string{fixture.Item(1, 0).ID}, base))
	diff(t, "open only", want[5:], each(store.Filter{OpenOnly: true}))
	stop := errors.New("stop")
	if err := s.EachSkill(ctx, store.Filter{}, func(string, string) error { return stop }); err != stop {
		t.Errorf("early stop: %v", err)
	}
}

func testTimestamps(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	v := fixture.Item(1, 100)
	pub := time.Date(2024, 12, 31, 23, 59, 58, 0, time.FixedZone("+0300", 3*3600))
	v.PublishedAt, v.CreatedAt, v.InitialCreatedAt = pub, tp(pub.Add(-time.Second)), tp(pub.Add(-time.Hour))
	seen := time.Date(2025, 1, 1, 0, 0, 0, 7_000_000, time.FixedZone("-0500", -5*3600))
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, []store.Vacancy{v}, seen))
	got := must[store.Vacancy](t)(s.GetVacancy(ctx, v.ID))
	for _, c := range []struct {
		name      string
		want, got time.Time
	}{
		{"published_at", pub, got.PublishedAt},
		{"created_at", *v.CreatedAt, *got.CreatedAt},
		{"initial_created_at", *v.InitialCreatedAt, *got.InitialCreatedAt},
		{"first_seen_at", seen, got.FirstSeenAt},
		{"last_seen_at", seen, got.LastSeenAt},
	} {
		if !c.got.Equal(c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	if got.ID != "100000001" {
		t.Errorf("id %q, want the string 100000001", got.ID)
	}
	run := must[store.Run](t)(s.GetRun(ctx, r.ID))
	if !run.StartedAt.Equal(base) || !run.UpperBound.Equal(base) {
		t.Errorf("run times: %v %v, want %v", run.StartedAt, run.UpperBound, base)
	}
	// Ids are strings: leading zeros and non-digits survive.
	odd := fixture.Item(2, 100)
	odd.ID = "000123-x"
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, []store.Vacancy{odd}, seen))
	if got := must[store.Vacancy](t)(s.GetVacancy(ctx, "000123-x")); got.ID != "000123-x" {
		t.Errorf("string id: %q", got.ID)
	}
}

func testNotFound(t *testing.T, s store.Store) {
	_, r := setup(t, s, "q")
	end := base
	for _, tt := range []struct {
		name string
		err  error
	}{
		{"GetVacancy", func() error { _, err := s.GetVacancy(ctx, "404"); return err }()},
		{"QueryByName", func() error { _, err := s.QueryByName(ctx, "nope"); return err }()},
		{"GetRun", func() error { _, err := s.GetRun(ctx, r.ID+100); return err }()},
		{"FinishRun", s.FinishRun(ctx, r.ID+100, store.RunDone, "", &end)},
		{"AddRunCounters", s.AddRunCounters(ctx, r.ID+100, store.Counters{Requests: 1})},
		{"UpdateSlice", s.UpdateSlice(ctx, store.Slice{ID: 12345, State: store.SliceDone})},
		{"SplitSlice", func() error {
			_, err := s.SplitSlice(ctx, store.Slice{ID: 12345, RunID: r.ID}, []store.Slice{{}})
			return err
		}()},
	} {
		if !errors.Is(tt.err, store.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", tt.name, tt.err)
		}
	}
	if _, err := s.ClaimSlice(ctx, r.ID, "w", time.Minute); !errors.Is(err, store.ErrNoSlice) {
		t.Errorf("ClaimSlice with no slices: %v, want ErrNoSlice", err)
	}
	if vs, err := s.Versions(ctx, "404"); err != nil || len(vs) != 0 {
		t.Errorf("Versions of unknown id: %v %v, want none", vs, err)
	}
}

func testCanceled(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	c, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.UpsertSearchItems(c, q.ID, r.ID, []store.Vacancy{fixture.Item(1, 100)}, base); err == nil {
		t.Error("UpsertSearchItems with a canceled context succeeded")
	}
	if err := s.EachVacancy(c, store.Filter{}, func(store.Vacancy) error { return nil }); err == nil {
		t.Error("EachVacancy with a canceled context succeeded")
	}
	if _, err := s.ClaimSlice(c, r.ID, "w", time.Minute); err == nil || errors.Is(err, store.ErrNoSlice) {
		t.Errorf("ClaimSlice with a canceled context: %v", err)
	}
	if n := must[int](t)(s.CountVacancies(ctx, store.Filter{})); n != 0 {
		t.Errorf("canceled upsert stored %d vacancies", n)
	}
}
