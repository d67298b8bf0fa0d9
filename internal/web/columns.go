package web

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"sync"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/filter"
	"github.com/hhjobs/hhjobs/internal/store"
)

// The snapshot counts the groups of a view itself (analytics.ColumnStore):
// every row's salary is normalised once per basis when the snapshot is
// ready, every value of a grouping dimension has a dense id, and a view
// counts its rows' groups in flat arrays, then drops each salary into its
// groups' slots of one array in ascending order, read off the rows sorted
// by salary once for all views. No per-group list grows and none is sorted,
// where the walk appended every salary to some ten lists and sorted each.

// Salary classes of a row: what acc.add does with it.
const (
	classNone     uint8 = iota // no salary published
	classExcluded              // published, no monthly RUR
	classOutlier               // outside the absolute bounds
	classValue                 // enters the figures
)

// countCols are the snapshot's columns of the groups, built once when the
// rosters are loaded (the salaries of shift and hour pay need them).
type countCols struct {
	bases  [2]basisCols // gross, net (analytics.Options.Net)
	post   postCols
	life   lifeCols
	rows   []crow
	ndense [nDims]int32
	// The weeks and months of publication and closing: crow's are offsets
	// from weekLo and monthLo (analytics.TrendRow's Week as (day+3)/7, the
	// number of its Monday since 1970-01-01's, and its Month), weekN and
	// monthN of them in all.
	weekLo, monthLo, weekN, monthN int32
	// The dense ids of each set of roles and of work formats (Snapshot.roleCodes, wfCodes).
	roleIDs, wfIDs [][]int32
	// The skills' columns (skillcols.go): per dense experience, its place
	// in analytics.ExperienceOrder plus one; the skills folded once per
	// set of synonyms.
	expOrd []uint8
	folds  foldCache
	// mixKeys are the distinct keys of the salary mix, basisCols.mix's codes.
	mixKeys []analytics.MixKey
	pool    sync.Pool // of *countScratch
}

// crow is a row as the count reads it: the dense ids of its values (a set
// of roles or of work formats by its index), a few flags, and the naive
// lifetime. 32 bytes where the snapshot's row is 96: a view of a third of
// a million rows read its rows' cache lines a third of its time.
type crow struct {
	roleSet, wfSet int32
	area, emp      int32
	region         uint16
	exp, ef        uint8
	flags          uint8 // row*
	life           uint8 // life*
	naive          int64 // published_at → closed_at, ns, when lifeClosed
	// The week and month of publication and (c: not rowOpen) of closing.
	week, month, cweek, cmonth uint16
}

// Row flags.
const (
	rowOpen    uint8 = 1 << iota // not closed
	rowHeld                      // held back by the walk for its roster (analytics.NeedsRoster)
	rowChecked                   // checked for copies (analytics.PostingKeys)
	rowWF                        // names a work format
	rowRemote                    // REMOTE among them
	rowHybrid                    // HYBRID among them
	rowDetail                    // in the skills' base (analytics.HasDetails)
)

// nDims is len(analytics.Dims).
const nDims = 7

// The periods count as two more dimensions of the counter (its tuples
// beyond the query's): the week and the month of publication.
const (
	dWeek = nDims + iota
	dMonth
	nKeys
)

// Dims indexes (analytics.Dims, in order).
const (
	dRole = iota
	dExperience
	dArea
	dRegion
	dEmployer
	dWorkFormat
	dEmploymentForm
)

// basisCols are the rows' salaries on one basis.
type basisCols struct {
	class  []uint8
	order  []int32   // the rows of classValue, by monthly RUR ascending
	sorted []float64 // their monthly RUR, in that order
	rank   []int32   // per row of classValue, its place in order
	mix    []uint16  // per row, its analytics.MixKey (countCols.mixKeys)
}

// postCols are the rows the postings section checks for copies
// (analytics.PostingKeys), in the order it sorts them.
type postCols struct {
	order []int32  // the rows checked by posting key, day and id
	key   []uint64 // of order[k]
	day   []int32  // of order[k], a civil day
	area  []int32  // of order[k], dense (crow.area: read in this order, not the rows')
}

// lifeCols are the rows' lifetimes (analytics.NewLifeRow): a few flags a
// row, and the times of each kind the Kaplan–Meier estimate reads, sorted
// once for every view.
type lifeCols struct {
	entries, events, censed sortedTimes
}

// sortedTimes are rows and a time of each, ascending, with each row's
// experience (crow.exp): a view reads them in this order, and a look-up in
// the rows at random would cost it a cache miss a row.
type sortedTimes struct {
	rows  []int32
	times []float64
	exp   []uint8
}

// Lifetime flags of a row.
const (
	lifeEvent   uint8 = 1 << iota // closed
	lifeAtRisk                    // left after it entered (exit > entry)
	lifeInitial                   // started at initial_created_at
	lifeClosed                    // closed with a known published_at (the naive mean)
)

// noCodes stands for an empty list of roles or work formats: the groups
// count it once, under the key "" (dictionary code 0).
var noCodes = []int32{0}

