package analytics

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
)

// The analytics are sections: groups, the salary mix, employers, trends,
// skills, lifetimes, mass postings, the salary histogram, region × experience
// and data quality, each a small accumulator in its own file behind Section.
// Compute walks the store once and shows every vacancy to every section;
// any other feeder (an in-memory snapshot) can do the same with
// NewSections, Observe and Finish, and may split its rows over goroutines,
// one Sections per shard, merged before Finish.
//
// Adding a section: a file with its result type (a field of Result), its
// accumulator implementing Section and a constructor, and one line in
// registry below.

// Section is one accumulator of the analytics.
type Section interface {
	// Observe adds one vacancy. o and everything it points to are valid
	// only during the call (the store reuses its buffers): copy what you keep.
	// On a batched walk (batch.go) other sections observe the same vacancy
	// at the same time on another goroutine: read o.V, never write it.
	Observe(o *Seen)
	// Merge adds the observations of other, a section of the same kind made
	// from the same Env, fed the part of the walk right after this one's;
	// other must not be used afterwards. Compute merges the parts of a store
	// that walks in parts (the dashboard's snapshot), and
	// TestShardedSectionsMerge holds every section to "parts merged = one
	// pass", to the last digit.
	Merge(other Section)
	// Finish writes the section's part of r. Sections finish in registry
	// order, so one may read what an earlier one wrote (employers read the
	// groups, quality reads the total).
	Finish(r *Result)
}

// afterWalker is a section that reads more from the store once the walk is
// over (skills, when the store's walk leaves KeySkills empty).
type afterWalker interface {
	afterWalk(ctx context.Context, s store.Store) error
}

type sectionSpec struct {
	name string
	full bool // only in a full computation, not with Config.GroupsOnly
	// alone: Finish reads nothing of the Result and writes only its own
	// field, so it may run beside the other sections' (Sections.Finish).
	alone bool
	// aside: in a batched walk (batch.go) the section is observed on the
	// second goroutine. The two halves cost about the same at a million
	// rows (CPU profile of /?area=113: groups, mix and region × experience
	// 1.6 s; postings, lifetimes, skills, trends and the histogram 1.4 s).
	// While the store's builder shares the two cores, the balance matters
	// little: moving trends and the histogram across left the walk's time
	// unchanged.
	aside bool
	make  func(*Env) Section
}

// registry lists the sections in the order they finish.
var registry = []sectionSpec{
	{"groups", false, false, false, newGroupsSection},
	{"salary-mix", false, false, false, newMixSection},
	{"employers", true, false, false, newEmployersSection}, // reads and trims the groupings
	{"trends", true, true, true, newTrendsSection},
	{"skills", true, true, true, newSkillsSection},
	{"lifetime", true, true, true, newLifetimeSection},
	{"postings", false, false, true, newPostingsSection},
	{"salary-histogram", true, true, true, newHistogramSection},
	{"region-experience", true, true, false, newRegionExperienceSection},
	{"quality", true, false, false, newQualitySection}, // reads the total
}

// Env is what the sections need besides the vacancies: the configuration
// with its defaults and the facts read from the store before the walk.
// It is read-only during the walk, so shards on several goroutines share it.
type Env struct {
	Config
	Rates *Rates
	Areas *AreaIndex
	// Groupings are what the groups section accumulates: Config.Groupings
	// and, in a full computation, the employers the employer ranking reads.
	Groupings [][]Dim
	// DataEnd is the end of the data (the windows of skill trends);
	// Window the observation window of lifetimes.
	DataEnd time.Time
	Window  LifeWindow
	// Quality holds the store's facts of the quality section (runs,
	// slices, rates); nil with GroupsOnly.
	Quality *Quality
	// Postings is the first pass of UniquePostings (nil without it);
	// copies are the ids it leaves out of salary figures.
	Postings *Postings
	copies   map[string]bool
	dims     dimSource
	// cols is the store's count of the groups (columns.go), nil when the
	// sections count them from the walk.
	cols *columns
}

