package web

import (
	"context"
	"math/bits"
	"runtime"

	"golang.org/x/sync/errgroup"

	"github.com/hhjobs/hhjobs/internal/filter"
	"github.com/hhjobs/hhjobs/internal/store"
)

// A view's analytics run on every core: the snapshot hands its selection
// to analytics.Compute in contiguous parts (store.PartWalker), each part
// tested, built and observed on its own goroutine, and the parts' sections
// are merged in order. Below partMin candidate rows the goroutines cost
// more than they save: the walk is then one part. Above half the snapshot
// it is one part too: the parts' merge holds their lists twice for a
// moment, and the broadest views (every row, a whole country) set the
// server's peak memory, which at a million rows must stay under 600 MB;
// on two cores, memory-bound, the parts saved those views under 10 %.
var partMin = 8192

// partMaxShare is the share of the snapshot's rows above which a
// selection is walked in one part (a variable for the tests).
var partMaxShare = 0.5

// broad reports whether a selection of n rows is walked in one part.
func (s *Snapshot) broad(n int) bool { return float64(n) > partMaxShare*float64(len(s.rows)) }

// Parts is the number of parts a view's walk is cut into: one per core
// (store.PartWalker).
func (s *Snapshot) Parts() int { return parts() }

// parts is a variable for the tests, which cut walks into more parts than
// this machine has cores.
var parts = func() int { return runtime.GOMAXPROCS(0) }

// EachVacancyParts is EachVacancy in Parts() contiguous parts of the row
// order (store.PartWalker).
func (s *Snapshot) EachVacancyParts(ctx context.Context, f store.Filter, fn func(part int, v store.Vacancy) error) error {
	n := s.Parts()
	one := func() error {
		return s.EachVacancy(ctx, f, func(v store.Vacancy) error { return fn(0, v) })
	}
	if fromSource(f) || len(s.rows) < partMin {
		return one()
	}
	if kept := s.kept(f); kept < partMin || s.broad(kept) {
		return one()
	}
	since := sinceNano(f)
	return runParts(ctx, n, func(ctx context.Context, k int) error {
		lo, hi := k*len(s.rows)/n, (k+1)*len(s.rows)/n
		sl := slab{fields: f.Fields} // one per goroutine
		for i := lo; i < hi; i++ {
			if !s.keep(i, f, since) {
				continue
			}
			if err := fn(k, s.vacancyIn(i, &sl)); err != nil {
				return err
			}
			if i&4095 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
		}
		return nil
	})
}

// EachVacancyFilteredParts is EachVacancyFiltered in Parts() parts
// (filter.PartFilteringStore): the candidate rows from the indexes are cut
// into runs of about as many candidates each, and each run is tested with
// Match and built on its own goroutine.
func (s *Snapshot) EachVacancyFilteredParts(ctx context.Context, sf store.Filter, f *filter.Filter, fn func(part int, v store.Vacancy) error) error {
	return s.filteredParts(ctx, sf, f, s.Parts(), fn)
}

func (s *Snapshot) filteredParts(ctx context.Context, sf store.Filter, f *filter.Filter, n int, fn func(part int, v store.Vacancy) error) error {
	one := func() error {
		return s.EachVacancyFiltered(ctx, sf, f, func(v store.Vacancy) error { return fn(0, v) })
	}
	if fromSource(sf) {
		return one()
	}
	cand := s.candidatesOrAll(f, sf)
	total := cand.count()
	if total < partMin || s.broad(total) {
		return one()
	}
	// cuts[k] is the first word of part k: the word where the running
	// count of candidates reaches k/n of them.
	cuts := make([]int, n+1)
	cuts[n] = len(cand)
	seen, k := 0, 1
	for wi, w := range cand {
		for k < n && seen >= k*total/n {
			cuts[k] = wi
			k++
		}
		seen += bits.OnesCount64(w)
	}
	for ; k < n; k++ {
		cuts[k] = len(cand)
	}
	since, need := sinceNano(sf), f.Fields()
	return runParts(ctx, n, func(ctx context.Context, k int) error {
		var lv store.Vacancy // the light copy Match reads, one per goroutine
		sl := slab{fields: sf.Fields}
		var err error
		built := 0
		cand[cuts[k]:cuts[k+1]].each(func(j int) bool {
			i := cuts[k]<<6 + j
			if !s.keep(i, sf, since) {
				return true
			}
			if s.light(i, &lv, need); !f.Match(&lv) {
				return true
			}
			if err = fn(k, s.vacancyIn(i, &sl)); err != nil {
				return false
			}
			if built++; built&4095 == 0 {
				err = ctx.Err()
			}
			return err == nil
		})
		return err
	})
}

// kept is the number of rows f keeps.
func (s *Snapshot) kept(f store.Filter) int {
	n, since := 0, sinceNano(f)
	for i := range s.rows {
		if s.keep(i, f, since) {
			n++
		}
	}
	return n
}

// candidatesOrAll are the candidate rows of f within sf from the indexes,
// or every row when the indexes cannot narrow them.
func (s *Snapshot) candidatesOrAll(f *filter.Filter, sf store.Filter) bitmap {
	cand, ok := s.candidates(f, sf)
	if ok {
		return cand
	}
	cand = newBitmap(len(s.rows))
	for i := range cand {
		cand[i] = ^uint64(0)
	}
	if tail := len(s.rows) & 63; tail != 0 {
		cand[len(cand)-1] = 1<<tail - 1
	}
	return cand
}

// runParts runs part(ctx, k) for k in [0, n) on n goroutines; the first
// error cancels the others' context and is returned.
func runParts(ctx context.Context, n int, part func(ctx context.Context, k int) error) error {
	g, gctx := errgroup.WithContext(ctx)
	for k := range n {
		g.Go(func() error { return part(gctx, k) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}
