package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/sandbox"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

// HarvestReport: the HR preset over Russia on the main sandbox.
type HarvestReport struct {
	Sandbox   string `json:"sandbox"`   // subprocess | in-process
	Vacancies int    `json:"vacancies"` // generated (besides the hard cells)
	HardCells bool   `json:"hard_cells"`
	Query     string `json:"query"`

	Recall   Recall   `json:"recall"`
	Requests Requests `json:"requests"`
	Slices   int      `json:"slices"`
	ElapsedS float64  `json:"elapsed_s"`
	// PeakRSS is this process's VmHWM over the harvest (bytes; -1 = n/a).
	PeakRSS      int64 `json:"peak_rss_bytes"`
	PeakRSSReset bool  `json:"peak_rss_reset"` // VmHWM was reset just before the harvest
	// SandboxRSS is the sandbox subprocess's VmHWM after the harvest (-1 = in-process).
	SandboxRSS int64 `json:"sandbox_peak_rss_bytes"`

	PagesOnly   PagesOnly   `json:"pages_only"`
	Naive       Naive       `json:"naive"`
	Incremental Incremental `json:"incremental"`
}

// Requests are the sandbox's counts of API requests during one run.
type Requests struct {
	Search  int64   `json:"search"`  // pages (per_page > 0)
	Probes  int64   `json:"probes"`  // per_page=0
	Details int64   `json:"details"` // GET /vacancies/{id}
	Total   int64   `json:"total"`   // Search + Probes + Details
	Minimum int     `json:"minimum"` // ceil(truth/100) + truth
	Ratio   float64 `json:"ratio"`   // Total / Minimum
	TooMany int64   `json:"too_many"`
	Retries int64   `json:"retries"` // the harvester's own count
}

// PagesOnly is the same harvest with --details none, on a fresh database.
type PagesOnly struct {
	Recall   Recall  `json:"recall"`
	Requests int64   `json:"requests"` // search + probes
	Minimum  int     `json:"minimum"`  // ceil(truth/100)
	ElapsedS float64 `json:"elapsed_s"`
}

// Naive is the original scripts' approach: one query paged sequentially,
// per_page=100, a pause between pages, stopping at the 2000 cap. Pages only.
type Naive struct {
	PauseS   float64 `json:"pause_s"`
	Cap      int     `json:"cap"` // hh.ru's 2000 (lower only with Config.Cap)
	Found    int     `json:"found"`
	Pages    int     `json:"pages"`
	Requests int64   `json:"requests"`
	Recall   Recall  `json:"recall"`
	ElapsedS float64 `json:"elapsed_s"`
}

// Incremental is the cost of syncing again.
type Incremental struct {
	// A sync right after the harvest, nothing changed.
	Unchanged struct {
		DetailRequests int64   `json:"detail_requests"` // target 0
		PageRequests   int64   `json:"page_requests"`   // search + probes
		ElapsedS       float64 `json:"elapsed_s"`
	} `json:"unchanged"`
	// Sandbox-wide mutations, then the ones inside the query's truth.
	Published int `json:"published"`
	Archived  int `json:"archived"`
	Changed   int `json:"changed"`
	K         int `json:"k"` // published ∩ truth after
	M         int `json:"m"` // archived ∩ truth before
	C         int `json:"c"` // (changed \ published) ∩ truth after
	// The sync after the mutations.
	DetailRequests int64   `json:"detail_requests"` // target ≈ K + C + M
	Expected       int     `json:"expected"`        // K + C + M
	PageRequests   int64   `json:"page_requests"`
	New            int64   `json:"new"`
	ChangedSeen    int64   `json:"changed_seen"`
	Closed         int64   `json:"closed"`
	RecallAfter    Recall  `json:"recall_after"`
	ElapsedS       float64 `json:"elapsed_s"`
}