// NewEnv applies cfg's defaults and reads from s what the sections need
// besides the vacancies (rates, areas, runs; the copies of mass postings
// with UniquePostings). Env.Filter is the filter to walk with: its Fields
// name only the columns the sections read.
func NewEnv(ctx context.Context, s store.Store, cfg Config) (*Env, error) {
	cfg = withDefaults(cfg)
	rs, err := s.CurrencyRates(ctx)
	if err != nil {
		return nil, fmt.Errorf("currency rates: %w", err)
	}
	areas, err := s.Areas(ctx)
	if err != nil {
		return nil, fmt.Errorf("areas: %w", err)
	}
	e := &Env{Config: cfg, Rates: NewRates(rs), Areas: NewAreaIndex(areas), Groupings: cfg.Groupings}
	e.dims = dimSource{e.Areas}
	for _, g := range cfg.Groupings {
		for _, d := range g {
			if !slices.Contains(Dims, d) {
				return nil, fmt.Errorf("unknown dimension %q", d)
			}
		}
	}
	if !cfg.GroupsOnly {
		e.Groupings = withEmployerGrouping(cfg.Groupings)
		if e.Window, err = lifeWindow(ctx, s, cfg.Filter.QueryID); err != nil {
			return nil, err
		}
		e.DataEnd = dataEnd(ctx, s, cfg.Filter, cfg.Now)
		if e.Quality, err = quality(ctx, s, cfg.Filter, rs); err != nil {
			return nil, err
		}
	}
	if cfg.UniquePostings {
		p, copies, err := findCopies(ctx, s, cfg.Filter)
		if err != nil {
			return nil, err
		}
		p.Unique = true
		e.Postings, e.copies = &p, copies
	}
	return e, nil
}

// withDefaults fills cfg's zero fields and decides which columns the walk reads.
func withDefaults(cfg Config) Config {
	if cfg.TopSkills <= 0 {
		cfg.TopSkills = 30
	}
	if cfg.TopEmployers <= 0 {
		cfg.TopEmployers = 20
	}
	if cfg.MinN <= 0 {
		cfg.MinN = DefaultMinNRank
	}
	if cfg.Now.IsZero() {
		cfg.Now = time.Now()
	}
	if cfg.Groupings == nil {
		cfg.Groupings = DefaultGroupings()
	}
	if cfg.Synonyms == nil {
		cfg.Synonyms = DefaultSynonyms()
	}
	cfg.Filter.Raw = false
	// Read only what the computation uses: `stats --by role` needs the
	// salary and the roles, not the whole row.
	cfg.Filter.Fields = store.FieldsAll // the name finds mass postings, the created dates start lifetimes
	if cfg.GroupsOnly {
		cfg.Filter.Fields = store.FieldSalary
		for _, g := range cfg.Groupings {
			for _, d := range g {
				cfg.Filter.Fields |= dimFields[d]
			}
		}
	}
	return cfg
}

// Seen is one vacancy as the sections see it.
type Seen struct {
	V *store.Vacancy
	// Salary is normalised on the configured basis; FlagCopy marks a copy of
	// a mass posting left out of salary figures (UniquePostings).
	Salary Salary
	Open   bool
	env    *Env
	have   uint16  // bit i: vals[i] holds the values of Dims[i]
	vals   [8][]kv // per-vacancy values of each dimension, computed on first use
}

// values returns the vacancy's values of Dims[i] (several for roles and work
// formats), computed once per vacancy whichever section asks first.
func (o *Seen) values(i int) []kv {
	if o.have&(1<<i) == 0 {
		o.vals[i] = o.env.dims.values(Dims[i], o.V, o.vals[i][:0])
		o.have |= 1 << i
	}
	return o.vals[i]
}

// Sections are the accumulators of one computation, in registry order.
type Sections struct {
	env   *Env
	list  []Section
	alone []bool // registry's alone, per entry of list
	aside []bool // and its aside
	obs   Seen
}

// NewSections makes the sections env's configuration asks for.
func NewSections(env *Env) *Sections {
	ss := &Sections{env: env}
	for _, sp := range registry {
		if sp.full && env.GroupsOnly {
			continue
		}
		ss.list = append(ss.list, sp.make(env))
		ss.alone = append(ss.alone, sp.alone)
		ss.aside = append(ss.aside, sp.aside)
	}
	ss.obs.env = env
	return ss
}

// Observe normalises v's salary (with its roster when known, else nil) and
// shows v to every section.
func (ss *Sections) Observe(v *store.Vacancy, roster *store.Roster) {
	ss.observe(&ss.obs, v, roster, ss.list)
}

// observe shows v to the sections of list through o.
func (ss *Sections) observe(o *Seen, v *store.Vacancy, roster *store.Roster, list []Section) {
	o.V, o.Open, o.have = v, v.ClosedAt == nil, 0
	o.Salary = NormaliseRoster(*v, roster, ss.env.Rates, ss.env.Options)
	if ss.env.copies[v.ID] {
		o.Salary.Flags |= FlagCopy
	}
	for _, s := range list {
		s.Observe(o)
	}
	o.V = nil
}

// halves are the sections observed on the walk's goroutine and those
// observed aside (sectionSpec.aside), each in registry order.
func (ss *Sections) halves() (main, aside []Section) {
	for i, s := range ss.list {
		if ss.aside[i] {
			aside = append(aside, s)
		} else {
			main = append(main, s)
		}
	}
	return main, aside
}

