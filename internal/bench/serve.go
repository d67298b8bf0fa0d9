package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hhjobs/hhjobs/internal/store/sqlite"
	"github.com/hhjobs/hhjobs/internal/synth"
	"github.com/hhjobs/hhjobs/internal/web"
)

// Targets of the serve leg (issue 15, point 5), for 1,000,000 vacancies on
// a 2-core machine.
const (
	TargetServeStartS = 10.0  // start to the first answer of the overview
	TargetServeP95MS  = 150.0 // server time of a filter change, p95
	TargetServeRSSMB  = 600.0 // peak RSS of the whole process
)

// ServeFuncs are what `hhjobs serve` passes to the dashboard: the CLI's own
// JSON of `stats` and `stats --lifetime` (internal/bench cannot import
// internal/cli, which imports it) and the memory limit serve sets.
type ServeFuncs struct {
	Stats, Lifetime             web.StatsFunc
	StatsParams, LifetimeParams []string
	MemoryLimit                 int64 // as serve sets it when GOMEMLIMIT is not set; 0: leave it
}

// ServeReport: `hhjobs serve` on the bench database, in this process.
type ServeReport struct {
	Engine    string `json:"engine"`
	Vacancies int    `json:"vacancies"`
	DB        string `json:"db"`
	// Load is /proc/loadavg's 1-minute figure before the start and after the
	// last request: the machine is shared, and the figures depend on it.
	LoadBefore float64 `json:"load_before"`
	LoadAfter  float64 `json:"load_after"`

	SnapshotS      float64 `json:"snapshot_s"`       // building the snapshot
	IndexMB        float64 `json:"index_mb"`         // its indexes' posting lists and orders
	FirstAnswerS   float64 `json:"first_answer_s"`   // start → first 200 (/api/status)
	FirstOverviewS float64 `json:"first_overview_s"` // start → the unfiltered overview (/), the page one opens
	PeakRSSMB      float64 `json:"peak_rss_mb"`      // VmHWM from before the start to the end
	RSSEndMB       float64 `json:"rss_end_mb"`
	HeapLiveMB     float64 `json:"heap_live_mb"` // Go heap in use after a GC at the end (snapshot, indexes, caches)

	// Kinds: overview, list, api; each filter change once, none cached.
	Kinds []ServeKind `json:"kinds"`
	All   ServeKind   `json:"all"`
	// Requests are the filter changes in the order asked, each with its
	// server time in ms.
	Requests []ServeRequest `json:"requests"`

	OK *bool `json:"ok,omitempty"` // set at 1,000,000 vacancies: every target met
}

// ServeRequest is one filter change of the serve leg.
type ServeRequest struct {
	Kind string  `json:"kind"`
	URL  string  `json:"url"`
	MS   float64 `json:"ms"`
}

// ServeKind is the server time of the filter changes of one kind.
type ServeKind struct {
	Kind     string  `json:"kind"`
	Requests int     `json:"requests"`
	P50MS    float64 `json:"p50_ms"`
	P95MS    float64 `json:"p95_ms"`
	MaxMS    float64 `json:"max_ms"`
	Slowest  string  `json:"slowest"`
}

// serveScript is an analyst's session on the bench data (synth's
// roles, grades, areas and formats): a filter narrowed step by step, the
// list sorted and paged, the API asked by role × experience. Every URL is
// distinct, so each is computed, not taken from a cache.
var serveScript = []struct{ kind, url string }{
	{"overview", "/?role=118"},
	{"overview", "/?role=118&experience=between3And6"},
	{"overview", "/?role=118&experience=between3And6&area=1624"},
	{"overview", "/?role=118&experience=between3And6&area=1624&work-format=REMOTE"},
	{"overview", "/?role=118&experience=between3And6&work-format=REMOTE"},
	{"overview", "/?role=69"},
	{"overview", "/?role=69&area=1"},
	{"overview", "/?role=69&area=1&experience=between1And3"},
	{"overview", "/?experience=moreThan6"},
	{"overview", "/?area=2&work-format=HYBRID"},
	{"overview", "/?area=113"},
	{"overview", "/?employment-form=PART"},
	{"overview", "/?role=171,38&experience=moreThan6&area=1"},
	{"overview", "/?skill=Excel&area=1"},
	{"overview", "/?open=true&role=117"},
	{"overview", "/?basis=net&role=118&area=2"},
	{"list", "/vacancies?role=118&experience=between3And6"},
	{"list", "/vacancies?role=118&experience=between3And6&sort=pay"},
	{"list", "/vacancies?role=118&experience=between3And6&sort=pay&page=2"},
	{"list", "/vacancies?area=1&sort=pay&page=5"},
	{"list", "/vacancies?area=1624&work-format=REMOTE"},
	{"list", "/vacancies?q=" + url.QueryEscape("менеджер") + "&area=2"},
	{"list", "/vacancies?work-format=REMOTE&page=3"},
	{"list", "/vacancies"},
	{"list", "/api/vacancies?role=69&sort=pay&per_page=100"},
	{"api", "/api/stats?by=role,experience"},
	{"api", "/api/stats?by=role,experience&area=1"},
	{"api", "/api/stats?by=role,experience&area=1624&work-format=REMOTE"},
	{"api", "/api/stats?by=role,experience&experience=between1And3"},
	{"api", "/api/stats?by=role,experience&role=118&open=true"},
	{"api", "/api/stats?by=region&role=118"},
	{"api", "/api/stats?by=experience&area=2&basis=net"},
	{"api", "/api/lifetime?by=experience&role=118"},
}

