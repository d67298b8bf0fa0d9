// Package harvest collects every vacancy a query matches, past hh.ru's
// 2000-result cap: a Planner splits slices until each is under the cap, a
// Crawler pages them and fetches full vacancies, and Sync diffs the result
// against the store (new / seen / changed / gone → closed).
//
// The run's slices live in the store: they are the checkpoint that makes an
// interrupted run resumable and the queue that several collectors share.
package harvest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/httpx"
	"github.com/hhjobs/hhjobs/internal/store"
)

// Details modes.
const (
	DetailsNew  = "new"  // full vacancies for new and changed ones (default)
	DetailsAll  = "all"  // for every vacancy the run sees
	DetailsNone = "none" // search items only
)

// Harvester runs queries against the API into the store.
type Harvester struct {
	API     *hhapi.Client
	Store   store.Store
	Metrics *httpx.Metrics // the HTTP client's counters, copied into each run

	Concurrency int           // requests in flight (default 4)
	Worker      string        // this collector's name in slice claims (default host:pid)
	Lease       time.Duration // how long a claimed slice stays ours without progress (default 2m)
	Now         func() time.Time
	Progress    func(Progress) // called from many goroutines; must be cheap
	// Started, when set, is called once a run has been created or resumed,
	// before any search: the CLI prints the run id there, so that other
	// collectors can --join it while it runs.
	Started func(q store.Query, run store.Run, resumed bool)
	// TokenAdvice, when set, says what to do about a token hh.ru rejected
	// (given its oauth value), so that a stopped run gives the same advice
	// as 'hhjobs auth status'.
	TokenAdvice func(oauthValue string) string
	// Explain, when set, words an error for the user (the CLI adds its advice:
	// which command to run, which flag to check); a stopped or failed run's
	// message is stored in these words, so 'status' shows them too. Without
	// it the message states the facts only.
	Explain func(error) string
	Log     *slog.Logger
	// Cap is the depth limit the planner splits under (default DepthLimit).
	// Tests lower it to exercise deep splits on small data sets.
	Cap int

	treeCache
	counted countedMetrics
}

// Progress is a snapshot of a run for progress bars and log lines.
type Progress struct {
	Phase        string // slices | details | closing
	SlicesDone   int64
	SlicesTotal  int64
	Pages        int64
	Stored       int64
	DetailsDone  int64
	DetailsTotal int64
	Requests     int64 // HTTP attempts so far (all runs of this Harvester)
	Requests429  int64
}

// RunOptions choose how a run starts.
type RunOptions struct {
	Details string // new | all | none
	// Join, when non-zero, makes this process one more collector of that
	// existing run: it takes slices from the shared queue and resets nothing.
	Join int64
}

// Result summarises a finished (or stopped) run.
type Result struct {
	Run       store.Run
	Slices    int
	Truncated int
	Failed    int // failed slices (in the store: every collector's)
	// FailedDetails counts the full vacancies this process could not fetch,
	// and Causes names why, per cause ("HTTP 503: 2 slices and 5 details").
	FailedDetails int
	Causes        string
}

// now is the server's present (DESIGN §4.1): h.Now when set (it replaces the
// server's clock, for tests), else the
// API's clock from its responses' Date headers, else this machine's.
func (h *Harvester) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	if h.API != nil {
		return h.API.Now()
	}
	return time.Now()
}

func (h *Harvester) explain(err error) string {
	if h.Explain != nil {
		return h.Explain(err)
	}
	return err.Error()
}

func (h *Harvester) log() *slog.Logger {
	if h.Log != nil {
		return h.Log
	}
	return slog.New(slog.DiscardHandler)
}

func (h *Harvester) worker() string {
	if h.Worker != "" {
		return h.Worker
	}
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d", host, os.Getpid())
}

func (h *Harvester) limit() int {
	if h.Cap > 0 {
		return min(h.Cap, DepthLimit)
	}
	return DepthLimit
}

func (h *Harvester) concurrency() int { return max(1, h.Concurrency) }

func (h *Harvester) lease() time.Duration {
	if h.Lease > 0 {
		return h.Lease
	}
	return DefaultLease
}

