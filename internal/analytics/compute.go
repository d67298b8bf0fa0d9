package analytics

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/hhjobs/hhjobs/internal/hhtime"
	"github.com/hhjobs/hhjobs/internal/store"
)

// MSK is the time zone periods are cut in (hh.ru's; Moscow has no DST since 2014).
var MSK = hhtime.Moscow

// Config says what Compute reads and computes.
type Config struct {
	Filter store.Filter // Raw is forced off
	Options
	// Groupings are the dimension tuples to group by; nil means DefaultGroupings.
	Groupings [][]Dim
	// GroupsOnly skips skills, employers, trends, lifetimes and data quality (for `stats`).
	GroupsOnly bool
	// TopSkills (30), TopEmployers (20) and MinN (DefaultMinNRank: the
	// smallest base a premium or an employer's pay level is ranked on) tune the sections.
	TopSkills    int
	TopEmployers int
	MinN         int
	// Small are the small-sample rules (withheld medians and quartiles).
	Small Thresholds
	// Synonyms fold skill spellings into groups; nil means DefaultSynonyms.
	Synonyms *Synonyms
	// UniquePostings takes one copy of each mass posting into salary figures (postings.go).
	UniquePostings bool
	// Now is the time of the analysis (the censoring time of vacancies never seen).
	Now time.Time
}

// DefaultGroupings are every single dimension plus role × experience × region.
func DefaultGroupings() [][]Dim {
	g := make([][]Dim, 0, len(Dims)+1)
	for _, d := range Dims {
		g = append(g, []Dim{d})
	}
	return append(g, []Dim{DimRole, DimExperience, DimRegion})
}

// Result is everything Compute found; each section (section.go) fills its fields.
type Result struct {
	GeneratedAt time.Time        `json:"generated_at"`
	Basis       string           `json:"basis"` // gross | net
	Small       SmallSampleRules `json:"small_samples"`
	Filter      store.Filter     `json:"-"`
	Total       GroupStats       `json:"total"`
	Mix         SalaryMix        `json:"salary_mix"`
	Groupings   []Grouping       `json:"groupings"`
	Skills      *SkillReport     `json:"skills,omitempty"`
	Employers   *EmployerReport  `json:"employers,omitempty"`
	Weekly      []Period         `json:"weekly,omitempty"`
	Monthly     []Period         `json:"monthly,omitempty"`
	Lifetime    *Lifetime        `json:"lifetime,omitempty"`
	Quality     *Quality         `json:"quality,omitempty"`
	Postings    *Postings        `json:"postings,omitempty"`
	Revisions   []*Revisions     `json:"revisions,omitempty"` // filled by the report (revisions.go)
	// SalaryHistogram is the distribution of the monthly salaries behind
	// the total's median (histogram.go).
	SalaryHistogram *Histogram `json:"salary_histogram,omitempty"`
	// RegionExperience is the salary by region × required experience (regionexp.go).
	RegionExperience *Grouping `json:"region_experience,omitempty"`
}

// Grouping returns the grouping over dims, or nil.
func (r *Result) Grouping(dims ...Dim) *Grouping {
	for i := range r.Groupings {
		if slices.Equal(r.Groupings[i].Dims, dims) {
			return &r.Groupings[i]
		}
	}
	return nil
}

// Compute reads the filtered vacancies in one pass and computes the analytics.
func Compute(ctx context.Context, s store.Store, cfg Config) (*Result, error) {
	env, err := NewEnv(ctx, s, cfg)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx) // stops the columns' count when the walk fails
	defer cancel()
	env.cols = startColumns(ctx, s, env)
	// After the sections have finished: the Result holds none of the
	// answer's buffers.
	defer env.cols.release()
	if ss := NewSections(env); !ss.walks() { // every section fed from the store's columns
		if err := ss.afterWalk(ctx, s); err != nil {
			return nil, err
		}
		return ss.Finish(), nil
	}
	if bw, ok := s.(store.BatchWalker); ok && bw.Batched(env.Filter) {
		return computeBatches(ctx, s, bw, env)
	}
	if pw, ok := s.(store.PartWalker); ok && pw.Parts() > 1 {
		return computeParts(ctx, s, pw, env, pw.Parts())
	}
	w := &walk{ss: NewSections(env)}
	w.rosters, _ = s.(store.RosterReader)
	var cur store.Vacancy // one copy for the walk: &v would move every vacancy to the heap
	if err := s.EachVacancy(ctx, env.Filter, func(v store.Vacancy) error {
		if !w.hold(ctx, v) {
			cur = v
			w.ss.Observe(&cur, nil)
		}
		return ctx.Err()
	}); err != nil {
		w.abandon()
		return nil, fmt.Errorf("read vacancies: %w", err)
	}
	return w.finish(ctx, s)
}

// finish ends one walk of s: the held vacancies added with their rosters,
// what the sections read after the walk, the Result.
func (w *walk) finish(ctx context.Context, s store.Store) (*Result, error) {
	if err := w.replayRosters(ctx); err != nil {
		return nil, err
	}
	if err := w.ss.afterWalk(ctx, s); err != nil {
		return nil, err
	}
	return w.ss.Finish(), nil
}

// computeParts is Compute on a store that walks in n parts: each part is
// observed by sections of its own on its own goroutine, the parts are
// merged in order, and the vacancies held for their rosters are replayed
// part after part, so the merged sections saw the vacancies in the order
// of Compute's one walk (every non-held vacancy in order, then the held ones
// in order) and give its figures.
func computeParts(ctx context.Context, s store.Store, pw store.PartWalker, env *Env, n int) (*Result, error) {
	rr, _ := s.(store.RosterReader)
	parts := make([]*walk, n)
	cur := make([]store.Vacancy, n)
	for k := range parts {
		parts[k] = &walk{ss: NewSections(env)}
		parts[k].rosters = rr
	}
	abandon := func() {
		for _, w := range parts {
			w.abandon()
		}
	}
	if err := pw.EachVacancyParts(ctx, env.Filter, func(k int, v store.Vacancy) error {
		if w := parts[k]; !w.hold(ctx, v) {
			cur[k] = v
			w.ss.Observe(&cur[k], nil)
		}
		return nil
	}); err != nil {
		abandon()
		return nil, fmt.Errorf("read vacancies: %w", err)
	}
	if err := ctx.Err(); err != nil {
		abandon()
		return nil, fmt.Errorf("read vacancies: %w", err)
	}
	ss := parts[0].ss
	for _, w := range parts[1:] {
		ss.Merge(w.ss)
	}
	for i, w := range parts {
		w.ss = ss
		if err := w.replayRosters(ctx); err != nil {
			for _, rest := range parts[i+1:] {
				rest.abandon()
			}
			return nil, err
		}
	}
	if err := ss.afterWalk(ctx, s); err != nil {
		return nil, err
	}
	return ss.Finish(), nil
}

// walk is Compute's pass over the store: the sections and the vacancies
// held back for their rosters (rosterpass.go).
type walk struct {
	ss *Sections
	rosterPass
}

// head is the first n of s.
func head[T any](s []T, n int) []T {
	if len(s) > n {
		return s[:n]
	}
	return s
}
