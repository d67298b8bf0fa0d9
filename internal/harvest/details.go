package harvest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/store"
)

// detailBatch is how many full vacancies go into one transaction.
const detailBatch = 25

// fetchDetails fetches full vacancies for what the store says needs them (new
// or changed since their last fetch), plus, with --details=all, everything this
// run saw. Because the work list comes from the store, a rerun after a crash
// picks up exactly the details that are still missing.
func (r *runner) fetchDetails(ctx context.Context) error {
	failed := map[string]bool{}
	done := func(id string) bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.fetched[id]
	}
	for {
		need, err := r.h.Store.NeedDetails(ctx, r.q.ID, 2000)
		if err != nil {
			return err
		}
		var ids []string
		for _, id := range need {
			if !failed[id] && !done(id) {
				ids = append(ids, id)
			}
		}
		if r.details == DetailsAll && len(ids) == 0 {
			r.mu.Lock()
			for id := range r.seen {
				if !failed[id] && !r.fetched[id] {
					ids = append(ids, id)
				}
			}
			r.mu.Unlock()
			slices.Sort(ids)
		}
		if len(ids) == 0 {
			if len(failed) > 0 {
				return &detailsFailed{n: len(failed)}
			}
			return nil
		}
		r.prog.detailsTotal.Add(int64(len(ids)))
		r.progress()
		_, bad, err := r.fetchBatch(ctx, ids)
		for _, id := range bad {
			failed[id] = true
		}
		if err != nil {
			return err
		}
	}
}

// fetchBatch fetches ids with Concurrency workers, saving every detailBatch.
// It returns the ids stored and the ids that failed with a non-fatal error.
func (r *runner) fetchBatch(ctx context.Context, ids []string) (ok, bad []string, err error) {
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.h.concurrency())
	for chunk := range slices.Chunk(ids, detailBatch) {
		g.Go(func() error {
			var full []store.Vacancy
			var gone []string
			var chunkBad []string
			var stop error
			for _, id := range chunk {
				if err := r.acquire(gctx); err != nil {
					stop = err
					break
				}
				v, err := r.h.API.Vacancy(gctx, id)
				r.release()
				switch {
				case err == nil:
					full = append(full, FromFull(v))
					if v.Archived {
						gone = append(gone, id)
					}
				case errors.Is(err, hhapi.ErrNotFound):
					gone = append(gone, id)
				default:
					se := stopFor(err)
					switch {
					case errors.Is(se, context.Canceled) || gctx.Err() != nil || (isStop(se) && !isOutage(se)):
						stop = se
					default: // counted by cause; an outage also stops the run
						r.fail.add(id, err)
						chunkBad = append(chunkBad, id)
						if isStop(se) {
							stop = se
						}
					}
				}
				if stop != nil {
					break
				}
			}
			// Whatever was fetched is committed, even when the run is stopping.
			if err := r.saveDetails(ctx, full, gone); err != nil {
				return err
			}
			chunkOK := append(store.IDs(full), gone...)
			r.fail.fetched(chunkOK)
			mu.Lock()
			r.mu.Lock()
			for _, id := range chunkOK {
				ok = append(ok, id)
				r.fetched[id] = true
			}
			r.mu.Unlock()
			bad = append(bad, chunkBad...)
			mu.Unlock()
			return stop
		})
	}
	err = g.Wait()
	return ok, bad, err
}

func isStop(err error) bool {
	var se *StopError
	return errors.As(err, &se)
}

func (r *runner) saveDetails(ctx context.Context, full []store.Vacancy, gone []string) error {
	bg := context.WithoutCancel(ctx)
	now := r.h.now()
	if len(full) > 0 {
		if err := r.h.Store.SaveDetails(bg, r.run.ID, full, now); err != nil {
			return fmt.Errorf("store details: %w", err)
		}
	}
	if len(gone) > 0 {
		if err := r.h.Store.MarkClosed(bg, r.run.ID, gone, now); err != nil {
			return fmt.Errorf("close vacancies: %w", err)
		}
	}
	r.prog.detailsDone.Add(int64(len(full) + len(gone) - countIn(gone, full)))
	r.progress()
	return r.count(bg, store.Counters{})
}

// countIn counts ids of gone that are also in full (archived vacancies are both).
func countIn(gone []string, full []store.Vacancy) int {
	n := 0
	for _, v := range full {
		if slices.Contains(gone, v.ID) {
			n++
		}
	}
	return n
}

// closeGone re-checks by id the open vacancies this query used to return and
// this run did not see, and closes the archived and the deleted ones. It runs
// only after a run in which every slice was paged, else "not seen" means
// "not reached" and the re-check would cost a request for nothing.
func (r *runner) closeGone(ctx context.Context) error {
	sl, err := r.h.Store.Slices(ctx, r.run.ID)
	if err != nil {
		return err
	}
	for _, s := range sl {
		if s.State != store.SliceDone && s.State != store.SliceSplit && s.State != store.SliceTruncated {
			return nil
		}
	}
	ids, err := r.h.Store.NotSeenByRun(ctx, r.q.ID, r.run.ID)
	if err != nil || len(ids) == 0 {
		return err
	}
	r.h.log().Info("re-checking vacancies the query no longer returns", "count", len(ids))
	_, _, err = r.fetchBatch(ctx, ids)
	return err
}
