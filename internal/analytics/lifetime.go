package analytics

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
)

// The thresholds below which a median lifetime is withheld (docs/methodology.md §5).
const (
	MinLifetimeClosures = 30 // closures observed in the group
	MinAtRiskAtMedian   = 10 // vacancies at risk at the median
)

// Start names: what a lifetime is counted from.
const (
	StartInitialCreated = "initial_created_at"
	StartPublished      = "published_at"
)

// LifeWindow is the observation window: the first collect's start → the last
// sync's end. Nothing that closed before From could be seen closing.
type LifeWindow struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// DayPoint is the Kaplan-Meier curve sampled at a whole day.
type DayPoint struct {
	Day    int     `json:"day"`
	S      float64 `json:"s"`
	AtRisk int     `json:"at_risk"`
}

// LifetimeGroup is the delayed-entry Kaplan-Meier summary of one group
// (the `stats --lifetime --json` contract of DESIGN §4.1). The median, its
// interval and its risk set are null when withheld; Reason then says why.
type LifetimeGroup struct {
	Key      []string `json:"key"`
	Label    []string `json:"label"`
	N        int      `json:"n"`
	Closed   int      `json:"closed"`   // closures observed (events of the estimate)
	Censored int      `json:"censored"` // still open at the last observation
	// MedianDays is the smallest t with S(t) ≤ ½ (see KM.Median).
	MedianDays *float64 `json:"median_days"`
	// MedianCI95 is [low, high]; high is null when the upper limit lies beyond the data.
	MedianCI95     []*float64 `json:"median_ci95"`
	AtRiskAtMedian *int       `json:"at_risk_at_median"`
	// Start is what most lifetimes in the group are counted from;
	// StartOther counts those counted from the other one.
	Start      string     `json:"start"`
	StartOther int        `json:"start_other"`
	Window     LifeWindow `json:"window"`
	Reason     string     `json:"reason,omitempty"`
}

// Lifetime is how long vacancies stay open (the report's section): the whole
// sample, its curve, and the groups by experience.
type Lifetime struct {
	LifetimeGroup
	Curve          []DayPoint      `json:"curve"`
	ByExperience   []LifetimeGroup `json:"by_experience"`
	NaiveClosedAvg float64         `json:"naive_closed_mean_days"` // from published_at; biased; shown only for contrast
}

// LifetimeStats is what `stats --lifetime` prints.
type LifetimeStats struct {
	Dims   []Dim           `json:"dims"`
	Total  LifetimeGroup   `json:"total"`
	Groups []LifetimeGroup `json:"groups"`
}

// LifeSubject is lifeSubject of a copy, for the tests outside this package
// that build subjects from a store (analyticstest's simulated market);
// deadcode lists it.
func LifeSubject(v store.Vacancy) (s Subject, initial bool) { return lifeSubject(&v) }

// lifeSubject turns a vacancy into a survival subject: its start is
// initial_created_at when known (a republication resets published_at but not
// it), else published_at, else first_seen_at; it enters the risk set when it
// was first seen and leaves at closed_at (an event) or last_seen_at (censored).
// initial reports whether the start was initial_created_at. v is a pointer:
// the walk calls it for every vacancy, a large struct.
func lifeSubject(v *store.Vacancy) (s Subject, initial bool) {
	start := v.PublishedAt
	if v.InitialCreatedAt != nil && !v.InitialCreatedAt.IsZero() {
		start, initial = *v.InitialCreatedAt, true
	}
	if start.IsZero() {
		start = v.FirstSeenAt
	}
	exit := v.LastSeenAt
	if v.ClosedAt != nil {
		exit, s.Event = *v.ClosedAt, true
	}
	if exit.Before(v.FirstSeenAt) {
		exit = v.FirstSeenAt
	}
	s.Entry = max(0, days(v.FirstSeenAt.Sub(start)))
	s.Exit = max(0, days(exit.Sub(start)))
	return s, initial
}

func days(d time.Duration) float64 { return d.Hours() / 24 }

// nsSum is an exact sum of non-negative durations in 128 bits: a float sum
// would depend on the order of the additions, and a view computed in parts
// merged afterwards must give the figure of one walk to the last digit.
type nsSum struct{ hi, lo uint64 }

func (s *nsSum) add(d time.Duration) {
	var c uint64
	s.lo, c = bits.Add64(s.lo, uint64(d), 0)
	s.hi += c
}

func (s *nsSum) merge(b nsSum) {
	var c uint64
	s.lo, c = bits.Add64(s.lo, b.lo, 0)
	s.hi += b.hi + c
}

// days is the sum in days.
func (s nsSum) days() float64 {
	return (float64(s.hi)*0x1p64 + float64(s.lo)) / float64(24*time.Hour)
}

