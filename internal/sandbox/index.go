package sandbox

import (
	"slices"
	"sort"
)

// The search indexes. s.vacs is sorted by publication time, so a time
// window is a range of indices found by binary search; byRole and byArea
// hold, per role and per area (its whole subtree), the ascending indices of
// the open vacancies. A planner's query — an area, a role, a time window —
// is then a sub-slice of one list: its found is a subtraction and its page
// is read from the end of the list, with no vacancy matched one by one,
// which keeps an all-Russia probe of a million vacancies in microseconds.

// reindex rebuilds byID, byRole, byArea and rel; callers hold mu for writing.
func (s *Server) reindex() {
	s.ver++
	s.byID = make(map[string]*vacancy, len(s.vacs))
	s.byRole = map[string][]int32{}
	s.byArea = map[*areaNode][]int32{}
	s.rel = s.rel[:0]
	for i, v := range s.vacs {
		s.byID[v.ids] = v
		if v.removed || v.archived {
			continue
		}
		s.indexOne(int32(i), v)
		s.rel = append(s.rel, v)
	}
	sortRel(s.rel)
}

// indexOne appends vacancy i (the largest index so far) to the role and
// area lists. Callers hold mu for writing.
func (s *Server) indexOne(i int32, v *vacancy) {
	s.ver++
	for _, r := range v.roles {
		s.byRole[r] = append(s.byRole[r], i)
	}
	for a := v.area; a != nil; a = a.parent {
		s.byArea[a] = append(s.byArea[a], i)
	}
}

// pubRange returns the index range of s.vacs published in [from, to).
func (s *Server) pubRange(q *query) (int, int) {
	lo, hi := 0, len(s.vacs)
	if q.from != 0 {
		lo = sort.Search(len(s.vacs), func(i int) bool { return s.vacs[i].published >= q.from })
	}
	if q.to != 0 {
		hi = sort.Search(len(s.vacs), func(i int) bool { return s.vacs[i].published >= q.to })
	}
	return lo, max(lo, hi)
}

// candidates returns the indices into s.vacs (ascending) that may match
// q, from the time range and the smaller of the role and area indexes, and
// the part of q they leave to match one by one. all means there was no
// index to use: every index of [lo, hi) is a candidate (archived ones too),
// and cand is nil. A returned list may share the index's storage: callers
// must not modify it.
func (s *Server) candidates(q *query) (cand []int32, lo, hi int, all bool, rest *query) {
	lo, hi = s.pubRange(q)
	r := *q
	r.from, r.to = 0, 0
	window := func(list []int32) []int32 {
		a := sort.Search(len(list), func(i int) bool { return int(list[i]) >= lo })
		b := sort.Search(len(list), func(i int) bool { return int(list[i]) >= hi })
		return list[a:b]
	}
	var byRole, byArea [][]int32
	nRole, nArea := 0, 0
	for _, id := range q.roles {
		l := window(s.byRole[id])
		byRole, nRole = append(byRole, l), nRole+len(l)
	}
	for _, a := range q.areas {
		l := window(s.byArea[a])
		byArea, nArea = append(byArea, l), nArea+len(l)
	}
	switch {
	case len(q.roles) > 0 && (len(q.areas) == 0 || nRole <= nArea):
		r.roles = nil
		return union(byRole), lo, hi, false, &r
	case len(q.areas) > 0:
		r.areas = nil
		return union(byArea), lo, hi, false, &r
	}
	return nil, lo, hi, true, &r
}

// union merges ascending lists without duplicates (a vacancy with two of
// the roles asked, or an area inside another one asked). One list is
// returned as is.
func union(lists [][]int32) []int32 {
	lists = slices.DeleteFunc(lists, func(l []int32) bool { return len(l) == 0 })
	switch len(lists) {
	case 0:
		return nil
	case 1:
		return lists[0]
	}
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	out := make([]int32, 0, n)
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// eachDesc calls f for every vacancy matching q, newest first (the order
// of order_by=publication_time), until f returns false. Callers hold mu
// (read).
func (s *Server) eachDesc(q *query, f func(v *vacancy) bool) {
	cand, lo, hi, all, rest := s.candidates(q)
	if all {
		for i := hi - 1; i >= lo; i-- {
			if v := s.vacs[i]; s.match(v, rest) && !f(v) {
				return
			}
		}
		return
	}
	check := rest.filtered() // the index holds open vacancies only
	for i := len(cand) - 1; i >= 0; i-- {
		if v := s.vacs[cand[i]]; (!check || s.match(v, rest)) && !f(v) {
			return
		}
	}
}

// scan returns the number of matching vacancies and those at positions
// [lo, hi) of the query's order. Callers hold mu (read).
func (s *Server) scan(q *query, lo, hi int) (int, []*vacancy) {
	var win []*vacancy
	if !q.filtered() && (q.order == "relevance" || q.order == "publication_time") {
		found := len(s.rel)
		if q.order == "relevance" {
			if lo < found {
				win = append(win, s.rel[lo:min(hi, found)]...)
			}
			return found, win
		}
		n := 0
		for i := len(s.vacs) - 1; i >= 0 && n < hi; i-- {
			if v := s.vacs[i]; !v.archived && !v.removed {
				if n >= lo {
					win = append(win, v)
				}
				n++
			}
		}
		return found, win
	}
	// Everything an index answers needs no walk: found is the list's
	// length, and a page in publication order is read from its end. A
	// count (per_page=0) needs no order at all.
	if cand, _, _, all, rest := s.candidates(q); !all && !rest.filtered() && (q.order == "publication_time" || lo >= hi) {
		n := len(cand)
		for k := lo; k < min(hi, n); k++ {
			win = append(win, s.vacs[cand[n-1-k]])
		}
		return n, win
	}
	if q.order == "publication_time" || lo >= hi {
		n := 0
		s.eachDesc(q, func(v *vacancy) bool {
			if n >= lo && n < hi {
				win = append(win, v)
			}
			n++
			return true
		})
		return n, win
	}
	var all []*vacancy
	s.eachDesc(q, func(v *vacancy) bool {
		all = append(all, v)
		return true
	})
	switch q.order {
	case "salary_desc":
		sort.SliceStable(all, func(i, j int) bool { return salaryKey(all[i]) > salaryKey(all[j]) })
	case "salary_asc":
		// vacancies without salary go last
		sort.SliceStable(all, func(i, j int) bool {
			a, b := salaryKey(all[i]), salaryKey(all[j])
			if (a < 0) != (b < 0) {
				return b < 0
			}
			return a < b
		})
	case "distance":
		sort.SliceStable(all, func(i, j int) bool {
			return distanceTo(all[i], q.sortLat, q.sortLng) < distanceTo(all[j], q.sortLat, q.sortLng)
		})
	default:
		sortRel(all)
	}
	if lo < len(all) {
		win = all[lo:min(hi, len(all))]
	}
	return len(all), win
}
