package harvest_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/httpx"
	"github.com/hhjobs/hhjobs/internal/sandbox"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

// env is a sandbox behind httptest, a SQLite store and a harvester wired as
// the CLI wires them (UA, retries, metrics), with a sandbox app token.
type env struct {
	sb      *sandbox.Server
	srv     *httptest.Server
	st      store.Store
	h       *harvest.Harvester
	metrics *httpx.Metrics
}

type bearer struct {
	next http.RoundTripper
	tok  string
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.tok)
	return b.next.RoundTrip(r)
}

func newEnv(t testing.TB, cfg sandbox.Config) *env {
	t.Helper()
	sb, err := sandbox.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(noPrivateKeys(t, sb))
	t.Cleanup(srv.Close)
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m := &httpx.Metrics{}
	tok := sb.MintAppToken()
	hc, err := httpx.NewClient(httpx.Options{
		UserAgent: "hhjobs-test/1.0 (test@example.com)",
		Metrics:   m,
		Retry:     httpx.RetryPolicy{Initial: time.Millisecond, Max: 20 * time.Millisecond},
		Wrap:      func(next http.RoundTripper) http.RoundTripper { return bearer{next, tok} },
	})
	if err != nil {
		t.Fatal(err)
	}
	api, err := hhapi.New(srv.URL, hc)
	if err != nil {
		t.Fatal(err)
	}
	h := &harvest.Harvester{API: api, Store: st, Metrics: m, Concurrency: 4, Worker: "test"}
	if err := harvest.EnsureReference(context.Background(), api, st, time.Now()); err != nil {
		t.Fatal(err)
	}
	return &env{sb: sb, srv: srv, st: st, h: h, metrics: m}
}

// noPrivateKeys fails the test when a request carries a key starting with
// "_": the planner keeps its notes in store.Slice.Plan, and nothing strips
// them on the way to hh.ru any more.
func noPrivateKeys(t testing.TB, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k := range r.URL.Query() {
			if strings.HasPrefix(k, "_") {
				t.Errorf("request %s carries the private key %s", r.URL.Path, k)
			}
		}
		h.ServeHTTP(w, r)
	})
}

