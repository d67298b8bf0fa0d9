package analytics

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
)

// A store that holds its rows as columns (the dashboard's snapshot) can
// count the groups of a computation itself, far cheaper than the sections
// can from vacancies shown one by one: a view of a million rows spent a
// third of its time appending salaries to per-group lists and sorting
// them. Compute then asks it (ColumnStore) for the counts and the sorted
// salaries of the total and of every grouping, and for the mass postings,
// while the walk feeds the other sections; the groups, region × experience,
// the histogram and the postings finish from the answer exactly as from
// their own accumulators (TestColumnsCountAsTheWalk in internal/web holds
// them to the last digit).

// GroupAcc is one group as a ColumnStore counts it: what acc.add would
// have accumulated from the group's vacancies, taken in the order of
// Compute's one walk (Key and Label come from the first of them), with
// the salaries that enter its figures sorted ascending.
type GroupAcc struct {
	Key, Label  []string
	Vacancies   int
	Open        int
	Disclosed   int
	Excluded    int
	OutliersAbs int
	Vals        []float64 // ascending
}

// ColumnQuery is what Compute asks a ColumnStore for: the groups of each
// tuple and the total of the vacancies Filter selects, salaries normalised
// with Options (and with the rosters of the vacancies paid per shift or
// hour, as the walk would read them).
type ColumnQuery struct {
	Filter  store.Filter
	Options Options
	Tuples  [][]Dim
	// Postings asks for the mass postings too (Result.Postings, without
	// UniquePostings): the vacancies checked (PostingKeys), sorted by key,
	// day and id, a cluster's copies all but its first when it spans areas.
	// Lifetimes asks for the lifetimes' samples (NewLifeRow) in all and by
	// LifetimeDims; Trends for the weeks and months (NewTrendRow). A query
	// of the lifetimes alone (no tuple, nothing else) gets a Total without
	// its salaries.
	Postings, Lifetimes, Trends bool
	// Skills asks for the skills (SkillCounts), folded with Synonyms, the
	// TopSkills most listed in full, their windows ending at DataEnd; Mix
	// for the salary mix.
	Skills, Mix bool
	Synonyms    *Synonyms
	TopSkills   int
	DataEnd     time.Time
	// SkillsCounted, when set, is called with the skills as soon as they
	// are counted, before Count returns, on whichever goroutine counted
	// them: Compute finishes the skills section there (its premiums)
	// while the store is still placing the salaries.
	SkillsCounted func(*SkillCounts)
}

// ColumnAnswer is a ColumnStore's answer: the total and, per tuple of the
// query, its groups in no particular order.
type ColumnAnswer struct {
	Total     GroupAcc
	Tuples    [][]GroupAcc
	Postings  *Postings  // when asked
	Lifetimes *Lifetimes // when asked
	// Weekly and Monthly are the periods (when asked), in no order: every
	// one a vacancy was published or closed in.
	Weekly, Monthly []PeriodAcc
	Skills          *SkillCounts // when asked
	Mix             []MixCount   // when asked: the vacancies by MixKey
	// Release, when set, gives the answer's buffers back to the store for
	// a later count; nothing of the answer may be read after it (Compute
	// calls it once the sections have finished).
	Release func()
}

// Lifetimes are the samples of the lifetimes: the total and one group per
// value of LifetimeDims, in no order.
type Lifetimes struct {
	Total  LifeAcc
	Groups []LifeAcc
}

// ColumnStore is a store that counts groups from its own columns.
type ColumnStore interface {
	// Counts reports whether Count can answer for f on the basis of o;
	// it is cheap and decides before the walk.
	Counts(f store.Filter, o Options) bool
	// Count answers q (after Counts said yes).
	Count(ctx context.Context, q ColumnQuery) (*ColumnAnswer, error)
}

// GroupValues returns the keys and labels of v's values of dimension d,
// the groups v counts in (several for roles and work formats), as the
// groups section names them.
func GroupValues(areas *AreaIndex, d Dim, v *store.Vacancy) (keys, labels []string) {
	for _, x := range (dimSource{areas}).values(d, v, nil) {
		keys, labels = append(keys, x.key), append(labels, x.label)
	}
	return keys, labels
}

// columns is a ColumnStore's answer on its way: Compute starts it before
// the walk and the fed sections read it after.
type columns struct {
	postings  bool           // the answer has the postings
	lifetimes bool           // and the lifetimes
	trends    bool           // and the weeks and months
	skills    bool           // and the skills (and so data quality)
	skillRep  *SkillReport   // the skills section, finished as they were counted (SkillsCounted)
	mix       bool           // and the salary mix
	tuples    map[string]int // tupleKey → index in the query's Tuples
	done      chan struct{}
	ans       *ColumnAnswer
	err       error
}

