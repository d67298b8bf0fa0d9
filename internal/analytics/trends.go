package analytics

import (
	"slices"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
)

// Period is one week or month of publication.
type Period struct {
	Start          time.Time `json:"start"`
	Published      int       `json:"published"`
	Closed         int       `json:"closed"` // closed_at in the period
	Disclosed      int       `json:"disclosed"`
	Salary         Summary   `json:"salary"`
	Outliers       int       `json:"outliers"`
	WorkFormatBase int       `json:"work_format_base"` // published with a work format
	Remote         int       `json:"remote"`
	Hybrid         int       `json:"hybrid"`
	RemoteShare    float64   `json:"remote_share"`
	HybridShare    float64   `json:"hybrid_share"`
}

// civilDay is the number of the MSK calendar day of t since 1970-01-01.
func civilDay(t time.Time) int64 {
	u := t.Unix() + 3*3600
	d := u / 86400
	if u%86400 < 0 {
		d--
	}
	return d
}

// weekOfDay is the civil day of the Monday of day d's week, the key of weeks.
func weekOfDay(d int64) int64 { return d - ((d+3)%7+7)%7 }

// monthKey is year·12 + month − 1 of t's MSK calendar date. MSK is a fixed
// offset, so the date is that of civilDay(t), worked out with integer
// arithmetic (H. Hinnant's civil_from_days, proleptic Gregorian as package
// time): cheaper than t.In(MSK).Date() and the same month.
func monthKey(t time.Time) int64 { return monthOfDay(civilDay(t)) }

// monthOfDay is monthKey of the civil day d.
func monthOfDay(d int64) int64 {
	z := d + 719468 // days since 0000-03-01
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097                                  // [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // [0, 365], from March 1
	mp := (5*doy + 2) / 153                                // [0, 11], March = 0
	y, m := yoe+era*400, mp+3                              // m: 3…14, March…February
	if m > 12 {
		y, m = y+1, m-12
	}
	return y*12 + m - 1
}

func dayStart(d int64) time.Time { return time.Unix(d*86400-3*3600, 0).In(MSK) }

func monthStart(k int64) time.Time {
	return time.Date(int(k/12), time.Month(k%12+1), 1, 0, 0, 0, 0, MSK)
}

func startOf(v *store.Vacancy) time.Time {
	if !v.PublishedAt.IsZero() {
		return v.PublishedAt
	}
	return v.FirstSeenAt
}

type periodAcc struct {
	acc
	published, closed      int
	wfBase, remote, hybrid int
}

func (a *periodAcc) merge(b *periodAcc) {
	a.acc.merge(&b.acc)
	a.published += b.published
	a.closed += b.closed
	a.wfBase += b.wfBase
	a.remote += b.remote
	a.hybrid += b.hybrid
}

type periodMap map[int64]*periodAcc

func (m periodMap) at(k int64) *periodAcc {
	a := m[k]
	if a == nil {
		a = &periodAcc{}
		m[k] = a
	}
	return a
}

func (m periodMap) merge(b periodMap) {
	for k, x := range b {
		if a := m[k]; a != nil {
			a.merge(x)
		} else {
			m[k] = x
		}
	}
}

// trendsSection: publications, closures, salaries and work formats per
// week and month of publication (Result.Weekly, Monthly).
type trendsSection struct {
	env           *Env
	weeks, months periodMap
	pub, closed   dayAccs // of the last vacancy's publication and closing
}

// dayAccs are the week and month accumulators of one civil day, kept for the
// next vacancy: the walk goes in id order, roughly that of publication, so
// consecutive vacancies mostly share their day and skip both map look-ups.
type dayAccs struct {
	day         int64
	week, month *periodAcc
}

// at returns the accumulators of t's day, from c when it holds that day.
func (t *trendsSection) at(c *dayAccs, at time.Time) *dayAccs {
	if d := civilDay(at); c.week == nil || c.day != d {
		*c = dayAccs{day: d, week: t.weeks.at(weekOfDay(d)), month: t.months.at(monthOfDay(d))}
	}
	return c
}

func newTrendsSection(env *Env) Section {
	if env.cols != nil && env.cols.trends {
		return &fedTrends{fed{env: env}}
	}
	return &trendsSection{env: env, weeks: periodMap{}, months: periodMap{}}
}

