package cli

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/spf13/pflag"

	"github.com/hhjobs/hhjobs/internal/sandbox"
)

// sandboxTime are the simulated-time flags of `hhjobs sandbox`.
type sandboxTime struct {
	Clock   string  // RFC 3339 start of a simulated clock ("" = the real one)
	Market  bool    // run a simulated market
	PerDay  float64 // its arrivals a simulated day
	Median  float64 // its true median lifetime, days
	clock   *sandbox.SimClock
	started time.Time
}

func (t *sandboxTime) flags(fl *pflag.FlagSet) {
	fl.StringVar(&t.Clock, "clock", "", "run on a simulated clock starting at this RFC 3339 time; it stands still until POST /_sandbox/clock?advance=DURATION (e.g. 24h)")
	fl.BoolVar(&t.Market, "market", false, "serve a simulated market instead of the generated data: it starts empty at the clock's time; truth at GET /_sandbox/market")
	fl.Float64Var(&t.PerDay, "market-per-day", 200, "vacancies the simulated market publishes a simulated day")
	fl.Float64Var(&t.Median, "market-median", 20, "true median lifetime of the simulated market's vacancies, days (log-normal, σ 0.8)")
}

// apply sets the clock and the market into cfg; a usage error names the flag.
func (t *sandboxTime) apply(cfg *sandbox.Config) error {
	if t.Clock != "" {
		start, err := time.Parse(time.RFC3339, t.Clock)
		if err != nil {
			return usageErrorf("--clock %q: want an RFC 3339 time like 2026-01-05T09:00:00Z", t.Clock)
		}
		t.clock = sandbox.NewSimClock(start)
		cfg.Now = t.clock.Now
	}
	if t.Market {
		if t.PerDay <= 0 || t.Median <= 0 {
			return usageErrorf("--market-per-day and --market-median must be > 0")
		}
		cfg.Market = &sandbox.Market{PerDay: t.PerDay, MedianDays: t.Median, Sigma: 0.8}
	}
	return nil
}

// handler adds POST /_sandbox/clock?advance=DURATION (or ?set=RFC3339) in
// front of the sandbox when it runs on a simulated clock.
func (t *sandboxTime) handler(next http.Handler) http.Handler {
	if t.clock == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/_sandbox/clock" {
			next.ServeHTTP(w, r)
			return
		}
		if r.Method == http.MethodPost {
			q := r.URL.Query()
			if v := q.Get("advance"); v != "" {
				d, err := time.ParseDuration(v)
				if err != nil || d < 0 {
					http.Error(w, `{"errors":[{"type":"bad_argument","value":"advance"}]}`, http.StatusBadRequest)
					return
				}
				t.clock.Advance(d)
			}
			if v := q.Get("set"); v != "" {
				at, err := time.Parse(time.RFC3339, v)
				if err != nil {
					http.Error(w, `{"errors":[{"type":"bad_argument","value":"set"}]}`, http.StatusBadRequest)
					return
				}
				t.clock.Set(at)
			}
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		_ = json.NewEncoder(w).Encode(map[string]time.Time{"now": t.clock.Now().UTC()})
	})
}
