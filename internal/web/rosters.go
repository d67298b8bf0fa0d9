package web

import (
	"context"
	"strings"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/store"
)

// The rosters of the vacancies paid per shift or hour (a few per cent of
// salaries) live in the source's raw JSON, which the snapshot does not
// hold. Every view's analytics ask for them, so the snapshot reads them
// once, in the background after its build, and answers later views from
// memory: at a million rows a broad view no longer parses tens of
// thousands of JSON documents in the database.

// loadRosters reads the rosters of every row paid per shift or hour from
// the source; until it is done, Rosters asks the source.
func (s *Snapshot) loadRosters(ctx context.Context) {
	rr, ok := s.Store.(store.RosterReader)
	if !ok {
		return
	}
	shift := make([]bool, len(s.dict)) // dictionary code → a shift or hour mode
	for c, v := range s.dict {
		m := strings.ToUpper(v)
		shift[c] = m == analytics.ModeShift || m == analytics.ModeHour
	}
	m := map[string]*store.Roster{} // nil: asked, none in the source
	var ids []string
	flush := func() bool {
		got, err := rr.Rosters(ctx, ids)
		if err != nil {
			return false // the views keep asking the source, which says why
		}
		for _, id := range ids {
			if r, ok := got[id]; ok {
				m[id] = &r
			} else {
				m[id] = nil
			}
		}
		ids = ids[:0]
		return true
	}
	for i := range s.rows {
		if r := &s.rows[i]; shift[s.term(i, termMode, r.mode)] {
			if ids = append(ids, s.id(r)); len(ids) == store.RosterBatch && !flush() {
				return
			}
		}
	}
	if len(ids) > 0 && !flush() {
		return
	}
	s.rosters.Store(&m)
}

// Rosters returns the rosters of these vacancies (store.RosterReader):
// from memory once they are loaded, the rest from the source.
func (s *Snapshot) Rosters(ctx context.Context, ids []string) (map[string]store.Roster, error) {
	rr, ok := s.Store.(store.RosterReader)
	if !ok {
		return map[string]store.Roster{}, nil // no raw JSON to read them from
	}
	mp := s.rosters.Load()
	if mp == nil {
		return rr.Rosters(ctx, ids)
	}
	out := make(map[string]store.Roster, len(ids))
	var rest []string
	for _, id := range ids {
		r, asked := (*mp)[id]
		switch {
		case !asked:
			rest = append(rest, id)
		case r != nil:
			out[id] = *r
		}
	}
	if len(rest) > 0 {
		more, err := rr.Rosters(ctx, rest)
		if err != nil {
			return nil, err
		}
		for id, r := range more {
			out[id] = r
		}
	}
	return out, nil
}