// RunServe opens the bench database of cfg.AnalyticsVacancies (the one of
// `hhjobs bench store`, filled when absent), starts the dashboard in this
// process on a loopback port, and times start-up, the peak RSS and the
// server time of serveScript's filter changes.
func RunServe(ctx context.Context, cfg Config, dbDir string, fns ServeFuncs) (*ServeReport, error) {
	cfg.defaults()
	if fns.Stats == nil {
		return nil, fmt.Errorf("serve bench: no stats function")
	}
	if dbDir == "" {
		dbDir = os.TempDir()
	}
	n := cfg.AnalyticsVacancies
	rep := &ServeReport{Engine: "sqlite", Vacancies: n, DB: synth.BenchPath(dbDir, n, cfg.Seed)}
	if _, err := os.Stat(synth.BenchMarker(rep.DB)); err != nil {
		cfg.logf("serve: filling %s with %d generated vacancies (some minutes per million)", rep.DB, n)
	}
	path, _, err := synth.EnsureBenchDB(ctx, dbDir, n, cfg.Seed, openSQLite)
	if err != nil {
		return nil, err
	}
	if fns.MemoryLimit > 0 && os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(fns.MemoryLimit))
	}
	runtime.GC()
	debug.FreeOSMemory()
	if !resetPeakRSS() {
		cfg.logf("serve: cannot reset the peak RSS (/proc/self/clear_refs): it includes what ran before")
	}
	rep.LoadBefore = loadAvg()
	cfg.logf("serve: starting the dashboard on %s (load %.2f)", path, rep.LoadBefore)

	start := time.Now()
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	srv, err := web.New(ctx, web.Config{
		Store: st, Stats: fns.Stats, StatsParams: fns.StatsParams, Lifetime: fns.Lifetime, LifetimeParams: fns.LifetimeParams,
		Now: func() time.Time { return synth.End },
	})
	if err != nil {
		return nil, fmt.Errorf("serve bench: %w", err)
	}
	rep.SnapshotS = srv.Snapshot().Took.Seconds()
	if got := srv.Snapshot().Len(); got != n {
		return nil, fmt.Errorf("serve bench: %d vacancies in the snapshot of %s, want %d", got, path, n)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	var mu sync.Mutex
	took := map[string]time.Duration{} // request URI → server time
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		srv.Handler().ServeHTTP(w, r)
		mu.Lock()
		took[r.URL.RequestURI()] = time.Since(t0)
		mu.Unlock()
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 2 * time.Minute}
	get := func(u string) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+u, nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %d %s", u, resp.StatusCode, strings.TrimSpace(string(b)))
		}
		return nil
	}
	if err := get("/api/status"); err != nil {
		return nil, err
	}
	rep.FirstAnswerS = secs(time.Since(start))
	if err := get("/"); err != nil {
		return nil, err
	}
	rep.FirstOverviewS = secs(time.Since(start))
	cfg.logf("serve: first answer after %.1f s, the overview after %.1f s; timing %d filter changes", rep.FirstAnswerS, rep.FirstOverviewS, len(serveScript))

	byKind := map[string][]sample{}
	var all []sample
	for _, s := range serveScript {
		if err := get(s.url); err != nil {
			return nil, err
		}
		mu.Lock()
		d := took[s.url]
		mu.Unlock()
		byKind[s.kind] = append(byKind[s.kind], sample{s.url, d})
		all = append(all, sample{s.url, d})
		rep.Requests = append(rep.Requests, ServeRequest{s.kind, s.url, float64(d.Microseconds()) / 1000})
	}
	for _, k := range []string{"overview", "list", "api"} {
		rep.Kinds = append(rep.Kinds, summarise(k, byKind[k]))
	}
	rep.All = summarise("all", all)
	srv.Snapshot().WaitIndex() // built in the background since the start; long done by now
	rep.IndexMB = float64(srv.Snapshot().IndexBytes()) / (1 << 20)
	rep.PeakRSSMB = float64(peakRSS()) / (1 << 20)
	rep.RSSEndMB = float64(procStatusKB("/proc/self/status", "VmRSS:")) / (1 << 20) // procStatusKB answers bytes
	rep.LoadAfter = loadAvg()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rep.HeapLiveMB = float64(ms.HeapInuse) / (1 << 20)
	if n >= targetAtN {
		ok := rep.FirstOverviewS <= TargetServeStartS && rep.All.P95MS <= TargetServeP95MS && rep.PeakRSSMB <= TargetServeRSSMB
		rep.OK = &ok
	}
	return rep, nil
}