// startColumns asks s for env's groups on a goroutine of its own, when s
// can answer: not with UniquePostings, whose copies the store does not
// know. A full computation asks for every section the store counts; one
// of GroupsOnly (`stats`, /api/stats) for the groups and the salary mix,
// all it computes.
func startColumns(ctx context.Context, s store.Store, env *Env) *columns {
	cs, ok := s.(ColumnStore)
	if !ok || env.UniquePostings || !cs.Counts(env.Filter, env.Options) {
		return nil
	}
	full := !env.GroupsOnly
	q := ColumnQuery{Filter: env.Filter, Options: env.Options, Postings: full, Lifetimes: full, Trends: full,
		Skills: full, Mix: true, Synonyms: env.Synonyms, TopSkills: env.TopSkills, DataEnd: env.DataEnd}
	c := &columns{postings: full, lifetimes: full, trends: full, skills: full, mix: true, tuples: map[string]int{}, done: make(chan struct{})}
	if full {
		// Read after done is closed: Count returns after the call.
		q.SkillsCounted = func(sc *SkillCounts) { c.skillRep = finishSkillCounts(env, sc) }
	}
	add := func(dims []Dim) {
		if _, ok := c.tuples[tupleKey(dims)]; !ok {
			c.tuples[tupleKey(dims)] = len(q.Tuples)
			q.Tuples = append(q.Tuples, dims)
		}
	}
	for _, g := range env.Groupings {
		add(g)
	}
	if !env.GroupsOnly {
		add(RegionExperienceDims)
	}
	go func() {
		defer close(c.done)
		defer func() {
			// A bug in the store's count fails this computation, not the
			// process (a server's other views go on).
			if p := recover(); p != nil {
				c.ans, c.err = nil, fmt.Errorf("panic: %v", p)
			}
		}()
		c.ans, c.err = cs.Count(ctx, q)
		switch {
		case c.err != nil:
		case c.ans == nil:
			c.err = errors.New("the store's columns gave no answer")
		case len(c.ans.Tuples) != len(q.Tuples):
			c.err = fmt.Errorf("the store's columns answered %d groupings for %d", len(c.ans.Tuples), len(q.Tuples))
		case full && (c.ans.Postings == nil || c.ans.Lifetimes == nil || c.ans.Skills == nil):
			c.err = errors.New("the store's columns gave no postings, lifetimes or skills")
		}
	}()
	return c
}

func tupleKey(dims []Dim) string {
	k := ""
	for _, d := range dims {
		k += string(d) + "\x00"
	}
	return k
}

// release gives the answer's buffers back to the store when the count is
// over (a count still running, after a failure, is left to the collector).
func (c *columns) release() {
	if c == nil {
		return
	}
	select {
	case <-c.done:
		if c.ans != nil && c.ans.Release != nil {
			c.ans.Release()
		}
	default:
	}
}

// wait returns the answer once it is there.
func (c *columns) wait(ctx context.Context) (*ColumnAnswer, error) {
	select {
	case <-c.done:
		if c.err != nil {
			return nil, fmt.Errorf("count groups: %w", c.err)
		}
		return c.ans, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// accs are the groups of tuple dims as accumulators, salaries sorted.
func (c *columns) accs(dims []Dim) []*acc {
	gs := c.ans.Tuples[c.tuples[tupleKey(dims)]]
	out := make([]*acc, len(gs))
	for i := range gs {
		out[i] = fromGroupAcc(&gs[i])
	}
	return out
}

func fromGroupAcc(g *GroupAcc) *acc {
	return &acc{
		key: g.Key, label: g.Label, vacancies: g.Vacancies, open: g.Open, disclosed: g.Disclosed,
		excluded: g.Excluded, outliersAbs: g.OutliersAbs, vals: g.Vals, sorted: true,
	}
}

// fed is the part a section fed from the store's columns shares: it sees
// no vacancy and takes the answer after the walk (an afterWalker).
type fed struct {
	env *Env
	ans *ColumnAnswer
}

func (f *fed) Observe(*Seen)  {}
func (f *fed) idle()          {}
func (f *fed) Merge(Section)  {}
func (f *fed) cols() *columns { return f.env.cols }

func (f *fed) afterWalk(ctx context.Context, _ store.Store) error {
	var err error
	f.ans, err = f.env.cols.wait(ctx)
	return err
}

// fedGroups is groupsSection fed from the columns.
type fedGroups struct{ fed }

func (g *fedGroups) Finish(r *Result) {
	s := &groupsSection{env: g.env, dims: g.env.Groupings, total: *fromGroupAcc(&g.ans.Total)}
	s.finish(r, func(i int) []GroupStats { return finishAccs(g.cols().accs(g.env.Groupings[i])) })
}

// fedRegionExperience is regionExperienceSection fed from the columns.
type fedRegionExperience struct{ fed }

func (s *fedRegionExperience) Finish(r *Result) {
	finishRegionExperience(s.env, r, finishAccs(s.cols().accs(RegionExperienceDims)))
}

// fedHistogram is histogramSection fed from the columns.
type fedHistogram struct{ fed }

func (h *fedHistogram) Finish(r *Result) {
	s := &histogramSection{env: h.env, all: *fromGroupAcc(&h.ans.Total)}
	s.Finish(r)
}
