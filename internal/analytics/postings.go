package analytics

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/hhjobs/hhjobs/internal/store"
)

// Mass postings (docs/methodology.md §2.2): one employer posting the same
// job — the same normalised title and the same published pay — in several
// areas within a few days. Each such posting is one job offer copied, and
// counting every copy lets one employer weigh on every median. They are
// detected and counted per employer; with UniquePostings the salary figures
// take one copy per posting (the earliest published).

// MassWindowDays: copies are published at most this many days apart (single linkage).
const MassWindowDays = 3

// Postings says what the detection found.
type Postings struct {
	Unique     bool             `json:"unique_postings"` // salary figures on one copy per posting
	Checked    int              `json:"checked"`         // vacancies with an employer and a salary
	Copies     int              `json:"copies"`          // of them, copies of another (all but the earliest of a posting)
	Dropped    int              `json:"dropped"`         // copies left out of the salary figures (Unique only)
	ByEmployer []EmployerCopies `json:"by_employer"`     // employers with copies, most first
}

// EmployerCopies is one employer's mass postings.
type EmployerCopies struct {
	EmployerID string  `json:"employer_id"`
	Employer   string  `json:"employer"`
	Vacancies  int     `json:"vacancies"` // with a salary
	Copies     int     `json:"copies"`
	Share      float64 `json:"share"` // Copies / Vacancies
}

type postingRec struct {
	key  uint64 // employer, title, pay
	day  int64
	area string
	id   string
	emp  int32
}

// postingOrder is a candidate's place in the order of finish: its key and
// day, and its index in postingFinder.recs.
type postingOrder struct {
	key uint64
	day int64
	i   int32
}

// postingFinder collects the candidates of one pass.
type postingFinder struct {
	recs    []postingRec
	emps    []store.IDName
	empID   map[string]int32
	total   []int             // vacancies with a salary, by employer (index of emps)
	title   map[string]string // raw title → folded; titles repeat a lot
	empCode codeMemo[int32]   // employer code (codes.go) → index of emps
}

// checked reports whether v is checked for copies: it names its employer
// and an amount.
func checked(v *store.Vacancy) bool {
	return v.EmployerID != "" && (positive(v.SalaryFrom) != nil || positive(v.SalaryTo) != nil)
}

func (f *postingFinder) add(v *store.Vacancy) {
	if !checked(v) {
		return
	}
	if f.empID == nil {
		f.empID, f.title = map[string]int32{}, map[string]string{}
	}
	title, ok := f.title[v.Name]
	if !ok {
		title = foldSkill(v.Name)
		if len(f.title) < 200_000 {
			f.title[v.Name] = title
		}
	}
	var e int32
	ok = false
	if v.Codes != nil {
		e, ok = f.empCode.get(v.Codes.Employer)
	}
	if !ok {
		if e, ok = f.empID[v.EmployerID]; !ok {
			e = int32(len(f.emps))
			f.empID[v.EmployerID] = e
			f.emps = append(f.emps, store.IDName{ID: v.EmployerID, Name: v.EmployerName})
			f.total = append(f.total, 0)
		}
		if v.Codes != nil {
			f.empCode.put(v.Codes.Employer, e)
		}
	}
	f.total[e]++
	f.recs = append(f.recs, postingRec{key: postingKey(v, title), day: civilDay(startOf(v)), area: v.AreaID, id: v.ID, emp: e})
}

// postingKey is the 64-bit FNV-1a hash of what makes vacancies one posting:
// the employer, the folded title and the published pay, joined with \x00
// (from and to in decimal, empty when absent; "g" last when gross). FNV-1a
// reads bytes one by one, so hashing the parts in turn gives the hash of the
// joined string without building it (the walk does this for every vacancy
// with a salary).
func postingKey(v *store.Vacancy, title string) uint64 {
	h := fnv1a(fnvOffset64)
	h = h.str(v.EmployerID).byte(0).str(title).byte(0).str(v.SalaryCurrency).byte(0).str(v.SalaryMode)
	var num [20]byte
	for _, p := range [2]*int64{v.SalaryFrom, v.SalaryTo} {
		h = h.byte(0)
		if p != nil {
			h = h.bytes(strconv.AppendInt(num[:0], *p, 10))
		}
	}
	if v.SalaryGross != nil && *v.SalaryGross {
		h = h.byte(0).byte('g')
	}
	return uint64(h)
}

// fnv1a is a running 64-bit FNV-1a hash (the same as hash/fnv's New64a).
type fnv1a uint64

