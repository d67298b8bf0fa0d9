package filter

import (
	"context"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/store"
)

// Wrap returns st seen through f: EachVacancy, EachSkill and CountVacancies
// return only what f matches, so analytics, the report and the exporters
// need no filter code of their own. Every other method is st's.
func (f *Filter) Wrap(st store.Store) store.Store {
	if f == nil {
		return st
	}
	// The optional readers of the store stay visible through the filter,
	// so that a filtered report reads rosters and revisions as a whole one.
	base := &filtered{Store: st, f: f}
	rr, isR := st.(store.RosterReader)
	vw, isV := st.(store.VersionWalker)
	switch {
	case isR && isV:
		return &struct {
			*filtered
			store.RosterReader
			versions
		}{base, rr, versions{base, vw}}
	case isR:
		return &struct {
			*filtered
			store.RosterReader
		}{base, rr}
	case isV:
		return &struct {
			*filtered
			versions
		}{base, versions{base, vw}}
	}
	return base
}

// versions passes the version history through with the filter's store
// part; a revision count joins it with the (filtered) vacancy walk, which
// leaves out the versions of vacancies the filter does not keep.
type versions struct {
	s  *filtered
	vw store.VersionWalker
}

func (v versions) EachChangedVersion(ctx context.Context, f store.Filter, fn func(store.Version) error) error {
	return v.vw.EachChangedVersion(ctx, v.s.merge(f), fn)
}

// MatchingStore is a store that can test a vacancy before building it
// whole (the dashboard's in-memory snapshot): match gets a vacancy with at
// least the always-filled fields and the parts in need, fn the full one.
type MatchingStore interface {
	EachVacancyMatching(ctx context.Context, f store.Filter, need store.Fields, match func(*store.Vacancy) bool, fn func(store.Vacancy) error) error
}

// PartFilteringStore is a store that walks in parts (store.PartWalker)
// also through a filter: EachVacancyFilteredParts is EachVacancyFiltered
// split into Parts() parts.
type PartFilteringStore interface {
	store.PartWalker
	EachVacancyFilteredParts(ctx context.Context, sf store.Filter, f *Filter, fn func(part int, v store.Vacancy) error) error
}

// BatchFilteringStore is a store that walks in batches
// (store.BatchWalker) also through a filter: EachVacancyFilteredBatch is
// EachVacancyFiltered a batch at a time.
type BatchFilteringStore interface {
	store.BatchWalker
	BatchedFiltered(sf store.Filter, f *Filter) bool
	EachVacancyFilteredBatch(ctx context.Context, sf store.Filter, f *Filter, fn func([]store.Vacancy) error) error
}

type filtered struct {
	store.Store
	f *Filter
}

// merge narrows the caller's store filter by f's.
func (s *filtered) merge(in store.Filter) store.Filter {
	out := in
	if out.Since.IsZero() || s.f.Since.After(out.Since) {
		out.Since = s.f.Since
	}
	out.OpenOnly = out.OpenOnly || s.f.Open
	if out.QueryID == 0 {
		out.QueryID = s.f.QueryID
	}
	if out.Fields != 0 {
		out.Fields |= s.f.Fields()
	}
	return out
}

func (s *filtered) EachVacancy(ctx context.Context, flt store.Filter, fn func(store.Vacancy) error) error {
	flt = s.merge(flt)
	if !s.f.needsMatch() {
		return s.Store.EachVacancy(ctx, flt, fn)
	}
	if fs, ok := s.Store.(FilteringStore); ok {
		return fs.EachVacancyFiltered(ctx, flt, s.f, fn)
	}
	if ms, ok := s.Store.(MatchingStore); ok {
		return ms.EachVacancyMatching(ctx, flt, s.f.Fields(), s.f.Match, fn)
	}
	return s.Store.EachVacancy(ctx, flt, func(v store.Vacancy) error {
		if !s.f.Match(&v) {
			return nil
		}
		return fn(v)
	})
}

// Parts is the store's number of parts (store.PartWalker), or 1 when it
// cannot split a filtered walk.
func (s *filtered) Parts() int {
	if pf, ok := s.Store.(PartFilteringStore); ok {
		return pf.Parts()
	}
	return 1
}