// buildColumns builds the groups' columns; it needs the rosters.
func (s *Snapshot) buildColumns() {
	mp := s.rosters.Load()
	if mp == nil || len(s.rows) == 0 {
		return
	}
	if len(analytics.Dims) != nDims {
		panic("web: analytics.Dims changed: update nDims")
	}
	gc := &countCols{rows: make([]crow, len(s.rows))}
	// dense[d] maps a dictionary code (for the region: the area's code) to
	// the dense id of the value, -1 for none.
	var dense [nDims][]int32
	for d := range dense {
		dense[d] = make([]int32, len(s.dict))
		for i := range dense[d] {
			dense[d][i] = -1
		}
	}
	see := func(d int, c int32) {
		if dense[d][c] < 0 {
			dense[d][c] = gc.ndense[d]
			gc.ndense[d]++
		}
	}
	regions := map[string]int32{}
	for i := range s.rows {
		r := &s.rows[i]
		for _, c := range orNone(s.roleCodes[r.roleSet]) {
			see(dRole, c)
		}
		see(dExperience, r.exp)
		see(dArea, r.areaID)
		if dense[dRegion][r.areaID] < 0 {
			k := s.areaIndex.Region(s.dict[r.areaID])
			id, ok := regions[k]
			if !ok {
				id = int32(len(regions))
				regions[k] = id
			}
			dense[dRegion][r.areaID] = id
		}
		see(dEmployer, r.empID)
		for _, c := range orNone(s.wfCodes[r.wfSet]) {
			see(dWorkFormat, c)
		}
		see(dEmploymentForm, r.ef)
	}
	gc.ndense[dRegion] = int32(len(regions))
	// The narrow fields of crow: a store with more values than they hold
	// has its views counted by the walk.
	if gc.ndense[dExperience] > math.MaxUint8 || gc.ndense[dEmploymentForm] > math.MaxUint8 || gc.ndense[dRegion] > math.MaxUint16 {
		return
	}
	sets := func(codes [][]int32, d int) [][]int32 {
		out := make([][]int32, len(codes))
		for j, cs := range codes {
			for _, c := range orNone(cs) {
				out[j] = append(out[j], dense[d][c])
			}
		}
		return out
	}
	gc.roleIDs, gc.wfIDs = sets(s.roleCodes, dRole), sets(s.wfCodes, dWorkFormat)
	gc.expOrd = make([]uint8, gc.ndense[dExperience])
	for c, id := range dense[dExperience] {
		if id >= 0 {
			gc.expOrd[id] = uint8(slices.Index(analytics.ExperienceOrder, s.dict[c]) + 1)
		}
	}
	for i := range s.rows {
		r, c := &s.rows[i], &gc.rows[i]
		*c = crow{roleSet: r.roleSet, wfSet: r.wfSet, area: dense[dArea][r.areaID], emp: dense[dEmployer][r.empID],
			region: uint16(dense[dRegion][r.areaID]), exp: uint8(dense[dExperience][r.exp]), ef: uint8(dense[dEmploymentForm][r.ef])}
		if r.closed == nilTime {
			c.flags |= rowOpen
		}
	}
	for b := range gc.bases {
		gc.bases[b] = basisCols{class: make([]uint8, len(s.rows)), rank: make([]int32, len(s.rows)), mix: make([]uint16, len(s.rows))}
	}
	mixes := make([]mixTable, parts()) // the mix's keys of each part, merged below
	keys, days := make([]uint64, len(s.rows)), make([]int32, len(s.rows))
	value := [2][]float64{make([]float64, len(s.rows)), make([]float64, len(s.rows))} // per basis and row
	entry, exit := make([]float64, len(s.rows)), make([]float64, len(s.rows))
	// Normalising a million salaries twice takes a second of one core:
	// both cores take half the rows each.
	bad := make([]bool, parts()) // a period out of crow's range, per part
	_ = runParts(context.Background(), parts(), func(_ context.Context, k int) error {
		n := parts()
		sl := slab{}
		var pk analytics.PostingKeys // one per goroutine: it caches folded titles
		mt := &mixes[k]
		for i := k * len(s.rows) / n; i < (k+1)*len(s.rows)/n; i++ {
			v, c := s.vacancyIn(i, &sl), &gc.rows[i]
			if key, day, ok := pk.Key(&v); ok {
				keys[i], days[i] = key, int32(day)
				c.flags |= rowChecked
			}
			tr := analytics.NewTrendRow(&v)
			c.flags |= flag(tr.HasWF, rowWF) | flag(tr.Remote, rowRemote) | flag(tr.Hybrid, rowHybrid) |
				flag(analytics.HasDetails(&v), rowDetail)
			var ok [4]bool
			c.week, ok[0] = period((tr.Week + 3) / 7)
			c.month, ok[1] = period(tr.Month)
			ok[2], ok[3] = true, true
			if tr.Closed {
				c.cweek, ok[2] = period((tr.ClosedWeek + 3) / 7)
				c.cmonth, ok[3] = period(tr.ClosedMonth)
			}
			if tr.Week < -3 || tr.ClosedWeek < -3 || ok != [4]bool{true, true, true, true} {
				bad[k] = true
			}
			lr := analytics.NewLifeRow(&v)
			entry[i], exit[i], c.naive = lr.Entry, lr.Exit, int64(lr.Naive)
			c.life = flag(lr.Event, lifeEvent) | flag(lr.Exit > lr.Entry, lifeAtRisk) |
				flag(lr.Initial, lifeInitial) | flag(lr.Closed, lifeClosed)
			var roster *store.Roster
			if analytics.NeedsRoster(&v) {
				c.flags |= rowHeld
				roster = (*mp)[v.ID]
			}
			for b := range gc.bases {
				sal := analytics.NormaliseRoster(v, roster, s.ratesIndex, analytics.Options{Net: b == 1})
				c := &gc.bases[b]
				c.mix[i] = mt.code(analytics.NewMixKey(&v, sal))
				switch {
				case !sal.Disclosed():
					c.class[i] = classNone
				case !sal.OK:
					c.class[i] = classExcluded
				case sal.Flags.Has(analytics.FlagOutlier):
					c.class[i] = classOutlier
				default:
					c.class[i], value[b][i] = classValue, sal.MonthlyRUR
				}
			}
		}
		return nil
	})
	if slices.Contains(bad, true) || !gc.mergeMixes(mixes, len(s.rows)) {
		return
	}
	gc.periods()
	for b := range gc.bases {
		c := &gc.bases[b]
		for i, cl := range c.class {
			if cl == classValue {
				c.order = append(c.order, int32(i))
			}
		}
		slices.SortFunc(c.order, func(x, y int32) int { return cmp.Compare(value[b][x], value[b][y]) })
		c.sorted = make([]float64, len(c.order))
		for k, i := range c.order {
			c.sorted[k], c.rank[i] = value[b][i], int32(k)
		}
	}
	l := &gc.life
	for i := range gc.rows {
		f := gc.rows[i].life
		if f&lifeAtRisk == 0 {
			continue
		}
		l.entries.rows = append(l.entries.rows, int32(i))
		if f&lifeEvent != 0 {
			l.events.rows = append(l.events.rows, int32(i))
		} else {
			l.censed.rows = append(l.censed.rows, int32(i))
		}
	}
	l.entries.sortBy(entry, gc.rows)
	l.events.sortBy(exit, gc.rows)
	l.censed.sortBy(exit, gc.rows)
	p := &gc.post
	for i := range gc.rows {
		if gc.rows[i].flags&rowChecked != 0 {
			p.order = append(p.order, int32(i))
		}
	}
	slices.SortFunc(p.order, func(x, y int32) int {
		if c := cmp.Compare(keys[x], keys[y]); c != 0 {
			return c
		}
		if c := cmp.Compare(days[x], days[y]); c != 0 {
			return c
		}
		return strings.Compare(s.id(&s.rows[x]), s.id(&s.rows[y]))
	})
	p.key, p.day, p.area = make([]uint64, len(p.order)), make([]int32, len(p.order)), make([]int32, len(p.order))
	for k, i := range p.order {
		p.key[k], p.day[k], p.area[k] = keys[i], days[i], gc.rows[i].area
	}
	gc.fold(s, analytics.DefaultSynonyms()) // the dashboard's, before its first view asks
	s.cols.Store(gc)
}