// Merge adds the observations of other (made from the same Env) to ss;
// other must not be used afterwards. Sections fed contiguous parts of a
// walk and merged in order equal one pass over it (TestShardedSectionsMerge):
// that is how Compute uses both cores on a store that walks in parts.
func (ss *Sections) Merge(other *Sections) {
	for i, s := range ss.list {
		s.Merge(other.list[i])
	}
}

// Finish builds the Result. The sections that read nothing of it (alone
// in the registry: skill premiums and lifetimes are the costly ones) finish
// on goroutines of their own while the others finish in registry order;
// each writes only its own field, so the Result is the one sequential
// finishing gives.
func (ss *Sections) Finish() *Result {
	cfg := ss.env.Config
	r := &Result{GeneratedAt: cfg.Now, Basis: cfg.Basis(), Filter: cfg.Filter}
	var wg sync.WaitGroup
	for i, s := range ss.list {
		if ss.alone[i] {
			wg.Go(func() { s.Finish(r) })
		}
	}
	for i, s := range ss.list {
		if !ss.alone[i] {
			s.Finish(r)
		}
	}
	wg.Wait()
	return r
}

// idle is a section that observes nothing: fed from a ColumnStore, or
// reading only the Result (employers).
type idle interface{ idle() }

// walks reports whether some section observes vacancies: when none does,
// Compute skips the walk.
func (ss *Sections) walks() bool {
	for _, s := range ss.list {
		if _, ok := s.(idle); !ok {
			return true
		}
	}
	return false
}

func (ss *Sections) afterWalk(ctx context.Context, s store.Store) error {
	for _, sec := range ss.list {
		if a, ok := sec.(afterWalker); ok {
			if err := a.afterWalk(ctx, s); err != nil {
				return err
			}
		}
	}
	return nil
}

// dimSource computes the values of a dimension for a vacancy.
type dimSource struct{ areas *AreaIndex }

type kv struct{ key, label string }

func (ds dimSource) values(d Dim, v *store.Vacancy, buf []kv) []kv {
	switch d {
	case DimRole:
		if len(v.Roles) == 0 {
			return append(buf, kv{"", Unknown})
		}
		for _, r := range v.Roles {
			buf = append(buf, kv{r.ID, or(r.Name, r.ID)})
		}
	case DimExperience:
		buf = append(buf, kv{v.ExperienceID, or(ExperienceNames[v.ExperienceID], or(v.ExperienceID, Unknown))})
	case DimArea:
		name := v.AreaName
		if name == "" { // the index only when the row has no name
			name = or(ds.areas.Name(v.AreaID), or(v.AreaID, Unknown))
		}
		buf = append(buf, kv{v.AreaID, name})
	case DimRegion:
		r, name := ds.areas.regionName(v.AreaID)
		if name == "" && r == v.AreaID {
			name = v.AreaName
		}
		buf = append(buf, kv{r, or(name, or(r, Unknown))})
	case DimEmployer:
		if v.EmployerID == "" {
			buf = append(buf, kv{"", "анонимный работодатель"})
		} else {
			buf = append(buf, kv{v.EmployerID, or(v.EmployerName, v.EmployerID)})
		}
	case DimWorkFormat:
		if len(v.WorkFormat) == 0 {
			return append(buf, kv{"", Unknown})
		}
		for _, w := range v.WorkFormat {
			buf = append(buf, kv{w, or(WorkFormatNames[w], w)})
		}
	case DimEmploymentForm:
		buf = append(buf, kv{v.EmploymentFormID, or(EmploymentFormNames[v.EmploymentFormID], or(v.EmploymentFormID, Unknown))})
	}
	return buf
}

// keys appends the keys of values(d, v) to buf, in the same order, without
// their labels: a label costs a look-up, and the groups need one only when a
// vacancy opens a new group.
func (ds dimSource) keys(d Dim, v *store.Vacancy, buf []string) []string {
	switch d {
	case DimRole:
		if len(v.Roles) == 0 {
			return append(buf, "")
		}
		for _, r := range v.Roles {
			buf = append(buf, r.ID)
		}
	case DimExperience:
		buf = append(buf, v.ExperienceID)
	case DimArea:
		buf = append(buf, v.AreaID)
	case DimRegion:
		buf = append(buf, ds.areas.Region(v.AreaID))
	case DimEmployer:
		buf = append(buf, v.EmployerID)
	case DimWorkFormat:
		if len(v.WorkFormat) == 0 {
			return append(buf, "")
		}
		buf = append(buf, v.WorkFormat...)
	case DimEmploymentForm:
		buf = append(buf, v.EmploymentFormID)
	}
	return buf
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
