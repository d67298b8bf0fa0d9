package analytics

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
)

// RunQuality is the state of the latest run of one query.
type RunQuality struct {
	QueryID         int64      `json:"query_id"`
	Query           string     `json:"query"`
	RunID           int64      `json:"run_id"`
	Status          string     `json:"status"`
	StartedAt       time.Time  `json:"started_at"`
	FinishedAt      *time.Time `json:"finished_at"`
	Slices          int        `json:"slices"`
	Truncated       int        `json:"truncated"`
	Failed          int        `json:"failed"`
	Unfinished      int        `json:"unfinished"`
	FoundTruncated  int        `json:"found_truncated"`
	StoredTruncated int        `json:"stored_truncated"`
}

// Quality is the data-quality section.
type Quality struct {
	Vacancies       int          `json:"vacancies"`
	Open            int          `json:"open"`
	WithDetails     int          `json:"with_details"`
	Disclosed       int          `json:"disclosed"`
	DisclosureShare float64      `json:"disclosure_share"`
	LastSync        *time.Time   `json:"last_sync"`
	Runs            []RunQuality `json:"runs"`
	TruncatedSlices int          `json:"truncated_slices"`
	CurrencyRates   int          `json:"currency_rates"`
	RateDates       []time.Time  `json:"rate_dates"`
}

// qualitySection counts what the walk saw and adds it to the store's facts
// NewEnv read (Env.Quality) (Result.Quality). It finishes after the groups:
// its disclosure share is the total's.
type qualitySection struct {
	env                                    *Env
	vacancies, open, disclosed, withDetail int
}

func newQualitySection(env *Env) Section {
	if env.cols != nil && env.cols.skills {
		return &fedQuality{fed{env: env}}
	}
	return &qualitySection{env: env}
}

func (q *qualitySection) Observe(o *Seen) {
	q.vacancies++
	if o.Open {
		q.open++
	}
	if o.Salary.Disclosed() {
		q.disclosed++
	}
	if HasDetails(o.V) { // as the skills' base
		q.withDetail++
	}
}

func (q *qualitySection) Merge(other Section) {
	b := other.(*qualitySection)
	q.vacancies += b.vacancies
	q.open += b.open
	q.disclosed += b.disclosed
	q.withDetail += b.withDetail
}

func (q *qualitySection) Finish(r *Result) {
	out := *q.env.Quality
	out.Vacancies, out.Open, out.Disclosed, out.WithDetails = q.vacancies, q.open, q.disclosed, q.withDetail
	out.DisclosureShare = r.Total.DisclosureShare
	r.Quality = &out
}

// quality reads the store's facts of the quality section: rates, and the
// latest run of each query with its slices.
func quality(ctx context.Context, s store.Store, f store.Filter, rates []store.CurrencyRate) (*Quality, error) {
	q := &Quality{CurrencyRates: len(rates)}
	for _, r := range rates {
		if len(q.RateDates) == 0 || !q.RateDates[len(q.RateDates)-1].Equal(r.Date) {
			if !slices.ContainsFunc(q.RateDates, func(t time.Time) bool { return t.Equal(r.Date) }) {
				q.RateDates = append(q.RateDates, r.Date)
			}
		}
	}
	runs, err := s.Runs(ctx, f.QueryID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("runs: %w", err)
	}
	queries, err := s.Queries(ctx)
	if err != nil {
		return nil, fmt.Errorf("queries: %w", err)
	}
	names := map[int64]string{}
	for _, qq := range queries {
		names[qq.ID] = qq.Name
	}
	latest := map[int64]bool{}
	for _, r := range runs {
		if r.FinishedAt != nil && (q.LastSync == nil || r.FinishedAt.After(*q.LastSync)) {
			t := *r.FinishedAt
			q.LastSync = &t
		}
		if latest[r.QueryID] {
			continue
		}
		latest[r.QueryID] = true
		rq := RunQuality{QueryID: r.QueryID, Query: names[r.QueryID], RunID: r.ID, Status: r.Status, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt}
		sl, err := s.Slices(ctx, r.ID)
		if err != nil {
			return nil, fmt.Errorf("slices of run %d: %w", r.ID, err)
		}
		for _, x := range sl {
			if x.State == store.SliceSplit {
				continue
			}
			rq.Slices++
			switch x.State {
			case store.SliceTruncated:
				rq.Truncated++
				rq.FoundTruncated += x.Found
				rq.StoredTruncated += x.Stored
			case store.SliceFailed:
				rq.Failed++
			case store.SlicePending, store.SliceClaimed:
				rq.Unfinished++
			}
		}
		q.TruncatedSlices += rq.Truncated
		q.Runs = append(q.Runs, rq)
	}
	return q, nil
}
