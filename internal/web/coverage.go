package web

import (
	"context"
	"math"

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
	c := &report.Coverage{N: n}
	if n > 0 {
		c.First, c.Last = s.at(first), s.at(last)
	}
	if err := c.NameQueries(ctx, s, sf.QueryID); err != nil {
		return nil, err
	}
	return c, nil
}
