package harvest_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

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
			now := time.Now()
			e.h.Now = func() time.Time { return now } // one upper bound for the dry run and the run
			q := e.query(t, "market", params)
			pl, err := e.h.DryRun(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
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
			t.Logf("dry run: %+v", pl)
			if d := float64(pl.Requests-int(n)) / float64(n); d > 0.05 || d < -0.05 {
				t.Errorf("dry run planned %d requests, the run made %d (%+.1f%%)", pl.Requests, n, 100*d)
			}
			if pl.Found != len(want) {
				t.Errorf("dry run found %d, truth %d", pl.Found, len(want))
			}
			if res.Truncated != 0 || res.Run.Status != store.RunDone {
				t.Fatalf("run %s, %d truncated", res.Run.Status, res.Truncated)
			}
			sl, err := e.st.Slices(ctx, res.Run.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range sl {
				if s.ParentID != 0 && s.Plan.Why == "" {
					t.Errorf("slice %d (%v) does not say why it exists", s.ID, s.Params)
				}
				for k := range s.Params {
					if strings.HasPrefix(k, "_") {
						t.Errorf("slice %d carries the private key %s in its search parameters", s.ID, k)
					}
				}
			}
		})
	}
	if reqs["clusters"] >= reqs["no clusters"] {
		t.Errorf("with clusters %d requests, without %d: clusters must save requests", reqs["clusters"], reqs["no clusters"])
	}
}

// A sync reuses the last run's leaves: after publishing, changing and
// archiving vacancies it collects exactly the truth again, splits nothing
// that did not grow past the cap, probes nothing, and costs fewer requests
// than planning from scratch did.
func TestSyncReusesPlan(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, sandbox.Config{Seed: 9, Vacancies: 6000})
	e.h.Cap = 500
	q := e.query(t, "market", url.Values{"area": {"113"}})
	s0 := e.sb.Stats()
	first, err := e.h.Run(ctx, q, harvest.RunOptions{Details: harvest.DetailsNone})
	if err != nil {
		t.Fatal(err)
	}
	assertComplete(t, e, q)
	s1 := e.sb.Stats()
	e.sb.Publish(150)
	e.sb.Change(100)
	e.sb.Archive(100)
	second, err := e.h.Run(ctx, q, harvest.RunOptions{Details: harvest.DetailsNone})
	if err != nil {
		t.Fatal(err)
	}
	want := assertComplete(t, e, q)
	s2 := e.sb.Stats()
	firstReqs := s1.Search + s1.SearchProbe - s0.Search - s0.SearchProbe
	syncReqs := s2.Search + s2.SearchProbe - s1.Search - s1.SearchProbe
	t.Logf("first run %d requests (%d leaves), sync %d requests (%d leaves, %d probes), floor %d", firstReqs, first.Slices,
		syncReqs, second.Slices, s2.SearchProbe-s1.SearchProbe, (len(want)+99)/100)
	if syncReqs >= firstReqs {
		t.Errorf("sync made %d requests, the first run %d: the reused plan must be cheaper", syncReqs, firstReqs)
	}
	if second.Run.Counters.Closed == 0 {
		t.Errorf("no archived vacancy was closed")
	}
	sl, err := e.st.Slices(ctx, second.Run.ID)
	if err != nil {
		t.Fatal(err)
	}
	reused := 0
	for _, s := range sl {
		if testing.Verbose() {
			t.Logf("slice %d parent %d %s found %d pages %d why %q", s.ID, s.ParentID, s.State, s.Found, s.Pages, s.Plan.Why)
		}
		if w := s.Plan.Why; len(w) >= 6 && w[:6] == "reused" {
			reused++
		}
	}
	if reused == 0 {
		t.Errorf("no slice of the sync says it was reused")
	}
}
