package bench

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestTinyMarket runs the market leg on tiny data under a low cap.
func TestTinyMarket(t *testing.T) {
	if testing.Short() {
		t.Skip("runs harvests against the sandbox")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var log bytes.Buffer
	cfg := Config{Seed: 4, MarketVacancies: 2000, NoHardCells: true, Cap: 200, Concurrency: 4,
		Publish: 40, Archive: 20, Change: 20, Dir: t.TempDir(), Log: &log}
	rep, err := Run(ctx, cfg, Legs{Market: true})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	m := rep.Market
	if m == nil {
		t.Fatal("no market report")
	}
	for name, l := range map[string]MarketLeg{"clusters": m.Clusters, "no clusters": m.NoClusters} {
		if l.Recall.Recall != 1 || l.Recall.Extra != 0 || l.Recall.Duplicates != 0 || l.Recall.Truth <= 3*cfg.Cap {
			t.Errorf("%s: recall %+v", name, l.Recall)
		}
		if l.Requests < int64(m.Floor) || l.PeakRSS == 0 || l.StoreRate <= 0 {
			t.Errorf("%s: %+v, floor %d", name, l, m.Floor)
		}
	}
	if m.Clusters.Requests >= m.NoClusters.Requests {
		t.Errorf("with clusters %d requests, without %d", m.Clusters.Requests, m.NoClusters.Requests)
	}
	if d := m.DryRun.Requests - int(m.Clusters.Requests); d*20 > int(m.Clusters.Requests) || -d*20 > int(m.Clusters.Requests) {
		t.Errorf("dry run planned %d, the run made %d", m.DryRun.Requests, m.Clusters.Requests)
	}
	s := m.Sync
	if s.Recall.Recall != 1 || s.Recall.Extra != 0 || s.Published != cfg.Publish || s.Closed == 0 || s.Requests == 0 {
		t.Errorf("sync %+v", s)
	}
	if u := m.Unchanged; u.DetailRequests != 0 || u.Requests == 0 {
		t.Errorf("sync with nothing changed: %+v, want 0 detail requests", u)
	}
	if s.K == 0 || s.C == 0 || s.DetailRequests < int64(s.K+s.C) || s.DetailRequests > int64(s.K+s.C+s.M) {
		t.Errorf("sync: %d detail requests, want K + C = %d + %d (+ M = %d at most)", s.DetailRequests, s.K, s.C, s.M)
	}
	var out bytes.Buffer
	rep.Print(&out)
	for _, want := range []string{"MARKET", "with clusters: recall", "without clusters: recall", "dry run", "sync: requests", "sync: detail requests", "nothing changed"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	t.Log(out.String())
}
