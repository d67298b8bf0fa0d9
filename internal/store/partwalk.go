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
