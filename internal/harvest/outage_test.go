package harvest_test

// The API going away mid-collect: its listener is closed (connections cut,
// new ones refused) and opened again on the same port later. An outage
// shorter than the retry budget is ridden out with the DEFAULT retry policy;
// a longer one stops the run with one summarised cause, and a rerun resumes.
//
//	go test ./internal/harvest/ -run Outage -count=1 -v

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/httpx"
	"github.com/hhjobs/hhjobs/internal/sandbox"
	"github.com/hhjobs/hhjobs/internal/store"
)

// switchable serves h on a fixed loopback port and can be stopped (listener
// and connections closed: the API is gone) and started again.
type switchable struct {
	h    http.Handler
	addr string
	mu   sync.Mutex
	srv  *http.Server
}

func newSwitchable(t *testing.T, h http.Handler) *switchable {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &switchable{h: h, addr: ln.Addr().String()}
	s.serve(ln)
	t.Cleanup(s.stop)
	return s
}

func (s *switchable) URL() string { return "http://" + s.addr }

func (s *switchable) serve(ln net.Listener) {
	srv := &http.Server{Handler: s.h}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go srv.Serve(ln)
}

func (s *switchable) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		s.srv.Close()
		s.srv = nil
	}
}

func (s *switchable) start(t *testing.T) {
	var ln net.Listener
	var err error
	for range 50 { // the port may linger a moment after Close
		if ln, err = net.Listen("tcp", s.addr); err == nil {
			s.serve(ln)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("restart on %s: %v", s.addr, err)
}

// outageAfter stops the API once the run has stored some pages and starts
// it again after down (never, when down is 0).
func outageAfter(t *testing.T, s *switchable, down time.Duration) (progress func(harvest.Progress), began chan time.Time) {
	var once sync.Once
	began = make(chan time.Time, 1)
	return func(p harvest.Progress) {
		if p.Pages < 5 {
			return
		}
		once.Do(func() {
			s.stop()
			began <- time.Now()
			if down > 0 {
				go func() { time.Sleep(down); s.start(t) }()
			}
		})
	}, began
}

func TestFaultOutage5sSurvivedWithDefaults(t *testing.T) {
	sb, err := sandbox.New(sandbox.Config{Seed: 51, Vacancies: 1500, NoHardCells: true})
	if err != nil {
		t.Fatal(err)
	}
	s := newSwitchable(t, sb)
	f := newFaultHarness(t, s.URL(), httpx.RetryPolicy{}, bearerWrap(sb.MintAppToken()), 4) // the defaults
	f.h.Cap = 300
	p := url.Values{"area": {"113"}}
	q := f.query(t, "all", p)
	progress, began := outageAfter(t, s, 5*time.Second)
	f.h.Progress = progress
	start := time.Now()
	res, err := f.h.Run(context.Background(), q, harvest.RunOptions{Details: harvest.DetailsNew})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	select {
	case at := <-began:
		if d := time.Since(at); d < 5*time.Second {
			t.Fatalf("the run ended %s after the outage began: it was not in the middle of it", d)
		}
	default:
		t.Fatal("the outage never happened")
	}
	out := checkFaultOutcome(t, f.st, q, sortedTruth(sb, p), true, false)
	m := f.m.Snapshot()
	t.Logf("%d vacancies in %s across a 5 s outage: %d network errors, %d retries, %d pauses; counters %+v",
		out.Stored, time.Since(start).Round(time.Millisecond), m.NetworkErrors, m.Retries, m.Pauses, out.Sum)
	if out.Runs != 1 || res.Failed != 0 || res.FailedDetails != 0 {
		t.Errorf("%d runs, %d failed slices, %d failed details: want one clean run", out.Runs, res.Failed, res.FailedDetails)
	}
	if m.NetworkErrors == 0 || m.Pauses == 0 {
		t.Errorf("%d network errors, %d pauses: the outage was not seen", m.NetworkErrors, m.Pauses)
	}
}

// TestFaultOutageLongerThanBudget: the API stays away longer than the retry
// budget (1 s here instead of the default 30 s: the same code path, since
// the budget is the policy's MaxOutage). The run stops with one cause on its
// final line and one warning in the log; a rerun after the API is back
// completes it.
func TestFaultOutageLongerThanBudget(t *testing.T) {
	sb, err := sandbox.New(sandbox.Config{Seed: 52, Vacancies: 1500, NoHardCells: true})
	if err != nil {
		t.Fatal(err)
	}
	s := newSwitchable(t, sb)
	retry := httpx.RetryPolicy{MaxOutage: time.Second, Initial: 20 * time.Millisecond}
	f := newFaultHarness(t, s.URL(), retry, bearerWrap(sb.MintAppToken()), 4)
	var logs bytes.Buffer
	var logMu sync.Mutex
	f.h.Log = slog.New(slog.NewTextHandler(lockedWriter{&logs, &logMu}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	f.h.Cap = 300
	// The edge words a stop (the CLI adds which flag to check); the run's
	// stored message and final line carry its words.
	f.h.Explain = func(err error) string {
		var se *harvest.StopError
		if errors.As(err, &se) && se.Kind == harvest.StopOutage {
			w := *se
			w.Hint = "rerun later."
			return w.Error()
		}
		return err.Error()
	}
	p := url.Values{"area": {"113"}}
	q := f.query(t, "all", p)
	progress, _ := outageAfter(t, s, 0)
	f.h.Progress = progress
	res, err := f.h.Run(context.Background(), q, harvest.RunOptions{Details: harvest.DetailsNew})
	var re *harvest.RunError
	var se *harvest.StopError
	if !errors.As(err, &re) || !errors.As(err, &se) {
		t.Fatalf("err = %v, want a RunError around a StopError", err)
	}
	msg := err.Error()
	t.Logf("final line: %s", msg)
	t.Logf("log:\n%s", logs.String())
	for _, want := range []string{"run 1 stopped", "the API did not answer", "connection refused", "failed", "rerun"} {
		if !strings.Contains(msg, want) {
			t.Errorf("final line lacks %q", want)
		}
	}
	if strings.Contains(msg, "http://") || strings.Contains(msg, "127.0.0.1") {
		t.Errorf("final line carries a URL: %s", msg)
	}
	if !se.Transient {
		t.Error("an outage stop is not marked Transient: sync --every would give up")
	}
	if res.Run.Status != store.RunStopped || res.Failed+res.FailedDetails == 0 {
		t.Errorf("run %s with %d failed slices and %d failed details: want stopped, something failed", res.Run.Status, res.Failed, res.FailedDetails)
	}
	if strings.Count(res.Causes, ";") != 0 || !strings.Contains(res.Causes, "connection refused") {
		t.Errorf("causes %q: want exactly one, connection refused", res.Causes)
	}
	logMu.Lock()
	warn := strings.Count(logs.String(), "level=WARN")
	logMu.Unlock()
	if warn < 1 || warn > 2 { // one per kind: a failed slice, maybe a failed detail
		t.Errorf("%d warning lines for one outage", warn)
	}
	sl, err := f.st.Slices(context.Background(), res.Run.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range sl {
		if x.State == store.SliceFailed && !strings.Contains(x.Error, "connection refused") {
			t.Errorf("failed slice %d keeps %q, want the summarised cause", x.ID, x.Error)
		}
	}

	s.start(t)
	f.h.Progress = nil
	if _, err := f.h.Run(context.Background(), q, harvest.RunOptions{Details: harvest.DetailsNew}); err != nil {
		t.Fatalf("rerun after the API came back: %v", err)
	}
	out := checkFaultOutcome(t, f.st, q, sortedTruth(sb, p), true, false)
	if out.Runs != 1 {
		t.Errorf("%d runs: the rerun should resume the stopped one", out.Runs)
	}
}

type lockedWriter struct {
	b  *bytes.Buffer
	mu *sync.Mutex
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// TestFaultAPINeverAnswered: an API that has never answered this process
// (a wrong --api-base) stops the run at once, naming the cause, instead of
// waiting out the retry budget or failing every slice one by one.
func TestFaultAPINeverAnswered(t *testing.T) {
	sb, err := sandbox.New(sandbox.Config{Seed: 53, Vacancies: 300, NoHardCells: true})
	if err != nil {
		t.Fatal(err)
	}
	s := newSwitchable(t, sb)
	f := newFaultHarness(t, s.URL(), httpx.RetryPolicy{}, bearerWrap(sb.MintAppToken()), 4) // stores the reference data
	q := f.query(t, "all", url.Values{"area": {"113"}})
	s.stop()
	// A fresh client (nothing answered it yet) over the same store.
	g := newFaultHarnessOn(t, f.st, s.URL(), httpx.RetryPolicy{})
	start := time.Now()
	res, err := g.h.Run(context.Background(), q, harvest.RunOptions{Details: harvest.DetailsNew})
	took := time.Since(start)
	var se *harvest.StopError
	if !errors.As(err, &se) || !se.Transient {
		t.Fatalf("err = %v, want a transient StopError", err)
	}
	t.Logf("after %s: %v", took.Round(time.Millisecond), err)
	// The run's message states the facts; the advice (check --api-base) is
	// the CLI's, through Harvester.Explain (cli's mistakes tests check it).
	if msg := err.Error(); !strings.Contains(msg, "could not be reached (connection refused)") || strings.Contains(msg, "--api-base") || !strings.Contains(msg, "1 slice failed") || se.Kind != harvest.StopUnreachable {
		t.Errorf("final line %q (kind %d): want the cause, the failed slice, kind StopUnreachable and no CLI advice", msg, se.Kind)
	}
	if took > 3*time.Second || res.Failed != 1 {
		t.Errorf("took %s with %d failed slices: want an immediate stop after one", took, res.Failed)
	}
}

// newFaultHarnessOn is a harvester over an existing store with a fresh
// client to base (no reference data is fetched).
func newFaultHarnessOn(t testing.TB, st store.Store, base string, retry httpx.RetryPolicy) *faultHarness {
	t.Helper()
	m := &httpx.Metrics{}
	hc, err := httpx.NewClient(httpx.Options{UserAgent: faultUA, Metrics: m, Retry: retry})
	if err != nil {
		t.Fatal(err)
	}
	api, err := hhapi.New(base, hc)
	if err != nil {
		t.Fatal(err)
	}
	return &faultHarness{st: st, m: m, h: &harvest.Harvester{API: api, Store: st, Metrics: m, Concurrency: 4, Worker: "fresh"}}
}
