package harvest_test

// The fault suite: harvests against the sandbox while things go wrong — 10%
// faults (503 JSON, 503 HTML, dropped connections), responses slower than the
// client's per-try timeout, 429 storms with and without Retry-After, a user
// token expiring mid-run, the sandbox restarted mid-run, malformed JSON in one
// answer, a crash between creating a run and planning it, and the real binary
// killed with SIGKILL at random points. Each ends with the store equal to the
// sandbox's ground truth (zero lost, zero duplicated) and the runs' counters
// consistent.
//
//	go test ./internal/harvest/ -run Fault -count=1 -v

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/auth"
	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/httpx"
	"github.com/hhjobs/hhjobs/internal/sandbox"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

const faultUA = "hhjobs-faults/1.0 (test@example.com)"

// faultRetry is the client's retry policy in the fault suite: the production
// shape with millisecond back-off, and enough tries that 10% faults never
// exhaust them (0.1^12).
func faultRetry() httpx.RetryPolicy {
	return httpx.RetryPolicy{MaxTries: 12, Initial: 2 * time.Millisecond, Max: 50 * time.Millisecond, PerTry: 10 * time.Second}
}

// faultHarness is a harvester over its own SQLite store talking to base.
type faultHarness struct {
	st store.Store
	h  *harvest.Harvester
	m  *httpx.Metrics
}

// newFaultHarness wires a harvester the way the CLI does (UA, rate limiter,
// retries, metrics, auth layer) against base, loads the reference data and
// returns it. wrap is the auth layer (httpx.Options.Wrap).
func newFaultHarness(t testing.TB, base string, retry httpx.RetryPolicy, wrap func(http.RoundTripper) http.RoundTripper, concurrency int) *faultHarness {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "faults.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m := &httpx.Metrics{}
	hc, err := httpx.NewClient(httpx.Options{UserAgent: faultUA, Metrics: m, Retry: retry, Wrap: wrap})
	if err != nil {
		t.Fatal(err)
	}
	api, err := hhapi.New(base, hc)
	if err != nil {
		t.Fatal(err)
	}
	if err := harvest.EnsureReference(context.Background(), api, st, time.Now()); err != nil {
		t.Fatalf("reference data: %v", err)
	}
	h := &harvest.Harvester{API: api, Store: st, Metrics: m, Concurrency: concurrency, Worker: "faults"}
	return &faultHarness{st: st, h: h, m: m}
}

func bearerWrap(tok string) func(http.RoundTripper) http.RoundTripper {
	return func(next http.RoundTripper) http.RoundTripper { return bearer{next, tok} }
}

