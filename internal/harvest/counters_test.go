package harvest_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/sandbox"
)

// TestFaultCountersHonest: with 5 % faults (dropped connections among them,
// some resent by net/http itself) and slices that overlap (Cap forces role
// splits; a vacancy with two roles is in two slices), the runs' counters
// agree with the API's own count of requests, count every failed try as a
// retry, and count each vacancy once per run.
func TestFaultCountersHonest(t *testing.T) {
	sb, err := sandbox.New(sandbox.Config{Seed: 61, Vacancies: 1000, NoHardCells: true, FaultRate: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	f := newFaultHarness(t, srv.URL, faultRetry(), bearerWrap(sb.MintAppToken()), 4) // fetches the reference data
	f.h.Cap = 300
	p := url.Values{"area": {"113"}}
	q := f.query(t, "all", p)
	truth := sortedTruth(sb, p)
	ctx := context.Background()

	res1, err := f.h.Run(ctx, q, harvest.RunOptions{Details: harvest.DetailsNew})
	if err != nil {
		t.Fatalf("run 1: %v", err)
	}
	res2, err := f.h.Run(ctx, q, harvest.RunOptions{Details: harvest.DetailsNew})
	if err != nil {
		t.Fatalf("run 2: %v", err)
	}
	checkFaultOutcome(t, f.st, q, truth, true, false)
	c1, c2 := res1.Run.Counters, res2.Run.Counters
	api, m := sb.Stats(), f.m.Snapshot()
	t.Logf("API: %d requests, %d faults; client: %+v; run 1 %+v; run 2 %+v", api.Requests, api.Faults, m, c1, c2)
	if got := c1.Requests + c2.Requests; got != api.Requests {
		t.Errorf("runs counted %d requests, the API %d", got, api.Requests)
	}
	if got := c1.Retries + c2.Retries; got != m.Errors5xx+m.NetworkErrors || got < api.Faults {
		t.Errorf("runs counted %d retries for %d 5xx and %d network errors (%d faults injected)", got, m.Errors5xx, m.NetworkErrors, api.Faults)
	}
	if c1.New != int64(len(truth)) || c1.Changed+c1.Unchanged != 0 {
		t.Errorf("run 1: %d new, %d changed, %d unchanged; want %d new and nothing else", c1.New, c1.Changed, c1.Unchanged, len(truth))
	}
	if c2.New+c2.Changed != 0 || c2.Unchanged != int64(len(truth)) {
		t.Errorf("run 2: %d new, %d changed, %d unchanged; want %d unchanged", c2.New, c2.Changed, c2.Unchanged, len(truth))
	}
	if res1.Slices < 3 {
		t.Errorf("%d slices: the case needs overlapping splits", res1.Slices)
	}
}
