package web

import (
	"context"

	"github.com/hhjobs/hhjobs/internal/filter"
	"github.com/hhjobs/hhjobs/internal/store"
)

// The broadest views (more than partMaxShare of the rows) take the
// snapshot's walk in batches (store.BatchWalker): one goroutine tests and
// builds the vacancies while the analytics show each batch to two halves
// of their sections at once. Unlike the parts of parts.go, nothing is
// merged afterwards, so these views use both cores without holding their
// lists twice. Below that share the parts are as fast or faster (measured
// at a million rows: a role of 37 %, a grade of 45 %), and below partMin
// rows one plain walk is.

// batchWalks lets the broad views walk in batches (a variable for the
// tests, which also walk them in one part).
var batchWalks = true

// Batched reports whether f's walk is handed over in batches
// (store.BatchWalker): when it keeps a broad share of the rows.
func (s *Snapshot) Batched(f store.Filter) bool {
	return batchWalks && !fromSource(f) && len(s.rows) >= partMin && s.broad(s.kept(f))
}

// BatchedFiltered is Batched for f within sf (filter.BatchFilteringStore).
func (s *Snapshot) BatchedFiltered(sf store.Filter, f *filter.Filter) bool {
	return batchWalks && !fromSource(sf) && len(s.rows) >= partMin && s.broad(s.candidatesOrAll(f, sf).count())
}

// EachVacancyBatch is EachVacancy in batches built on another goroutine
// (store.BatchWalker).
func (s *Snapshot) EachVacancyBatch(ctx context.Context, f store.Filter, fn func([]store.Vacancy) error) error {
	if fromSource(f) {
		return s.Store.EachVacancy(ctx, f, store.OneByOne(fn))
	}
	since := sinceNano(f)
	return pipelineBatches(ctx, func(emit func(store.Vacancy) bool) {
		sl := slab{fields: f.Fields}
		for i := range s.rows {
			if s.keep(i, f, since) && !emit(s.vacancyIn(i, &sl)) {
				return
			}
		}
	}, fn)
}

// EachVacancyFilteredBatch is EachVacancyFiltered in batches
// (filter.BatchFilteringStore).
func (s *Snapshot) EachVacancyFilteredBatch(ctx context.Context, sf store.Filter, f *filter.Filter, fn func([]store.Vacancy) error) error {
	if fromSource(sf) {
		return s.EachVacancyMatching(ctx, sf, f.Fields(), f.Match, store.OneByOne(fn))
	}
	cand := s.candidatesOrAll(f, sf)
	since, need := sinceNano(sf), f.Fields()
	return pipelineBatches(ctx, func(emit func(store.Vacancy) bool) {
		var lv store.Vacancy // the light copy Match reads
		sl := slab{fields: sf.Fields}
		next := func(i int) bool {
			if !s.keep(i, sf, since) {
				return true
			}
			if s.light(i, &lv, need); !f.Match(&lv) {
				return true
			}
			return emit(s.vacancyIn(i, &sl))
		}
		cand.each(next)
	}, fn)
}
