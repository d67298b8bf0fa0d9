package analyticstest_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/analytics/analyticstest"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

func TestFillAndCompute(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const n = 3000
	if err := analyticstest.Fill(ctx, db, n, 1); err != nil {
		t.Fatal(err)
	}
	if c, err := db.CountVacancies(ctx, store.Filter{}); err != nil || c != n {
		t.Fatalf("count %d %v", c, err)
	}
	res, err := analytics.Compute(ctx, db, analytics.Config{Now: analyticstest.End})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total.Vacancies != n || res.Total.DisclosureShare < 0.35 || res.Total.DisclosureShare > 0.55 {
		t.Errorf("total %+v", res.Total)
	}
	if res.Mix.ExcludedMode == 0 || res.Mix.Currencies["USD"] == 0 || res.Mix.Currencies["KZT"] == 0 || res.Mix.ForkToOnly == 0 {
		t.Errorf("mix %+v", res.Mix)
	}
	exp := res.Grouping(analytics.DimExperience)
	med := map[string]float64{}
	for _, g := range exp.Groups {
		med[g.Key[0]] = g.Salary.Median
	}
	if !(med["noExperience"] < med["between1And3"] && med["between1And3"] < med["between3And6"] && med["between3And6"] < med["moreThan6"]) {
		t.Errorf("grade medians not increasing: %v", med)
	}
	if res.Skills.Top[0].Name != "Подбор персонала" {
		t.Errorf("top skill %+v", res.Skills.Top[0])
	}
	for _, s := range res.Skills.Top {
		if s.Key == "excel" && len(s.Spellings) < 3 {
			t.Errorf("excel spellings not folded: %v", s.Spellings)
		}
	}
	if res.Lifetime.MedianDays == nil || res.Lifetime.Censored == 0 || res.Lifetime.Closed == 0 {
		t.Errorf("lifetime %+v", res.Lifetime.LifetimeGroup)
	}
	if res.Quality.TruncatedSlices != 1 || res.Quality.LastSync == nil || res.Quality.WithDetails == 0 {
		t.Errorf("quality %+v", res.Quality)
	}
	reg := res.Grouping(analytics.DimRegion)
	found := false
	for _, g := range reg.Groups {
		if g.Key[0] == "1261" && g.Label[0] == "Свердловская область" {
			found = true
		}
	}
	if !found {
		t.Errorf("Екатеринбург not rolled up to its region: %+v", reg.Groups)
	}
	t.Logf("weeks %d, remote %0.2f → %0.2f, KM median %.1f d (naive closed mean %.1f d)", len(res.Weekly),
		res.Weekly[0].RemoteShare, res.Weekly[len(res.Weekly)-1].RemoteShare, *res.Lifetime.MedianDays, res.Lifetime.NaiveClosedAvg)
}

// Pay per shift or hour takes the roster stored in the raw JSON, on both
// engines (TestSameResultsOnBothEngines compares the figures).
func TestRostersFromStoredJSON(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := analyticstest.Fill(ctx, db, 3000, 1); err != nil {
		t.Fatal(err)
	}
	res, err := analytics.Compute(ctx, db, analytics.Config{Now: analyticstest.End, GroupsOnly: true, Groupings: [][]analytics.Dim{{analytics.DimRole}}})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Mix
	perShiftOrHour := m.Modes["SHIFT"] + m.Modes["HOUR"]
	if m.RosterKnown == 0 || m.RosterAssumed == 0 || m.RosterKnown+m.RosterAssumed+m.RosterFTE != perShiftOrHour {
		t.Errorf("roster counts %d known + %d assumed + %d FTE, want a mix summing to %d", m.RosterKnown, m.RosterAssumed, m.RosterFTE, perShiftOrHour)
	}
	// An id the store does not hold has no roster.
	rs, err := db.Rosters(ctx, []string{"nope"})
	if err != nil || len(rs) != 0 {
		t.Errorf("unknown id: %v %v", rs, err)
	}
}
