package web

import (
	"cmp"
	"context"
	"math"
	"math/bits"
	"slices"
	"sort"

	"github.com/hhjobs/hhjobs/internal/filter"
	"github.com/hhjobs/hhjobs/internal/store"
)

// index maps each value of a filtered dimension to the rows that hold it
// (ascending row numbers), so that a filter selects its candidate rows by
// OR-ing the lists of the values it keeps into a bitmap per dimension and
// AND-ing the dimensions, instead of testing every row. Match stays the
// one test: the index only spares it the rows that cannot pass. About 4
// bytes per (row, value): ~40 MB at a million vacancies.
type index struct {
	roles     map[string][]int32 // role id
	exp, ef   map[int32][]int32  // dictionary code
	area      map[string][]int32 // area id (a filter's areas are already expanded to their subtrees)
	wf        map[string][]int32 // work format id
	employer  map[string][]int32 // employer id ("" for anonymous ones)
	empByName map[string][]string
	skill     map[int32][]int32 // dictionary code of the spelling; a row once per spelling
	byPub     []int32           // rows, newest first (ties: row order): the list's date order
	byPay     []int32           // rows in the list's pay order
}

func (s *Snapshot) buildIndex() {
	ix := &index{roles: map[string][]int32{}, exp: map[int32][]int32{}, ef: map[int32][]int32{}, area: map[string][]int32{},
		wf: map[string][]int32{}, employer: map[string][]int32{}, empByName: map[string][]string{}, skill: map[int32][]int32{}}
	empSeen := map[[2]int32]bool{}
	for i := range s.rows {
		r, n := &s.rows[i], int32(i)
		for _, ro := range s.roleSets[r.roleSet] {
			if l := ix.roles[ro.ID]; len(l) == 0 || l[len(l)-1] != n { // a role listed twice: once
				ix.roles[ro.ID] = append(l, n)
			}
		}
		for _, w := range s.wfSets[r.wfSet] {
			if l := ix.wf[w]; len(l) == 0 || l[len(l)-1] != n {
				ix.wf[w] = append(l, n)
			}
		}
		ix.exp[r.exp] = append(ix.exp[r.exp], n)
		ix.ef[r.ef] = append(ix.ef[r.ef], n)
		ix.area[s.dict[r.areaID]] = append(ix.area[s.dict[r.areaID]], n)
		id := s.dict[r.empID]
		ix.employer[id] = append(ix.employer[id], n)
		if k := [2]int32{r.empID, r.empName}; !empSeen[k] {
			empSeen[k] = true
			name := s.dict[r.empName]
			ix.empByName[name] = append(ix.empByName[name], id)
		}
		if r.skN != math.MaxUint16 {
			for _, c := range s.skills[r.skStart : r.skStart+uint32(r.skN)] {
				if l := ix.skill[c]; len(l) == 0 || l[len(l)-1] != n {
					ix.skill[c] = append(l, n)
				}
			}
		}
	}
	// Appending leaves up to half of each list unused: keep exact copies.
	for _, m := range []map[string][]int32{ix.roles, ix.area, ix.wf, ix.employer} {
		for k, l := range m {
			m[k] = slices.Clone(l)
		}
	}
	for _, m := range []map[int32][]int32{ix.exp, ix.ef, ix.skill} {
		for k, l := range m {
			m[k] = slices.Clone(l)
		}
	}
	ix.byPub = make([]int32, len(s.rows))
	for i := range ix.byPub {
		ix.byPub[i] = int32(i)
	}
	ix.byPay = slices.Clone(ix.byPub)
	slices.SortStableFunc(ix.byPub, func(a, b int32) int { return s.byDate(int(a), int(b)) })
	slices.SortStableFunc(ix.byPay, func(a, b int32) int { return s.byPay(int(a), int(b)) })
	s.ix = ix
}

// byDate orders rows newest first.
func (s *Snapshot) byDate(a, b int) int { return cmp.Compare(s.rows[b].pub, s.rows[a].pub) }

// byPay orders rows by the monthly estimate, highest first, those without
// one last, then newest first.
func (s *Snapshot) byPay(a, b int) int {
	x, y := s.monthly[a], s.monthly[b]
	switch xn, yn := math.IsNaN(float64(x)), math.IsNaN(float64(y)); {
	case xn && yn:
		return s.byDate(a, b)
	case xn:
		return 1
	case yn:
		return -1
	}
	return cmp.Or(cmp.Compare(y, x), s.byDate(a, b))
}

// bitmap is a set of rows.
type bitmap []uint64

