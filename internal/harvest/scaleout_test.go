package harvest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/httpx"
	"github.com/hhjobs/hhjobs/internal/sandbox"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/postgres"
	"github.com/hhjobs/hhjobs/internal/store/postgres/pgtest"
)

// requestLog counts what the sandbox was asked, per search URL and per vacancy id.
type requestLog struct {
	mu       sync.Mutex
	searches map[string]int
	details  map[string]int
	byAgent  map[string]int
}

func (l *requestLog) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		switch {
		case r.URL.Path == "/vacancies":
			q := r.URL.Query()
			l.searches[q.Encode()]++ // Encode sorts keys: one key per distinct request
		case strings.HasPrefix(r.URL.Path, "/vacancies/"):
			l.details[strings.TrimPrefix(r.URL.Path, "/vacancies/")]++
		}
		l.byAgent[r.Header.Get("HH-User-Agent")]++
		l.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

// TestThreeCollectorsShareOneRun: three collectors, each with its own
// PostgreSQL pool and HTTP client as separate processes would have, work
// through one run's slice queue. A fourth "collector" claimed the root slice
// and died: its lease runs out and the others take the slice over. The union
// equals the truth, no search page is requested twice, no vacancy is
// fetched twice, and every collector did part of the work.
func TestThreeCollectorsShareOneRun(t *testing.T) {
	dsn, _ := pgtest.FreshSchema(t)
	ctx := context.Background()
	sb, err := sandbox.New(sandbox.Config{Seed: 21, Vacancies: 4000, NoHardCells: true})
	if err != nil {
		t.Fatal(err)
	}
	log := &requestLog{searches: map[string]int{}, details: map[string]int{}, byAgent: map[string]int{}}
	srv := httptest.NewServer(log.wrap(sb))
	t.Cleanup(srv.Close)
	tok := sb.MintAppToken()

	open := func() store.Store {
		st, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	collector := func(name string) *harvest.Harvester {
		hc, err := httpx.NewClient(httpx.Options{
			UserAgent: name + "/1.0 (test@example.com)",
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
		// A low cap makes many slices out of a small data set.
		return &harvest.Harvester{API: api, Store: open(), Concurrency: 3, Worker: name, Cap: 300, Lease: 2 * time.Second}
	}

	// The run as `collect` creates it, and a collector that claims the root and dies.
	st := open()
	first := collector("first")
	if err := harvest.EnsureReference(ctx, first.API, st, time.Now()); err != nil {
		t.Fatal(err)
	}
	q, err := st.SaveQuery(ctx, store.Query{Name: "ru", Params: url.Values{"area": {"113"}}})
	if err != nil {
		t.Fatal(err)
	}
	upper := harvest.CeilGrid(time.Now())
	root, err := harvest.RootParams(url.Values(q.Params), upper)
	if err != nil {
		t.Fatal(err)
	}
	run, err := st.CreateRun(ctx, store.Run{QueryID: q.ID, Status: store.RunRunning, StartedAt: time.Now(), UpperBound: upper, Details: harvest.DetailsNew})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddSlices(ctx, run.ID, []store.Slice{{Params: root, State: store.SlicePending, Found: -1}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ClaimSlice(ctx, run.ID, "dead", time.Second); err != nil {
		t.Fatal(err)
	}

	hs := []*harvest.Harvester{first, collector("second"), collector("third")}
	g, gctx := errgroup.WithContext(ctx)
	for _, h := range hs {
		g.Go(func() error {
			_, err := h.Run(gctx, q, harvest.RunOptions{Join: run.ID})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}

	want := sb.Truth(url.Values(q.Params))
	var got []string
	if err := st.EachVacancy(ctx, store.Filter{QueryID: q.ID}, func(v store.Vacancy) error {
		got = append(got, v.ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(want)
	missing, extra := diff(want, got)
	if len(missing) > 0 || len(extra) > 0 {
		t.Fatalf("union of three collectors: %d stored vs truth %d (%d missing, %d extra)", len(got), len(want), len(missing), len(extra))
	}
	for u, n := range log.searches {
		if n > 1 {
			t.Errorf("search requested %d times: a slice was done twice: %s", n, u)
		}
	}
	for id, n := range log.details {
		if n > 1 {
			t.Errorf("vacancy %s fetched %d times", id, n)
		}
	}
	if len(log.details) != len(want) {
		t.Errorf("%d vacancies fetched, want one per vacancy (%d)", len(log.details), len(want))
	}
	sl, err := st.Slices(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	workers := map[string]int{}
	for _, s := range sl {
		if s.State != store.SliceDone && s.State != store.SliceSplit {
			t.Errorf("slice %d ended %s", s.ID, s.State)
		}
		workers[s.Worker]++
	}
	var share []string
	for _, h := range hs {
		n := log.byAgent[h.Worker+"/1.0 (test@example.com)"]
		share = append(share, fmt.Sprintf("%s %d", h.Worker, n))
		if n == 0 {
			t.Errorf("collector %s made no request", h.Worker)
		}
	}
	r, _ := st.GetRun(ctx, run.ID)
	t.Logf("%d vacancies in %d slices; requests per collector: %s; slices by worker %v; run %s, counters %+v",
		len(want), len(sl), strings.Join(share, ", "), workers, r.Status, r.Counters)
	if r.Counters.New != int64(len(want)) || r.Counters.Details != int64(len(want)) {
		t.Errorf("run counters new %d, details %d; want %d each", r.Counters.New, r.Counters.Details, len(want))
	}
}
