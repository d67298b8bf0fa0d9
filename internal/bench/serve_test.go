package bench_test

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/bench"
	"github.com/hhjobs/hhjobs/internal/cli"
	"github.com/hhjobs/hhjobs/internal/store"
)

// TestRunServe runs the serve leg on a small bench database: every URL of
// its script answers 200 (RunServe fails otherwise), each kind is timed,
// and the report prints every figure with its target.
func TestRunServe(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	now := time.Date(2026, 4, 21, 9, 0, 0, 0, time.UTC)
	rep, err := bench.RunServe(ctx, bench.Config{AnalyticsVacancies: 600}, t.TempDir(), bench.ServeFuncs{
		Stats: func(ctx context.Context, st store.Store, v url.Values) ([]byte, error) {
			return cli.StatsJSONBytes(ctx, st, v, now)
		},
		Lifetime: func(ctx context.Context, st store.Store, v url.Values) ([]byte, error) {
			return cli.LifetimeJSONBytes(ctx, st, v, now)
		},
		StatsParams: cli.StatsParams, LifetimeParams: cli.LifetimeParams,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Vacancies != 600 || rep.FirstAnswerS <= 0 || rep.FirstOverviewS < rep.FirstAnswerS || rep.OK != nil {
		t.Errorf("report: %+v", rep)
	}
	total := 0
	for _, k := range rep.Kinds {
		if k.Requests == 0 || k.P50MS <= 0 || k.P95MS < k.P50MS || k.MaxMS < k.P95MS {
			t.Errorf("%s: %+v", k.Kind, k)
		}
		total += k.Requests
	}
	if total != rep.All.Requests || total < 30 {
		t.Errorf("%d requests in the kinds, %d in all", total, rep.All.Requests)
	}
	var out bytes.Buffer
	rep.Print(&out)
	for _, want := range []string{"start → overview (/)", "≤ 10 s", "peak RSS", "≤ 600 MB", "p95 ≤ 150 ms", "(target at 1M)", "load average"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("printed report lacks %q:\n%s", want, out.String())
		}
	}
}