// lifeAcc collects the subjects of one group.
type lifeAcc struct {
	key, label []string
	sample     kmSample
	initial    int
	closed     nsSum // published_at → closed_at of closed ones, for the naive mean
	closedN    int
}

// lifeObs is what a group takes of one vacancy, worked out once however
// many groups the vacancy falls in.
type lifeObs struct {
	subj    Subject
	initial bool
	closed  bool          // closed with a known published_at
	naive   time.Duration // published_at → closed_at when closed
}

func newLifeObs(v *store.Vacancy) lifeObs {
	var o lifeObs
	o.subj, o.initial = lifeSubject(v)
	if v.ClosedAt != nil && !v.PublishedAt.IsZero() {
		o.closed, o.naive = true, max(0, v.ClosedAt.Sub(v.PublishedAt))
	}
	return o
}

func (a *lifeAcc) add(o *lifeObs) {
	a.sample.add(o.subj)
	if o.initial {
		a.initial++
	}
	if o.closed {
		a.closed.add(o.naive)
		a.closedN++
	}
}

func (a *lifeAcc) merge(b *lifeAcc) {
	a.sample.merge(&b.sample)
	a.initial += b.initial
	a.closed.merge(b.closed)
	a.closedN += b.closedN
}

// finish estimates the group and decides whether its median can be stated;
// the estimate has its curve only when asked for.
func (a *lifeAcc) finish(w LifeWindow, curve bool) (LifetimeGroup, KM) {
	km := a.sample.estimate(curve)
	g := LifetimeGroup{Key: a.key, Label: a.label, N: km.N, Closed: km.Events, Censored: km.Censored, Window: w,
		Start: StartInitialCreated, StartOther: km.N - a.initial}
	if 2*a.initial < km.N {
		g.Start, g.StartOther = StartPublished, a.initial
	}
	switch {
	case km.Events < MinLifetimeClosures:
		g.Reason = fmt.Sprintf("недостаточно наблюдений: закрытий %d, нужно не меньше %d", km.Events, MinLifetimeClosures)
	case !km.MedianReached:
		g.Reason = fmt.Sprintf("медиана не достигнута: больше половины вакансий прожили дольше наблюдаемого (закрытий %d из %d)", km.Events, km.N)
	case km.MedianAtRisk < MinAtRiskAtMedian:
		g.Reason = fmt.Sprintf("недостаточно наблюдений: под риском на медиане %d, нужно не меньше %d", km.MedianAtRisk, MinAtRiskAtMedian)
	default:
		m, r := km.Median, km.MedianAtRisk
		g.MedianDays, g.AtRiskAtMedian = &m, &r
		g.MedianCI95 = []*float64{nil, nil}
		if km.CILowOK {
			lo := km.CILow
			g.MedianCI95[0] = &lo
		}
		if km.CIHighOK {
			hi := km.CIHigh
			g.MedianCI95[1] = &hi
		}
	}
	return g, km
}

// lifeGroups accumulates one grouping (nil dims: the whole sample only).
type lifeGroups struct {
	dims   []Dim
	total  lifeAcc
	groups map[string]*lifeAcc // by the keys joined with \x1f
	ds     dimSource
	vals   [][]kv // the values of each dimension for the vacancy being added
	idx    []int  // of each dimension in Dims, for Seen.values
	seen   [][]kv // Seen's values of each dimension (observe)
	// Scratch of combos, reused so that the walk allocates only for new groups.
	keys, labels []string
	buf          []byte
}

func newLifeGroups(ds dimSource, dims []Dim) *lifeGroups {
	l := &lifeGroups{dims: dims, groups: map[string]*lifeAcc{}, ds: ds, vals: make([][]kv, len(dims)),
		idx: make([]int, len(dims)), seen: make([][]kv, len(dims)),
		keys: make([]string, len(dims)), labels: make([]string, len(dims)),
		total: lifeAcc{key: []string{""}, label: []string{"Все вакансии"}}}
	for i, d := range dims {
		l.idx[i] = slices.Index(Dims, d)
	}
	return l
}

func (l *lifeGroups) add(v *store.Vacancy) {
	for i, d := range l.dims {
		l.vals[i] = l.ds.values(d, v, l.vals[i][:0])
	}
	l.addValues(v, l.vals)
}

// observe is add in the walk, with the values of the dimensions the walk
// works out once for every section (Seen.values).
func (l *lifeGroups) observe(o *Seen) {
	for i, j := range l.idx {
		l.seen[i] = o.values(j)
	}
	l.addValues(o.V, l.seen)
}

// addValues adds v to the total and to its groups, vals holding its values
// of each dimension.
func (l *lifeGroups) addValues(v *store.Vacancy, vals [][]kv) {
	o := newLifeObs(v)
	l.total.add(&o)
	if len(l.dims) > 0 {
		l.combos(&o, vals, 0)
	}
}

