package harvest_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/sandbox"
	"github.com/hhjobs/hhjobs/internal/store"
)

// The whole market (no role) under a low cap: with clusters, truncated
// clusters and no clusters at all, every run collects exactly the truth;
// clusters make it cheaper than probing, and each split slice says why.
func TestClusterPlanWholeMarket(t *testing.T) {
	ctx := context.Background()
	params := url.Values{"area": {"113"}}
	var reqs = map[string]int64{}
	for _, tc := range []struct {
		name string
		cfg  sandbox.Config
	}{
		{"clusters", sandbox.Config{Seed: 5, Vacancies: 6000}},
		{"truncated clusters", sandbox.Config{Seed: 5, Vacancies: 6000, ClusterItems: 4}},
		{"no clusters", sandbox.Config{Seed: 5, Vacancies: 6000, NoClusters: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.cfg)
			e.h.Cap = 500
			q := e.query(t, "market", params)
			before := e.sb.Stats()
			res, err := e.h.Run(ctx, q, harvest.RunOptions{Details: harvest.DetailsNone})
			if err != nil {
				t.Fatal(err)
			}
			want := assertComplete(t, e, q)
			after := e.sb.Stats()
			n := (after.Search + after.SearchProbe) - (before.Search + before.SearchProbe)
			reqs[tc.name] = n
			floor := int64((len(want) + harvest.PerPage - 1) / harvest.PerPage)
			t.Logf("%s: %d vacancies, %d leaves, %d requests (%d probes), floor %d, ratio %.3f", tc.name, len(want), res.Slices, n,
				after.SearchProbe-before.SearchProbe, floor, float64(n)/float64(floor))
			if res.Truncated != 0 || res.Run.Status != store.RunDone {
				t.Fatalf("run %s, %d truncated", res.Run.Status, res.Truncated)
			}
			sl, err := e.st.Slices(ctx, res.Run.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range sl {
				if s.ParentID != 0 && len(s.Params["_why"]) != 1 {
					t.Errorf("slice %d (%v) does not say why it exists", s.ID, s.Params)
				}
			}
		})
	}
	if reqs["clusters"] >= reqs["no clusters"] {
		t.Errorf("with clusters %d requests, without %d: clusters must save requests", reqs["clusters"], reqs["no clusters"])
	}
}