// sortBy sorts t.rows by time[row] and keeps the times and experiences.
func (t *sortedTimes) sortBy(time []float64, rows []crow) {
	slices.SortFunc(t.rows, func(x, y int32) int { return cmp.Compare(time[x], time[y]) })
	t.times, t.exp = make([]float64, len(t.rows)), make([]uint8, len(t.rows))
	for k, i := range t.rows {
		t.times[k], t.exp[k] = time[i], rows[i].exp
	}
}

// period returns x as a week's or month's number in crow.
func period(x int64) (uint16, bool) {
	if x < 0 || x > math.MaxUint16 {
		return 0, false
	}
	return uint16(x), true
}

// periods turns the rows' weeks and months into offsets from the earliest.
func (gc *countCols) periods() {
	wlo, whi, mlo, mhi := uint16(math.MaxUint16), uint16(0), uint16(math.MaxUint16), uint16(0)
	for i := range gc.rows {
		r := &gc.rows[i]
		wlo, whi, mlo, mhi = min(wlo, r.week), max(whi, r.week), min(mlo, r.month), max(mhi, r.month)
		if r.flags&rowOpen == 0 {
			wlo, whi, mlo, mhi = min(wlo, r.cweek), max(whi, r.cweek), min(mlo, r.cmonth), max(mhi, r.cmonth)
		}
	}
	gc.weekLo, gc.weekN, gc.monthLo, gc.monthN = int32(wlo), int32(whi)-int32(wlo)+1, int32(mlo), int32(mhi)-int32(mlo)+1
	for i := range gc.rows {
		r := &gc.rows[i]
		r.week, r.month = r.week-wlo, r.month-mlo
		if r.flags&rowOpen == 0 {
			r.cweek, r.cmonth = r.cweek-wlo, r.cmonth-mlo
		}
	}
}

// flag is f when ok.
func flag(ok bool, f uint8) uint8 {
	if ok {
		return f
	}
	return 0
}

func orNone(codes []int32) []int32 {
	if len(codes) == 0 {
		return noCodes
	}
	return codes
}

// Counts reports whether the snapshot counts groups from its columns
// (analytics.ColumnStore): once they are built, for what it holds.
func (s *Snapshot) Counts(f store.Filter, _ analytics.Options) bool {
	return !fromSource(f) && s.cols.Load() != nil
}

