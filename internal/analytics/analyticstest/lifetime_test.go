package analyticstest_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/analytics/analyticstest"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

// `stats --lifetime --by experience` and the report's lifetime section are
// the same figures: the same total and the same groups.
func TestLifetimeStatsAgreeWithReport(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := analyticstest.Fill(ctx, s, 1500, 5); err != nil {
		t.Fatal(err)
	}
	rep, err := analytics.Compute(ctx, s, analytics.Config{Now: analyticstest.End})
	if err != nil {
		t.Fatal(err)
	}
	st, err := analytics.ComputeLifetime(ctx, s, analytics.LifetimeConfig{By: []analytics.Dim{analytics.DimExperience}})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(st.Total, rep.Lifetime.LifetimeGroup); d != "" {
		t.Errorf("total differs (-stats +report):\n%s", d)
	}
	byKey := map[string]analytics.LifetimeGroup{}
	for _, g := range rep.Lifetime.ByExperience {
		byKey[g.Key[0]] = g
	}
	if len(st.Groups) != len(byKey) || len(st.Groups) < 4 {
		t.Fatalf("%d groups in stats, %d in the report", len(st.Groups), len(byKey))
	}
	for _, g := range st.Groups {
		if d := cmp.Diff(g, byKey[g.Key[0]]); d != "" {
			t.Errorf("%s differs (-stats +report):\n%s", g.Key[0], d)
		}
	}
	tot := st.Total
	if tot.MedianDays == nil || tot.MedianCI95[0] == nil || *tot.MedianCI95[0] > *tot.MedianDays || tot.Window.From.IsZero() || !tot.Window.To.After(tot.Window.From) {
		t.Errorf("total %+v", tot)
	}
	b, _ := json.Marshal(tot)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	for _, k := range []string{"n", "closed", "censored", "median_days", "median_ci95", "at_risk_at_median", "start", "window"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no %q in %s", k, b)
		}
	}
}