// combos adds o to every group of its combinations of values, from the i-th
// dimension on (l.keys[:i] and l.labels[:i] hold the values chosen before).
func (l *lifeGroups) combos(o *lifeObs, vals [][]kv, i int) {
	if i == len(l.dims) {
		l.buf = l.buf[:0]
		for j, k := range l.keys {
			if j > 0 {
				l.buf = append(l.buf, '\x1f')
			}
			l.buf = append(l.buf, k...)
		}
		a := l.groups[string(l.buf)] // no allocation for the look-up
		if a == nil {
			a = &lifeAcc{key: slices.Clone(l.keys), label: slices.Clone(l.labels)}
			l.groups[string(l.buf)] = a
		}
		a.add(o)
		return
	}
	for _, x := range vals[i] {
		l.keys[i], l.labels[i] = x.key, x.label
		l.combos(o, vals, i+1)
	}
}

func (l *lifeGroups) merge(b *lifeGroups) {
	l.total.merge(&b.total)
	for k, x := range b.groups {
		if a := l.groups[k]; a != nil {
			a.merge(x)
		} else {
			l.groups[k] = x
		}
	}
}

// finish returns the total, its estimate, and the groups largest first.
func (l *lifeGroups) finish(w LifeWindow) (LifetimeGroup, KM, []LifetimeGroup) {
	total, km := l.total.finish(w, true)
	out := make([]LifetimeGroup, 0, len(l.groups))
	for _, a := range l.groups {
		g, _ := a.finish(w, false)
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b LifetimeGroup) int {
		if c := cmp.Compare(b.N, a.N); c != 0 {
			return c
		}
		if c := cmp.Compare(strings.Join(a.Label, " "), strings.Join(b.Label, " ")); c != 0 {
			return c
		}
		return slices.Compare(a.Key, b.Key)
	})
	return total, km, out
}

// lifetimeReport builds the report's section from the accumulated sample.
func (l *lifeGroups) lifetimeReport(w LifeWindow) *Lifetime {
	total, km, groups := l.finish(w)
	lt := &Lifetime{LifetimeGroup: total, ByExperience: groups}
	if l.total.closedN > 0 {
		lt.NaiveClosedAvg = l.total.closed.days() / float64(l.total.closedN)
	}
	slices.SortStableFunc(lt.ByExperience, func(a, b LifetimeGroup) int {
		ia, ib := slices.Index(ExperienceOrder, a.Key[0]), slices.Index(ExperienceOrder, b.Key[0])
		if ia < 0 {
			ia = len(ExperienceOrder)
		}
		if ib < 0 {
			ib = len(ExperienceOrder)
		}
		return cmp.Compare(ia, ib)
	})
	if len(km.Curve) == 0 {
		return lt
	}
	maxDay := min(int(km.Curve[len(km.Curve)-1].T)+1, 366)
	for d := 0; d <= maxDay; d++ {
		lt.Curve = append(lt.Curve, DayPoint{Day: d, S: km.At(float64(d)), AtRisk: km.AtRiskAt(float64(d))})
	}
	return lt
}

// lifetimeSection: how long vacancies stay open, in all and by required
// experience (Result.Lifetime).
type lifetimeSection struct {
	life   *lifeGroups
	window LifeWindow
}

func newLifetimeSection(env *Env) Section {
	if env.cols != nil && env.cols.lifetimes {
		return &fedLifetime{fed{env: env}}
	}
	return &lifetimeSection{life: newLifeGroups(env.dims, LifetimeDims), window: env.Window}
}

// LifetimeDims are the dimensions of Lifetime.ByExperience.
var LifetimeDims = []Dim{DimExperience}

// LifeRow is what the lifetimes take of one vacancy (lifeSubject), for a
// ColumnStore to keep once for every view.
type LifeRow struct {
	Subject
	Initial bool          // the start is initial_created_at
	Closed  bool          // closed, with a known published_at
	Naive   time.Duration // published_at → closed_at when Closed
}

// NewLifeRow returns v's LifeRow.
func NewLifeRow(v *store.Vacancy) LifeRow {
	o := newLifeObs(v)
	return LifeRow{Subject: o.subj, Initial: o.initial, Closed: o.closed, Naive: o.naive}
}

// LifeAcc is the lifetimes of one group as a ColumnStore collects them:
// N vacancies, of them Censored still open and Dropped closed but never at
// risk; the entries of those at risk, and their exits (closings in
// Events, the rest in CensoredExits), each sorted ascending; Initial
// started at initial_created_at; ClosedN closed with a known published_at,
// ClosedNs the sum of their published_at → closed_at in nanoseconds, 128
// bits (high word first).
type LifeAcc struct {
	Key, Label                 []string
	N, Censored, Dropped       int
	Entries, Events, CensExits []float64
	Initial, ClosedN           int
	ClosedNs                   [2]uint64
}