// Run harvests q: resumes its unfinished run if there is one, else starts a
// new run whose upper bound is now rounded up to the 5-minute grid.
func (h *Harvester) Run(ctx context.Context, q store.Query, opt RunOptions) (Result, error) {
	if opt.Details == "" {
		opt.Details = DetailsNew
	}
	run, resumed, err := h.startRun(ctx, q, opt)
	if err != nil {
		return Result{}, err
	}
	if h.Started != nil {
		h.Started(q, run, resumed)
	}
	r := &runner{h: h, q: q, run: run, details: opt.Details, seen: map[string]struct{}{}, fetched: map[string]bool{},
		sem: make(chan struct{}, h.concurrency()), fail: newFailures(h.log())}
	err = r.do(ctx)
	return r.finish(ctx, err)
}

// startRun reports whether the run existed already (joined or resumed).
func (h *Harvester) startRun(ctx context.Context, q store.Query, opt RunOptions) (_ store.Run, resumed bool, _ error) {
	if opt.Join != 0 {
		run, err := h.Store.GetRun(ctx, opt.Join)
		if err != nil {
			return store.Run{}, false, fmt.Errorf("join run %d: %w", opt.Join, err)
		}
		if run.QueryID != q.ID {
			return store.Run{}, false, fmt.Errorf("run %d belongs to another query", opt.Join)
		}
		return run, true, nil
	}
	runs, err := h.Store.Runs(ctx, q.ID)
	if err != nil {
		return store.Run{}, false, err
	}
	if len(runs) > 0 && runs[0].Open() {
		run := runs[0]
		// We are the only collector: slices claimed by a process that died are ours again.
		sl, err := h.Store.Slices(ctx, run.ID)
		if err != nil {
			return store.Run{}, false, err
		}
		if len(sl) == 0 {
			// The collector died between CreateRun and AddSlices: plan the run
			// again, else it would finish "done" with nothing collected.
			root, err := RootParams(url.Values(q.Params), run.UpperBound)
			if err != nil {
				return store.Run{}, false, err
			}
			if _, err := h.Store.AddSlices(ctx, run.ID, []store.Slice{{Params: root, State: store.SlicePending, Found: -1}}); err != nil {
				return store.Run{}, false, err
			}
		}
		for _, s := range sl {
			if s.State == store.SliceClaimed || s.State == store.SliceFailed {
				s.State, s.Worker, s.LeaseUntil, s.Error = store.SlicePending, "", nil, ""
				if err := h.Store.UpdateSlice(ctx, s); err != nil {
					return store.Run{}, false, err
				}
			}
		}
		if err := h.Store.FinishRun(ctx, run.ID, store.RunRunning, "", nil); err != nil {
			return store.Run{}, false, err
		}
		run.Status = store.RunRunning
		h.log().Info("resuming run", "run", run.ID, "query", q.Name)
		return run, true, nil
	}
	// The run's window ends at the server's present, not this machine's.
	if h.Now == nil && h.API != nil {
		if err := h.API.SyncClock(ctx); err != nil {
			// The run's own requests will meet the same trouble and say so;
			// until a response comes, the local clock stands in.
			h.log().Debug("could not read the server's clock; using the local one", "err", err)
		}
	}
	start := h.now()
	upper := CeilGrid(start)
	root, err := RootParams(url.Values(q.Params), upper)
	if err != nil {
		return store.Run{}, false, err
	}
	run, err := h.Store.CreateRun(ctx, store.Run{QueryID: q.ID, Status: store.RunRunning, StartedAt: start,
		UpperBound: upper, Details: opt.Details})
	if err != nil {
		return store.Run{}, false, err
	}
	added, err := h.Store.AddSlices(ctx, run.ID, []store.Slice{{Params: root, State: store.SlicePending, Found: -1}})
	if err != nil {
		return store.Run{}, false, err
	}
	if err := h.reusePlan(ctx, q, added[0]); err != nil {
		return store.Run{}, false, err
	}
	return run, false, nil
}

// runner is one run in progress.
type runner struct {
	h       *Harvester
	q       store.Query
	run     store.Run
	details string

	// sem bounds the requests in flight across slice workers, probes and
	// detail fetches to Concurrency.
	sem chan struct{}

	mu      sync.Mutex
	seen    map[string]struct{} // ids this process stored (details=all)
	fetched map[string]bool     // ids whose full vacancy this process stored (or found gone)
	fail    *failures

	prog struct {
		slicesDone, slicesTotal, pages, stored, detailsDone, detailsTotal atomic.Int64
	}
	phase atomic.Value
	// planProbes counts the planner's per_page=0 requests (for DryRun).
	planProbes atomic.Int64
}

