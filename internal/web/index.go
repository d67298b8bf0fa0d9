package web

import (
	"cmp"
	"context"
	"math"
	"math/bits"
	"slices"
	"sort"
	"sync"

	"github.com/hhjobs/hhjobs/internal/filter"
	"github.com/hhjobs/hhjobs/internal/store"
)

// index maps each value of a filtered dimension to the rows that hold it
// (ascending row numbers), so that a filter selects its candidate rows by
// OR-ing the lists of the values it keeps into a bitmap per dimension and
// AND-ing the dimensions, instead of testing every row. Match stays the
// one test: the index only spares it the rows that cannot pass. About 4
// bytes per (row, value): ~40 MB at a million vacancies. Keys are
// dictionary codes (no string hashing per row while building).
type index struct {
	roles     map[string][]int32 // role id
	exp, ef   map[int32][]int32  // dictionary code of the id
	area      map[int32][]int32  // dictionary code of the area id (a filter's areas are already expanded to their subtrees)
	wf        map[string][]int32 // work format id
	employer  map[int32][]int32  // dictionary code of the employer id ("" for anonymous ones)
	empByName map[string][]int32 // employer name → codes of its ids
	skill     map[int32][]int32  // dictionary code of the spelling; a row once per spelling
	byPub     []int32            // rows, newest first (ties: row order): the list's date order
	byPay     []int32            // rows in the list's pay order
}

// index returns the snapshot's indexes, or nil while they are being built
// (BuildSnapshot starts that in the background: the first answers, which
// are unfiltered, do not wait for it; a filter scans until it is there).
func (s *Snapshot) index() *index { return s.ixp.Load() }

// WaitIndex waits until the indexes are built and the rosters loaded.
func (s *Snapshot) WaitIndex() {
	if s.ixDone != nil {
		<-s.ixDone
	}
}

func (s *Snapshot) buildIndex() {
	var byPub, byPay []int32
	orders := make(chan struct{})
	go func() { // the sorts on the other core while this one builds the lists
		defer close(orders)
		byPub, byPay = s.buildOrders()
	}()
	// Role and work-format sets are few: their ids once per set, not per row.
	roleIDs := make([][]string, len(s.roleSets))
	for k, rs := range s.roleSets {
		for _, r := range rs {
			if !slices.Contains(roleIDs[k], r.ID) { // a role listed twice: once
				roleIDs[k] = append(roleIDs[k], r.ID)
			}
		}
	}
	wfIDs := make([][]string, len(s.wfSets))
	for k, ws := range s.wfSets {
		for _, w := range ws {
			if !slices.Contains(wfIDs[k], w) {
				wfIDs[k] = append(wfIDs[k], w)
			}
		}
	}
	// Two passes, counting then filling lists of exactly their length: no
	// append growth (up to twice the lists' size, at a million rows tens of
	// MB) while the warm-up overview computes beside the build.
	roles, wf, empByName := newLists[string](), newLists[string](), map[string][]int32{}
	exp, ef, area, employer, skill := newLists[int32](), newLists[int32](), newLists[int32](), newLists[int32](), newLists[int32]()
	for _, counting := range []bool{true, false} {
		empSeen := map[[2]int32]bool{}
		last := map[int32]int32{} // skill code → the last row counted (a spelling listed twice: once)
		for i := range s.rows {
			r, n := &s.rows[i], int32(i)
			for _, id := range roleIDs[r.roleSet] {
				roles.put(counting, id, n)
			}
			for _, w := range wfIDs[r.wfSet] {
				wf.put(counting, w, n)
			}
			exp.put(counting, r.exp, n)
			ef.put(counting, r.ef, n)
			area.put(counting, r.areaID, n)
			employer.put(counting, r.empID, n)
			if k := [2]int32{r.empID, r.empName}; !counting && !empSeen[k] {
				empSeen[k] = true
				name := s.dict[r.empName]
				empByName[name] = append(empByName[name], r.empID)
			}
			if r.skN != math.MaxUint16 {
				for _, c := range s.skills[r.skStart : r.skStart+uint32(r.skN)] {
					if l, ok := last[c]; !ok || l != n {
						last[c] = n
						skill.put(counting, c, n)
					}
				}
			}
		}
	}
	ix := &index{roles: roles.m, wf: wf.m, exp: exp.m, ef: ef.m, area: area.m, employer: employer.m, empByName: empByName, skill: skill.m}
	<-orders
	ix.byPub, ix.byPay = byPub, byPay
	s.ixp.Store(ix)
}

// lists are posting lists being built in two passes: counting, then filling.
type lists[K comparable] struct {
	n map[K]int
	m map[K][]int32
}

func newLists[K comparable]() lists[K] { return lists[K]{n: map[K]int{}, m: map[K][]int32{}} }

func (l lists[K]) put(counting bool, k K, row int32) {
	if counting {
		l.n[k]++
		return
	}
	x := l.m[k]
	if x == nil {
		x = make([]int32, 0, l.n[k])
	}
	l.m[k] = append(x, row)
}

