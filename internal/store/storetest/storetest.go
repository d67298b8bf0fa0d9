// Package storetest is the conformance suite every store.Store engine runs
// (Run), plus shared benchmarks (Bench).
package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
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
		{"SlicePlan", testSlicePlan},
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
