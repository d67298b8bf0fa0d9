package bench

import (
	"context"
	"fmt"
	"io"

	"github.com/hhjobs/hhjobs/internal/httpx"
	"github.com/hhjobs/hhjobs/internal/sandbox"
)

// AutoRates are the limits the --rate-auto legs run at: hh.ru's quoted
// ≈10 req/s per IP, the CLI's safe start and a faster API (REFERENCE §5).
var AutoRates = []float64{4, 10, 25}

// AutoLeg is one harvest by a client without --rps (adaptive) against a
// sandbox limiting it to R: a first run with nothing remembered, then a
// second run started at the rate the first remembered, as rates.json does.
type AutoLeg struct {
	RPS      float64 `json:"rps"`
	Run      string  `json:"run"`       // "first" | "remembered"
	StartRPS float64 `json:"start_rps"` // the client's first rate
	RateFigures
	Ceiling    float64 `json:"ceiling_rps"`  // the controller's estimate of R at the end
	Remembered float64 `json:"remember_rps"` // what it would save for the next run
}

// runAutoLegs measures --rps auto at every AutoRates limit, first and
// remembered run, each on a fresh database against one sandbox per R.
func runAutoLegs(ctx context.Context, cfg Config) ([]AutoLeg, error) {
	var legs []AutoLeg
	for _, r := range AutoRates {
		cfg.logf("rate leg, --rps auto: sandbox of %d vacancies limited to %g req/s with %s latency", cfg.RateVacancies, r, cfg.Latency)
		sb, err := cfg.RateLaunch(ctx, sandbox.Config{Seed: cfg.Seed, Vacancies: cfg.RateVacancies, NoHardCells: true,
			RPS: r, Latency: cfg.Latency, RetryAfter: true})
		if err != nil {
			return legs, err
		}
		start, remembered := 0.0, false
		for _, run := range []string{"first", "remembered"} {
			leg, err := autoLeg(ctx, cfg, sb, r, run, start, remembered)
			if err != nil {
				sb.Close()
				return legs, fmt.Errorf("R=%g, %s run: %w", r, run, err)
			}
			cfg.logf("R=%g %s run: %.1f%% of R, %d of %d answered 429; remembers %.2f req/s", r, run, 100*leg.Share, leg.TooMany, leg.Requests, leg.Remembered)
			legs = append(legs, leg)
			start, remembered = leg.Remembered, true
		}
		sb.Close()
	}
	return legs, nil
}

func autoLeg(ctx context.Context, cfg Config, sb *Sandbox, r float64, run string, start float64, remembered bool) (AutoLeg, error) {
	ad := httpx.NewAdaptive(start, 0, remembered, nil)
	leg := AutoLeg{RPS: r, Run: run, StartRPS: ad.Rate()}
	rg, err := newAutoRig(ctx, sb, dbPath(cfg, fmt.Sprintf("rate-auto-%g-%s.db", r, run)), ad, cfg.Concurrency, cfg.Cap)
	if err != nil {
		return leg, err
	}
	defer rg.close()
	if leg.RateFigures, _, err = measureRate(ctx, sb, rg, r); err != nil {
		return leg, err
	}
	leg.Ceiling = ad.Ceiling()
	leg.Remembered, _ = ad.Remember()
	return leg, nil
}

// newAutoRig is newRig with a caller-owned adaptive controller, so a leg
// can read what it found and start the next leg where rates.json would.
func newAutoRig(ctx context.Context, sb *Sandbox, dbPath string, ad *httpx.Adaptive, conc, limit int) (*rig, error) {
	c, err := collector(ctx, sb, -1)
	if err != nil {
		return nil, err
	}
	c.Limiter = httpx.NewAdaptiveLimiter(ad)
	return openRig(ctx, c, dbPath, hrQuery(), conc, limit)
}

func printAutoLegs(w io.Writer, legs []AutoLeg, cfg Config) {
	if len(legs) == 0 {
		return
	}
	fmt.Fprintf(w, "\nRATE, without --rps (adaptive): the same harvest against sandboxes of %s vacancies (no hard cells) limiting the client to R req/s (token bucket, burst R/2, Retry-After: 1), %s latency, concurrency %d; each R: a first run (nothing remembered), then one started at the rate the first remembered\n",
		num(cfg.RateVacancies), dur(secs(cfg.Latency)), cfg.Concurrency)
	t, flush := newTable(w)
	for _, l := range legs {
		fig := fmt.Sprintf("R = %g, %s run", l.RPS, l.Run)
		t.row(fig, fmt.Sprintf("%.2f / %g req/s = %s (%s requests in %s; started at %.2f, ends estimating R = %.2f)",
			l.Achieved, l.RPS, pct(l.Share), num(l.Requests), dur(l.ElapsedS), l.StartRPS, l.Ceiling), "≥ 90%", verdict(l.Share >= TargetRateShare))
		t.row("  429 share", fmt.Sprintf("%s (%d of %s; %d retries); recall %s", pct(l.Share429), l.TooMany, num(l.Requests), l.Retries, pct(l.Recall)),
			"< 1%", verdict(l.Share429 < TargetShare429 && l.Recall == 1))
	}
	flush()
}
