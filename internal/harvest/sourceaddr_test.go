package harvest_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
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

// TestThreeCollectorsThreeIPs: three collectors joined to one PostgreSQL
// run, bound to 127.0.0.1, .2 and .3, against a sandbox that limits each
// remote IP to R req/s, each collector limited to R itself. The sandbox sees
// three addresses, the union is the truth, no search page is requested
// twice, and the combined rate is well over one IP's R.
func TestThreeCollectorsThreeIPs(t *testing.T) {
	dsn, _ := pgtest.FreshSchema(t)
	ips := []string{"127.0.0.1", "127.0.0.2", "127.0.0.3"}
	for _, ip := range ips {
		if _, err := httpx.LocalIP(ip); err != nil {
			t.Skipf("loopback address %s not usable here: %v", ip, err)
		}
	}
	const R = 10.0
	ctx := context.Background()
	sb, err := sandbox.New(sandbox.Config{Seed: 22, Vacancies: 2500, NoHardCells: true, RPS: R, RetryAfter: true})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	byIP := map[string]int{}
	searches := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		mu.Lock()
		byIP[host]++
		if r.URL.Path == "/vacancies" {
			searches[r.URL.Query().Encode()]++
		}
		mu.Unlock()
		sb.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	tok := sb.MintAppToken()
	collector := func(ip string) *harvest.Harvester {
		base, err := httpx.SourceTransport(ip)
		if err != nil {
			t.Fatal(err)
		}
		hc, err := httpx.NewClient(httpx.Options{UserAgent: "ip-" + ip + "/1.0 (test@example.com)", RPS: R, Base: base,
			Wrap: func(next http.RoundTripper) http.RoundTripper { return bearer{next, tok} }})
		if err != nil {
			t.Fatal(err)
		}
		api, err := hhapi.New(srv.URL, hc)
		if err != nil {
			t.Fatal(err)
		}
		st, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return &harvest.Harvester{API: api, Store: st, Concurrency: 3, Worker: ip, Cap: 100, Lease: 5 * time.Second}
	}
	hs := []*harvest.Harvester{collector(ips[0]), collector(ips[1]), collector(ips[2])}
	st := hs[0].Store
	if err := harvest.EnsureReference(ctx, hs[0].API, st, time.Now()); err != nil {
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
	run, err := st.CreateRun(ctx, store.Run{QueryID: q.ID, Status: store.RunRunning, StartedAt: time.Now(), UpperBound: upper, Details: harvest.DetailsNone})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddSlices(ctx, run.ID, []store.Slice{{Params: root, State: store.SlicePending, Found: -1}}); err != nil {
		t.Fatal(err)
	}
	before := sb.Stats()
	t0 := time.Now()
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
	el := time.Since(t0)
	after := sb.Stats()
	want := sb.Truth(url.Values(q.Params))
	var got []string
	if err := st.EachVacancy(ctx, store.Filter{QueryID: q.ID}, func(v store.Vacancy) error {
		got = append(got, v.ID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(want)
	if missing, extra := diff(want, got); len(missing) > 0 || len(extra) > 0 {
		t.Fatalf("union: %d stored vs truth %d (%d missing, %d extra)", len(got), len(want), len(missing), len(extra))
	}
	for u, n := range searches {
		if n > 1 {
			t.Errorf("search requested %d times: %s", n, u)
		}
	}
	for _, ip := range ips {
		if byIP[ip] == 0 {
			t.Errorf("the sandbox saw no request from %s (saw %v)", ip, byIP)
		}
	}
	useful := after.Search + after.SearchProbe + after.Vacancy - before.Search - before.SearchProbe - before.Vacancy
	rate := float64(useful) / el.Seconds()
	t.Logf("%d vacancies; %d useful requests in %s = %.1f req/s = %.2f R (R = %g per IP); 429s %d; by IP %v",
		len(want), useful, el.Round(time.Millisecond), rate, rate/R, R, after.TooMany-before.TooMany, byIP)
	// One IP cannot go past R: anything clearly over it needs the others.
	if rate < 1.5*R {
		t.Errorf("combined rate %.1f req/s, want well over one IP's %g", rate, R)
	}
}