// RunHarvest measures recall, requests, peak RSS, the pages-only and naive
// comparisons and the incremental sync on one main sandbox.
func RunHarvest(ctx context.Context, cfg Config) (*HarvestReport, error) {
	cfg.defaults()
	dir, cleanup, err := workDir(cfg.Dir)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	cfg.Dir = dir

	cfg.logf("starting the main sandbox: seed %d, %d vacancies%s", cfg.Seed, cfg.Vacancies, map[bool]string{true: "", false: " + 4200 hard-cell"}[cfg.NoHardCells])
	sb, err := cfg.Launch(ctx, sandbox.Config{Seed: cfg.Seed, Vacancies: cfg.Vacancies, NoHardCells: cfg.NoHardCells})
	if err != nil {
		return nil, err
	}
	defer sb.Close()
	rep := &HarvestReport{Sandbox: sb.Mode, Vacancies: cfg.Vacancies, HardCells: !cfg.NoHardCells, Query: HRQuery().Encode()}

	main, err := newRig(ctx, sb, dbPath(cfg, "harvest.db"), hrQuery(), 0, cfg.Concurrency, cfg.Cap)
	if err != nil {
		return nil, err
	}
	defer main.close()
	truth, err := sb.Truth(ctx, HRQuery())
	if err != nil {
		return nil, err
	}
	if len(truth) == 0 {
		return nil, errNoTruth
	}

	// 1. The full harvest with details: recall, requests, peak RSS.
	cfg.logf("harvesting the HR preset over Russia (truth %d) with details", len(truth))
	rep.PeakRSSReset = resetPeakRSS()
	m, err := harvestOnce(ctx, sb, main, harvest.DetailsNew)
	if err != nil {
		return nil, err
	}
	rep.PeakRSS = peakRSS()
	rep.SandboxRSS = sb.PeakRSS()
	rep.ElapsedS = secs(m.elapsed)
	rep.Slices = m.res.Slices
	if rep.Recall, err = recallOf(ctx, main.st, main.q.ID, truth); err != nil {
		return nil, err
	}
	rep.Requests = Requests{Search: m.stats.search, Probes: m.stats.probe, Details: m.stats.vacancy,
		Total: m.stats.search + m.stats.probe + m.stats.vacancy, Minimum: ceilDiv(len(truth), harvest.PerPage) + len(truth),
		TooMany: m.stats.tooMany, Retries: m.res.Run.Counters.Retries}
	rep.Requests.Ratio = float64(rep.Requests.Total) / float64(rep.Requests.Minimum)

	// 2. The same harvest, pages only, into a fresh database.
	cfg.logf("harvesting again with --details none into a fresh database")
	po, err := newRig(ctx, sb, dbPath(cfg, "pages.db"), hrQuery(), 0, cfg.Concurrency, cfg.Cap)
	if err != nil {
		return nil, err
	}
	m, err = harvestOnce(ctx, sb, po, harvest.DetailsNone)
	if err == nil {
		rep.PagesOnly.Recall, err = recallOf(ctx, po.st, po.q.ID, truth)
	}
	po.close()
	if err != nil {
		return nil, err
	}
	rep.PagesOnly.Requests = m.stats.search + m.stats.probe
	rep.PagesOnly.Minimum = ceilDiv(len(truth), harvest.PerPage)
	rep.PagesOnly.ElapsedS = secs(m.elapsed)

	// 3. The naive scripts' paging.
	cfg.logf("paging naively (per_page=100, %s pause, stop at the cap)", cfg.NaivePause)
	if rep.Naive, err = naive(ctx, cfg, sb, truth); err != nil {
		return nil, err
	}

	// 4. Incremental syncs on the main database.
	cfg.logf("syncing with nothing changed")
	if m, err = harvestOnce(ctx, sb, main, harvest.DetailsNew); err != nil {
		return nil, err
	}
	inc := &rep.Incremental
	inc.Unchanged.DetailRequests = m.stats.vacancy
	inc.Unchanged.PageRequests = m.stats.search + m.stats.probe
	inc.Unchanged.ElapsedS = secs(m.elapsed)

	cfg.logf("publishing %d, archiving %d, changing %d vacancies, then syncing", cfg.Publish, cfg.Archive, cfg.Change)
	before := set(truth)
	var pub, arc, chg []string
	if pub, err = mutate(ctx, sb, "publish", cfg.Publish); err != nil {
		return nil, err
	}
	if arc, err = mutate(ctx, sb, "archive", cfg.Archive); err != nil {
		return nil, err
	}
	if chg, err = mutate(ctx, sb, "change", cfg.Change); err != nil {
		return nil, err
	}
	after, err := sb.Truth(ctx, HRQuery())
	if err != nil {
		return nil, err
	}
	afterSet := set(after)
	inc.Published, inc.Archived, inc.Changed = len(pub), len(arc), len(chg)
	// A vacancy published and then changed (or archived) in the same round
	// counts once: as new (or not at all).
	pubSet := set(pub)
	var chgOld []string
	for _, id := range chg {
		if !pubSet[id] {
			chgOld = append(chgOld, id)
		}
	}
	inc.K, inc.M, inc.C = countIn(pub, afterSet), countIn(arc, before), countIn(chgOld, afterSet)
	inc.Expected = inc.K + inc.C + inc.M
	if m, err = harvestOnce(ctx, sb, main, harvest.DetailsNew); err != nil {
		return nil, err
	}
	inc.DetailRequests = m.stats.vacancy
	inc.PageRequests = m.stats.search + m.stats.probe
	inc.New, inc.ChangedSeen, inc.Closed = m.res.Run.Counters.New, m.res.Run.Counters.Changed, m.res.Run.Counters.Closed
	inc.ElapsedS = secs(m.elapsed)
	if inc.RecallAfter, err = recallOf(ctx, main.st, main.q.ID, after); err != nil {
		return nil, err
	}
	return rep, nil
}