func (f *faultHarness) query(t testing.TB, name string, p url.Values) store.Query {
	t.Helper()
	q, err := f.st.SaveQuery(context.Background(), store.Query{Name: name, Params: p})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func sortedTruth(sb *sandbox.Server, p url.Values) []string {
	ids := sb.Truth(p)
	slices.Sort(ids)
	return ids
}

// faultOutcome is what checkFaultOutcome found.
type faultOutcome struct {
	Runs        int
	Last        store.Run
	Sum         store.Counters
	Stored      int
	WithDetails int
}

// checkFaultOutcome asserts the end state every fault case must reach:
//   - the query's stored open ids are exactly truth (none missing, none extra),
//     and the store holds each once (CountVacancies equals the id count);
//   - the query's latest run ended done;
//   - counters are consistent: New summed over the query's runs equals the
//     vacancies stored, Details ≥ the vacancies with details, and per run
//     Requests ≥ Pages + Details and Requests429 ≤ Requests;
//   - with allDetails, every stored vacancy has its full vacancy.
//
// With crashed (a collector was SIGKILLed), New and Details may fall short
// of the store but never exceed it: a page (or a batch of details) and its
// counters are committed in separate transactions (storePage and saveDetails
// call UpsertSearchItems/SaveDetails, then AddRunCounters), so a kill between
// the two keeps the data and loses its counts. Closing that gap needs the
// counters inside the store's page transaction, a store interface change.
func checkFaultOutcome(t *testing.T, st store.Store, q store.Query, truth []string, allDetails, crashed bool) faultOutcome {
	t.Helper()
	ctx := context.Background()
	var got []string
	withDetails := 0
	err := st.EachVacancy(ctx, store.Filter{QueryID: q.ID, OpenOnly: true}, func(v store.Vacancy) error {
		got = append(got, v.ID)
		if v.DetailFetchedAt != nil {
			withDetails++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if len(truth) == 0 {
		t.Fatal("empty ground truth: the case proves nothing")
	}
	missing, extra := diff(truth, got)
	if len(missing) > 0 || len(extra) > 0 {
		t.Errorf("stored %d, truth %d: %d lost (e.g. %v), %d extra (e.g. %v)", len(got), len(truth),
			len(missing), missing[:min(5, len(missing))], len(extra), extra[:min(5, len(extra))])
	}
	if dup := len(got) - len(slices.Compact(slices.Clone(got))); dup > 0 {
		t.Errorf("%d ids stored twice", dup)
	}
	all, err := st.CountVacancies(ctx, store.Filter{QueryID: q.ID})
	if err != nil {
		t.Fatal(err)
	}
	open, err := st.CountVacancies(ctx, store.Filter{QueryID: q.ID, OpenOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if all != len(truth) || open != len(got) {
		t.Errorf("CountVacancies = %d (open %d), want %d (open %d)", all, open, len(truth), len(got))
	}
	if allDetails && withDetails != len(got) {
		t.Errorf("%d of %d stored vacancies have their full vacancy, want all", withDetails, len(got))
	}

	runs, err := st.Runs(ctx, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) == 0 {
		t.Fatal("no run recorded")
	}
	out := faultOutcome{Runs: len(runs), Last: runs[0], Stored: all, WithDetails: withDetails}
	if runs[0].Status != store.RunDone {
		t.Errorf("last run %d is %q (%s), want done", runs[0].ID, runs[0].Status, runs[0].Error)
	}
	for _, r := range runs {
		c := r.Counters
		if c.Requests < c.Pages+c.Details {
			t.Errorf("run %d: %d requests < %d pages + %d details", r.ID, c.Requests, c.Pages, c.Details)
		}
		if c.Requests429 > c.Requests || c.Requests429 < 0 {
			t.Errorf("run %d: %d answered 429 of %d requests", r.ID, c.Requests429, c.Requests)
		}
		s := &out.Sum
		s.Requests += c.Requests
		s.Requests429 += c.Requests429
		s.Retries += c.Retries
		s.Pages += c.Pages
		s.Details += c.Details
		s.New += c.New
		s.Changed += c.Changed
		s.Unchanged += c.Unchanged
		s.Closed += c.Closed
	}
	// The last run's slice checkpoints agree with what was stored: a slice
	// paged again after a failure or a crash does not count its items twice.
	sl, err := st.Slices(ctx, runs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sl {
		if s.State == store.SliceDone && s.Stored != s.Found {
			t.Errorf("slice %d (%s): stored %d, found %d", s.ID, url.Values(s.Params).Encode(), s.Stored, s.Found)
		}
	}
	switch {
	case out.Sum.New > int64(all) || (!crashed && out.Sum.New != int64(all)):
		t.Errorf("counters: %d new over %d runs, but %d vacancies stored", out.Sum.New, len(runs), all)
	case out.Sum.New != int64(all):
		t.Logf("NOTE: the kills lost the counts of %d new vacancies (data intact; counters are committed apart from pages)", int64(all)-out.Sum.New)
	}
	switch {
	case !crashed && out.Sum.Details < int64(withDetails):
		t.Errorf("counters: %d details fetched, but %d vacancies have details", out.Sum.Details, withDetails)
	case crashed && out.Sum.Details > int64(withDetails):
		t.Errorf("counters: %d details fetched after kills, more than the %d vacancies with details", out.Sum.Details, withDetails)
	case out.Sum.Details < int64(withDetails):
		t.Logf("NOTE: the kills lost the counts of %d fetched details (data intact)", int64(withDetails)-out.Sum.Details)
	}
	return out
}

// ---- handler wrappers -------------------------------------------------------

// dropConn closes the connection without an answer.
func dropConn(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if c, _, err := hj.Hijack(); err == nil {
			_ = c.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// isAPI tells the API requests (what the client retries) from the admin ones.
func isAPI(r *http.Request) bool { return !strings.HasPrefix(r.URL.Path, "/_sandbox/") }

// slowEvery makes every nth API request slower than the client's per-try
// deadline: odd ones stall before the headers, even ones send the headers and
// a piece of the body and then stall. Both must time out and be retried.
type slowEvery struct {
	next          http.Handler
	n             int64
	stall         time.Duration
	seen          atomic.Int64
	headers, body atomic.Int64
}

func (s *slowEvery) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !isAPI(r) {
		s.next.ServeHTTP(w, r)
		return
	}
	k := s.seen.Add(1)
	if k%s.n != 0 {
		s.next.ServeHTTP(w, r)
		return
	}
	if (k/s.n)%2 == 0 {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.Header().Set("Content-Length", "100000")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"items":[{"id":"`)
		w.(http.Flusher).Flush()
		s.body.Add(1)
	} else {
		s.headers.Add(1)
	}
	select {
	case <-r.Context().Done(): // the client gave up: good
	case <-time.After(s.stall):
	}
}

// ---- the table --------------------------------------------------------------

// TestFaultHarvestUnderFaults runs a full harvest while the server misbehaves
// and checks it completes in one run with exactly the truth.
func TestFaultHarvestUnderFaults(t *testing.T) {
	tests := []struct {
		name        string
		cfg         sandbox.Config
		retry       httpx.RetryPolicy
		concurrency int
		cap         int  // Harvester.Cap: forces splits (and probes) on a small data set
		narrow      bool // area 113 × one role with ≥ 60 vacancies, else area 113
		details     string
		wrap        func(http.Handler) http.Handler // around the sandbox
		check       func(t *testing.T, sb *sandbox.Server, f *faultHarness, h http.Handler, took time.Duration)
	}{
		{
			name:  "faults 10% (503 JSON, 503 HTML, dropped connections)",
			cfg:   sandbox.Config{Seed: 21, Vacancies: 1000, NoHardCells: true, FaultRate: 0.1},
			retry: faultRetry(), concurrency: 4, cap: 300, details: harvest.DetailsNew,
			check: func(t *testing.T, sb *sandbox.Server, f *faultHarness, _ http.Handler, _ time.Duration) {
				st, m := sb.Stats(), f.m.Snapshot()
				t.Logf("sandbox injected %d faults in %d requests; client saw %d 5xx and %d network errors",
					st.Faults, st.Requests, m.Errors5xx, m.NetworkErrors)
				// Drops on a reused keep-alive connection are replayed by
				// net/http itself, so not every fault reaches httpx.
				if st.Faults == 0 || m.Errors5xx == 0 {
					t.Errorf("%d faults injected, %d 503s reached the client: the case proves nothing", st.Faults, m.Errors5xx)
				}
			},
		},
		{
			name: "slow responses past the per-try timeout",
			cfg:  sandbox.Config{Seed: 22, Vacancies: 1000, NoHardCells: true},
			retry: func() httpx.RetryPolicy {
				p := faultRetry()
				p.PerTry = 250 * time.Millisecond
				return p
			}(),
			concurrency: 4, details: harvest.DetailsNew,
			wrap: func(next http.Handler) http.Handler { return &slowEvery{next: next, n: 30, stall: 5 * time.Second} },
			check: func(t *testing.T, _ *sandbox.Server, f *faultHarness, h http.Handler, took time.Duration) {
				s := h.(*slowEvery)
				m := f.m.Snapshot()
				slow := s.headers.Load() + s.body.Load()
				t.Logf("%d of %d requests stalled (%d before headers, %d mid-body); client saw %d network errors",
					slow, s.seen.Load(), s.headers.Load(), s.body.Load(), m.NetworkErrors)
				if s.headers.Load() == 0 || s.body.Load() == 0 {
					t.Fatal("no stalled response of each kind: the case proves nothing")
				}
				if m.NetworkErrors < slow {
					t.Errorf("%d timeouts seen by the client for %d stalled responses", m.NetworkErrors, slow)
				}
				if took > time.Duration(slow)*time.Second {
					t.Errorf("run took %s: stalls were waited out, not cut at PerTry", took)
				}
			},
		},
		{
			// A narrow query with full vacancies: 8 workers fetching details
			// burst far past 30 rps whatever the machine's speed.
			name:  "429 storm with Retry-After",
			cfg:   sandbox.Config{Seed: 23, Vacancies: 1500, NoHardCells: true, RPS: 30, RetryAfter: true},
			retry: faultRetry(), concurrency: 8, narrow: true, details: harvest.DetailsNew,
			check: check429(true),
		},
		{
			name:        "429 storm without Retry-After",
			cfg:         sandbox.Config{Seed: 24, Vacancies: 1500, NoHardCells: true, RPS: 30},
			retry:       httpx.RetryPolicy{MaxTries: 12, Initial: 20 * time.Millisecond, Max: 400 * time.Millisecond, PerTry: 10 * time.Second},
			concurrency: 8, narrow: true, details: harvest.DetailsNew,
			check: check429(false),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sb, err := sandbox.New(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			var h http.Handler = sb
			if tc.wrap != nil {
				h = tc.wrap(sb)
			}
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)
			f := newFaultHarness(t, srv.URL, tc.retry, bearerWrap(sb.MintAppToken()), tc.concurrency)
			f.h.Cap = tc.cap
			p := url.Values{"area": {"113"}}
			if tc.narrow {
				p = narrowQuery(t, sb, 60)
			}
			q := f.query(t, "q", p)
			start := time.Now()
			res, err := f.h.Run(context.Background(), q, harvest.RunOptions{Details: tc.details})
			took := time.Since(start)
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			out := checkFaultOutcome(t, f.st, q, sortedTruth(sb, p), tc.details != harvest.DetailsNone, false)
			if out.Runs != 1 || res.Failed != 0 {
				t.Errorf("%d runs, %d failed slices: want one clean run", out.Runs, res.Failed)
			}
			m := f.m.Snapshot()
			t.Logf("%d vacancies in %d slices, %s; counters %+v", out.Stored, res.Slices, took.Round(time.Millisecond), out.Sum)
			// Every failed attempt was retried and none was given up on.
			if fails := m.Errors5xx + m.NetworkErrors + m.Responses429; m.Retries != fails {
				t.Errorf("%d retries for %d failed attempts (%d 5xx, %d network, %d 429)", m.Retries, fails, m.Errors5xx, m.NetworkErrors, m.Responses429)
			}
			if tc.check != nil {
				tc.check(t, sb, f, h, took)
			}
		})
	}
}

// narrowQuery is area 113 with the professional role that has the fewest
// vacancies, but at least lo (and at most 4·lo, to keep the case quick).
func narrowQuery(t testing.TB, sb *sandbox.Server, lo int) url.Values {
	t.Helper()
	var best url.Values
	bestN := 4*lo + 1
	for id := 1; id < 300; id++ {
		p := url.Values{"area": {"113"}, "professional_role": {strconv.Itoa(id)}}
		if n := len(sb.Truth(p)); n >= lo && n < bestN {
			best, bestN = p, n
		}
	}
	if best == nil {
		t.Fatalf("no role with %d…%d vacancies", lo, 4*lo)
	}
	return best
}

func check429(retryAfter bool) func(t *testing.T, sb *sandbox.Server, f *faultHarness, _ http.Handler, took time.Duration) {
	return func(t *testing.T, sb *sandbox.Server, f *faultHarness, _ http.Handler, took time.Duration) {
		st, m := sb.Stats(), f.m.Snapshot()
		t.Logf("sandbox answered 429 to %d of %d requests; client saw %d, paused %d times, retried %d", st.TooMany, st.Requests, m.Responses429, m.Pauses, m.Retries)
		if st.TooMany == 0 {
			t.Fatal("no 429 at all: the storm never happened")
		}
		if m.Responses429 != st.TooMany {
			t.Errorf("client counted %d 429s, server sent %d", m.Responses429, st.TooMany)
		}
		if m.Pauses == 0 {
			t.Error("a 429 never paused the shared limiter")
		}
		if retryAfter && took < time.Second {
			t.Errorf("run took %s: Retry-After: 1 was not honoured", took)
		}
	}
}

// ---- user token expiring mid-run ---------------------------------------------

// fakeClock is a settable clock for the sandbox and the auth layer.
type fakeClock struct {
	base time.Time
	off  atomic.Int64
}

func (c *fakeClock) Now() time.Time                   { return c.base.Add(time.Duration(c.off.Load())) }
func (c *fakeClock) Advance(d time.Duration)          { c.off.Add(int64(d)) }
func newFakeClock(t time.Time) *fakeClock             { return &fakeClock{base: t} }
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// tokenWatch counts refresh_token grants on the token endpoint and 403
// answers of the API; before the request that hook accepts reaches the
// sandbox it runs hook's action once (the clock jumps while it is in flight).
type tokenWatch struct {
	next      http.Handler
	refreshes atomic.Int64
	forbidden atomic.Int64
	onArrival func(*http.Request) bool // reports whether it acted
	acted     atomic.Bool
}

func (c *tokenWatch) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && (r.URL.Path == "/token" || r.URL.Path == "/oauth/token") {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		if form, _ := url.ParseQuery(string(b)); form.Get("grant_type") == "refresh_token" {
			c.refreshes.Add(1)
		}
		c.next.ServeHTTP(w, r)
		return
	}
	if c.onArrival != nil && !c.acted.Load() && c.onArrival(r) {
		c.acted.Store(true)
	}
	rec := &statusSniffer{ResponseWriter: w}
	c.next.ServeHTTP(rec, r)
	if rec.code == http.StatusForbidden {
		c.forbidden.Add(1)
	}
}

type statusSniffer struct {
	http.ResponseWriter
	code int
}

func (s *statusSniffer) WriteHeader(code int) { s.code = code; s.ResponseWriter.WriteHeader(code) }

// TestFaultUserTokenExpiresMidRun collects with a user token that expires
// after a few pages: the run must go on after exactly one refresh, whether
// the client notices the expiry first (the clock jumps between requests,
// UserSource refreshes before sending) or the server does (the clock jumps
// while a request is in flight: 403 token_expired, refresh, retry).
func TestFaultUserTokenExpiresMidRun(t *testing.T) {
	const ttl, afterPages = time.Hour, 6
	for _, inFlight := range []bool{false, true} {
		name := map[bool]string{false: "client notices", true: "server answers token_expired"}[inFlight]
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			clock := newFakeClock(time.Now())
			sb, err := sandbox.New(sandbox.Config{Seed: 31, Vacancies: 1000, NoHardCells: true, Now: clock.Now, UserTokenTTL: ttl})
			if err != nil {
				t.Fatal(err)
			}
			var jumpedAt atomic.Int64
			var pages atomic.Int64
			tw := &tokenWatch{next: sb}
			if inFlight {
				tw.onArrival = func(r *http.Request) bool {
					if r.URL.Path == "/vacancies" && r.URL.Query().Get("per_page") != "0" && pages.Add(1) == afterPages+1 {
						clock.Advance(ttl + time.Minute)
						jumpedAt.Store(afterPages)
						return true
					}
					return false
				}
			}
			srv := httptest.NewServer(tw)
			t.Cleanup(srv.Close)

			// The authorization code flow, as 'hhjobs auth login' does it.
			ac := &auth.Client{HTTP: &http.Client{Timeout: 10 * time.Second}, APIBase: srv.URL, OAuthBase: srv.URL,
				ClientID: sandbox.DefaultClientID, ClientSecret: sandbox.DefaultClientSecret,
				RedirectURI: sandbox.DefaultRedirectURI, UserAgent: faultUA, Now: clock.Now}
			browser := &http.Client{CheckRedirect: noRedirect}
			resp, err := browser.Get(ac.AuthCodeURL("st4te"))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			loc, err := url.Parse(resp.Header.Get("Location"))
			if err != nil || resp.StatusCode != http.StatusFound || loc.Query().Get("code") == "" {
				t.Fatalf("authorize: %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			tok, err := ac.Exchange(ctx, loc.Query().Get("code"))
			if err != nil {
				t.Fatal(err)
			}
			ts := auth.NewTokenStore(filepath.Join(t.TempDir(), "config"))
			if err := ts.Save(auth.Tokens{User: &tok}); err != nil {
				t.Fatal(err)
			}
			src := &auth.UserSource{Store: ts, Client: ac, Now: clock.Now}
			f := newFaultHarness(t, srv.URL, faultRetry(), auth.Wrap(src), 4)
			f.h.Cap = 300 // several slices paged at once
			p := url.Values{"area": {"113"}}
			q := f.query(t, "q", p)

			if !inFlight {
				var once sync.Once
				f.h.Progress = func(pr harvest.Progress) {
					if pr.Pages >= afterPages {
						once.Do(func() {
							clock.Advance(ttl + time.Minute)
							jumpedAt.Store(pr.Pages)
						})
					}
				}
			}
			res, err := f.h.Run(ctx, q, harvest.RunOptions{Details: harvest.DetailsNew})
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			out := checkFaultOutcome(t, f.st, q, sortedTruth(sb, p), true, false)
			t.Logf("clock jumped past expiry after %d pages; %d refreshes, %d answers 403; %d vacancies in %d slices; counters %+v",
				jumpedAt.Load(), tw.refreshes.Load(), tw.forbidden.Load(), out.Stored, res.Slices, out.Sum)
			if jumpedAt.Load() == 0 {
				t.Fatal("the token never expired during the run: the case proves nothing")
			}
			if n := tw.refreshes.Load(); n != 1 {
				t.Errorf("%d refresh_token grants, want exactly 1", n)
			}
			if inFlight && tw.forbidden.Load() == 0 {
				t.Error("no request was refused with token_expired: the in-flight path was not exercised")
			}
			if out.Runs != 1 || res.Failed != 0 {
				t.Errorf("%d runs, %d failed slices: want one clean run", out.Runs, res.Failed)
			}
			saved, err := ts.Load()
			if err != nil {
				t.Fatal(err)
			}
			if saved.User == nil || saved.User.AccessToken == tok.AccessToken || saved.User.RefreshedAt.IsZero() || saved.User.Expired(clock.Now()) {
				t.Error("the refreshed pair was not saved to the token store")
			}
		})
	}
}

// ---- sandbox restarted mid-run ---------------------------------------------

// restartable serves through whichever sandbox is current, rewriting the
// app token to that sandbox's (tokens are per server), and drops every
// connection while "down".
type restartable struct {
	cur    atomic.Pointer[sandbox.Server]
	down   atomic.Bool
	drops  atomic.Int64
	mu     sync.Mutex
	tokens map[*sandbox.Server]string
}

func (h *restartable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.down.Load() {
		h.drops.Add(1)
		dropConn(w)
		return
	}
	sb := h.cur.Load()
	if r.Header.Get("Authorization") != "" {
		h.mu.Lock()
		tok := h.tokens[sb]
		h.mu.Unlock()
		r.Header.Set("Authorization", "Bearer "+tok)
	}
	sb.ServeHTTP(w, r)
}

// TestFaultSandboxRestartedMidRun restarts the server under a running harvest:
// in-flight connections are cut, new ones dropped for 300 ms, and a fresh
// sandbox with the same data answers afterwards.
func TestFaultSandboxRestartedMidRun(t *testing.T) {
	now := time.Now()
	cfg := sandbox.Config{Seed: 41, Vacancies: 1500, NoHardCells: true, Now: func() time.Time { return now }}
	sb1, err := sandbox.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sb2, err := sandbox.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := url.Values{"area": {"113"}}
	truth := sortedTruth(sb1, p)
	if !slices.Equal(truth, sortedTruth(sb2, p)) {
		t.Fatal("two sandboxes with the same seed and clock hold different data")
	}
	rh := &restartable{tokens: map[*sandbox.Server]string{sb1: sb1.MintAppToken(), sb2: sb2.MintAppToken()}}
	rh.cur.Store(sb1)
	srv := httptest.NewServer(rh)
	t.Cleanup(srv.Close)

	retry := faultRetry()
	retry.Initial, retry.Max, retry.MaxTries = 10*time.Millisecond, 100*time.Millisecond, 20 // survives a 300 ms outage
	f := newFaultHarness(t, srv.URL, retry, bearerWrap(rh.tokens[sb1]), 4)
	q := f.query(t, "all", p)

	var once sync.Once
	restarted := make(chan struct{})
	f.h.Progress = func(pr harvest.Progress) {
		if pr.Pages >= 5 {
			once.Do(func() {
				go func() {
					defer close(restarted)
					rh.down.Store(true)
					srv.CloseClientConnections() // kill what is in flight
					time.Sleep(300 * time.Millisecond)
					rh.cur.Store(sb2)
					rh.down.Store(false)
				}()
			})
		}
	}
	res, err := f.h.Run(context.Background(), q, harvest.RunOptions{Details: harvest.DetailsNew})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	select {
	case <-restarted:
	case <-time.After(5 * time.Second):
		t.Fatal("the restart never happened")
	}
	out := checkFaultOutcome(t, f.st, q, truth, true, false)
	s1, s2 := sb1.Stats(), sb2.Stats()
	m := f.m.Snapshot()
	t.Logf("old server %d requests, %d dropped while down, new server %d requests; client: %d network errors, %d retries; counters %+v",
		s1.Requests, rh.drops.Load(), s2.Requests, m.NetworkErrors, m.Retries, out.Sum)
	if s2.Search+s2.Vacancy == 0 {
		t.Error("the new server never served the run: the restart came too late to test anything")
	}
	if rh.drops.Load() == 0 && m.NetworkErrors == 0 {
		t.Error("the outage cut no request: the case proves nothing")
	}
	if out.Runs != 1 || res.Failed != 0 {
		t.Errorf("%d runs, %d failed slices: want one clean run", out.Runs, res.Failed)
	}
}

// ---- malformed JSON -----------------------------------------------------------

// corruptOnce answers the first request match accepts with a broken 200.
type corruptOnce struct {
	next  http.Handler
	match func(*http.Request) bool
	// cut sends the headers of the real answer's length but only part of
	// the body (a transfer cut short); otherwise the body is complete but
	// is not valid JSON.
	cut  bool
	done atomic.Bool
	hit  atomic.Value // the request URI that was corrupted
}

func (c *corruptOnce) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !isAPI(r) || !c.match(r) || !c.done.CompareAndSwap(false, true) {
		c.next.ServeHTTP(w, r)
		return
	}
	c.hit.Store(r.URL.RequestURI())
	rec := httptest.NewRecorder()
	r2 := r.Clone(r.Context())
	r2.Header.Del("Accept-Encoding") // plain JSON so it can be cut anywhere
	c.next.ServeHTTP(rec, r2)
	body := rec.Body.Bytes()
	if rec.Code != http.StatusOK || len(body) < 100 {
		panic(fmt.Sprintf("corruptOnce: unexpected upstream answer %d (%d bytes)", rec.Code, len(body)))
	}
	half := body[:len(body)/2]
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	if c.cut {
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	} else {
		w.Header().Set("Content-Length", fmt.Sprint(len(half)))
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(half)
	if c.cut {
		w.(http.Flusher).Flush()
		dropConn(w)
	}
}

func searchPage(n string) func(*http.Request) bool {
	return func(r *http.Request) bool {
		q := r.URL.Query()
		return r.URL.Path == "/vacancies" && q.Get("per_page") != "0" && q.Get("page") == n
	}
}

func oneVacancy(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/vacancies/") }

// TestFaultMalformedJSON corrupts exactly one answer. A complete 200 whose
// body is not JSON is not a transport fault: nothing retries it. A broken
// search page fails its slice, the run ends failed with a hint, and the rerun
// resumes the same run and completes it; a broken full vacancy is fetched
// again by the run's final sweep, so the run completes at once. A transfer
// cut short is a transport fault: httpx retries it and the run completes.
func TestFaultMalformedJSON(t *testing.T) {
	tests := []struct {
		name       string
		match      func(*http.Request) bool
		cut        bool
		narrow     bool // a small query with full vacancies, else area 113 without
		wantFailed bool
	}{
		{"search page with broken JSON", searchPage("2"), false, false, true},
		// The run's final sweep fetches a vacancy that failed once again.
		{"full vacancy with broken JSON", oneVacancy, false, true, false},
		{"search page cut mid-transfer", searchPage("2"), true, false, false},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			sb, err := sandbox.New(sandbox.Config{Seed: int64(51 + i), Vacancies: 1500, NoHardCells: true})
			if err != nil {
				t.Fatal(err)
			}
			co := &corruptOnce{next: sb, match: tc.match, cut: tc.cut}
			srv := httptest.NewServer(co)
			t.Cleanup(srv.Close)
			f := newFaultHarness(t, srv.URL, faultRetry(), bearerWrap(sb.MintAppToken()), 4)
			p, details := url.Values{"area": {"113"}}, harvest.DetailsNone
			if tc.narrow {
				p, details = narrowQuery(t, sb, 40), harvest.DetailsNew
			}
			q := f.query(t, "q", p)
			truth := sortedTruth(sb, p)
			full := details != harvest.DetailsNone

			res, err := f.h.Run(ctx, q, harvest.RunOptions{Details: details})
			if !co.done.Load() {
				t.Fatal("no request was corrupted: the case proves nothing")
			}
			t.Logf("corrupted %v; first run: %s, err %v", co.hit.Load(), res.Run.Status, err)
			if !tc.wantFailed {
				if err != nil {
					t.Fatalf("run: %v", err)
				}
				if m := f.m.Snapshot(); tc.cut && (m.NetworkErrors == 0 || m.Retries == 0) {
					t.Errorf("the cut transfer was not retried by httpx (%d network errors, %d retries)", m.NetworkErrors, m.Retries)
				}
				checkFaultOutcome(t, f.st, q, truth, full, false)
				return
			}
			if err == nil || res.Run.Status != store.RunFailed {
				t.Fatalf("first run ended %q with err %v: want failed", res.Run.Status, err)
			}
			if !strings.Contains(err.Error(), "rerun") {
				t.Errorf("error %q does not tell the user to rerun", err)
			}
			// The broken answer failed its slice (or its vacancy) only.
			if want := map[bool]int{true: 0, false: 1}[tc.narrow]; res.Failed != want {
				t.Errorf("%d failed slices, want %d", res.Failed, want)
			}
			got := make([]string, 0, len(truth))
			_ = f.st.EachVacancy(ctx, store.Filter{QueryID: q.ID}, func(v store.Vacancy) error { got = append(got, v.ID); return nil })
			missing, extra := diff(truth, got)
			t.Logf("after the failed run: %d stored, %d not yet, %d extra", len(got), len(missing), len(extra))
			if len(extra) > 0 {
				t.Errorf("failed run stored %d vacancies outside the truth", len(extra))
			}

			res2, err := f.h.Run(ctx, q, harvest.RunOptions{Details: details})
			if err != nil {
				t.Fatalf("rerun: %v", err)
			}
			if res2.Run.ID != res.Run.ID {
				t.Errorf("rerun started run %d instead of resuming run %d", res2.Run.ID, res.Run.ID)
			}
			checkFaultOutcome(t, f.st, q, truth, full, false)
		})
	}
}

// ---- a crash between creating a run and planning it -------------------------

// TestFaultCrashBeforeRootSlice is a collector killed after it created its
// run but before the run's root slice was stored (two transactions): the
// rerun resumes that run and must still harvest everything, not finish an
// empty plan as done.
func TestFaultCrashBeforeRootSlice(t *testing.T) {
	ctx := context.Background()
	sb, err := sandbox.New(sandbox.Config{Seed: 61, Vacancies: 1500, NoHardCells: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	f := newFaultHarness(t, srv.URL, faultRetry(), bearerWrap(sb.MintAppToken()), 4)
	q := f.query(t, "all", url.Values{"area": {"113"}})
	start := time.Now()
	crashed, err := f.st.CreateRun(ctx, store.Run{QueryID: q.ID, Status: store.RunRunning, StartedAt: start,
		UpperBound: harvest.CeilGrid(start), Details: harvest.DetailsNone})
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.h.Run(ctx, q, harvest.RunOptions{Details: harvest.DetailsNone})
	if err != nil {
		t.Fatalf("rerun: %v", err)
	}
	if res.Run.ID != crashed.ID {
		t.Errorf("rerun started run %d instead of resuming run %d", res.Run.ID, crashed.ID)
	}
	checkFaultOutcome(t, f.st, q, sortedTruth(sb, url.Values(q.Params)), false, false)
}

// ---- SIGKILL ------------------------------------------------------------------

// TestFaultCollectorSIGKILL runs the real binary: a sandbox process, 'auth
// app', then 'collect' killed with SIGKILL at random moments several times,
// then a final rerun that must resume the same run and end with the truth.
func TestFaultCollectorSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the hhjobs binary")
	}
	ctx := context.Background()
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "hhjobs")
	buildStart := time.Now()
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/hhjobs/hhjobs/cmd/hhjobs")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built hhjobs in %s", time.Since(buildStart).Round(time.Millisecond))

	// The sandbox, as its own process.
	sbCmd := exec.Command(bin, "sandbox", "--addr", "127.0.0.1:0", "--vacancies", "3000", "--seed", "4")
	var sbErr bytes.Buffer
	sbCmd.Stderr = &sbErr
	sbOut, err := sbCmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sbCmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = sbCmd.Process.Kill()
		_ = sbCmd.Wait()
	})
	lineCh := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(sbOut).ReadString('\n')
		lineCh <- strings.TrimSpace(line)
		_, _ = io.Copy(io.Discard, sbOut)
	}()
	var base string
	select {
	case line := <-lineCh:
		var ok bool
		if base, ok = strings.CutPrefix(line, "listening "); !ok {
			t.Fatalf("sandbox said %q; stderr: %s", line, sbErr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("sandbox did not start; stderr: %s", sbErr.String())
	}

	dbPath := filepath.Join(tmp, "hh.db")
	global := []string{"--config-dir", filepath.Join(tmp, "config"), "--db", dbPath}
	env := append(os.Environ(),
		"HH_CLIENT_ID="+sandbox.DefaultClientID, "HH_CLIENT_SECRET="+sandbox.DefaultClientSecret,
		"HH_API_BASE="+base, "HH_OAUTH_BASE="+base, "HH_USER_AGENT="+faultUA)
	hhjobs := func(args ...string) *exec.Cmd {
		c := exec.Command(bin, append(slices.Clone(args), global...)...)
		c.Env = env
		return c
	}
	if out, err := hhjobs("auth", "app").CombinedOutput(); err != nil {
		t.Fatalf("auth app: %v\n%s", err, out)
	}

	collect := []string{"collect", "--area", "113", "--name", "all", "--rps", "0"}
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 7))
	t.Logf("kill delays seeded with %d", seed)
	for i := range 4 {
		c := hhjobs(collect...)
		var stderr bytes.Buffer
		c.Stderr = &stderr
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(150+rng.IntN(1051)) * time.Millisecond
		exited := make(chan error, 1)
		go func() { exited <- c.Wait() }()
		select {
		case err := <-exited:
			t.Fatalf("collect %d ended by itself before the kill at %s (%v): the data set is too small to interrupt\n%s", i+1, delay, err, stderr.String())
		case <-time.After(delay):
		}
		if err := c.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		<-exited
		t.Logf("kill %d after %s: %s", i+1, delay, lastLine(stderr.String()))
	}

	c := hhjobs(collect...)
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("final collect: %v\n%s", err, out)
	}
	t.Logf("final rerun: %s", lastLine(string(out)))

	statusOut, err := hhjobs("status", "--json").Output()
	if err != nil {
		t.Fatalf("status: %v", err)
	}
	var status []struct {
		Name    string `json:"name"`
		Runs    int    `json:"runs"`
		LastRun *struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
		} `json:"last_run"`
	}
	if err := json.Unmarshal(statusOut, &status); err != nil {
		t.Fatalf("status --json: %v\n%s", err, statusOut)
	}
	if len(status) != 1 || status[0].LastRun == nil || status[0].LastRun.ID != 1 || status[0].Runs != 1 || status[0].LastRun.Status != store.RunDone {
		t.Errorf("status: %s\nwant one query whose only run, 1, is done (the reruns resume it)", statusOut)
	}

	resp, err := http.Get(base + "/_sandbox/truth?area=113")
	if err != nil {
		t.Fatal(err)
	}
	var truth struct {
		Found int      `json:"found"`
		IDs   []string `json:"ids"`
	}
	err = json.NewDecoder(resp.Body).Decode(&truth)
	resp.Body.Close()
	if err != nil || truth.Found != len(truth.IDs) {
		t.Fatalf("truth: %v (found %d, %d ids)", err, truth.Found, len(truth.IDs))
	}
	slices.Sort(truth.IDs)

	st, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	q, err := st.QueryByName(ctx, "all")
	if err != nil {
		t.Fatal(err)
	}
	o := checkFaultOutcome(t, st, q, truth.IDs, true, true)
	t.Logf("%d vacancies (%d with details) after 4 kills; run %d counters %+v", o.Stored, o.WithDetails, o.Last.ID, o.Sum)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