// TrendRow is what the trends take of one vacancy, for a ColumnStore to
// keep once for every view: the week (the civil day of its Monday) and the
// month (year·12 + month − 1) of its publication and, when it closed, of
// its closing; whether it names a work format, and remote or hybrid.
type TrendRow struct {
	Week, Month             int64
	Closed                  bool
	ClosedWeek, ClosedMonth int64
	HasWF, Remote, Hybrid   bool
}

// NewTrendRow returns v's TrendRow, as trendsSection.Observe reads v.
func NewTrendRow(v *store.Vacancy) TrendRow {
	d := civilDay(startOf(v))
	t := TrendRow{Week: weekOfDay(d), Month: monthOfDay(d), HasWF: len(v.WorkFormat) > 0}
	for _, w := range v.WorkFormat {
		t.Remote = t.Remote || w == "REMOTE"
		t.Hybrid = t.Hybrid || w == "HYBRID"
	}
	if v.ClosedAt != nil {
		c := civilDay(*v.ClosedAt)
		t.Closed, t.ClosedWeek, t.ClosedMonth = true, weekOfDay(c), monthOfDay(c)
	}
	return t
}

// PeriodAcc is one week or month as a ColumnStore counts it: the group of
// the vacancies published in it (Key: TrendRow's Week or Month), those
// closed in it, and the work formats of the published ones.
type PeriodAcc struct {
	Key int64
	GroupAcc
	Closed, WFBase, Remote, Hybrid int
}

// fedTrends is trendsSection fed from the columns.
type fedTrends struct{ fed }

func (f *fedTrends) Finish(r *Result) {
	t := &trendsSection{env: f.env, weeks: periodMap{}, months: periodMap{}}
	for _, x := range [2]struct {
		m  periodMap
		ps []PeriodAcc
	}{{t.weeks, f.ans.Weekly}, {t.months, f.ans.Monthly}} {
		for i := range x.ps {
			p := &x.ps[i]
			x.m[p.Key] = &periodAcc{acc: *fromGroupAcc(&p.GroupAcc), published: p.Vacancies, closed: p.Closed,
				wfBase: p.WFBase, remote: p.Remote, hybrid: p.Hybrid}
		}
	}
	t.Finish(r)
}

func (t *trendsSection) Observe(o *Seen) {
	v := o.V
	pub := startOf(v)
	hasWF := len(v.WorkFormat) > 0
	remote, hybrid := false, false
	for _, w := range v.WorkFormat {
		remote = remote || w == "REMOTE"
		hybrid = hybrid || w == "HYBRID"
	}
	p := t.at(&t.pub, pub)
	for _, a := range [2]*periodAcc{p.week, p.month} {
		a.published++
		a.add(o.Open, o.Salary)
		if hasWF {
			a.wfBase++
			if remote {
				a.remote++
			}
			if hybrid {
				a.hybrid++
			}
		}
	}
	if v.ClosedAt != nil {
		c := t.at(&t.closed, *v.ClosedAt)
		c.week.closed++
		c.month.closed++
	}
}

func (t *trendsSection) Merge(other Section) {
	b := other.(*trendsSection)
	t.weeks.merge(b.weeks)
	t.months.merge(b.months)
}

func (t *trendsSection) Finish(r *Result) {
	r.Weekly = finishPeriods(t.weeks, dayStart)
	r.Monthly = finishPeriods(t.months, monthStart)
	for _, ps := range [][]Period{r.Weekly, r.Monthly} {
		for i := range ps {
			ps[i].Salary.Withhold(t.env.Small)
		}
	}
}

func finishPeriods(m periodMap, start func(int64) time.Time) []Period {
	keys := make([]int64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]Period, 0, len(keys))
	for _, k := range keys {
		a := m[k]
		g := a.finish()
		p := Period{
			Start: start(k), Published: a.published, Closed: a.closed, Disclosed: a.disclosed,
			Salary: g.Salary, Outliers: g.OutliersAbs + g.OutliersIQR,
			WorkFormatBase: a.wfBase, Remote: a.remote, Hybrid: a.hybrid,
		}
		if a.wfBase > 0 {
			p.RemoteShare = float64(a.remote) / float64(a.wfBase)
			p.HybridShare = float64(a.hybrid) / float64(a.wfBase)
		}
		out = append(out, p)
	}
	return out
}