// fedLifetime is lifetimeSection fed from the columns.
type fedLifetime struct{ fed }

func (l *fedLifetime) Finish(r *Result) {
	life := newLifeGroups(l.env.dims, LifetimeDims)
	life.fill(l.ans.Lifetimes, true)
	r.Lifetime = life.lifetimeReport(l.env.Window)
}

// fill sets l's samples from a ColumnStore's: the total, and the groups
// by LifetimeDims when l groups by them.
func (l *lifeGroups) fill(ls *Lifetimes, groups bool) {
	key, label := l.total.key, l.total.label
	l.total = fromLifeAcc(&ls.Total)
	l.total.key, l.total.label = key, label
	if !groups {
		return
	}
	for i := range ls.Groups {
		a := fromLifeAcc(&ls.Groups[i])
		l.groups[strings.Join(a.key, "\x1f")] = &a
	}
}

func fromLifeAcc(a *LifeAcc) lifeAcc {
	return lifeAcc{key: a.Key, label: a.Label, initial: a.Initial, closedN: a.ClosedN, closed: nsSum{a.ClosedNs[0], a.ClosedNs[1]},
		sample: kmSample{entries: a.Entries, events: a.Events, censored: a.CensExits, n: a.N, censoredN: a.Censored, dropped: a.Dropped, sorted: true}}
}

func (l *lifetimeSection) Observe(o *Seen)     { l.life.observe(o) }
func (l *lifetimeSection) Merge(other Section) { l.life.merge(other.(*lifetimeSection).life) }
func (l *lifetimeSection) Finish(r *Result)    { r.Lifetime = l.life.lifetimeReport(l.window) }

// lifeWindow is the observation window of the runs of queryID (0: all):
// the earliest run's start → the latest finished run's end (or the latest
// start when none has finished).
func lifeWindow(ctx context.Context, s store.Store, queryID int64) (LifeWindow, error) {
	var w LifeWindow
	runs, err := s.Runs(ctx, queryID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return w, fmt.Errorf("runs: %w", err)
	}
	for _, r := range runs {
		if w.From.IsZero() || r.StartedAt.Before(w.From) {
			w.From = r.StartedAt
		}
		end := r.StartedAt
		if r.FinishedAt != nil {
			end = *r.FinishedAt
		}
		if end.After(w.To) {
			w.To = end
		}
	}
	w.From, w.To = w.From.UTC().Truncate(time.Second), w.To.UTC().Truncate(time.Second)
	return w, nil
}

// LifetimeConfig says what ComputeLifetime reads.
type LifetimeConfig struct {
	Filter store.Filter
	By     []Dim // nil: the whole sample only
}

// ComputeLifetime estimates vacancy lifetimes per group of cfg.By (`stats --lifetime`).
func ComputeLifetime(ctx context.Context, s store.Store, cfg LifetimeConfig) (*LifetimeStats, error) {
	f := cfg.Filter
	f.Raw = false
	f.Fields = store.FieldCreated | store.FieldState
	for _, d := range cfg.By {
		if !slices.Contains(Dims, d) {
			return nil, fmt.Errorf("unknown dimension %q", d)
		}
		f.Fields |= dimFields[d]
	}
	areas, err := s.Areas(ctx)
	if err != nil {
		return nil, fmt.Errorf("areas: %w", err)
	}
	w, err := lifeWindow(ctx, s, f.QueryID)
	if err != nil {
		return nil, err
	}
	lg := newLifeGroups(dimSource{NewAreaIndex(areas)}, cfg.By)
	// A store that counts lifetimes from its columns answers for the whole
	// sample and by experience without a walk.
	if cs, ok := s.(ColumnStore); ok && (len(cfg.By) == 0 || slices.Equal(cfg.By, LifetimeDims)) && cs.Counts(f, Options{}) {
		ans, err := cs.Count(ctx, ColumnQuery{Filter: f, Lifetimes: true})
		if err != nil {
			return nil, fmt.Errorf("count lifetimes: %w", err)
		}
		if ans == nil || ans.Lifetimes == nil {
			return nil, errors.New("count lifetimes: the store's columns gave no lifetimes")
		}
		if ans.Release != nil {
			defer ans.Release()
		}
		lg.fill(ans.Lifetimes, len(cfg.By) > 0)
		total, _, groups := lg.finish(w)
		return &LifetimeStats{Dims: cfg.By, Total: total, Groups: groups}, nil
	}
	if err := s.EachVacancy(ctx, f, func(v store.Vacancy) error {
		lg.add(&v)
		return ctx.Err()
	}); err != nil {
		return nil, fmt.Errorf("read vacancies: %w", err)
	}
	total, _, groups := lg.finish(w)
	return &LifetimeStats{Dims: cfg.By, Total: total, Groups: groups}, nil
}