func mutate(ctx context.Context, sb *Sandbox, op string, n int) ([]string, error) {
	if n <= 0 {
		return nil, nil
	}
	return sb.Mutate(ctx, op, n)
}

// naive pages HRQuery the way the original scripts did.
func naive(ctx context.Context, cfg Config, sb *Sandbox, truth []string) (Naive, error) {
	n := Naive{PauseS: secs(cfg.NaivePause), Cap: harvest.DepthLimit}
	if cfg.Cap > 0 {
		n.Cap = min(cfg.Cap, harvest.DepthLimit)
	}
	c, err := collector(ctx, sb, 0)
	if err != nil {
		return n, err
	}
	api, err := c.NewAPI(nil)
	if err != nil {
		return n, err
	}
	st, err := sqlite.Open(ctx, dbPath(cfg, "naive.db"))
	if err != nil {
		return n, err
	}
	defer st.Close()
	q, err := st.SaveQuery(ctx, store.Query{Name: "naive", Params: HRQuery()})
	if err != nil {
		return n, err
	}
	run, err := st.CreateRun(ctx, store.Run{QueryID: q.ID, Status: store.RunRunning, StartedAt: time.Now(),
		UpperBound: time.Now(), Details: harvest.DetailsNone})
	if err != nil {
		return n, err
	}
	sp, err := hhapi.ParseSearchValues(HRQuery())
	if err != nil {
		return n, err
	}
	if err := sb.ResetStats(ctx); err != nil {
		return n, err
	}
	t0 := time.Now()
	for page := 0; (page+1)*harvest.PerPage <= n.Cap; page++ {
		if page > 0 && cfg.NaivePause > 0 {
			select {
			case <-ctx.Done():
				return n, ctx.Err()
			case <-time.After(cfg.NaivePause):
			}
		}
		sp.Page, sp.PerPage = page, harvest.PerPage
		res, err := api.SearchVacancies(ctx, sp)
		if err != nil {
			return n, fmt.Errorf("naive page %d: %w", page, err)
		}
		n.Pages++
		n.Found = res.Found
		items := make([]store.Vacancy, 0, len(res.Items))
		for i := range res.Items {
			items = append(items, harvest.FromItem(&res.Items[i]))
		}
		if _, err := st.UpsertSearchItems(ctx, q.ID, run.ID, items, time.Now()); err != nil {
			return n, err
		}
		if len(res.Items) == 0 || page+1 >= res.Pages {
			break
		}
	}
	n.ElapsedS = secs(time.Since(t0))
	stats, err := sb.Stats(ctx)
	if err != nil {
		return n, err
	}
	n.Requests = stats.Search + stats.SearchProbe + stats.Vacancy
	n.Recall, err = recallOf(ctx, st, q.ID, truth)
	return n, err
}

