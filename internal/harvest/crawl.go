package harvest

// The crawler: workers claim slices from the run's shared queue, page them
// (splitting a slice that grew past the cap) and store each page with the
// full vacancies it made necessary.

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/store"
)

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

// search fetches one page of the search p: the planner's probes, each
// its own query.
func (r *runner) search(ctx context.Context, p url.Values, page, perPage int) (*hhapi.SearchPage, error) {
	sp, err := hhapi.ParseSearchValues(p)
	if err != nil {
		return nil, err
	}
	return r.fetch(ctx, sp, page, perPage)
}

// withClusters is sp asking for the clusters too (REFERENCE §6.4); sp's
// Extra is not shared.
func withClusters(sp hhapi.SearchParams) hhapi.SearchParams {
	sp.Extra = with(sp.Extra, clustersParam, "true")
	return sp
}

// fetch fetches one page of an already parsed search: a slice's pages share
// one parse. sp is a copy; its paging and order are set here.
func (r *runner) fetch(ctx context.Context, sp hhapi.SearchParams, page, perPage int) (*hhapi.SearchPage, error) {
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
	// Parsed once for every page of the slice; an error fails the slice
	// where its first request would have.
	sp, perr := hhapi.ParseSearchValues(p)
	page := 0
	// Paging always starts over at page 0: drop the checkpoint counts of an
	// earlier attempt (a failed or interrupted one) so items are not counted twice.
	s.Pages, s.Stored = 0, 0
	if s.Found != 0 {
		// The first page doubles as the probe (a slice under the cap costs no
		// extra request) and brings the clusters the planner reads; a slice
		// planned under the cap that has grown past it is split here too.
		if perr != nil {
			return r.sliceFailed(ctx, s, perr)
		}
		res, err := r.fetch(ctx, withClusters(sp), 0, PerPage)
		if err != nil {
			return r.sliceFailed(ctx, s, err)
		}
		s.Found = res.Found
		if err := r.storePage(ctx, &s, res); err != nil {
			return err
		}
		page = 1
		if s.Found > r.h.limit() {
			children, err := r.plan(ctx, p, s.Plan, s.Found, res)
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
				"found", s.Found, "params", p.Encode())
		}
		if len(res.Items) == 0 || res.Pages <= 1 {
			return r.sliceDone(ctx, s)
		}
	} else if s.Found == 0 {
		return r.sliceDone(ctx, s)
	}
	for ; (page+1)*PerPage <= r.h.limit(); page++ {
		res, err := r.fetch(ctx, sp, page, PerPage)
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
	s.Error = r.fail.add("", err, "slice", s.ID, "params", url.Values(s.Params).Encode())
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
