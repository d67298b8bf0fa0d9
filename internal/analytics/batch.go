package analytics

import (
	"context"
	"fmt"

	"github.com/hhjobs/hhjobs/internal/store"
)

// computeBatches is Compute on a store that hands its walk over in batches
// (store.BatchWalker, the dashboard's snapshot). The sections are cut in
// two halves of about equal cost (sectionSpec.aside): while this goroutine
// shows a batch to the first half, another shows it to the second, and the
// store builds the next batches on a third. Every section sees every
// vacancy in walk order, the vacancies held for their rosters after the
// others (rosterpass.go), exactly as in Compute's one walk, so the figures
// are that walk's, and no section is merged: a view of every row uses both
// cores without holding its lists twice, as the parts of computeParts do.
func computeBatches(ctx context.Context, s store.Store, bw store.BatchWalker, env *Env) (*Result, error) {
	w := &walk{ss: NewSections(env)}
	w.rosters, _ = s.(store.RosterReader)
	main, aside := w.ss.halves()
	type job struct {
		vs   []store.Vacancy
		held []bool
	}
	jobs, done := make(chan job), make(chan struct{})
	go func() {
		o := &Seen{env: env}
		for j := range jobs {
			for i := range j.vs {
				if !j.held[i] {
					w.ss.observe(o, &j.vs[i], nil, aside)
				}
			}
			done <- struct{}{}
		}
	}()
	var held []bool
	err := bw.EachVacancyBatch(ctx, env.Filter, func(vs []store.Vacancy) error {
		held = held[:0]
		for i := range vs {
			held = append(held, w.hold(ctx, vs[i]))
		}
		jobs <- job{vs, held}
		for i := range vs {
			if !held[i] {
				w.ss.observe(&w.ss.obs, &vs[i], nil, main)
			}
		}
		<-done // the batch is the store's again when fn returns
		return ctx.Err()
	})
	close(jobs)
	if err != nil {
		w.abandon()
		return nil, fmt.Errorf("read vacancies: %w", err)
	}
	return w.finish(ctx, s)
}
