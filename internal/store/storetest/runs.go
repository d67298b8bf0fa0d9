package storetest

// Conformance of reference data, saved queries, runs and slices.

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/fixture"
)

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

// testSlicePlan: a slice's plan (the planner's notes) survives every way a
// slice is written and read, and never shows up among its params.
func testSlicePlan(t *testing.T, s store.Store) {
	_, r := setup(t, s, "q")
	root := must[[]store.Slice](t)(s.AddSlices(ctx, r.ID, []store.Slice{{Params: map[string][]string{"area": {"113"}},
		Plan: store.SlicePlan{Why: "reused: area: found 9 > 5", NoAreaSplit: true}, Found: -1}}))[0]
	kids := must[[]store.Slice](t)(s.SplitSlice(ctx, root, []store.Slice{
		{Params: map[string][]string{"area": {"1"}}, Plan: store.SlicePlan{Why: "time: found 9 > 5; 2 windows", NoAreaSplit: true}, Found: -1},
		{Params: map[string][]string{"area": {"2"}}, Found: -1},
	}))
	want := []store.SlicePlan{{Why: "reused: area: found 9 > 5", NoAreaSplit: true}, {Why: "time: found 9 > 5; 2 windows", NoAreaSplit: true}, {}}
	all := must[[]store.Slice](t)(s.Slices(ctx, r.ID))
	if len(all) != 3 {
		t.Fatalf("Slices = %d, want 3", len(all))
	}
	for i, sl := range all {
		if sl.Plan != want[i] {
			t.Errorf("slice %d plan %+v, want %+v", i, sl.Plan, want[i])
		}
		for k := range sl.Params {
			if strings.HasPrefix(k, "_") {
				t.Errorf("slice %d params hold the plan's key %s", i, k)
			}
		}
	}
	diff(t, "children", kids, all[1:])
	c := must[store.Slice](t)(s.ClaimSlice(ctx, r.ID, "w1", time.Minute))
	if c.Plan != want[1] {
		t.Errorf("claimed slice plan %+v, want %+v", c.Plan, want[1])
	}
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
