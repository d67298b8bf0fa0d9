package web

import (
	"context"
	"fmt"
	"math"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/store"
)

// Snapshot is an in-memory, columnar copy of what the analytics read from
// the store: every string interned once in a dictionary, each vacancy a
// fixed-size row of codes, numbers and instants (96 bytes, no pointers)
// plus its id, and its title once per distinct title, in one shared text.
// It is built through the store interface (so SQLite and PostgreSQL give
// the same snapshot), never changes after it is built, and is swapped
// whole after a sync: readers never wait for the writer.
//
// Snapshot implements store.Store: EachVacancy, EachSkill, CountVacancies,
// Areas, Roles and CurrencyRates answer from memory; everything else (the
// runs and slices the data-quality section reads, raw JSON, a saved query's
// membership) goes to the source store. Analytics therefore run unchanged
// on it and give the figures they give on the database.
type Snapshot struct {
	store.Store // the source, for what the snapshot does not hold

	Built time.Time     // when the build started
	Took  time.Duration // how long it took

	loc        *time.Location
	areas      []store.Area
	roles      []store.Role
	rates      []store.CurrencyRate
	dict       []string
	text       []byte     // ids and titles of the rows (row.off, titles), never changed after the build
	titles     []textSpan // the distinct titles in text (row.title)
	roleSets   [][]store.IDName
	wfSets     [][]string
	roleCodes  [][]int32          // dictionary codes of roleSets' IDs (store.Codes)
	wfCodes    [][]int32          // and of wfSets' values
	skills     []int32            // flat skill codes, rows point into it
	sub        [instants][]uint32 // nanoseconds past the second of row.created…detail; nil while all are whole (pack.go)
	wide       map[wideKey]int64  // the instants, salaries and terms a row cannot hold (pack.go)
	terms      []int32            // dictionary codes of row.sched…freq (pack.go)
	hasSkills  bool
	rows       []row
	monthly    []float32 // gross monthly RUR point estimate (NaN: none), for sorting by pay
	ratesIndex *analytics.Rates
	areaIndex  *analytics.AreaIndex
	ixp        atomic.Pointer[index]                    // rows by filtered value (index.go); nil while being built
	rosters    atomic.Pointer[map[string]*store.Roster] // rosters.go; nil until loaded
	ixDone     chan struct{}                            // closed when the index is built and the rosters are loaded
	cols       atomic.Pointer[countCols]                // columns.go; nil until built, after the rosters
}

// row is one vacancy of the snapshot: 96 bytes, no pointers.
type row struct {
	pub int64 // UnixNano of the publication (the period's filter and sort compare it)
	// The id is unique per vacancy, so not worth a dictionary entry: it
	// sits in Snapshot.text at [off, idEnd). Titles repeat (a few hundred
	// thousand "Менеджер по продажам"): title is an index of
	// Snapshot.titles, a title's place in the text. Offsets rather than
	// strings keep row free of pointers, so the garbage collector skips
	// the million rows instead of tracing two million small strings.
	off, idEnd                       uint32
	title                            int32
	areaID, areaName, empID, empName int32
	exp, ef                          int32
	roleSet, wfSet                   int32
	skStart                          uint32
	// The other instants in whole seconds (their sub-seconds and what does
	// not fit aside: pack.go), the salary's bounds in 32 bits (what does
	// not fit aside).
	created, initial, first, last, closed, detail sec32
	salFrom, salTo                                int32
	// Schedule, salary currency, mode and frequency: a handful of values
	// each, codes of Snapshot.terms (pack.go).
	sched, cur, mode, freq term8
	skN                    uint16
	gross                  int8 // -1 nil, 0 false, 1 true
	archived               bool
}

type builder struct {
	s       *Snapshot
	ix      map[string]int32
	roleIx  map[string]int32
	wfIx    map[string]int32
	termIx  map[string]term8
	titleIx map[string]int32
	key     []byte // roleSet's and wfSet's
}

func (b *builder) str(v string) int32 {
	if i, ok := b.ix[v]; ok {
		return i
	}
	i := int32(len(b.s.dict))
	b.s.dict = append(b.s.dict, v)
	b.ix[v] = i
	return i
}

func nano(t *time.Time) int64 {
	if t == nil || t.IsZero() {
		return nanoNone
	}
	return t.UnixNano()
}