// RateReport: the same harvest against a rate-limited, slow sandbox.
type RateReport struct {
	Sandbox   string  `json:"sandbox"`
	Vacancies int     `json:"vacancies"` // generated, no hard cells
	Truth     int     `json:"truth"`
	RPS       float64 `json:"rps"`       // allowed R (sandbox limit = client limit)
	Client    string  `json:"client"`    // "R" (limited to R) or "auto" (adaptive, finds R)
	LatencyS  float64 `json:"latency_s"` // added to every response
	RateFigures
	// Auto: with cfg.RateAuto, the legs without --rps at AutoRates
	// (rateauto.go), first and remembered run.
	Auto []AutoLeg `json:"auto,omitempty"`
}

// RateFigures is one rate-limited harvest as the sandbox saw it: the
// figures of the fixed-rate leg and of each adaptive leg.
type RateFigures struct {
	Requests int64   `json:"requests"` // every API request the sandbox saw, 429s included
	TooMany  int64   `json:"too_many"`
	Retries  int64   `json:"retries"`
	ElapsedS float64 `json:"elapsed_s"`
	Achieved float64 `json:"achieved_rps"` // Requests / elapsed
	Share    float64 `json:"share"`        // Achieved / R (target ≥ 0.9)
	Share429 float64 `json:"share_429"`    // TooMany / Requests (target < 0.01)
	Recall   float64 `json:"recall"`
}

// measureRate harvests HRQuery with details on rg from sb, limited to r
// req/s, and returns the figures and the size of the truth.
func measureRate(ctx context.Context, sb *Sandbox, rg *rig, r float64) (RateFigures, int, error) {
	var f RateFigures
	truth, err := sb.Truth(ctx, HRQuery())
	if err != nil {
		return f, 0, err
	}
	if len(truth) == 0 {
		return f, 0, errNoTruth
	}
	time.Sleep(time.Second) // let the sandbox's bucket refill after the reference requests
	m, err := harvestOnce(ctx, sb, rg, harvest.DetailsNew)
	if err != nil {
		return f, 0, err
	}
	rc, err := recallOf(ctx, rg.st, rg.q.ID, truth)
	if err != nil {
		return f, 0, err
	}
	f = RateFigures{Requests: m.stats.all, TooMany: m.stats.tooMany, Retries: m.res.Run.Counters.Retries,
		ElapsedS: secs(m.elapsed), Recall: rc.Recall}
	if f.ElapsedS > 0 {
		f.Achieved = float64(f.Requests) / f.ElapsedS
	}
	f.Share = f.Achieved / r
	if f.Requests > 0 {
		f.Share429 = float64(f.TooMany) / float64(f.Requests)
	}
	return f, len(truth), nil
}

// RunRate harvests HRQuery with details from a sandbox limited to cfg.RPS
// with cfg.Latency per response, the client limited to cfg.RPS too; with
// cfg.RateAuto it then measures the adaptive client at AutoRates.
func RunRate(ctx context.Context, cfg Config) (*RateReport, error) {
	cfg.defaults()
	dir, cleanup, err := workDir(cfg.Dir)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	cfg.Dir = dir
	cfg.logf("rate leg: sandbox of %d vacancies (no hard cells) limited to %g req/s with %s latency", cfg.RateVacancies, cfg.RPS, cfg.Latency)
	sb, err := cfg.RateLaunch(ctx, sandbox.Config{Seed: cfg.Seed, Vacancies: cfg.RateVacancies, NoHardCells: true,
		RPS: cfg.RPS, Latency: cfg.Latency, RetryAfter: true})
	if err != nil {
		return nil, err
	}
	defer sb.Close()
	r, err := newRig(ctx, sb, dbPath(cfg, "rate.db"), hrQuery(), cfg.RPS, cfg.Concurrency, cfg.Cap)
	if err != nil {
		return nil, err
	}
	defer r.close()
	fig, truth, err := measureRate(ctx, sb, r, cfg.RPS)
	if err != nil {
		return nil, err
	}
	rep := &RateReport{Sandbox: sb.Mode, Vacancies: cfg.RateVacancies, Truth: truth, RPS: cfg.RPS, Client: "R",
		LatencyS: secs(cfg.Latency), RateFigures: fig}
	if cfg.RateAuto {
		if rep.Auto, err = runAutoLegs(ctx, cfg); err != nil {
			return rep, err
		}
	}
	return rep, nil
}
