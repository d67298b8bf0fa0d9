package analytics

import (
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
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

// postingFinder collects the candidates of one pass.
type postingFinder struct {
	recs  []postingRec
	emps  []store.IDName
	empID map[string]int32
	total map[int32]int
	title map[string]string // raw title → folded; titles repeat a lot
}

func (f *postingFinder) add(v *store.Vacancy) {
	if v.EmployerID == "" || (positive(v.SalaryFrom) == nil && positive(v.SalaryTo) == nil) {
		return
	}
	if f.empID == nil {
		f.empID, f.total, f.title = map[string]int32{}, map[int32]int{}, map[string]string{}
	}
	title, ok := f.title[v.Name]
	if !ok {
		title = foldSkill(v.Name)
		if len(f.title) < 200_000 {
			f.title[v.Name] = title
		}
	}
	e, ok := f.empID[v.EmployerID]
	if !ok {
		e = int32(len(f.emps))
		f.empID[v.EmployerID] = e
		f.emps = append(f.emps, store.IDName{ID: v.EmployerID, Name: v.EmployerName})
	}
	f.total[e]++
	h := fnv.New64a()
	key := v.EmployerID + "\x00" + title + "\x00" + v.SalaryCurrency + "\x00" + v.SalaryMode
	for _, p := range []*int64{v.SalaryFrom, v.SalaryTo} {
		key += "\x00"
		if p != nil {
			key += strconv.FormatInt(*p, 10)
		}
	}
	if v.SalaryGross != nil && *v.SalaryGross {
		key += "\x00g"
	}
	h.Write([]byte(key))
	f.recs = append(f.recs, postingRec{key: h.Sum64(), day: civilDay(startOf(v)), area: v.AreaID, id: v.ID, emp: e})
}

// finish clusters the candidates and returns the counts and the ids of the copies.
func (f *postingFinder) finish() (Postings, map[string]bool) {
	p := Postings{Checked: len(f.recs)}
	slices.SortFunc(f.recs, func(a, b postingRec) int {
		if x := cmp.Compare(a.key, b.key); x != 0 {
			return x
		}
		if x := cmp.Compare(a.day, b.day); x != 0 {
			return x
		}
		return cmp.Compare(a.id, b.id)
	})
	copies := map[string]bool{}
	byEmp := map[int32]int{}
	for i := 0; i < len(f.recs); {
		j := i + 1
		areas := map[string]bool{f.recs[i].area: true}
		for j < len(f.recs) && f.recs[j].key == f.recs[i].key && f.recs[j].day-f.recs[j-1].day <= MassWindowDays {
			areas[f.recs[j].area] = true
			j++
		}
		if len(areas) > 1 { // one job copied to other areas: all but the earliest are copies
			for _, r := range f.recs[i+1 : j] {
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
		f.empID, f.total, f.title = map[string]int32{}, map[int32]int{}, map[string]string{}
	}
	emp := make([]int32, len(b.emps))
	for i, e := range b.emps {
		id, ok := f.empID[e.ID]
		if !ok {
			id = int32(len(f.emps))
			f.empID[e.ID] = id
			f.emps = append(f.emps, e)
		}
		emp[i] = id
	}
	for e, n := range b.total {
		f.total[emp[e]] += n
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

func newPostingsSection(env *Env) Section { return &postingsSection{env: env} }

func (p *postingsSection) Observe(o *Seen) {
	switch {
	case p.env.UniquePostings:
		if s := o.Salary; s.Flags.Has(FlagCopy) && s.OK && !s.Flags.Has(FlagOutlier) {
			p.dropped++
		}
	case !p.env.GroupsOnly:
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
	case !p.env.GroupsOnly:
		ps, _ := p.find.finish()
		r.Postings = &ps
	}
}
