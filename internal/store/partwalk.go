package store

import "context"

// PartWalker is implemented by a store that can walk what a filter selects
// as n contiguous parts of its order, each on its own goroutine: the
// dashboard's in-memory snapshot, whose views are computed on every core.
// Analytics feed each part to its own accumulators and merge them in part
// order, which gives the figures of one walk.
type PartWalker interface {
	// Parts is the number of parts the store walks in (1: it cannot split
	// its walk, as a filter over a database).
	Parts() int
	// EachVacancyParts calls fn(k, v) for every vacancy of part k, in the
	// store's order within the part; parts 0..Parts()-1 together are
	// EachVacancy's walk, in order, and calls for different parts run
	// concurrently. A part may be empty. The first error stops every part
	// and is returned.
	EachVacancyParts(ctx context.Context, f Filter, fn func(part int, v Vacancy) error) error
}

// BatchWalker is implemented by a store that can hand a walk's vacancies
// over in batches built ahead on another goroutine (the dashboard's
// snapshot). Every vacancy of a batch, its Codes included, stays valid
// until fn returns, so the reader may share the batch among goroutines:
// analytics show it to two halves of their sections at once, each on its
// own core, and every section still sees the whole walk in order.
type BatchWalker interface {
	// Batched reports whether EachVacancyBatch hands f's walk over in
	// batches of more than one vacancy (false: it would build them one by
	// one, as for what only a source database holds).
	Batched(f Filter) bool
	// EachVacancyBatch calls fn with EachVacancy's vacancies, in order, a
	// batch at a time. An error of fn stops the walk and is returned.
	EachVacancyBatch(ctx context.Context, f Filter, fn func(vs []Vacancy) error) error
}

// OneByOne adapts fn to a walk of one vacancy at a time, each handed over
// as a batch of one: how a BatchWalker walks what it cannot batch.
func OneByOne(fn func([]Vacancy) error) func(Vacancy) error {
	one := make([]Vacancy, 1)
	return func(v Vacancy) error {
		one[0] = v
		return fn(one)
	}
}
