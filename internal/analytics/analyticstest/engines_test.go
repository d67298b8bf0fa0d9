package analyticstest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/analytics/analyticstest"
	"github.com/hhjobs/hhjobs/internal/store"
)

// The same collected data gives the same analytics, to the last digit, on
// SQLite and on PostgreSQL: every section of the report, `stats` groupings
// (which read narrowed rows), both salary bases and every filter.
func TestSameResultsOnBothEngines(t *testing.T) {
	lite, pg := analyticstest.BothEngines(t) // skips without HHJOBS_TEST_POSTGRES
	ctx := context.Background()
	const n = 2500
	for _, s := range []store.Store{lite, pg} {
		if err := analyticstest.Fill(ctx, s, n, 11); err != nil {
			t.Fatal(err)
		}
	}
	q, err := lite.QueryByName(ctx, analyticstest.QueryName)
	if err != nil {
		t.Fatal(err)
	}
	since := analyticstest.End.Add(-analyticstest.Span / 3)
	configs := map[string]analytics.Config{
		"report":                  {},
		"report, net":             {Options: analytics.Options{Net: true}},
		"report, query and since": {Filter: store.Filter{QueryID: q.ID, Since: since}},
		"report, open only":       {Filter: store.Filter{OpenOnly: true}},
		"stats by role":           {GroupsOnly: true, Groupings: [][]analytics.Dim{{analytics.DimRole}}},
		// Salary rules of issue 14: one copy per mass posting, lowered small-sample
		// thresholds, rosters (Fill stores them in the raw items), progressive tax.
		"report, unique postings, small thresholds": {UniquePostings: true, Small: analytics.Thresholds{MinNMedian: 3, MinNQuartiles: 5}, MinN: 5},
		"stats by role, unique postings, net":       {GroupsOnly: true, UniquePostings: true, Options: analytics.Options{Net: true}, Groupings: [][]analytics.Dim{{analytics.DimRole}}},
		"stats by every dimension": {GroupsOnly: true, Groupings: func() [][]analytics.Dim {
			var g [][]analytics.Dim
			for _, d := range analytics.Dims {
				g = append(g, []analytics.Dim{d})
			}
			return g
		}()},
		"stats by role × experience × region": {GroupsOnly: true, Groupings: [][]analytics.Dim{{analytics.DimRole, analytics.DimExperience, analytics.DimRegion}}},
	}
	for name, cfg := range configs {
		t.Run(name, func(t *testing.T) {
			cfg.Now = analyticstest.End
			var out [2]string
			for i, s := range []store.Store{lite, pg} {
				res, err := analytics.Compute(ctx, s, cfg)
				if err != nil {
					t.Fatal(err)
				}
				if res.Total.Vacancies == 0 {
					t.Fatal("no vacancies")
				}
				b, err := json.MarshalIndent(res, "", " ")
				if err != nil {
					t.Fatal(err)
				}
				out[i] = string(b)
			}
			if d := cmp.Diff(out[0], out[1]); d != "" {
				t.Errorf("SQLite and PostgreSQL differ (-sqlite +postgres):\n%s", d)
			}
		})
	}
	// `stats --revisions`: the version walk of each engine.
	t.Run("revisions by role", func(t *testing.T) {
		var out [2]string
		for i, s := range []store.Store{lite, pg} {
			res, err := analytics.ComputeRevisions(ctx, s, analytics.RevisionConfig{By: []analytics.Dim{analytics.DimRole}})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(res)
			out[i] = string(b)
		}
		if d := cmp.Diff(out[0], out[1]); d != "" {
			t.Errorf("SQLite and PostgreSQL differ (-sqlite +postgres):\n%s", d)
		}
	})
	// `stats --lifetime`: the delayed-entry estimates per group.
	for _, by := range [][]analytics.Dim{nil, {analytics.DimExperience}, {analytics.DimRole, analytics.DimRegion}} {
		t.Run("lifetime by "+fmt.Sprint(by), func(t *testing.T) {
			var out [2]string
			for i, s := range []store.Store{lite, pg} {
				res, err := analytics.ComputeLifetime(ctx, s, analytics.LifetimeConfig{By: by})
				if err != nil {
					t.Fatal(err)
				}
				if res.Total.Closed == 0 {
					t.Fatal("no closures")
				}
				b, err := json.MarshalIndent(res, "", " ")
				if err != nil {
					t.Fatal(err)
				}
				out[i] = string(b)
			}
			if d := cmp.Diff(out[0], out[1]); d != "" {
				t.Errorf("SQLite and PostgreSQL differ (-sqlite +postgres):\n%s", d)
			}
		})
	}
}
