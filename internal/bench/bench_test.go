package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTinyBench runs every leg on tiny data and checks that the report is
// complete and the figures with exact targets hold.
func TestTinyBench(t *testing.T) {
	if testing.Short() {
		t.Skip("runs harvests against the sandbox")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var log bytes.Buffer
	cfg := Config{
		// No hard cells and a depth limit of 100 instead of 2000 keep it
		// quick while the planner still has to split the query.
		Seed: 3, Vacancies: 800, NoHardCells: true, Cap: 100, Concurrency: 4,
		RPS: 400, Latency: time.Millisecond, RateVacancies: 200,
		Publish: 40, Archive: 20, Change: 20,
		NaivePause: time.Millisecond, StoreVacancies: 1000, AnalyticsVacancies: 2000,
		Dir: t.TempDir(), Log: &log,
	}
	rep, err := Run(ctx, cfg, Legs{Harvest: true, Store: true, Analytics: true})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	h, rt, st, an := rep.Harvest, rep.Rate, rep.Store, rep.Analytics
	if h == nil || rt == nil || st == nil || an == nil {
		t.Fatalf("incomplete report: harvest %v, rate %v, store %v, analytics %v", h != nil, rt != nil, st != nil, an != nil)
	}

	// Recall and duplicates: exact.
	if h.Recall.Recall != 1 || h.Recall.Extra != 0 || h.Recall.Duplicates != 0 {
		t.Errorf("recall %+v, want 1 with no extra and no duplicates", h.Recall)
	}
	if h.Recall.Truth <= 3*cfg.Cap || h.Slices < 2 {
		t.Errorf("truth %d in %d slices: the HR query should be far over the cap of %d", h.Recall.Truth, h.Slices, cfg.Cap)
	}
	rq := h.Requests
	if rq.Details != int64(h.Recall.Truth) || rq.Total != rq.Search+rq.Probes+rq.Details || rq.Minimum <= h.Recall.Truth || rq.Ratio < 1 {
		t.Errorf("requests %+v for truth %d", rq, h.Recall.Truth)
	}
	if h.PagesOnly.Recall.Recall != 1 || h.PagesOnly.Requests == 0 || h.PagesOnly.Requests >= rq.Total {
		t.Errorf("pages only %+v", h.PagesOnly)
	}
	n := h.Naive
	if n.Pages != 1 || n.Recall.Distinct != 100 || n.Recall.Recall >= 1 || n.Requests != 1 || n.Found != h.Recall.Truth {
		t.Errorf("naive %+v: want 1 page, 100 stored, recall < 1", n)
	}
	if h.PeakRSS == 0 || h.Sandbox != "in-process" {
		t.Errorf("peak RSS %d, sandbox %q", h.PeakRSS, h.Sandbox)
	}

	inc := h.Incremental
	if inc.Unchanged.DetailRequests != 0 || inc.Unchanged.PageRequests == 0 {
		t.Errorf("unchanged sync %+v: want no detail requests", inc.Unchanged)
	}
	if inc.Published != 40 || inc.Archived != 20 || inc.Changed != 20 || inc.Expected != inc.K+inc.C+inc.M {
		t.Errorf("mutations %+v", inc)
	}
	if inc.New != int64(inc.K) || inc.ChangedSeen != int64(inc.C) || inc.Closed != int64(inc.M) || inc.DetailRequests < int64(inc.Expected) {
		t.Errorf("sync after mutations: new %d/K %d, changed %d/C %d, closed %d/M %d, details %d/%d",
			inc.New, inc.K, inc.ChangedSeen, inc.C, inc.Closed, inc.M, inc.DetailRequests, inc.Expected)
	}
	if inc.RecallAfter.Recall != 1 || inc.RecallAfter.Extra != 0 {
		t.Errorf("recall after sync %+v", inc.RecallAfter)
	}

	if rt.Recall != 1 || rt.Requests == 0 || rt.Achieved <= 0 || rt.Share <= 0 || rt.Truth == 0 {
		t.Errorf("rate %+v", rt)
	}
	if st.NewRate <= 0 || st.RepeatRate <= 0 || st.Vacancies != 1000 {
		t.Errorf("store %+v", st)
	}
	if an.Vacancies != 2000 || an.Stats.ElapsedS <= 0 || an.Report.ElapsedS <= 0 || an.ReportBytes == 0 {
		t.Errorf("analytics %+v", an)
	}

	var out bytes.Buffer
	rep.Print(&out)
	for _, want := range []string{"recall", "requests / minimum", "peak RSS", "sync, nothing changed", "K+C+M",
		"naive", "achieved / allowed", "429 share", "upsert, new ids", "store walk", "stats --by role", "report (HTML"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("printed report lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := rep.WriteJSON(&out); err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(out.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"harvest", "rate", "store", "analytics", "machine", "config"} {
		if back[k] == nil {
			t.Errorf("JSON lacks %q", k)
		}
	}
	if testing.Verbose() {
		out.Reset()
		rep.Print(&out)
		t.Log("\n" + out.String() + log.String())
	}
}

// TestRunAnalytics fills a tiny analytics database, times the leg, and
// reuses the database on the second run.
func TestRunAnalytics(t *testing.T) {
	ctx := context.Background()
	dbDir := t.TempDir()
	cfg := Config{AnalyticsVacancies: 2000, Dir: t.TempDir()}
	first, err := RunAnalytics(ctx, cfg, dbDir)
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dbDir, "hhjobs-bench-2000.db")
	if first.Reused || first.FillS <= 0 || first.DB != want || first.DBBytes == 0 {
		t.Errorf("first run: reused %v, fill %vs, db %s (want %s), %d bytes", first.Reused, first.FillS, first.DB, want, first.DBBytes)
	}
	if _, err := os.Stat(want + ".done"); err != nil {
		t.Errorf("no marker: %v", err)
	}
	second, err := RunAnalytics(ctx, cfg, dbDir)
	if err != nil {
		t.Fatal(err)
	}
	if !second.Reused || second.FillS != 0 {
		t.Errorf("second run: reused %v, fill %vs", second.Reused, second.FillS)
	}
	for name, x := range map[string]Timing{"walk": second.Walk, "stats": second.Stats, "report": second.Report} {
		if x.ElapsedS <= 0 || x.PeakHeapMB <= 0 {
			t.Errorf("%s %+v", name, x)
		}
	}
	if second.Stats.TargetS != TargetStats1M || second.Report.TargetS != TargetReport1M || second.Stats.OK != nil || second.Report.OK != nil {
		t.Errorf("targets: stats %+v, report %+v (no verdict below 1M)", second.Stats, second.Report)
	}
	var out bytes.Buffer
	(&Report{Analytics: second}).Print(&out)
	for _, want := range []string{"ANALYTICS: sqlite, 2,000 vacancies", "reused", "≤ 3s at 1M", "≤ 15s at 1M", "walk = "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("printed report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestPeakRSS(t *testing.T) {
	if v := peakRSS(); v == 0 {
		t.Errorf("peakRSS = 0, want > 0 or -1 (n/a)")
	}
}