func (r *runner) progress() {
	if r.h.Progress == nil {
		return
	}
	phase, _ := r.phase.Load().(string)
	m := r.h.Metrics.Snapshot() // nil-safe
	r.h.Progress(Progress{Phase: phase, Requests: m.Requests, Requests429: m.Responses429,
		SlicesDone: r.prog.slicesDone.Load(), SlicesTotal: r.prog.slicesTotal.Load(),
		Pages: r.prog.pages.Load(), Stored: r.prog.stored.Load(),
		DetailsDone: r.prog.detailsDone.Load(), DetailsTotal: r.prog.detailsTotal.Load()})
}

// count adds outcome counters and the HTTP counters accrued since the last
// call — of this run or before it (the reference data fetched for it), so
// that every request lands in some run.
func (r *runner) count(ctx context.Context, c store.Counters) error {
	r.h.counted.take(r.h.Metrics, &c)
	// Counters are bookkeeping: write them even when the run is being cancelled.
	return r.h.Store.AddRunCounters(context.WithoutCancel(ctx), r.run.ID, c)
}

func (r *runner) do(ctx context.Context) error {
	r.phase.Store("slices")
	if err := r.crawl(ctx); err != nil {
		return err
	}
	if r.details != DetailsNone {
		r.phase.Store("details")
		if err := r.fetchDetails(ctx); err != nil {
			return err
		}
	}
	r.phase.Store("closing")
	return r.closeGone(ctx)
}

// finish records the run's outcome; the returned error is the run's own.
func (r *runner) finish(ctx context.Context, runErr error) (Result, error) {
	bg := context.WithoutCancel(ctx)
	_ = r.count(bg, store.Counters{})
	res := Result{}
	sl, err := r.h.Store.Slices(bg, r.run.ID)
	if err == nil {
		for _, s := range sl {
			switch s.State {
			case store.SliceTruncated:
				res.Truncated++
			case store.SliceFailed:
				res.Failed++
			}
			if s.State != store.SliceSplit {
				res.Slices++
			}
		}
	}
	_, res.FailedDetails = r.fail.counts()
	res.Causes = r.fail.summary()
	failed := ""
	if res.Failed+res.FailedDetails > 0 {
		failed = countFailed(res.Failed, res.FailedDetails) + " failed"
		switch causes := r.fail.causes(); {
		case len(causes) == 1:
			failed += ": " + causes[0]
		case len(causes) > 1:
			failed += " (" + res.Causes + ")"
		}
	}
	r.adviseToken(runErr)
	status, msg := store.RunDone, ""
	var fin *time.Time
	var df *detailsFailed
	switch {
	case runErr == nil && res.Failed > 0, errors.As(runErr, &df):
		status, msg = store.RunFailed, failed+"; rerun the same command to retry them"
		runErr = nil
	case runErr == nil:
	case errors.Is(runErr, context.Canceled):
		status, msg = store.RunStopped, "interrupted"
	default:
		status, msg = store.RunStopped, r.h.explain(runErr)
		var se *StopError
		if !errors.As(runErr, &se) || se.Permanent {
			status = store.RunFailed
		}
		if n := res.Failed + res.FailedDetails; n > 0 {
			// The stop's reason names the cause; others, if any, are added.
			msg = strings.TrimSuffix(msg, ".") + "; " + countFailed(res.Failed, res.FailedDetails) + " failed"
			if strings.Contains(res.Causes, "; ") {
				msg += " (" + res.Causes + ")"
			}
		}
	}
	if status == store.RunDone {
		t := r.h.now()
		fin = &t
	}
	if err := r.h.Store.FinishRun(bg, r.run.ID, status, msg, fin); err != nil && runErr == nil {
		runErr = err
	}
	res.Run, _ = r.h.Store.GetRun(bg, r.run.ID)
	switch {
	case runErr == nil && status == store.RunFailed,
		runErr != nil && !errors.Is(runErr, context.Canceled):
		// The final line names the cause and what failed; errors.As still
		// finds the StopError (sync --every branches on it).
		runErr = &RunError{RunID: r.run.ID, Status: status, Msg: msg, Err: runErr}
	}
	return res, runErr
}