// EachVacancyParts is EachVacancy in Parts() parts (store.PartWalker).
func (s *filtered) EachVacancyParts(ctx context.Context, flt store.Filter, fn func(part int, v store.Vacancy) error) error {
	flt = s.merge(flt)
	pf, ok := s.Store.(PartFilteringStore)
	switch {
	case !ok:
		return s.EachVacancy(ctx, flt, func(v store.Vacancy) error { return fn(0, v) })
	case !s.f.needsMatch():
		return pf.EachVacancyParts(ctx, flt, fn)
	}
	return pf.EachVacancyFilteredParts(ctx, flt, s.f, fn)
}

// Batched reports whether the store walks flt in batches through the
// filter (store.BatchWalker).
func (s *filtered) Batched(flt store.Filter) bool {
	bf, ok := s.Store.(BatchFilteringStore)
	switch {
	case !ok:
		return false
	case !s.f.needsMatch():
		return bf.Batched(s.merge(flt))
	}
	return bf.BatchedFiltered(s.merge(flt), s.f)
}

// EachVacancyBatch is EachVacancy a batch at a time (store.BatchWalker);
// a store that cannot batch hands each vacancy over alone.
func (s *filtered) EachVacancyBatch(ctx context.Context, flt store.Filter, fn func([]store.Vacancy) error) error {
	flt = s.merge(flt)
	bf, ok := s.Store.(BatchFilteringStore)
	switch {
	case !ok:
		return s.EachVacancy(ctx, flt, store.OneByOne(fn))
	case !s.f.needsMatch():
		return bf.EachVacancyBatch(ctx, flt, fn)
	}
	return bf.EachVacancyFilteredBatch(ctx, flt, s.f, fn)
}

// ids returns the ids of the vacancies f matches within flt.
func (s *filtered) ids(ctx context.Context, flt store.Filter) (map[string]bool, error) {
	flt.Fields = s.f.Fields() | store.FieldName // never 0, which means every part
	flt.Raw = false
	ids := map[string]bool{}
	err := s.EachVacancy(ctx, flt, func(v store.Vacancy) error {
		ids[v.ID] = true
		return nil
	})
	return ids, err
}

func (s *filtered) EachSkill(ctx context.Context, flt store.Filter, fn func(vacancyID, skill string) error) error {
	if !s.f.needsMatch() {
		return s.Store.EachSkill(ctx, s.merge(flt), fn)
	}
	ids, err := s.ids(ctx, flt)
	if err != nil {
		return err
	}
	return s.Store.EachSkill(ctx, s.merge(flt), func(id, skill string) error {
		if !ids[id] {
			return nil
		}
		return fn(id, skill)
	})
}

func (s *filtered) CountVacancies(ctx context.Context, flt store.Filter) (int, error) {
	if !s.f.needsMatch() {
		return s.Store.CountVacancies(ctx, s.merge(flt))
	}
	ids, err := s.ids(ctx, flt)
	return len(ids), err
}

// ColumnFilteringStore is a store that counts groups from its columns
// (analytics.ColumnStore) also through a filter (f nil: every row sf keeps).
type ColumnFilteringStore interface {
	CountsFiltered(sf store.Filter, f *Filter, o analytics.Options) bool
	CountFiltered(ctx context.Context, sf store.Filter, f *Filter, q analytics.ColumnQuery) (*analytics.ColumnAnswer, error)
}

// match is the filter to test rows with, nil when the store's part of it
// selects them all.
func (s *filtered) match() *Filter {
	if s.f.needsMatch() {
		return s.f
	}
	return nil
}

// Counts reports whether the store counts groups through the filter
// (analytics.ColumnStore).
func (s *filtered) Counts(flt store.Filter, o analytics.Options) bool {
	cf, ok := s.Store.(ColumnFilteringStore)
	return ok && cf.CountsFiltered(s.merge(flt), s.match(), o)
}

// Count counts the groups of q through the filter (analytics.ColumnStore).
func (s *filtered) Count(ctx context.Context, q analytics.ColumnQuery) (*analytics.ColumnAnswer, error) {
	q.Filter = s.merge(q.Filter)
	return s.Store.(ColumnFilteringStore).CountFiltered(ctx, q.Filter, s.match(), q)
}