func newBitmap(n int) bitmap { return make(bitmap, (n+63)/64) }

func (b bitmap) set(i int32)      { b[i>>6] |= 1 << (uint(i) & 63) }
func (b bitmap) has(i int32) bool { return b[i>>6]&(1<<(uint(i)&63)) != 0 }
func (b bitmap) and(o bitmap) {
	for i := range b {
		b[i] &= o[i]
	}
}
func (b bitmap) add(rows []int32) {
	for _, r := range rows {
		b.set(r)
	}
}
func (b bitmap) count() (n int) {
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// each calls fn for every row in b, ascending, until fn returns false.
func (b bitmap) each(fn func(int) bool) {
	for wi, w := range b {
		for w != 0 {
			if !fn(wi<<6 + bits.TrailingZeros64(w)) {
				return
			}
			w &= w - 1
		}
	}
}

// candidates returns the rows that can pass f within sf (every row Match
// and the store filter keep is in it), or ok = false when no term of f is
// indexed and every row is a candidate.
func (s *Snapshot) candidates(f *filter.Filter, sf store.Filter) (b bitmap, ok bool) {
	if s.ix == nil || f == nil {
		return nil, false
	}
	ix, t, n := s.ix, f.Terms(), len(s.rows)
	and := func(dim bitmap) {
		if b == nil {
			b = dim
		} else {
			b.and(dim)
		}
	}
	strs := func(m map[string][]int32, keep map[string]bool) {
		if keep == nil {
			return
		}
		dim := newBitmap(n)
		for k := range keep {
			dim.add(m[k])
		}
		and(dim)
	}
	codes := func(m map[int32][]int32, keep func(string) bool) {
		dim := newBitmap(n)
		for c, rows := range m {
			if keep(s.dict[c]) {
				dim.add(rows)
			}
		}
		and(dim)
	}
	in := func(set map[string]bool) func(string) bool { return func(v string) bool { return set[v] } }
	strs(ix.roles, t.Roles)
	strs(ix.area, t.Areas)
	strs(ix.wf, t.WorkFormats)
	if t.Experience != nil {
		codes(ix.exp, in(t.Experience))
	}
	if t.EmploymentForms != nil {
		codes(ix.ef, in(t.EmploymentForms))
	}
	if t.EmployerIDs != nil {
		dim := newBitmap(n)
		for id := range t.EmployerIDs {
			dim.add(ix.employer[id])
		}
		for name, ids := range ix.empByName {
			if f.KeepsEmployerName(name) {
				for _, id := range ids {
					dim.add(ix.employer[id])
				}
			}
		}
		and(dim)
	}
	if t.Skills {
		codes(ix.skill, f.KeepsSkill)
	}
	if since, until := sinceNano(sf), f.Until; since != math.MinInt64 || !until.IsZero() {
		// byPub is newest first: the period is one run of it.
		hi := math.MaxInt64
		if !until.IsZero() {
			hi = int(until.UnixNano())
		}
		from := sort.Search(n, func(k int) bool { return s.rows[ix.byPub[k]].pub < int64(hi) })
		to := sort.Search(n, func(k int) bool { return s.rows[ix.byPub[k]].pub < since })
		dim := newBitmap(n)
		if from < to {
			dim.add(ix.byPub[from:to])
		}
		and(dim)
	}
	return b, b != nil
}

// EachVacancyFiltered calls fn for each vacancy f keeps within sf, in row
// order (filter.FilteringStore): the candidates from the indexes, each
// tested by Match on its light copy, so that the vacancies and their order
// are the scan's.
func (s *Snapshot) EachVacancyFiltered(ctx context.Context, sf store.Filter, f *filter.Filter, fn func(store.Vacancy) error) error {
	if fromSource(sf) {
		return s.EachVacancyMatching(ctx, sf, f.Fields(), f.Match, fn)
	}
	cand, ok := s.candidates(f, sf)
	if !ok {
		return s.EachVacancyMatching(ctx, sf, f.Fields(), f.Match, fn)
	}
	since, need := sinceNano(sf), f.Fields()
	var lv store.Vacancy
	var err error
	k := 0
	cand.each(func(i int) bool {
		if !s.keep(i, sf, since) {
			return true
		}
		if s.light(i, &lv, need); !f.Match(&lv) {
			return true
		}
		if err = fn(s.vacancy(i)); err != nil {
			return false
		}
		if k++; k&4095 == 0 && ctx.Err() != nil {
			err = ctx.Err()
			return false
		}
		return true
	})
	if err != nil {
		return err
	}
	return ctx.Err()
}