const (
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

func (h fnv1a) byte(c byte) fnv1a { return (h ^ fnv1a(c)) * fnvPrime64 }

func (h fnv1a) str(s string) fnv1a {
	for i := 0; i < len(s); i++ {
		h = h.byte(s[i])
	}
	return h
}

func (h fnv1a) bytes(b []byte) fnv1a {
	for _, c := range b {
		h = h.byte(c)
	}
	return h
}

// finish clusters the candidates and returns the counts and the ids of the copies.
func (f *postingFinder) finish() (Postings, map[string]bool) {
	p := Postings{Checked: len(f.recs)}
	// The candidates in the order of key, day and id: sorting small
	// (key, day, index) triples moves a third of the bytes of sorting the
	// records; the ids are read only for ties of key and day.
	order := make([]postingOrder, len(f.recs))
	for i, r := range f.recs {
		order[i] = postingOrder{key: r.key, day: r.day, i: int32(i)}
	}
	slices.SortFunc(order, func(a, b postingOrder) int {
		if x := cmp.Compare(a.key, b.key); x != 0 {
			return x
		}
		if x := cmp.Compare(a.day, b.day); x != 0 {
			return x
		}
		return cmp.Compare(f.recs[a.i].id, f.recs[b.i].id)
	})
	copies := map[string]bool{}
	byEmp := map[int32]int{}
	for i := 0; i < len(order); {
		j := i + 1
		multi := false // more than one area in the cluster
		for j < len(order) && order[j].key == order[i].key && order[j].day-order[j-1].day <= MassWindowDays {
			multi = multi || f.recs[order[j].i].area != f.recs[order[i].i].area
			j++
		}
		if multi { // one job copied to other areas: all but the earliest are copies
			for _, o := range order[i+1 : j] {
				r := &f.recs[o.i]
				copies[r.id] = true
				byEmp[r.emp]++
			}
		}
		i = j
	}
	p.Copies = len(copies)
	for e, n := range byEmp {
		p.ByEmployer = append(p.ByEmployer, EmployerCopies{EmployerID: f.emps[e].ID, Employer: f.emps[e].Name,
			Vacancies: f.total[e], Copies: n, Share: float64(n) / float64(f.total[e])})
	}
	slices.SortFunc(p.ByEmployer, func(a, b EmployerCopies) int {
		if x := cmp.Compare(b.Copies, a.Copies); x != 0 {
			return x
		}
		return cmp.Compare(a.EmployerID, b.EmployerID)
	})
	f.recs, f.title = nil, nil
	return p, copies
}

// findCopies is the first pass of UniquePostings: the ids of the copies.
func findCopies(ctx context.Context, s store.Store, flt store.Filter) (Postings, map[string]bool, error) {
	var f postingFinder
	flt.Raw = false
	flt.Fields = store.FieldName | store.FieldArea | store.FieldEmployer | store.FieldSalary
	if err := s.EachVacancy(ctx, flt, func(v store.Vacancy) error {
		f.add(&v)
		return ctx.Err()
	}); err != nil {
		return Postings{}, nil, fmt.Errorf("find mass postings: %w", err)
	}
	p, copies := f.finish()
	return p, copies, nil
}

// merge adds the candidates of b, renumbering its employers.
func (f *postingFinder) merge(b *postingFinder) {
	if b.empID == nil {
		return
	}
	if f.empID == nil {
		f.empID, f.title = map[string]int32{}, map[string]string{}
	}
	emp := make([]int32, len(b.emps))
	for i, e := range b.emps {
		id, ok := f.empID[e.ID]
		if !ok {
			id = int32(len(f.emps))
			f.empID[e.ID] = id
			f.emps = append(f.emps, e)
			f.total = append(f.total, 0)
		}
		emp[i] = id
		f.total[id] += b.total[i]
	}
	for _, r := range b.recs {
		r.emp = emp[r.emp]
		f.recs = append(f.recs, r)
	}
}

// postingsSection: mass postings (Result.Postings). Without UniquePostings
// it finds them during the walk (a full computation only); with it, the
// first pass found them (Env.Postings) and the walk counts the copies left
// out of salary figures.
type postingsSection struct {
	env     *Env
	find    postingFinder
	dropped int
}

func newPostingsSection(env *Env) Section {
	if env.GroupsOnly && !env.UniquePostings {
		return noSection{} // mass postings are found in a full computation only
	}
	if env.cols != nil && env.cols.postings {
		return &fedPostings{fed{env: env}}
	}
	return &postingsSection{env: env}
}

// PostingKeys gives a ColumnStore what the postings section keys each
// vacancy by, so that it can sort its rows once for every view.
type PostingKeys struct {
	title map[string]string // raw title → folded
}

// Key returns v's posting key (employer, folded title, pay) and the civil
// day it counts from; ok is false when v is not checked for copies.
func (k *PostingKeys) Key(v *store.Vacancy) (key uint64, day int64, ok bool) {
	if !checked(v) {
		return 0, 0, false
	}
	if k.title == nil {
		k.title = map[string]string{}
	}
	title, seen := k.title[v.Name]
	if !seen {
		title = foldSkill(v.Name)
		if len(k.title) < 200_000 {
			k.title[v.Name] = title
		}
	}
	return postingKey(v, title), civilDay(startOf(v)), true
}

// fedPostings is postingsSection fed from the columns (without UniquePostings).
type fedPostings struct{ fed }

func (p *fedPostings) Finish(r *Result) {
	ps := *p.ans.Postings
	r.Postings = &ps
}

func (p *postingsSection) Observe(o *Seen) {
	switch {
	case p.env.UniquePostings:
		if s := o.Salary; s.Flags.Has(FlagCopy) && s.OK && !s.Flags.Has(FlagOutlier) {
			p.dropped++
		}
	default:
		p.find.add(o.V)
	}
}

func (p *postingsSection) Merge(other Section) {
	b := other.(*postingsSection)
	p.dropped += b.dropped
	p.find.merge(&b.find)
}

func (p *postingsSection) Finish(r *Result) {
	switch {
	case p.env.UniquePostings:
		ps := *p.env.Postings
		ps.Dropped = p.dropped
		r.Postings = &ps
	default:
		ps, _ := p.find.finish()
		r.Postings = &ps
	}
}

// noSection is a section that has nothing to do in a computation.
type noSection struct{}

func (noSection) Observe(*Seen)  {}
func (noSection) Merge(Section)  {}
func (noSection) Finish(*Result) {}
func (noSection) idle()          {}