type sample struct {
	url string
	d   time.Duration
}

func summarise(kind string, ss []sample) ServeKind {
	k := ServeKind{Kind: kind, Requests: len(ss)}
	if len(ss) == 0 {
		return k
	}
	ss = slices.Clone(ss)
	slices.SortFunc(ss, func(a, b sample) int { return int(a.d - b.d) })
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	// Nearest rank: the p95 of 16 samples is the 16th, not an average.
	rank := func(p float64) time.Duration {
		i := int(p*float64(len(ss))+0.999999) - 1
		return ss[max(0, min(i, len(ss)-1))].d
	}
	k.P50MS, k.P95MS, k.MaxMS, k.Slowest = ms(rank(0.50)), ms(rank(0.95)), ms(ss[len(ss)-1].d), ss[len(ss)-1].url
	return k
}

// loadAvg is the 1-minute load average, or -1 where /proc is absent.
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	var l float64
	if _, err := fmt.Sscan(string(b), &l); err != nil {
		return -1
	}
	return l
}

// WriteJSON writes the serve report as indented JSON.
func (r *ServeReport) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Print writes the serve report, each figure with its target.
func (r *ServeReport) Print(w io.Writer) {
	fmt.Fprintf(w, "\nserve: %d vacancies (%s), dashboard in this process; load average %.2f before, %.2f after", r.Vacancies, r.DB, r.LoadBefore, r.LoadAfter)
	if r.LoadBefore >= 3 || r.LoadAfter >= 3 {
		fmt.Fprint(w, " — UNDER LOAD: the figures are not the machine's")
	}
	fmt.Fprintln(w)
	at := r.Vacancies >= targetAtN
	judge := func(ok bool) string {
		if !at {
			return "(target at 1M)"
		}
		return verdict(ok)
	}
	t, flush := newTable(w)
	t.row("snapshot build", fmt.Sprintf("%.1f s (indexes %.0f MB)", r.SnapshotS, r.IndexMB), "", "")
	t.row("start → first answer", fmt.Sprintf("%.1f s", r.FirstAnswerS), "", "")
	t.row("start → overview (/)", fmt.Sprintf("%.1f s", r.FirstOverviewS), fmt.Sprintf("≤ %.0f s", TargetServeStartS), judge(r.FirstOverviewS <= TargetServeStartS))
	t.row("peak RSS", fmt.Sprintf("%.0f MB", r.PeakRSSMB), fmt.Sprintf("≤ %.0f MB", TargetServeRSSMB), judge(r.PeakRSSMB <= TargetServeRSSMB))
	t.row("RSS at the end", fmt.Sprintf("%.0f MB (Go heap in use %.0f MB)", r.RSSEndMB, r.HeapLiveMB), "", "")
	for _, k := range append(slices.Clone(r.Kinds), r.All) {
		target, v := "", ""
		if k.Kind == "all" {
			target, v = fmt.Sprintf("p95 ≤ %.0f ms", TargetServeP95MS), judge(k.P95MS <= TargetServeP95MS)
		}
		t.row(fmt.Sprintf("filter change: %s (%d)", k.Kind, k.Requests), fmt.Sprintf("p50 %.0f ms, p95 %.0f ms, max %.0f ms", k.P50MS, k.P95MS, k.MaxMS), target, v)
	}
	flush()
	fmt.Fprintf(w, "  slowest: %s (%.0f ms)\n", r.All.Slowest, r.All.MaxMS)
}