func (e *env) query(t testing.TB, name string, p url.Values) store.Query {
	t.Helper()
	q, err := e.st.SaveQuery(context.Background(), store.Query{Name: name, Params: p})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// storedIDs lists the ids linked to q, open ones only when open is set.
func (e *env) storedIDs(t testing.TB, q store.Query, open bool) []string {
	t.Helper()
	var ids []string
	err := e.st.EachVacancy(context.Background(), store.Filter{QueryID: q.ID, OpenOnly: open}, func(v store.Vacancy) error {
		ids = append(ids, v.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	return ids
}

// truth is the sandbox's uncapped answer for a saved query.
func (e *env) truth(q store.Query) []string {
	ids := e.sb.Truth(url.Values(q.Params))
	slices.Sort(ids)
	return ids
}

func diff(want, got []string) (missing, extra []string) {
	w := map[string]bool{}
	for _, id := range want {
		w[id] = true
	}
	g := map[string]bool{}
	for _, id := range got {
		g[id] = true
		if !w[id] {
			extra = append(extra, id)
		}
	}
	for _, id := range want {
		if !g[id] {
			missing = append(missing, id)
		}
	}
	return
}

func assertComplete(t *testing.T, e *env, q store.Query) []string {
	t.Helper()
	want := e.truth(q)
	got := e.storedIDs(t, q, true)
	missing, extra := diff(want, got)
	if len(missing) > 0 || len(extra) > 0 {
		t.Fatalf("stored %d, truth %d: %d missing (e.g. %v), %d extra (e.g. %v)", len(got), len(want),
			len(missing), missing[:min(5, len(missing))], len(extra), extra[:min(5, len(extra))])
	}
	return want
}

func TestCollectCompleteOverCap(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		params url.Values
	}{
		{"hard day cell", url.Values{"professional_role": {sandbox.HardDayRole}, "area": {sandbox.HardDayArea}}},
		{"hard hour cell", url.Values{"professional_role": {sandbox.HardHourRole}, "area": {sandbox.HardHourArea}}},
		{"hr preset over russia", url.Values{"professional_role": harvest.HRRoles, "area": {"113"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, sandbox.Config{Seed: 7, Vacancies: 8000})
			q := e.query(t, tc.name, tc.params)
			before := e.sb.Stats()
			res, err := e.h.Run(ctx, q, harvest.RunOptions{Details: harvest.DetailsNew})
			if err != nil {
				t.Fatal(err)
			}
			want := assertComplete(t, e, q)
			if len(want) <= harvest.DepthLimit {
				t.Fatalf("test query found only %d: it must be over the cap to mean anything", len(want))
			}
			after := e.sb.Stats()
			reqs := (after.Search + after.SearchProbe + after.Vacancy) - (before.Search + before.SearchProbe + before.Vacancy)
			minimum := int64((len(want)+harvest.PerPage-1)/harvest.PerPage + len(want))
			ratio := float64(reqs) / float64(minimum)
			t.Logf("%s: %d vacancies, %d slices, %d requests, minimum %d, ratio %.3f", tc.name, len(want), res.Slices, reqs, minimum, ratio)
			if ratio > 1.10 {
				t.Errorf("requests/minimum = %.3f, want ≤ 1.10", ratio)
			}
			if res.Run.Status != store.RunDone || res.Truncated != 0 {
				t.Errorf("run %s, %d truncated", res.Run.Status, res.Truncated)
			}
			if got := res.Run.Counters.Details; got != int64(len(want)) {
				t.Errorf("details fetched %d, want %d (one per vacancy)", got, len(want))
			}
		})
	}
}

// A low cap forces area splits on a small data set: vacancies that sit on a
// region node itself, not on one of its cities, must survive the split.
func TestSplitKeepsRegionAttachedVacancies(t *testing.T) {
	e := newEnv(t, sandbox.Config{Seed: 3, Vacancies: 6000, NoHardCells: true})
	e.h.Cap = 200
	q := e.query(t, "russia", url.Values{"area": {"113"}, "professional_role": {"69"}})
	res, err := e.h.Run(context.Background(), q, harvest.RunOptions{Details: harvest.DetailsNone})
	if err != nil {
		t.Fatal(err)
	}
	want := assertComplete(t, e, q)
	t.Logf("%d vacancies in %d slices", len(want), res.Slices)
	// The data set must actually contain region-attached vacancies for this to test anything.
	areas, _ := e.st.Areas(context.Background())
	parent := map[string]string{}
	hasKids := map[string]bool{}
	for _, a := range areas {
		parent[a.ID] = a.ParentID
		hasKids[a.ParentID] = true
	}
	onRegion := 0
	err = e.st.EachVacancy(context.Background(), store.Filter{QueryID: q.ID}, func(v store.Vacancy) error {
		if hasKids[v.AreaID] && parent[v.AreaID] != "" {
			onRegion++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if onRegion == 0 {
		t.Fatal("no region-attached vacancy in the data: the test proves nothing")
	}
	t.Logf("%d vacancies attached to a region node kept", onRegion)
}

func TestSyncIncremental(t *testing.T) {
	e := newEnv(t, sandbox.Config{Seed: 11, Vacancies: 3000, NoHardCells: true})
	ctx := context.Background()
	q := e.query(t, "it", url.Values{"area": {"113"}})
	if _, err := e.h.Run(ctx, q, harvest.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	assertComplete(t, e, q)

	// Nothing changed: no detail requests at all.
	e.sb.ResetStats()
	res, err := e.h.Run(ctx, q, harvest.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st := e.sb.Stats(); st.Vacancy != 0 || res.Run.Counters.New != 0 || res.Run.Counters.Changed != 0 {
		t.Fatalf("unchanged sync: %d detail requests, %d new, %d changed; want 0", st.Vacancy, res.Run.Counters.New, res.Run.Counters.Changed)
	}

	const K, M, C = 40, 25, 30
	// Only what this query covers counts.
	set := func() map[string]bool {
		m := map[string]bool{}
		for _, id := range e.sb.Truth(url.Values(q.Params)) {
			m[id] = true
		}
		return m
	}
	count := func(in map[string]bool, ids []string) int {
		n := 0
		for _, id := range ids {
			if in[id] {
				n++
			}
		}
		return n
	}
	before := set()
	published := e.sb.Publish(K)
	archived := e.sb.Archive(M)
	changed := e.sb.Change(C)
	after := set()
	// Changes and archivals that hit a vacancy published a moment ago are,
	// for the store, simply new (or never seen).
	for _, id := range published {
		before[id] = false
	}
	changed = slices.DeleteFunc(changed, func(id string) bool { return slices.Contains(published, id) })
	k, c, m := count(after, published), count(after, changed), count(before, archived)
	e.sb.ResetStats()
	time.Sleep(5 * time.Millisecond)
	res, err = e.h.Run(ctx, q, harvest.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	assertComplete(t, e, q)
	got := res.Run.Counters
	st := e.sb.Stats()
	t.Logf("published %d (%d in query), archived %d (%d in query), changed %d (%d in query): %d detail requests, counters %+v", K, k, M, m, C, c, st.Vacancy, got)
	if got.New != int64(k) {
		t.Errorf("new = %d, want %d", got.New, k)
	}
	if got.Changed != int64(c) {
		t.Errorf("changed = %d, want %d", got.Changed, c)
	}
	if got.Closed != int64(m) {
		t.Errorf("closed = %d, want %d", got.Closed, m)
	}
	if want := int64(k + c + m); st.Vacancy != want {
		t.Errorf("detail requests = %d, want K+C+M = %d", st.Vacancy, want)
	}
	for _, id := range archived {
		if !before[id] {
			continue
		}
		v, err := e.st.GetVacancy(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if v.ClosedAt == nil {
			t.Errorf("archived %s not closed", id)
		}
	}
	for _, id := range changed {
		if !after[id] {
			continue
		}
		vs, err := e.st.Versions(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) < 2 {
			t.Errorf("changed %s has %d versions, want ≥ 2", id, len(vs))
		}
	}
}

// A run interrupted at random points is resumed by rerunning it, ends with
// exactly the truth, and does not page finished slices again.
func TestResumeAfterInterrupt(t *testing.T) {
	e := newEnv(t, sandbox.Config{Seed: 5, Vacancies: 6000})
	q := e.query(t, "hot", url.Values{"professional_role": {sandbox.HardDayRole}, "area": {sandbox.HardDayArea}})
	for i, after := range []int64{15, 40, 500} {
		ctx, cancel := context.WithCancel(context.Background())
		e.h.Progress = func(p harvest.Progress) {
			if p.Pages+p.DetailsDone >= after {
				cancel()
			}
		}
		_, err := e.h.Run(ctx, q, harvest.RunOptions{})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupt %d: err = %v, want context.Canceled", i, err)
		}
	}
	e.h.Progress = nil
	runs, _ := e.st.Runs(context.Background(), q.ID)
	sl, _ := e.st.Slices(context.Background(), runs[0].ID)
	finished := 0
	for _, s := range sl {
		if s.State == store.SliceDone {
			finished++
		}
	}
	e.sb.ResetStats()
	res, err := e.h.Run(context.Background(), q, harvest.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || res.Run.ID != runs[0].ID {
		t.Fatalf("rerun started a new run instead of resuming run %d", runs[0].ID)
	}
	want := assertComplete(t, e, q)
	st := e.sb.Stats()
	t.Logf("%d slices finished before the final rerun; rerun made %d search and %d detail requests for %d vacancies", finished, st.Search+st.SearchProbe, st.Vacancy, len(want))
	if st.Search > int64(len(want)/harvest.PerPage+len(sl)) {
		t.Errorf("rerun made %d page requests: finished slices were paged again", st.Search)
	}
}

func TestCaptchaStopsCleanly(t *testing.T) {
	e := newEnv(t, sandbox.Config{Seed: 9, Vacancies: 2000, NoHardCells: true, CaptchaAfter: 30})
	q := e.query(t, "all", url.Values{"area": {"113"}})
	res, err := e.h.Run(context.Background(), q, harvest.RunOptions{})
	var se *harvest.StopError
	if !errors.As(err, &se) || !errors.Is(err, hhapi.ErrCaptcha) {
		t.Fatalf("err = %v, want a StopError for the captcha", err)
	}
	if res.Run.Status != store.RunStopped {
		t.Errorf("run status %q, want stopped", res.Run.Status)
	}
	if n := len(e.storedIDs(t, q, false)); n == 0 {
		t.Error("nothing committed before the captcha")
	}
}

func TestDriftStillComplete(t *testing.T) {
	e := newEnv(t, sandbox.Config{Seed: 13, Vacancies: 5000, Drift: 200})
	q := e.query(t, "drift", url.Values{"professional_role": {sandbox.HardHourRole}, "area": {sandbox.HardHourArea}})
	// Every vacancy published before the run starts belongs to the run; the
	// ones published while it pages belong to the next sync.
	want := e.sb.Truth(url.Values(q.Params))
	if _, err := e.h.Run(context.Background(), q, harvest.RunOptions{Details: harvest.DetailsNone}); err != nil {
		t.Fatal(err)
	}
	got := e.storedIDs(t, q, true)
	missing, _ := diff(want, got)
	if len(missing) > 0 {
		t.Fatalf("%d of %d vacancies inside the run's window missing under drift", len(missing), len(want))
	}
}
