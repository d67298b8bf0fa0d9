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
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

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
	Log         *slog.Logger
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

// StopError stops a whole run: captcha, ddos-guard, a dead token. Everything
// collected so far is committed; Hint says what the user should do.
type StopError struct {
	Reason string
	Hint   string
	Err    error
	// Transient: the cause may heal by itself (the API did not answer), so
	// 'sync --every' tries again at its next turn instead of giving up.
	Transient bool
	// Permanent: the query itself is wrong (hh.ru's bad_argument), so the
	// run fails rather than stops for a resume.
	Permanent bool
}

func (e *StopError) Error() string {
	return fmt.Sprintf("%s; everything collected so far is saved. %s", e.Reason, e.Hint)
}
func (e *StopError) Unwrap() error { return e.Err }

// stopFor turns errors that no retry can heal into a StopError.
func stopFor(err error) error {
	var se *StopError
	switch {
	case err == nil, errors.As(err, &se):
		return err
	case isOutage(err):
		return outageStop(err)
	case badQuery(err) != nil:
		return badQuery(err)
	case errors.Is(err, hhapi.ErrCaptcha):
		u, _ := hhapi.IsCaptcha(err)
		hint := "hh.ru wants a captcha: make sure an application token is used ('hhjobs auth app'), wait, then rerun the same command to resume"
		if u != "" {
			hint += " (captcha page: " + u + ")"
		}
		return &StopError{Reason: "hh.ru asked for a captcha", Hint: hint, Err: err}
	case rejectedToken(err) != "":
		return &StopError{Reason: "hh.ru refused the token (" + rejectedToken(err) + ")",
			Hint: "run 'hhjobs auth app --force' (or 'hhjobs auth login' for a user token), then rerun to resume", Err: err}
	case errors.Is(err, hhapi.ErrForbidden):
		return &StopError{Reason: "hh.ru answered 403 forbidden (no application token, or the ddos-guard blocked this IP)",
			Hint: "check 'hhjobs auth status', slow down with --rps, and rerun later to resume", Err: err}
	}
	return err
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
	if _, err := h.Store.AddSlices(ctx, run.ID, []store.Slice{{Params: root, State: store.SlicePending, Found: -1}}); err != nil {
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
		status, msg = store.RunStopped, runErr.Error()
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

// crawl works through the run's slice queue with Concurrency workers until
// no slice is pending and none is in flight.
func (r *runner) crawl(ctx context.Context) error {
	if sl, err := r.h.Store.Slices(ctx, r.run.ID); err == nil {
		for _, s := range sl {
			if s.State != store.SliceSplit {
				r.prog.slicesTotal.Add(1)
			}
			if s.State == store.SliceDone || s.State == store.SliceTruncated {
				r.prog.slicesDone.Add(1)
			}
		}
	}
	var active atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	for range r.h.concurrency() {
		g.Go(func() error {
			for {
				active.Add(1)
				s, err := r.h.Store.ClaimSlice(gctx, r.run.ID, r.h.worker(), r.h.lease())
				if errors.Is(err, store.ErrNoSlice) {
					wait := 50 * time.Millisecond
					if active.Add(-1) == 0 {
						// Nobody here can add children any more. A slice another
						// collector holds may still split, or its collector may die
						// and leave it to be reclaimed when its lease runs out.
						busy, err := r.othersBusy(gctx)
						if err != nil {
							return err
						}
						if !busy {
							return nil
						}
						wait = 250 * time.Millisecond
					}
					select {
					case <-gctx.Done():
						return gctx.Err()
					case <-time.After(wait):
					}
					continue
				}
				if err != nil {
					active.Add(-1)
					return err
				}
				err = r.leased(gctx, s, r.slice)
				active.Add(-1)
				if err != nil {
					return err
				}
			}
		})
	}
	return g.Wait()
}

// leased runs fn on a claimed slice while a heartbeat renews the claim, so a
// slice that takes long (a page's details at a low --rps) is not taken over
// by another collector; only a dead or stalled one loses its slices.
func (r *runner) leased(ctx context.Context, s store.Slice, fn func(context.Context, store.Slice) error) error {
	hb, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(r.h.lease() / 3)
		defer t.Stop()
		for {
			select {
			case <-hb.Done():
				return
			case <-t.C:
				err := r.h.Store.ExtendLease(hb, s.ID, r.h.worker(), r.h.lease())
				switch {
				case err == nil, hb.Err() != nil:
				case errors.Is(err, store.ErrNotFound):
					// Finished a moment ago, or taken over after a stall.
					r.h.log().Debug("slice no longer claimed by this collector", "slice", s.ID)
				default:
					r.h.log().Warn("cannot renew the claim on a slice", "slice", s.ID, "err", err)
				}
			}
		}
	}()
	err := fn(ctx, s)
	stop()
	<-done
	return err
}

// othersBusy reports whether some slice of the run is still claimed by a
// collector (this process holds none when it asks).
func (r *runner) othersBusy(ctx context.Context) (bool, error) {
	sl, err := r.h.Store.Slices(ctx, r.run.ID)
	if err != nil {
		return false, err
	}
	for _, s := range sl {
		if s.State == store.SliceClaimed || s.State == store.SlicePending {
			return true, nil
		}
	}
	return false, nil
}

// params strips the planner's private markers before a request.
func apiParams(p url.Values) url.Values {
	c := clone(p)
	for k := range c {
		if strings.HasPrefix(k, "_") {
			delete(c, k)
		}
	}
	return c
}

// search fetches one page of a slice.
func (r *runner) search(ctx context.Context, p url.Values, page, perPage int) (*hhapi.SearchPage, error) {
	sp, err := hhapi.ParseSearchValues(apiParams(p))
	if err != nil {
		return nil, err
	}
	sp.Page, sp.PerPage, sp.OrderBy, sp.NoMagic = page, perPage, "publication_time", true
	sp.Probe = perPage == 0
	if err := r.acquire(ctx); err != nil {
		return nil, err
	}
	defer r.release()
	return r.h.API.SearchVacancies(ctx, sp)
}

func (r *runner) acquire(ctx context.Context) error {
	select {
	case r.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *runner) release() { <-r.sem }

// slice processes one claimed slice: probe, then page it or split it.
func (r *runner) slice(ctx context.Context, s store.Slice) error {
	p := url.Values(s.Params)
	page := 0
	// Paging always starts over at page 0: drop the checkpoint counts of an
	// earlier attempt (a failed or interrupted one) so items are not counted twice.
	s.Pages, s.Stored = 0, 0
	if s.Found < 0 || s.Found > r.h.limit() {
		// The first page doubles as the probe: a slice under the cap costs no extra request.
		res, err := r.search(ctx, p, 0, PerPage)
		if err != nil {
			return r.sliceFailed(ctx, s, err)
		}
		s.Found = res.Found
		if err := r.storePage(ctx, &s, res); err != nil {
			return err
		}
		page = 1
		if s.Found > r.h.limit() {
			children, err := r.plan(ctx, p, s.Found)
			if err != nil {
				return r.sliceFailed(ctx, s, err)
			}
			if len(children) > 0 {
				s.State = store.SliceSplit
				if _, err := r.h.Store.SplitSlice(ctx, s, children); err != nil {
					return err
				}
				r.prog.slicesTotal.Add(int64(len(children)) - 1) // the parent is no longer a leaf
				r.progress()
				return nil
			}
			r.h.log().Warn("slice cannot be split under the cap; collecting the first 2000",
				"found", s.Found, "params", apiParams(p).Encode())
		}
		if len(res.Items) == 0 || res.Pages <= 1 {
			return r.sliceDone(ctx, s)
		}
	} else if s.Found == 0 {
		return r.sliceDone(ctx, s)
	}
	for ; (page+1)*PerPage <= r.h.limit(); page++ {
		res, err := r.search(ctx, p, page, PerPage)
		if err != nil {
			return r.sliceFailed(ctx, s, err)
		}
		if err := r.storePage(ctx, &s, res); err != nil {
			return err
		}
		if len(res.Items) == 0 || page+1 >= res.Pages {
			break
		}
	}
	return r.sliceDone(ctx, s)
}

func (r *runner) sliceDone(ctx context.Context, s store.Slice) error {
	s.State = store.SliceDone
	if s.Found > r.h.limit() {
		s.State = store.SliceTruncated
		s.Error = fmt.Sprintf("found %d, only %d reachable: no filter splits it further", s.Found, r.h.limit())
	}
	s.LeaseUntil = nil
	if err := r.h.Store.UpdateSlice(context.WithoutCancel(ctx), s); err != nil {
		return err
	}
	r.prog.slicesDone.Add(1)
	r.progress()
	return nil
}

// sliceFailed records a slice's error. Errors that stop the run propagate;
// others fail the slice (the run goes on; a rerun retries it).
func (r *runner) sliceFailed(ctx context.Context, s store.Slice, err error) error {
	err = stopFor(err)
	bg := context.WithoutCancel(ctx)
	var se *StopError
	if (errors.As(err, &se) && !isOutage(err)) || errors.Is(err, context.Canceled) || ctx.Err() != nil {
		s.State, s.Worker, s.LeaseUntil = store.SlicePending, "", nil
		_ = r.h.Store.UpdateSlice(bg, s)
		return err
	}
	// The slice keeps the cause, not the message: status groups by it, and
	// --debug logged the full error with the slice's parameters.
	s.State, s.LeaseUntil = store.SliceFailed, nil
	s.Error = r.fail.add("", err, "slice", s.ID, "params", apiParams(url.Values(s.Params)).Encode())
	if uerr := r.h.Store.UpdateSlice(bg, s); uerr != nil {
		return uerr
	}
	r.prog.slicesDone.Add(1)
	r.progress()
	if se != nil { // an outage: the run stops rather than fail every slice the same way
		return err
	}
	return nil
}

// storePage upserts one page in one transaction, checkpoints the slice, and
// fetches the full vacancies the page made necessary: new and changed ones
// (all of them with --details=all). Fetching them right here, by the
// collector whose upsert found them new, means that collectors sharing a
// run never fetch one vacancy twice; what a crash leaves out, the run's
// final sweep (fetchDetails) picks up from the store.
func (r *runner) storePage(ctx context.Context, s *store.Slice, res *hhapi.SearchPage) error {
	items := make([]store.Vacancy, 0, len(res.Items))
	for i := range res.Items {
		items = append(items, FromItem(&res.Items[i]))
	}
	// A page is committed whole even if the run is being cancelled right now.
	bg := context.WithoutCancel(ctx)
	seen := res.Date // the page's own response time; else the server clock's estimate
	if seen.IsZero() || r.h.Now != nil {
		seen = r.h.now()
	}
	up, err := r.h.Store.UpsertSearchItems(bg, r.q.ID, r.run.ID, items, seen)
	if err != nil {
		return fmt.Errorf("store page: %w", err)
	}
	if r.details == DetailsAll {
		r.mu.Lock()
		for _, v := range items {
			r.seen[v.ID] = struct{}{}
		}
		r.mu.Unlock()
	}
	s.Pages++
	s.Stored += len(items)
	// Leases are compared with the store's clock, not the API server's.
	lease := time.Now().Add(r.h.lease())
	if r.h.Now != nil {
		lease = r.h.Now().Add(r.h.lease())
	}
	s.LeaseUntil = &lease
	if err := r.h.Store.UpdateSlice(bg, *s); err != nil {
		return err
	}
	r.prog.pages.Add(1)
	r.prog.stored.Add(int64(len(items)))
	r.progress()
	// The page's outcome counters were added in its own transaction.
	if err := r.count(bg, store.Counters{}); err != nil {
		return err
	}
	var need []string
	switch r.details {
	case DetailsNone:
	case DetailsAll:
		need = store.IDs(items)
	default:
		need = append(up.New, up.Changed...)
	}
	r.mu.Lock()
	need = slices.DeleteFunc(need, func(id string) bool { return r.fetched[id] })
	r.mu.Unlock()
	if len(need) == 0 {
		return nil
	}
	r.prog.detailsTotal.Add(int64(len(need)))
	// Ids that failed for a reason a retry may heal are left to the final sweep.
	_, _, err = r.fetchBatch(ctx, need)
	return err
}