// buildOrders sorts the rows by date and by pay, the two sorts on both
// cores. The row number breaks ties, so an unstable sort gives the stable
// order the list's own sort gives.
func (s *Snapshot) buildOrders() (byPub, byPay []int32) {
	byPub = make([]int32, len(s.rows))
	for i := range byPub {
		byPub[i] = int32(i)
	}
	byPay = slices.Clone(byPub)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		slices.SortFunc(byPay, func(a, b int32) int { return cmp.Or(s.byPay(int(a), int(b)), cmp.Compare(a, b)) })
	}()
	slices.SortFunc(byPub, func(a, b int32) int { return cmp.Or(s.byDate(int(a), int(b)), cmp.Compare(a, b)) })
	wg.Wait()
	return byPub, byPay
}

// IndexBytes is the memory the indexes hold (posting lists and the two
// orders, without the maps' own overhead), for the bench's report.
func (s *Snapshot) IndexBytes() int64 {
	ix := s.index()
	if ix == nil {
		return 0
	}
	n := int64(len(ix.byPub) + len(ix.byPay))
	for _, m := range []map[string][]int32{ix.roles, ix.wf} {
		for _, l := range m {
			n += int64(len(l))
		}
	}
	for _, m := range []map[int32][]int32{ix.exp, ix.ef, ix.area, ix.employer, ix.skill} {
		for _, l := range m {
			n += int64(len(l))
		}
	}
	return 4 * n
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
	ix := s.index()
	if ix == nil || f == nil {
		return nil, false
	}
	t, n := f.Terms(), len(s.rows)
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
	strs(ix.wf, t.WorkFormats)
	if t.Areas != nil {
		codes(ix.area, in(t.Areas))
	}
	if t.Experience != nil {
		codes(ix.exp, in(t.Experience))
	}
	if t.EmploymentForms != nil {
		codes(ix.ef, in(t.EmploymentForms))
	}
	if t.EmployerIDs != nil {
		dim := newBitmap(n)
		for c, rows := range ix.employer {
			if t.EmployerIDs[s.dict[c]] {
				dim.add(rows)
			}
		}
		for name, ids := range ix.empByName {
			if f.KeepsEmployerName(name) {
				for _, c := range ids {
					dim.add(ix.employer[c])
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
// are the scan's. A large selection is read on the other core: one
// goroutine tests and builds the vacancies in batches while the caller's fn
// (the analytics' one pass, single-threaded) consumes them.
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
	produce := func(emit func(store.Vacancy) bool) {
		sl := slab{fields: sf.Fields} // produce runs on one goroutine
		cand.each(func(i int) bool {
			if !s.keep(i, sf, since) {
				return true
			}
			if s.light(i, &lv, need); !f.Match(&lv) {
				return true
			}
			return emit(s.vacancyIn(i, &sl))
		})
	}
	if cand.count() < pipelineMin {
		var err error
		k := 0
		produce(func(v store.Vacancy) bool {
			if err = fn(v); err != nil {
				return false
			}
			if k++; k&4095 == 0 {
				err = ctx.Err()
			}
			return err == nil
		})
		if err != nil {
			return err
		}
		return ctx.Err()
	}
	return pipeline(ctx, produce, fn)
}

// batch is a pipeline's hand-over: batchSize vacancies and their codes.
type batch struct {
	vs    [batchSize]store.Vacancy
	codes [batchSize]store.Codes
	n     int
}

const batchSize = 512

// pipelineMin is the selection from which building the vacancies on
// another goroutine pays for the hand-over (a variable for the tests).
var pipelineMin = 8192

// pipeline runs produce on a goroutine, handing its vacancies to fn on
// this one in batches, in order. An error of fn or the context's end stops
// both.
func pipeline(ctx context.Context, produce func(emit func(store.Vacancy) bool), fn func(store.Vacancy) error) error {
	return pipelineBatches(ctx, produce, func(vs []store.Vacancy) error {
		for _, v := range vs {
			if err := fn(v); err != nil {
				return err
			}
		}
		return nil
	})
}

// pipelineBatches runs produce on a goroutine and calls fn on this one
// with its vacancies, batchSize at a time, in order; a batch, codes
// included, is valid until fn returns. An error of fn or the context's end
// stops both.
func pipelineBatches(ctx context.Context, produce func(emit func(store.Vacancy) bool), fn func([]store.Vacancy) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	full := make(chan *batch, 4)
	free := make(chan *batch, 6)
	go func() {
		defer close(full)
		b := new(batch)
		send := func() bool {
			select {
			case full <- b:
			case <-ctx.Done():
				return false
			}
			select {
			case b = <-free:
			default:
				b = new(batch)
			}
			return true
		}
		stopped := false
		produce(func(v store.Vacancy) bool {
			if v.Codes != nil {
				// The producer rewrites its codes for the next vacancy
				// (store.Codes): the batch holds a copy until fn has seen it.
				c := &b.codes[b.n]
				*c = *v.Codes
				v.Codes = c
			}
			b.vs[b.n] = v
			if b.n++; b.n < batchSize {
				return true
			}
			stopped = !send()
			return !stopped
		})
		if !stopped && b.n > 0 {
			send()
		}
	}()
	var err error
	for b := range full {
		if err == nil {
			if err = fn(b.vs[:b.n]); err != nil {
				cancel() // the producer stops; the loop drains what it sent
			}
			clear(b.vs[:b.n]) // drop the references before the batch is reused
			b.n = 0
			select {
			case free <- b:
			default:
			}
		}
	}
	if err != nil {
		return err
	}
	return ctx.Err()
}
