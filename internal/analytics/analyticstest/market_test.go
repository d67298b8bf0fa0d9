package analyticstest_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/httpx"
	"github.com/hhjobs/hhjobs/internal/sandbox"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

type bearer struct {
	next http.RoundTripper
	tok  string
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.tok)
	return b.next.RoundTrip(r)
}

// The acceptance test of the lifetime estimator: a simulated market with a
// known log-normal lifetime runs 60 days before the first collect (which
// therefore finds a stock of old vacancies and never sees those that closed
// before it), then is synced daily for 60 days, all on the sandbox's
// simulated clock. The delayed-entry estimate must be within ±10 % of the
// true median and within ±0.05 of the true S(t) at 7, 14, 28 and 56 days;
// the old estimator (entry ignored) must fail the same test.
func TestLifetimeOnSimulatedMarket(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates four months of a market")
	}
	ctx := context.Background()
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	clock := sandbox.NewSimClock(start)
	market := &sandbox.Market{PerDay: 40, MedianDays: 20, Sigma: 0.8}
	sb, err := sandbox.New(sandbox.Config{Seed: 7, Now: clock.Now, NoHardCells: true, Market: market})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	defer srv.Close()
	hc, err := httpx.NewClient(httpx.Options{
		UserAgent: "hhjobs-test/1.0 (test@example.com)",
		Retry:     httpx.RetryPolicy{Initial: time.Millisecond, Max: 20 * time.Millisecond},
		Wrap:      func(next http.RoundTripper) http.RoundTripper { return bearer{next, sb.MintAppToken()} },
	})
	if err != nil {
		t.Fatal(err)
	}
	api, err := hhapi.New(srv.URL, hc)
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := harvest.EnsureReference(ctx, api, st, start); err != nil {
		t.Fatal(err)
	}
	// The query reaches back to the market's start, so that vacancies
	// published long ago are re-paged, not re-checked one by one.
	q, err := st.SaveQuery(ctx, store.Query{Name: "market", Params: map[string][]string{"date_from": {start.Format("2006-01-02T15:04:05-0700")}}})
	if err != nil {
		t.Fatal(err)
	}
	h := &harvest.Harvester{API: api, Store: st, Concurrency: 8, Worker: "market"}
	clock.Advance(60 * 24 * time.Hour)
	for day := 0; day <= 60; day++ {
		if day > 0 {
			clock.Advance(24 * time.Hour)
		}
		if _, err := h.Run(ctx, q, harvest.RunOptions{}); err != nil {
			t.Fatalf("day %d: %v", day, err)
		}
	}
	truth, _ := sb.MarketTruth()

	var entered, ignored []analytics.Subject
	var initial int
	if err := st.EachVacancy(ctx, store.Filter{}, func(v store.Vacancy) error {
		s, ini := analytics.LifeSubject(v)
		if ini {
			initial++
		}
		entered = append(entered, s)
		ignored = append(ignored, analytics.Subject{Entry: 0, Exit: s.Exit, Event: s.Event})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if initial != len(entered) {
		t.Errorf("%d of %d vacancies start at initial_created_at", initial, len(entered))
	}
	check := func(name string, km analytics.KM) (fails []string) {
		if !km.MedianReached || math.Abs(km.Median/truth.MedianDays-1) > 0.10 {
			fails = append(fails, fmt.Sprintf("median %.2f vs true %.2f", km.Median, truth.MedianDays))
		}
		for _, d := range []float64{7, 14, 28, 56} {
			if got, want := km.At(d), market.Survival(d); math.Abs(got-want) > 0.05 {
				fails = append(fails, fmt.Sprintf("S(%v) %.3f vs true %.3f", d, got, want))
			}
		}
		t.Logf("%s: n %d, closures %d, median %.2f d [%.2f, %.2f] (true %.2f), S(7,14,28,56) = %.3f %.3f %.3f %.3f (true %.3f %.3f %.3f %.3f)",
			name, km.N, km.Events, km.Median, km.CILow, km.CIHigh, truth.MedianDays, km.At(7), km.At(14), km.At(28), km.At(56),
			market.Survival(7), market.Survival(14), market.Survival(28), market.Survival(56))
		return fails
	}
	if fails := check("delayed entry", analytics.KaplanMeierLT(entered)); len(fails) > 0 {
		t.Errorf("delayed entry misses the truth: %v", fails)
	}
	if fails := check("entry ignored", analytics.KaplanMeierLT(ignored)); len(fails) == 0 {
		t.Errorf("the old estimator (entry ignored) passes too: the test cannot tell them apart")
	}
	// stats --lifetime states the same median, with its window.
	ls, err := analytics.ComputeLifetime(ctx, st, analytics.LifetimeConfig{})
	if err != nil {
		t.Fatal(err)
	}
	tot := ls.Total
	if tot.MedianDays == nil || *tot.MedianDays != analytics.KaplanMeierLT(entered).Median || tot.Start != analytics.StartInitialCreated {
		t.Errorf("stats --lifetime total %+v", tot)
	}
	if !tot.Window.From.Equal(start.Add(60*24*time.Hour)) || tot.Window.To.Before(start.Add(120*24*time.Hour)) {
		t.Errorf("window %v → %v: not the simulated clock's", tot.Window.From, tot.Window.To)
	}
	// Pay changes: +5…20 % with probability 0.7, else −5…15 %: the median
	// change is +9.3 % (0.3 + 0.7·(x − 5)/15 = ½), at an age uniform in [2, 30) days.
	rev, err := analytics.ComputeRevisions(ctx, st, analytics.RevisionConfig{By: []analytics.Dim{analytics.DimExperience}})
	if err != nil {
		t.Fatal(err)
	}
	rt := rev.Total
	if rt.Changes == 0 || rt.Up <= 2*rt.Down || rt.MedianChangePct == nil || math.Abs(*rt.MedianChangePct-9.3) > 2 ||
		rt.MedianDaysToChange == nil || *rt.MedianDaysToChange < 2 || *rt.MedianDaysToChange > 31 || len(rev.Groups) < 4 {
		t.Errorf("revisions %+v", rt)
	} else {
		t.Logf("revisions: %d seen twice, %d changed (%.3f), %d changes (%d up, %d down, %d other), median %+.2f %%, %.1f days after the start",
			rt.SeenTwice, rt.Changed, *rt.Share, rt.Changes, rt.Up, rt.Down, rt.Other, *rt.MedianChangePct, *rt.MedianDaysToChange)
	}
	t.Logf("market: %d published, %d closed, %d republished, %d pay changes; stored %d", truth.Published, truth.Closed, truth.Republished, truth.PayChanged, len(entered))
}