// BuildSnapshot reads every vacancy of src once (no raw JSON) into a snapshot.
func BuildSnapshot(ctx context.Context, src store.Store) (*Snapshot, error) {
	start := time.Now()
	s := &Snapshot{Store: src, Built: start, loc: time.Local}
	var err error
	if s.areas, err = src.Areas(ctx); err != nil {
		return nil, fmt.Errorf("areas: %w", err)
	}
	if s.roles, err = src.Roles(ctx); err != nil {
		return nil, fmt.Errorf("roles: %w", err)
	}
	if s.rates, err = src.CurrencyRates(ctx); err != nil {
		return nil, fmt.Errorf("currency rates: %w", err)
	}
	s.ratesIndex, s.areaIndex = analytics.NewRates(s.rates), analytics.NewAreaIndex(s.areas)
	s.wide = map[wideKey]int64{}
	b := &builder{s: s, ix: map[string]int32{"": 0}, roleIx: map[string]int32{}, wfIx: map[string]int32{}, termIx: map[string]term8{}, titleIx: map[string]int32{}}
	s.dict = []string{""}
	n, err := src.CountVacancies(ctx, store.Filter{})
	if err == nil {
		s.rows = make([]row, 0, n)
		s.monthly = make([]float32, 0, n)
	}
	first := true
	err = src.EachVacancy(ctx, store.Filter{Fields: store.FieldsAll}, func(v store.Vacancy) error {
		if first {
			s.loc, first = v.PublishedAt.Location(), false
		}
		if len(s.text)+len(v.ID)+len(v.Name) > math.MaxUint32 {
			return fmt.Errorf("the snapshot's text passed 4 GiB at %d vacancies", len(s.rows))
		}
		off := uint32(len(s.text))
		s.text = append(s.text, v.ID...)
		r := row{
			off: off, idEnd: uint32(len(s.text)), title: b.title(v.Name), areaID: b.str(v.AreaID), areaName: b.str(v.AreaName),
			empID: b.str(v.EmployerID), empName: b.str(v.EmployerName), exp: b.str(v.ExperienceID),
			ef: b.str(v.EmploymentFormID), sched: b.term(termSched, v.ScheduleID), cur: b.term(termCur, v.SalaryCurrency),
			mode: b.term(termMode, v.SalaryMode), freq: b.term(termFreq, v.SalaryFrequency), archived: v.Archived, gross: -1,
			pub: v.PublishedAt.UnixNano(), created: b.instant(instCreated, v.CreatedAt), initial: b.instant(instInitial, v.InitialCreatedAt),
			first: b.instant(instFirst, &v.FirstSeenAt), last: b.instant(instLast, &v.LastSeenAt), closed: b.instant(instClosed, v.ClosedAt),
			detail: b.instant(instDetail, v.DetailFetchedAt), salFrom: b.salary(salaryFrom, v.SalaryFrom), salTo: b.salary(salaryTo, v.SalaryTo),
		}
		if v.SalaryGross != nil {
			r.gross = 0
			if *v.SalaryGross {
				r.gross = 1
			}
		}
		r.roleSet = b.roleSet(v.Roles)
		r.wfSet = b.wfSet(v.WorkFormat)
		if v.KeySkills != nil {
			s.hasSkills = true
			r.skStart, r.skN = uint32(len(s.skills)), uint16(min(len(v.KeySkills), math.MaxUint16))
			for _, k := range v.KeySkills[:r.skN] {
				s.skills = append(s.skills, b.str(k))
			}
		} else {
			r.skN = math.MaxUint16 // details not fetched: nil, not empty
		}
		s.rows = append(s.rows, r)
		if len(s.rows) == presizeAfter {
			s.presize(n)
		}
		m := float32(math.NaN())
		if sal := analytics.Normalise(v, s.ratesIndex, analytics.Options{}); sal.Usable() {
			m = float32(sal.MonthlyRUR)
		}
		s.monthly = append(s.monthly, m)
		return ctx.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("read vacancies: %w", err)
	}
	s.Took = time.Since(start)
	s.ixDone = make(chan struct{})
	go func() {
		defer close(s.ixDone)
		s.buildIndex()
		s.loadRosters(ctx)
		s.buildColumns()
	}()
	return s, nil
}

// presizeAfter is the number of rows whose text and skills foretell the
// rest's.
const presizeAfter = 1024

// presize grows the text and the skills, once, to what n rows will need
// at the rate of the rows read so far, and an eighth more. Growing by
// append would copy them again and again, the old and the new copy both
// alive at each step: a peak of twice the text. Capacity never written is
// never touched, so an overestimate costs address space, not memory.
func (s *Snapshot) presize(n int) {
	rows := len(s.rows)
	if n <= rows {
		return
	}
	grow := func(have int) int { return have + have*(n-rows)/rows*9/8 }
	s.text = regrow(s.text, min(grow(len(s.text)), math.MaxUint32))
	s.skills = regrow(s.skills, grow(len(s.skills)))
}

// regrow returns x with capacity c (not less than its length). Unlike
// slices.Grow it leaves the capacity past the length unwritten: a large
// allocation fresh from the system is zero already, and its pages untouched
// are not resident.
func regrow[E any](x []E, c int) []E {
	if c <= cap(x) {
		return x
	}
	y := make([]E, len(x), c)
	copy(y, x)
	return y
}

// The keys of roleSet and wfSet are built in b.key, reused row after row:
// a lookup by string(b.key) does not allocate, only a new set's key does.

func (b *builder) roleSet(rs []store.IDName) int32 {
	b.key = b.key[:0]
	for _, r := range rs {
		b.key = append(append(append(append(b.key, r.ID...), 0), r.Name...), 1)
	}
	if i, ok := b.roleIx[string(b.key)]; ok {
		return i
	}
	i := int32(len(b.s.roleSets))
	b.s.roleSets = append(b.s.roleSets, append([]store.IDName(nil), rs...))
	codes := make([]int32, len(rs))
	for j, r := range rs {
		codes[j] = b.str(r.ID)
	}
	b.s.roleCodes = append(b.s.roleCodes, codes)
	b.roleIx[string(b.key)] = i
	return i
}

func (b *builder) wfSet(ws []string) int32 {
	b.key = b.key[:0]
	for _, w := range ws {
		b.key = append(append(b.key, w...), 0)
	}
	if i, ok := b.wfIx[string(b.key)]; ok {
		return i
	}
	i := int32(len(b.s.wfSets))
	b.s.wfSets = append(b.s.wfSets, append([]string(nil), ws...))
	codes := make([]int32, len(ws))
	for j, w := range ws {
		codes[j] = b.str(w)
	}
	b.s.wfCodes = append(b.s.wfCodes, codes)
	b.wfIx[string(b.key)] = i
	return i
}

// Len is the number of vacancies in the snapshot.
func (s *Snapshot) Len() int { return len(s.rows) }

func (s *Snapshot) at(n int64) time.Time { return time.Unix(0, n).In(s.loc) }

// pubAt is r's publication, the zero time when the store had none (as the
// database gives it: the analytics then start the vacancy when first seen).
func (s *Snapshot) pubAt(r *row) time.Time {
	if r.pub == nanoNone {
		return time.Time{}
	}
	return s.at(r.pub)
}

// ptime returns instant k of row i (c its code), taken from sl, or nil
// when it is absent.
func (s *Snapshot) ptime(i int, k wideField, c sec32, sl *slab) *time.Time {
	if c == nilTime {
		return nil
	}
	t := carve(&sl.times, slabSize)
	*t = s.at(s.nanos(i, k, c))
	return t
}

// span returns text[a:b] as a string without copying it: the text is never
// written after the build, and the string keeps it alive.
func (s *Snapshot) span(a, b uint32) string {
	if a == b {
		return ""
	}
	return unsafe.String(&s.text[a], int(b-a))
}

func (s *Snapshot) id(r *row) string { return s.span(r.off, r.idEnd) }
func (s *Snapshot) name(r *row) string {
	t := s.titles[r.title]
	return s.span(t.a, t.b)
}

// textSpan is Snapshot.text[a:b].
type textSpan struct{ a, b uint32 }

// maxTitles bounds the titles BuildSnapshot remembers to share (the rest,
// rarer ones, each get their own copy): the map costs some megabytes at
// most, and only while it builds (a variable for the tests).
var maxTitles = 1 << 16

// title returns the index in s.titles of name, appended to the text unless
// an earlier row has it.
func (b *builder) title(name string) int32 {
	if i, ok := b.titleIx[name]; ok {
		return i
	}
	s := b.s
	a := uint32(len(s.text))
	s.text = append(s.text, name...)
	i := int32(len(s.titles))
	s.titles = append(s.titles, textSpan{a, uint32(len(s.text))})
	if len(b.titleIx) < maxTitles {
		b.titleIx[name] = i
	}
	return i
}

// vacancyIn rebuilds row i, taking the values its pointer fields point to
// and its key skills from sl, the slab of a walk, as far as sl.fields asks
// (store.Filter.Fields), with its codes in sl.code (store.Codes: rewritten
// by the next row). Role and work-format slices are shared between rows:
// readers must not modify them (analytics and export do not).
func (s *Snapshot) vacancyIn(i int, sl *slab) store.Vacancy {
	r := &s.rows[i]
	d := s.dict
	v := store.Vacancy{
		ID: s.id(r), Name: s.name(r), AreaID: d[r.areaID], AreaName: d[r.areaName], EmployerID: d[r.empID],
		EmployerName: d[r.empName], Roles: s.roleSets[r.roleSet], ExperienceID: d[r.exp], EmploymentFormID: d[r.ef],
		WorkFormat: s.wfSets[r.wfSet], ScheduleID: d[s.term(i, termSched, r.sched)], SalaryCurrency: d[s.term(i, termCur, r.cur)],
		SalaryMode: d[s.term(i, termMode, r.mode)], SalaryFrequency: d[s.term(i, termFreq, r.freq)],
		PublishedAt: s.pubAt(r), ClosedAt: s.ptime(i, instClosed, r.closed, sl),
	}
	if r.first != nilTime {
		v.FirstSeenAt = s.at(s.nanos(i, instFirst, r.first))
	}
	if sl.has(store.FieldCreated) {
		v.CreatedAt, v.InitialCreatedAt = s.ptime(i, instCreated, r.created, sl), s.ptime(i, instInitial, r.initial, sl)
	}
	if sl.has(store.FieldState) {
		v.Archived, v.DetailFetchedAt = r.archived, s.ptime(i, instDetail, r.detail, sl)
		if r.last != nilTime {
			v.LastSeenAt = s.at(s.nanos(i, instLast, r.last))
		}
	}
	if r.gross >= 0 {
		v.SalaryGross = carve(&sl.bools, slabSize)
		*v.SalaryGross = r.gross == 1
	}
	if r.salFrom != salNone {
		v.SalaryFrom = carve(&sl.ints, slabSize)
		*v.SalaryFrom = s.salary(i, salaryFrom, r.salFrom)
	}
	if r.salTo != salNone {
		v.SalaryTo = carve(&sl.ints, slabSize)
		*v.SalaryTo = s.salary(i, salaryTo, r.salTo)
	}
	c := &sl.code
	*c = store.Codes{
		Area: r.areaID, Employer: r.empID, Experience: r.exp, EmploymentForm: r.ef,
		Roles: s.roleCodes[r.roleSet], WorkFormat: s.wfCodes[r.wfSet],
	}
	if r.skN != math.MaxUint16 && sl.has(store.FieldSkills) {
		v.KeySkills = sl.strings(int(r.skN))
		codes := s.skills[r.skStart : r.skStart+uint32(r.skN)]
		for j := range v.KeySkills {
			v.KeySkills[j] = d[codes[j]]
		}
		c.KeySkills = codes[:len(codes):len(codes)]
	}
	v.Codes = c
	return v
}

// closedMark stands for "closed" in a light vacancy (Match tests nil only).
var closedMark = time.Unix(0, 0)

// light fills v with what filter.Match reads of row i, allocating nothing
// once v.KeySkills has grown to the longest list.
func (s *Snapshot) light(i int, v *store.Vacancy, need store.Fields) {
	r := &s.rows[i]
	d := s.dict
	v.ID, v.AreaID, v.EmployerID, v.EmployerName = s.id(r), d[r.areaID], d[r.empID], d[r.empName]
	v.ExperienceID, v.EmploymentFormID = d[r.exp], d[r.ef]
	v.Roles, v.WorkFormat = s.roleSets[r.roleSet], s.wfSets[r.wfSet]
	v.PublishedAt = s.pubAt(r)
	v.ClosedAt = nil
	if r.closed != nilTime {
		v.ClosedAt = &closedMark
	}
	v.KeySkills = v.KeySkills[:0] // the caller's buffer, reused row after row (empty stands for nil here: Match does not tell them apart)
	if r.skN == math.MaxUint16 || need&store.FieldSkills == 0 {
		return
	}
	for j := 0; j < int(r.skN); j++ {
		v.KeySkills = append(v.KeySkills, d[s.skills[int(r.skStart)+j]])
	}
}

// EachVacancyMatching is EachVacancy that tests each row with match on a
// light copy first and builds only the vacancies that pass
// (filter.MatchingStore).
func (s *Snapshot) EachVacancyMatching(ctx context.Context, f store.Filter, need store.Fields, match func(*store.Vacancy) bool, fn func(store.Vacancy) error) error {
	if fromSource(f) {
		return s.Store.EachVacancy(ctx, f, func(v store.Vacancy) error {
			if !match(&v) {
				return nil
			}
			return fn(v)
		})
	}
	since := sinceNano(f)
	var lv store.Vacancy
	sl := slab{fields: f.Fields}
	for i := range s.rows {
		if !s.keep(i, f, since) {
			continue
		}
		if s.light(i, &lv, need); !match(&lv) {
			continue
		}
		if err := fn(s.vacancyIn(i, &sl)); err != nil {
			return err
		}
		if i&4095 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return ctx.Err()
}

// keep reports whether row i passes the store-level part of f.
func (s *Snapshot) keep(i int, f store.Filter, since int64) bool {
	r := &s.rows[i]
	return r.pub >= since && (!f.OpenOnly || r.closed == nilTime)
}

// fromSource reports whether f needs what only the source has.
func fromSource(f store.Filter) bool { return f.QueryID != 0 || f.Raw }

func sinceNano(f store.Filter) int64 {
	if f.Since.IsZero() {
		return math.MinInt64
	}
	return f.Since.UnixNano()
}

// EachVacancy calls fn for each vacancy f selects, from memory (a saved
// query's membership and raw JSON come from the source store).
func (s *Snapshot) EachVacancy(ctx context.Context, f store.Filter, fn func(store.Vacancy) error) error {
	if fromSource(f) {
		return s.Store.EachVacancy(ctx, f, fn)
	}
	since := sinceNano(f)
	sl := slab{fields: f.Fields}
	for i := range s.rows {
		if !s.keep(i, f, since) {
			continue
		}
		if err := fn(s.vacancyIn(i, &sl)); err != nil {
			return err
		}
		if i&4095 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

// EachSkill calls fn for each (vacancy, key skill) pair f selects.
func (s *Snapshot) EachSkill(ctx context.Context, f store.Filter, fn func(vacancyID, skill string) error) error {
	if fromSource(f) || !s.hasSkills {
		return s.Store.EachSkill(ctx, f, fn)
	}
	since := sinceNano(f)
	for i := range s.rows {
		r := &s.rows[i]
		if !s.keep(i, f, since) || r.skN == math.MaxUint16 {
			continue
		}
		for j := 0; j < int(r.skN); j++ {
			if err := fn(s.id(r), s.dict[s.skills[int(r.skStart)+j]]); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

// CountVacancies counts the vacancies f selects.
func (s *Snapshot) CountVacancies(ctx context.Context, f store.Filter) (int, error) {
	if fromSource(f) {
		return s.Store.CountVacancies(ctx, f)
	}
	n, since := 0, sinceNano(f)
	for i := range s.rows {
		if s.keep(i, f, since) {
			n++
		}
	}
	return n, nil
}

// Areas returns the areas tree read at build time.
func (s *Snapshot) Areas(context.Context) ([]store.Area, error) { return s.areas, nil }

// Roles returns the roles read at build time.
func (s *Snapshot) Roles(context.Context) ([]store.Role, error) { return s.roles, nil }

// CurrencyRates returns the rates read at build time.
func (s *Snapshot) CurrencyRates(context.Context) ([]store.CurrencyRate, error) { return s.rates, nil }

// Close does nothing: the source store belongs to whoever opened it.
func (s *Snapshot) Close() error { return nil }

// EachChangedVersion streams the version history from the source.
func (s *Snapshot) EachChangedVersion(ctx context.Context, f store.Filter, fn func(store.Version) error) error {
	if vw, ok := s.Store.(store.VersionWalker); ok {
		return vw.EachChangedVersion(ctx, f, fn)
	}
	return fmt.Errorf("this store cannot stream version history")
}