// Count counts the groups of q from the columns (analytics.ColumnStore).
func (s *Snapshot) Count(ctx context.Context, q analytics.ColumnQuery) (*analytics.ColumnAnswer, error) {
	return s.CountFiltered(ctx, q.Filter, nil, q)
}

// CountsFiltered is Counts through a filter (filter.ColumnFilteringStore).
func (s *Snapshot) CountsFiltered(sf store.Filter, _ *filter.Filter, o analytics.Options) bool {
	return s.Counts(sf, o)
}

// CountFiltered counts the groups of q among the rows f selects within sf
// (filter.ColumnFilteringStore; f nil: every row sf keeps).
func (s *Snapshot) CountFiltered(ctx context.Context, sf store.Filter, f *filter.Filter, q analytics.ColumnQuery) (*analytics.ColumnAnswer, error) {
	gc := s.cols.Load()
	basis := &gc.bases[0]
	if q.Options.Net {
		basis = &gc.bases[1]
	}
	rows, err := s.selection(ctx, sf, f)
	if err != nil {
		return nil, err
	}
	sinkRows(ctx, rows)
	sc := gc.scratch(len(s.rows))
	c := &counter{s: s, gc: gc, basis: basis, tuples: make([]tupleCount, len(q.Tuples)), named: len(q.Tuples),
		pos: sc.pos, refs: sc.refs[:0], ends: sc.ends[:0], vals: sc.vals[:0]}
	for t, dims := range q.Tuples {
		c.tuples[t] = newTupleCount(gc, dims)
	}
	if q.Trends {
		c.tuples = append(c.tuples, periodTuple(dWeek, gc.weekN), periodTuple(dMonth, gc.monthN))
		c.weeks, c.months = make([]periodExtra, gc.weekN), make([]periodExtra, gc.monthN)
	}
	if q.Postings {
		c.postN, c.postFirst = make([]int32, gc.ndense[dEmployer]), make([]int32, gc.ndense[dEmployer])
		for e := range c.postFirst {
			c.postFirst[e] = -1
		}
	}
	if q.Lifetimes {
		c.life = make([]lifeCount, gc.ndense[dExperience])
		for e := range c.life {
			c.life[e].first = -1
		}
	}
	// The skills and the salary mix read no group: the other core counts
	// them meanwhile (and the analytics finish the skills there).
	side := make(chan struct{})
	var skills *analytics.SkillCounts
	var mix []analytics.MixCount
	var sideErr error
	go func() {
		defer close(side)
		defer func() {
			if p := recover(); p != nil { // as a panic of the count (analytics.startColumns)
				sideErr = fmt.Errorf("panic counting the skills: %v", p)
			}
		}()
		if q.Skills {
			if skills = c.skillCounts(rows, q); q.SkillsCounted != nil {
				q.SkillsCounted(skills)
			}
		}
		if q.Mix {
			mix = c.mixCounts(rows)
		}
	}()
	defer func() { <-side }() // an early return leaves nothing running
	// The refs of the rows whose salaries enter the figures, about one per
	// tuple each, in one allocation: grown by appending, a whole country's
	// held one and a half times its size for a moment, at the peak of the
	// server's memory.
	salaried := 0
	for _, i := range rows {
		if basis.class[i] == classValue {
			salaried++
		}
	}
	if need := salaried * (len(c.tuples) + 1); cap(c.refs) < need {
		c.refs = make([]int32, 0, need)
	}
	if cap(c.ends) < salaried {
		c.ends = make([]int32, 0, salaried)
	}
	// Pass 1, in the order of Compute's walk (the rows it holds for their
	// rosters last): the counts, and each group's first row, which names it.
	for pass := range 2 {
		for k, i := range rows {
			if (gc.rows[i].flags&rowHeld != 0) != (pass == 1) {
				continue
			}
			c.count(i)
			if k&4095 == 0 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
		}
	}
	// Pass 2, by salary: each salary into its groups' slots, ascending
	// (none asked for the lifetimes alone: analytics.ComputeLifetime).
	// The groups' names, the lifetimes and the postings read no salary:
	// another goroutine works them out meanwhile.
	sel := newBitmap(len(s.rows))
	sel.add(rows)
	var names [][]groupName
	var postings *analytics.Postings
	var lifetimes *analytics.Lifetimes
	aside := make(chan struct{})
	var asideErr error
	go func() {
		defer close(aside)
		defer func() {
			if p := recover(); p != nil {
				asideErr = fmt.Errorf("panic naming the groups: %v", p)
			}
		}()
		names = c.names()
		if q.Postings {
			postings = c.postings(sel)
		}
		if q.Lifetimes {
			lifetimes = c.lifetimes(sel)
		}
	}()
	if len(q.Tuples) > 0 || q.Postings || q.Trends || q.Skills || q.Mix || !q.Lifetimes {
		c.place(rows, sel)
		c.placed = true
	}
	if <-aside; asideErr != nil {
		return nil, asideErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ans := c.answer(names)
	ans.Postings, ans.Lifetimes = postings, lifetimes
	if <-side; sideErr != nil {
		return nil, sideErr
	}
	ans.Skills, ans.Mix = skills, mix
	ans.Release = func() { gc.release(&countScratch{pos: c.pos, refs: c.refs, ends: c.ends, vals: c.vals}) }
	return ans, nil
}

// countScratch are a count's large buffers (counter's pos, refs, ends and
// vals: some 40 MB for a third of a million rows), taken back when the
// analytics are done with the answer (analytics.ColumnAnswer.Release) and
// reused by a later count: allocated anew at every view, they made the
// collector mark the snapshot's 350 MB of live heap every second view.
type countScratch struct {
	pos, refs, ends []int32
	vals            []float64
}

// poisonReleased makes release overwrite the buffers it takes back (a
// variable for the tests: a figure that still read them would show it).
var poisonReleased = false

// scratch returns buffers for a count, pos of n rows.
func (gc *countCols) scratch(n int) *countScratch {
	if sc, _ := gc.pool.Get().(*countScratch); sc != nil && len(sc.pos) == n {
		return sc
	}
	return &countScratch{pos: make([]int32, n)}
}

// release takes back a count's buffers.
func (gc *countCols) release(sc *countScratch) {
	if poisonReleased {
		for i := range sc.vals {
			sc.vals[i] = math.NaN()
		}
		for _, b := range [][]int32{sc.pos, sc.refs, sc.ends} {
			for i := range b {
				b[i] = -1
			}
		}
	}
	gc.pool.Put(sc)
}

// selection returns the rows f selects within sf, ascending.
func (s *Snapshot) selection(ctx context.Context, sf store.Filter, f *filter.Filter) ([]int32, error) {
	since := sinceNano(sf)
	var rows []int32
	if f == nil {
		for i := range s.rows {
			if s.keep(i, sf, since) {
				rows = append(rows, int32(i))
			}
		}
		return rows, ctx.Err()
	}
	cand := s.candidatesOrAll(f, sf)
	rows = make([]int32, 0, cand.count())
	need := f.Fields()
	var lv store.Vacancy
	cand.each(func(i int) bool {
		if s.keep(i, sf, since) {
			if s.light(i, &lv, need); f.Match(&lv) {
				rows = append(rows, int32(i))
			}
		}
		return len(rows)&4095 != 0 || ctx.Err() == nil
	})
	return rows, ctx.Err()
}

// groupCount is one group being counted.
type groupCount struct {
	vacancies, open, disclosed, excluded, outliers int32
	n                                              int32 // salaries (classValue)
	first                                          int32 // the row that opened it
	at                                             int32 // pass 2: its next slot in counter.vals
}

func (g *groupCount) add(class uint8, open bool) {
	g.vacancies++
	if open {
		g.open++
	}
	switch class {
	case classExcluded:
		g.disclosed++
		g.excluded++
	case classOutlier:
		g.disclosed++
		g.outliers++
	case classValue:
		g.disclosed++
		g.n++
	}
}

// tupleCount are the groups of one tuple of dimensions. A combination of
// dense ids is a slot number (mixed radix); slots holds its group's index
// in groups plus one, or, when the combinations are too many for an array,
// the map does.
type tupleCount struct {
	dims   []int // indexes in analytics.Dims
	one    int   // the dimension when it is the only one and a row has one value of it (not roles, not work formats), else -1
	radix  []int64
	slots  []int32
	slotM  map[int64]int32
	groups []groupCount
}

// maxSlots bounds a tuple's array of slots (4 MB); the combinations of
// more go to a map.
const maxSlots = 1 << 20

// periodTuple is the tuple of the weeks or months (d), n of them.
func periodTuple(d int, n int32) tupleCount {
	return tupleCount{dims: []int{d}, one: d, radix: []int64{1}, slots: make([]int32, n)}
}

// periodExtra is what a week or month counts besides its group.
type periodExtra struct{ closed, wfBase, remote, hybrid int32 }

func newTupleCount(gc *countCols, dims []analytics.Dim) tupleCount {
	t := tupleCount{one: -1}
	size := int64(1)
	for _, d := range dims {
		i := slices.Index(analytics.Dims, d)
		t.dims = append(t.dims, i)
		t.radix = append(t.radix, size)
		size *= max(int64(gc.ndense[i]), 1)
		if size > math.MaxInt64/1024 {
			size = math.MaxInt64 / 1024
		}
	}
	if len(t.dims) == 1 && t.dims[0] != dRole && t.dims[0] != dWorkFormat {
		t.one = t.dims[0]
	}
	if size <= maxSlots {
		t.slots = make([]int32, size)
	} else {
		t.slotM = map[int64]int32{}
	}
	return t
}

// counter counts one view's groups.
type counter struct {
	s      *Snapshot
	gc     *countCols
	basis  *basisCols
	tuples []tupleCount
	total  groupCount
	ids    [nKeys][]int32 // the current row's dense ids of each dimension
	one    [nKeys][1]int32
	named  int // tuples[:named] are the query's, the rest the periods'
	// With the trends: per week and month (offsets), what they count
	// besides their groups.
	weeks, months []periodExtra
	buf           []int64 // the current row's slots in one tuple
	// The groups of each row whose salary enters the figures: row i's are
	// refs[ends[k-1]:ends[k]] (tuple<<refBits | group), k = pos[i]-1.
	pos        []int32
	refs, ends []int32
	vals       []float64 // every group's salaries, group after group
	placed     bool      // vals holds them (place)
	// With the postings: per dense employer id, the rows checked and the
	// first of them in the walk's order (-1: none).
	postN, postFirst []int32
	// With the lifetimes: the total and one per dense experience id, with
	// its first row in the walk's order (-1: none).
	life      []lifeCount
	lifeTotal lifeCount
}

// lifeCount is analytics.LifeAcc being counted.
type lifeCount struct {
	analytics.LifeAcc
	first int32
	// The sizes of the lists (at risk, of them closed) and, in lifetimes,
	// the next free place in each.
	atRisk, events int32
	at             [3]int32
}

func (l *lifeCount) add(f uint8, naive int64) {
	l.N++
	if f&lifeEvent == 0 {
		l.Censored++
	} else if f&lifeAtRisk == 0 {
		l.Dropped++
	}
	if f&lifeAtRisk != 0 {
		l.atRisk++
		if f&lifeEvent != 0 {
			l.events++
		}
	}
	if f&lifeInitial != 0 {
		l.Initial++
	}
	if f&lifeClosed != 0 {
		l.ClosedN++
		lo, carry := bits.Add64(l.ClosedNs[1], uint64(naive), 0)
		l.ClosedNs[0], l.ClosedNs[1] = l.ClosedNs[0]+carry, lo
	}
}

// values sets c.ids to row i's dense ids.
func (c *counter) values(i int32) {
	r := &c.gc.rows[i]
	c.ids[dRole], c.ids[dWorkFormat] = c.gc.roleIDs[r.roleSet], c.gc.wfIDs[r.wfSet]
	c.one[dExperience][0], c.one[dArea][0], c.one[dRegion][0] = int32(r.exp), r.area, int32(r.region)
	c.one[dEmployer][0], c.one[dEmploymentForm][0] = r.emp, int32(r.ef)
	c.one[dWeek][0], c.one[dMonth][0] = int32(r.week), int32(r.month)
	for _, d := range [...]int{dExperience, dArea, dRegion, dEmployer, dEmploymentForm, dWeek, dMonth} {
		c.ids[d] = c.one[d][:]
	}
}

// slots appends to buf the slot of every combination of the current row's
// values of t's dimensions, in the order Compute's grouper walks them (a
// vacancy with two roles counts in both).
func (c *counter) slots(t *tupleCount, buf []int64) []int64 {
	switch len(t.dims) {
	case 1:
		for _, a := range c.ids[t.dims[0]] {
			buf = append(buf, int64(a))
		}
	case 2:
		for _, a := range c.ids[t.dims[0]] {
			for _, b := range c.ids[t.dims[1]] {
				buf = append(buf, int64(a)+int64(b)*t.radix[1])
			}
		}
	case 3:
		for _, a := range c.ids[t.dims[0]] {
			for _, b := range c.ids[t.dims[1]] {
				for _, x := range c.ids[t.dims[2]] {
					buf = append(buf, int64(a)+int64(b)*t.radix[1]+int64(x)*t.radix[2])
				}
			}
		}
	default:
		var walk func(k int, slot int64)
		walk = func(k int, slot int64) {
			if k == len(t.dims) {
				buf = append(buf, slot)
				return
			}
			for _, id := range c.ids[t.dims[k]] {
				walk(k+1, slot+int64(id)*t.radix[k])
			}
		}
		walk(0, 0)
	}
	return buf
}

// group returns the index of the group of slot, -1 when there is none.
func (t *tupleCount) group(slot int64) int32 {
	if t.slots != nil {
		return t.slots[slot] - 1
	}
	if g, ok := t.slotM[slot]; ok {
		return g - 1
	}
	return -1
}

func (t *tupleCount) open(slot int64, first int32) int32 {
	g := int32(len(t.groups))
	t.groups = append(t.groups, groupCount{first: first})
	if t.slots != nil {
		t.slots[slot] = g + 1
	} else {
		t.slotM[slot] = g + 1
	}
	return g
}

// A view whose salaries are fewer than 1/narrowShare of the snapshot's
// sorts them itself rather than scan the snapshot's order (a variable for
// the tests, which take either way).
var narrowShare = 16

// refBits is the bits of a group's index in a ref (the tuple above).
const refBits = 24

// count adds row i; the groups of a row whose salary enters the figures
// are remembered for place.
func (c *counter) count(i int32) {
	r := &c.gc.rows[i]
	class, open := c.basis.class[i], r.flags&rowOpen != 0
	if c.life != nil {
		c.lifeTotal.add(r.life, r.naive)
		l := &c.life[r.exp]
		if l.add(r.life, r.naive); l.first < 0 {
			l.first = i
		}
	}
	if c.weeks != nil {
		for _, x := range [2]struct {
			p          []periodExtra
			pub, close uint16
		}{{c.weeks, r.week, r.cweek}, {c.months, r.month, r.cmonth}} {
			if r.flags&rowWF != 0 {
				e := &x.p[x.pub]
				e.wfBase++
				if r.flags&rowRemote != 0 {
					e.remote++
				}
				if r.flags&rowHybrid != 0 {
					e.hybrid++
				}
			}
			if r.flags&rowOpen == 0 {
				x.p[x.close].closed++
			}
		}
	}
	if c.postN != nil && r.flags&rowChecked != 0 {
		e := r.emp
		if c.postN[e]++; c.postFirst[e] < 0 {
			c.postFirst[e] = i
		}
	}
	c.total.add(class, open)
	c.values(i)
	if class == classValue {
		c.pos[i] = int32(len(c.ends)) + 1
	}
	for ti := range c.tuples {
		t := &c.tuples[ti]
		if t.one >= 0 && t.slots != nil { // one value of one dimension: its dense id is the slot
			slot := c.one[t.one][0]
			g := t.slots[slot] - 1
			if g < 0 {
				g = t.open(int64(slot), i)
			}
			t.groups[g].add(class, open)
			if class == classValue {
				c.refs = append(c.refs, int32(ti)<<refBits|g)
			}
			continue
		}
		c.buf = c.slots(t, c.buf[:0])
		for _, slot := range c.buf {
			g := t.group(slot)
			if g < 0 {
				g = t.open(slot, i)
			}
			t.groups[g].add(class, open)
			if class == classValue {
				c.refs = append(c.refs, int32(ti)<<refBits|g)
			}
		}
	}
	if class == classValue {
		c.ends = append(c.ends, int32(len(c.refs)))
	}
}

// place drops the salaries of the rows counted into their groups' slots,
// ascending.
func (c *counter) place(rows []int32, sel bitmap) {
	size := int(c.total.n)
	for ti := range c.tuples {
		if len(c.tuples[ti].groups) >= 1<<refBits {
			panic("web: a grouping of more than 16,777,216 groups")
		}
		for gi := range c.tuples[ti].groups {
			g := &c.tuples[ti].groups[gi]
			g.at = int32(size)
			size += int(g.n)
		}
	}
	if cap(c.vals) < size {
		c.vals = make([]float64, size)
	}
	c.vals = c.vals[:size]
	c.total.at = 0
	put := func(i int32, x float64) {
		c.vals[c.total.at] = x
		c.total.at++
		k := c.pos[i] - 1
		from := int32(0)
		if k > 0 {
			from = c.ends[k-1]
		}
		for _, ref := range c.refs[from:c.ends[k]] {
			g := &c.tuples[ref>>refBits].groups[ref&(1<<refBits-1)]
			c.vals[g.at] = x
			g.at++
		}
	}
	// A narrow view sorts its own salaries; a broad one reads them off the
	// snapshot's order.
	if int(c.total.n)*narrowShare < len(c.basis.order) {
		mine := make([]int32, 0, c.total.n) // places in the order
		for _, i := range rows {
			if c.basis.class[i] == classValue {
				mine = append(mine, c.basis.rank[i])
			}
		}
		slices.Sort(mine)
		for _, k := range mine {
			put(c.basis.order[k], c.basis.sorted[k])
		}
		return
	}
	for k, i := range c.basis.order {
		if sel.has(i) {
			put(i, c.basis.sorted[k])
		}
	}
}

// answer turns the counts into the analytics' groups, named after their
// first rows.
func (c *counter) answer(names [][]groupName) *analytics.ColumnAnswer {
	ans := &analytics.ColumnAnswer{Total: c.acc(&c.total, 0), Tuples: make([][]analytics.GroupAcc, c.named)}
	if c.weeks != nil {
		ans.Weekly = c.periods(&c.tuples[c.named], c.weeks, func(k int32) int64 { return 7*int64(c.gc.weekLo+k) - 3 })
		ans.Monthly = c.periods(&c.tuples[c.named+1], c.months, func(k int32) int64 { return int64(c.gc.monthLo + k) })
	}
	for ti := range c.tuples[:c.named] {
		t := &c.tuples[ti]
		out := make([]analytics.GroupAcc, len(t.groups))
		for gi := range t.groups {
			g := &t.groups[gi]
			out[gi] = c.acc(g, g.at-g.n)
			out[gi].Key, out[gi].Label = names[ti][gi].key, names[ti][gi].label
		}
		ans.Tuples[ti] = out
	}
	return ans
}

// groupName is a group's key and label.
type groupName struct{ key, label []string }

// names names the groups of the query's tuples (after the count, beside place).
func (c *counter) names() [][]groupName {
	out := make([][]groupName, c.named)
	var v store.Vacancy
	for ti := range c.tuples[:c.named] {
		t := &c.tuples[ti]
		out[ti] = make([]groupName, len(t.groups))
		for gi := range t.groups {
			out[ti][gi].key, out[ti][gi].label = c.name(t, t.groups[gi].first, &v, int32(gi))
		}
	}
	return out
}

func (c *counter) periods(t *tupleCount, extra []periodExtra, key func(int32) int64) []analytics.PeriodAcc {
	var out []analytics.PeriodAcc
	for k := range int32(len(extra)) {
		g, e := t.group(int64(k)), &extra[k]
		if g < 0 && e.closed == 0 {
			continue
		}
		p := analytics.PeriodAcc{Key: key(k), Closed: int(e.closed), WFBase: int(e.wfBase), Remote: int(e.remote), Hybrid: int(e.hybrid)}
		if g >= 0 {
			gc := &t.groups[g]
			p.GroupAcc = c.acc(gc, gc.at-gc.n)
		}
		out = append(out, p)
	}
	return out
}

func (c *counter) acc(g *groupCount, from int32) analytics.GroupAcc {
	a := analytics.GroupAcc{
		Vacancies: int(g.vacancies), Open: int(g.open), Disclosed: int(g.disclosed), Excluded: int(g.excluded),
		OutliersAbs: int(g.outliers),
	}
	if c.placed {
		a.Vals = c.vals[from : from+g.n : from+g.n]
	}
	return a
}

// name returns the key and label of group gi of t from its first row: the
// values of the row whose combination is the group's.
func (c *counter) name(t *tupleCount, first int32, v *store.Vacancy, gi int32) (key, label []string) {
	c.s.named(first, v)
	c.values(first)
	key, label = make([]string, len(t.dims)), make([]string, len(t.dims))
	// The position of the group's combination among the row's: its values'
	// positions, mixed radix.
	k := slices.IndexFunc(c.slots(t, nil), func(slot int64) bool { return t.group(slot) == gi })
	for j := len(t.dims) - 1; j >= 0; j-- {
		d := t.dims[j]
		n := len(c.ids[d])
		keys, labels := analytics.GroupValues(c.s.areaIndex, analytics.Dims[d], v)
		key[j], label[j] = keys[k%n], labels[k%n]
		k /= n
	}
	return key, label
}

// postings finds the mass postings among rows as the postings section
// does: the rows checked, in the snapshot's order of posting key, day and
// id; a run of one key whose days are at most analytics.MassWindowDays
// apart is one posting, and when it spans areas every row but its first
// is a copy.
func (c *counter) postings(sel bitmap) *analytics.Postings {
	p := c.gc.post
	out := &analytics.Postings{}
	copies := map[int32]int{} // per dense employer id
	var run []int32
	multi := false
	flush := func() {
		if multi {
			for _, i := range run[1:] {
				copies[c.gc.rows[i].emp]++
				out.Copies++
			}
		}
	}
	var key uint64
	var day, area int32 // of the run, its last day and its first area
	for k, i := range p.order {
		if !sel.has(i) {
			continue
		}
		out.Checked++
		if len(run) > 0 && p.key[k] == key && int64(p.day[k])-int64(day) <= analytics.MassWindowDays {
			run = append(run, i)
			multi = multi || p.area[k] != area
		} else {
			flush()
			run, multi, key, area = append(run[:0], i), false, p.key[k], p.area[k]
		}
		day = p.day[k]
	}
	flush()
	for e, n := range copies {
		r := &c.s.rows[c.postFirst[e]]
		out.ByEmployer = append(out.ByEmployer, analytics.EmployerCopies{EmployerID: c.s.dict[r.empID], Employer: c.s.dict[r.empName],
			Vacancies: int(c.postN[e]), Copies: n, Share: float64(n) / float64(c.postN[e])})
	}
	slices.SortFunc(out.ByEmployer, func(a, b analytics.EmployerCopies) int {
		if x := cmp.Compare(b.Copies, a.Copies); x != 0 {
			return x
		}
		return cmp.Compare(a.EmployerID, b.EmployerID)
	})
	return out
}

// lifetimes collects the lifetimes' samples of the rows in sel, in all
// and by experience: the counts from the walk's pass (count), the times
// read off the snapshot's sorted ones, so each list comes out sorted.
func (c *counter) lifetimes(sel bitmap) *analytics.Lifetimes {
	// Each list sized from the counts, filled in the snapshot's order.
	lists := func(l *lifeCount) {
		l.Entries = make([]float64, l.atRisk)
		l.Events = make([]float64, l.events)
		l.CensExits = make([]float64, l.atRisk-l.events)
	}
	lists(&c.lifeTotal)
	for e := range c.life {
		lists(&c.life[e])
	}
	lc := &c.gc.life
	for j, t := range [3]*sortedTimes{&lc.entries, &lc.events, &lc.censed} {
		for k, i := range t.rows {
			if !sel.has(i) {
				continue
			}
			x := t.times[k]
			for _, l := range [2]*lifeCount{&c.lifeTotal, &c.life[t.exp[k]]} {
				switch j {
				case 0:
					l.Entries[l.at[0]] = x
				case 1:
					l.Events[l.at[1]] = x
				default:
					l.CensExits[l.at[2]] = x
				}
				l.at[j]++
			}
		}
	}
	out := &analytics.Lifetimes{Total: c.lifeTotal.LifeAcc}
	var v store.Vacancy
	for e := range c.life {
		g := &c.life[e]
		if g.first < 0 {
			continue
		}
		c.s.named(g.first, &v)
		keys, labels := analytics.GroupValues(c.s.areaIndex, analytics.DimExperience, &v)
		g.Key, g.Label = keys, labels
		out.Groups = append(out.Groups, g.LifeAcc)
	}
	return out
}

// named fills v with what analytics.GroupValues reads of row i: the light
// copy (Snapshot.light) and the area's name.
func (s *Snapshot) named(i int32, v *store.Vacancy) {
	s.light(int(i), v, 0)
	v.AreaName = s.dict[s.rows[i].areaName]
}
