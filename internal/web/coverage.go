package web

import (
	"context"
	"math"
	"sync"

	"github.com/hhjobs/hhjobs/internal/filter"
	"github.com/hhjobs/hhjobs/internal/report"
	"github.com/hhjobs/hhjobs/internal/store"
)

// coverage is report.ReadCoverage from the snapshot's columns: the rows f
// keeps are counted and their publication instants compared without
// building a vacancy (at a million rows, building them for a count cost
// as much as a section of the analytics).
func (s *Snapshot) coverage(ctx context.Context, f *filter.Filter) (*report.Coverage, error) {
	sf := f.StoreFilter()
	if fromSource(sf) {
		return report.ReadCoverage(ctx, f.Wrap(s), sf)
	}
	since, need := sinceNano(sf), f.Fields()
	n, first, last := 0, int64(math.MaxInt64), int64(math.MinInt64)
	var lv store.Vacancy
	test := func(i int) bool {
		if !s.keep(i, sf, since) {
			return true
		}
		if f != nil {
			if s.light(i, &lv, need); !f.Match(&lv) {
				return true
			}
		}
		p := s.rows[i].pub
		n, first, last = n+1, min(first, p), max(last, p)
		return n&4095 != 0 || ctx.Err() == nil
	}
	if cand, ok := s.candidates(f, sf); ok {
		cand.each(test)
	} else {
		for i := range s.rows {
			if !test(i) {
				break
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.covered(ctx, sf, n, first, last)
}

// covered is the coverage of n rows published from first to last (ns).
func (s *Snapshot) covered(ctx context.Context, sf store.Filter, n int, first, last int64) (*report.Coverage, error) {
	c := &report.Coverage{N: n}
	if n > 0 {
		c.First, c.Last = s.at(first), s.at(last)
	}
	if err := c.NameQueries(ctx, s, sf.QueryID); err != nil {
		return nil, err
	}
	return c, nil
}

// A selectionSink receives the rows a computation's count selected
// (CountFiltered), so that the overview's header counts those rather than
// select them a second time (a tenth of a broad view's time).
type selectionSink struct {
	once sync.Once
	rows []int32
	ok   bool
}

type sinkKey struct{}

// withSink is ctx carrying sk to the count of the one computation made with it.
func withSink(ctx context.Context, sk *selectionSink) context.Context {
	return context.WithValue(ctx, sinkKey{}, sk)
}

// sinkRows gives rows to ctx's sink, if any, once.
func sinkRows(ctx context.Context, rows []int32) {
	if sk, _ := ctx.Value(sinkKey{}).(*selectionSink); sk != nil {
		sk.once.Do(func() { sk.rows, sk.ok = rows, true })
	}
}

// coverageOf is coverage from the rows the computation's count left in sk
// (read after the computation returned), or counted anew when it left none.
func (s *Snapshot) coverageOf(ctx context.Context, f *filter.Filter, sk *selectionSink) (*report.Coverage, error) {
	if !sk.ok {
		return s.coverage(ctx, f)
	}
	first, last := int64(math.MaxInt64), int64(math.MinInt64)
	for _, i := range sk.rows {
		p := s.rows[i].pub
		first, last = min(first, p), max(last, p)
	}
	return s.covered(ctx, f.StoreFilter(), len(sk.rows), first, last)
}
