package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/sandbox"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

// The demo's two simulated months: the market runs demoWarmDays before the
// first collect (so that it finds a stock of old vacancies and misses the
// ones that closed before it), then the query is synced daily demoSyncDays times.
const (
	demoWarmDays = 60
	demoSyncDays = 60
	demoDays     = demoWarmDays + demoSyncDays
	demoPerDay   = 60 // vacancies a simulated day, every role and area (about 40 % HR in Russia)
)

// msk: the demo's simulated days are hh.ru's (Moscow) days.
var msk = hhapi.Moscow

// demoMarket builds the simulated clock and market: the market starts
// demoDays before now, so that the last sync is today and the report's
// weeks are current.
func demoMarket(o *DemoOptions) (*sandbox.SimClock, *sandbox.Market, time.Time) {
	start := time.Now().Add(-demoDays * 24 * time.Hour).Truncate(time.Hour)
	m := &sandbox.Market{PerDay: float64(o.Vacancies) / demoDays, MedianDays: 20, Sigma: 0.8}
	return sandbox.NewSimClock(start), m, start
}

// demoTruth prints the estimated median lifetime next to the market's truth.
func demoTruth(ctx context.Context, f *Factory, db string, sb *sandbox.Server) error {
	truth, ok := sb.MarketTruth()
	if !ok {
		return nil
	}
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	ls, err := analytics.ComputeLifetime(ctx, st, analytics.LifetimeConfig{})
	if err != nil {
		return err
	}
	t := ls.Total
	est := "withheld (" + t.Reason + ")"
	if t.MedianDays != nil {
		est = fmt.Sprintf("%.1f days, 95%% CI %s, %d closures observed, %d at risk at the median", *t.MedianDays, ciText(t.MedianCI95), t.Closed, *t.AtRiskAtMedian)
	}
	fmt.Fprintf(f.IO.Err, "demo: median vacancy lifetime (Kaplan-Meier with delayed entry, from %s): %s; the market's true median: %.1f days (log-normal, σ %.1f)\n",
		t.Start, est, truth.MedianDays, truth.Sigma)
	return nil
}

func ciText(ci []*float64) string {
	if len(ci) != 2 {
		return "—"
	}
	end := func(p *float64) string {
		if p == nil {
			return "beyond the data"
		}
		return fmt.Sprintf("%.1f", *p)
	}
	return "[" + end(ci[0]) + ", " + end(ci[1]) + "]"
}
