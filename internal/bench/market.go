package bench

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/sandbox"
	"github.com/hhjobs/hhjobs/internal/store"
)

// DefaultMarketVacancies is the market leg's sandbox size.
const DefaultMarketVacancies = 200_000

// MarketQuery is the whole market of Russia: every role.
func MarketQuery() url.Values { return url.Values{hhapi.ParamArea: {"113"}} }

// MarketReport: the whole market (area=113, no role). The collect with
// clusters fetches details (--details new), so that its syncs show what
// they fetch; the one without clusters is pages only (--details none).
type MarketReport struct {
	Vacancies int    `json:"vacancies"` // generated (plus the hard cells)
	Query     string `json:"query"`
	Truth     int    `json:"truth"`
	Floor     int    `json:"floor"` // ceil(truth/100)

	// DryRun is collect --dry-run's plan, made just before the run.
	DryRun struct {
		Requests int     `json:"requests"` // predicted search requests of the run
		Own      int     `json:"own"`      // requests the dry run made
		ElapsedS float64 `json:"elapsed_s"`
	} `json:"dry_run"`
	Clusters   MarketLeg `json:"clusters"`    // the planner reading clusters
	NoClusters MarketLeg `json:"no_clusters"` // the same sandbox data answering clusters: null

	// A sync right after the collect, nothing changed.
	Unchanged struct {
		Requests       int64   `json:"requests"` // search + probes
		Probes         int64   `json:"probes"`
		DetailRequests int64   `json:"detail_requests"` // target 0
		Ratio          float64 `json:"ratio"`           // Requests / Floor
		ElapsedS       float64 `json:"elapsed_s"`
	} `json:"unchanged"`

	// Sync after the sandbox published, changed and archived vacancies.
	Sync struct {
		Published, Changed, Archived int
		// K, C, M: the published, changed and archived ones inside the
		// query (published ∩ truth after, changed and not just published ∩
		// truth after, archived ∩ truth before).
		K              int     `json:"k"`
		C              int     `json:"c"`
		M              int     `json:"m"`
		DetailRequests int64   `json:"detail_requests"` // target K + C (+ M)
		Requests       int64   `json:"requests"`        // search + probes
		Probes         int64   `json:"probes"`
		Floor          int     `json:"floor"` // ceil(truth after/100)
		Ratio          float64 `json:"ratio"`
		Closed         int64   `json:"closed"`
		Recall         Recall  `json:"recall"`
		ElapsedS       float64 `json:"elapsed_s"`
	} `json:"sync"`
}

// MarketLeg is one collect of the whole market into a fresh database.
type MarketLeg struct {
	Recall   Recall  `json:"recall"`
	Requests int64   `json:"requests"` // search + probes
	Probes   int64   `json:"probes"`
	Ratio    float64 `json:"ratio"` // Requests / Floor
	Slices   int     `json:"slices"`
	ElapsedS float64 `json:"elapsed_s"`
	PeakRSS  int64   `json:"peak_rss_bytes"` // VmHWM of this process over the run
	// StoreRate is vacancies stored per second of the run (the run is
	// bound by the sandbox's answers, so this is a floor of the store's speed).
	StoreRate float64 `json:"store_rate"`
}

// RunMarket collects the whole market twice (clusters answered, then not)
// and syncs the first database after mutating the sandbox.
func RunMarket(ctx context.Context, cfg Config) (*MarketReport, error) {
	cfg.defaults()
	n := cfg.MarketVacancies
	if n <= 0 {
		n = DefaultMarketVacancies
	}
	dir, cleanup, err := workDir(cfg.Dir)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	cfg.Dir = dir
	rep := &MarketReport{Vacancies: n, Query: MarketQuery().Encode()}
	for _, noClusters := range []bool{false, true} {
		cfg.logf("starting a %d-vacancy sandbox (clusters %v)", n, !noClusters)
		sb, err := cfg.Launch(ctx, sandbox.Config{Seed: cfg.Seed, Vacancies: n, NoClusters: noClusters, NoHardCells: cfg.NoHardCells})
		if err != nil {
			return nil, err
		}
		err = func() error {
			defer sb.Close()
			leg := &rep.Clusters
			name := "market.db"
			if noClusters {
				leg, name = &rep.NoClusters, "market-noclusters.db"
			}
			r, err := marketRig(ctx, sb, dbPath(cfg, name), cfg)
			if err != nil {
				return err
			}
			defer r.close()
			truth, err := sb.Truth(ctx, MarketQuery())
			if err != nil {
				return err
			}
			rep.Truth, rep.Floor = len(truth), ceilDiv(len(truth), harvest.PerPage)
			if !noClusters {
				cfg.logf("dry run")
				t0 := time.Now()
				pl, err := r.h.DryRun(ctx, r.q)
				if err != nil {
					return err
				}
				rep.DryRun.Requests, rep.DryRun.Own, rep.DryRun.ElapsedS = pl.Requests, pl.Own, secs(time.Since(t0))
			}
			details := harvest.DetailsNew
			if noClusters {
				details = harvest.DetailsNone
			}
			cfg.logf("collecting the whole market (truth %d), --details %s", len(truth), details)
			reset := resetPeakRSS()
			m, err := harvestOnce(ctx, sb, r, details)
			if err != nil {
				return err
			}
			if reset {
				leg.PeakRSS = peakRSS()
			} else {
				leg.PeakRSS = -1
			}
			leg.Requests, leg.Probes = m.stats.search+m.stats.probe, m.stats.probe
			leg.Ratio = float64(leg.Requests) / float64(rep.Floor)
			leg.Slices, leg.ElapsedS = m.res.Slices, secs(m.elapsed)
			if leg.Recall, err = recallOf(ctx, r.st, r.q.ID, truth); err != nil {
				return err
			}
			leg.StoreRate = float64(leg.Recall.StoredRows) / max(leg.ElapsedS, 1e-9)
			if noClusters {
				return nil
			}
			// The syncs on the clusters database: nothing changed, then
			// after publishing, changing and archiving.
			cfg.logf("syncing with nothing changed")
			if m, err = harvestOnce(ctx, sb, r, harvest.DetailsNew); err != nil {
				return err
			}
			u := &rep.Unchanged
			u.Requests, u.Probes, u.DetailRequests = m.stats.search+m.stats.probe, m.stats.probe, m.stats.vacancy
			u.Ratio, u.ElapsedS = float64(u.Requests)/float64(rep.Floor), secs(m.elapsed)
			s := &rep.Sync
			pub, err := mutate(ctx, sb, "publish", cfg.Publish)
			if err != nil {
				return err
			}
			chg, err := mutate(ctx, sb, "change", cfg.Change)
			if err != nil {
				return err
			}
			arc, err := mutate(ctx, sb, "archive", cfg.Archive)
			if err != nil {
				return err
			}
			s.Published, s.Changed, s.Archived = len(pub), len(chg), len(arc)
			after, err := sb.Truth(ctx, MarketQuery())
			if err != nil {
				return err
			}
			// As in the harvest leg: a vacancy published and then changed
			// counts once, as new.
			pubSet, afterSet := set(pub), set(after)
			var chgOld []string
			for _, id := range chg {
				if !pubSet[id] {
					chgOld = append(chgOld, id)
				}
			}
			s.K, s.C, s.M = countIn(pub, afterSet), countIn(chgOld, afterSet), countIn(arc, set(truth))
			cfg.logf("syncing after %d published, %d changed, %d archived (K=%d, C=%d, M=%d in the query)", len(pub), len(chg), len(arc), s.K, s.C, s.M)
			m, err = harvestOnce(ctx, sb, r, harvest.DetailsNew)
			if err != nil {
				return err
			}
			s.Requests, s.Probes, s.DetailRequests = m.stats.search+m.stats.probe, m.stats.probe, m.stats.vacancy
			s.Floor = ceilDiv(len(after), harvest.PerPage)
			s.Ratio = float64(s.Requests) / float64(s.Floor)
			s.Closed, s.ElapsedS = m.res.Run.Counters.Closed, secs(m.elapsed)
			s.Recall, err = recallOf(ctx, r.st, r.q.ID, after)
			return err
		}()
		if err != nil {
			return nil, err
		}
	}
	return rep, nil
}

func marketRig(ctx context.Context, sb *Sandbox, path string, cfg Config) (*rig, error) {
	return newRig(ctx, sb, path, store.Query{Name: "bench-market", Params: MarketQuery()}, 0, cfg.Concurrency, cfg.Cap)
}

func (m *MarketReport) print(w io.Writer, cfg Config) {
	fmt.Fprintf(w, "\nMARKET: the whole market (%s) — with clusters --details new, without --details none — on a sandbox of %s generated vacancies (plus 4,200 hard-cell), seed %d; concurrency %d, no rate limit\n",
		m.Query, num(m.Vacancies), cfg.Seed, cfg.Concurrency)
	t, flush := newTable(w)
	for _, l := range []struct {
		name string
		leg  MarketLeg
	}{{"with clusters", m.Clusters}, {"without clusters", m.NoClusters}} {
		rc := l.leg.Recall
		t.row(l.name+": recall", fmt.Sprintf("%s (%s of %s; %d missing, %d extra, %d duplicates)", pct(rc.Recall), num(rc.Matched), num(rc.Truth), rc.Missing, rc.Extra, rc.Duplicates),
			"100%", verdict(rc.Recall == 1 && rc.Extra == 0 && rc.Duplicates == 0))
		target, ok := "", ""
		if l.name == "with clusters" {
			target, ok = "≤ 1.10", verdict(l.leg.Ratio <= 1.10)
		}
		t.row("  requests / ceil(N/100)", fmt.Sprintf("%s / %s = %.3f (%s probes; %d slices)", num(l.leg.Requests), num(m.Floor), l.leg.Ratio, num(l.leg.Probes), l.leg.Slices), target, ok)
		t.row("  time, store rate", fmt.Sprintf("%s, %.0f vacancies/s", dur(l.leg.ElapsedS), l.leg.StoreRate), "", "")
		if l.name == "with clusters" {
			t.row("  harvester peak RSS", mb(l.leg.PeakRSS), "< 300 MB", verdict(l.leg.PeakRSS > 0 && l.leg.PeakRSS < 300<<20))
		}
	}
	d := float64(m.DryRun.Requests-int(m.Clusters.Requests)) / float64(m.Clusters.Requests)
	t.row("dry run", fmt.Sprintf("planned %s requests, the run made %s (%+.1f%%); the dry run itself %s requests in %s", num(m.DryRun.Requests), num(m.Clusters.Requests), 100*d, num(m.DryRun.Own), dur(m.DryRun.ElapsedS)),
		"within 5%", verdict(d <= 0.05 && d >= -0.05))
	u := m.Unchanged
	t.row("sync, nothing changed: requests", fmt.Sprintf("%s / %s = %.3f (%d probes); %s detail requests", num(u.Requests), num(m.Floor), u.Ratio, u.Probes, num(u.DetailRequests)),
		"≤ 1.10, 0 details", verdict(u.Ratio <= 1.10 && u.DetailRequests == 0))
	s := m.Sync
	exp := s.K + s.C
	t.row("sync: detail requests", fmt.Sprintf("%s; K + C = %d + %d = %d, M = %d", num(s.DetailRequests), s.K, s.C, exp, s.M),
		"K + C (+ M)", verdict(s.DetailRequests >= int64(exp) && s.DetailRequests <= int64(exp+s.M)))
	t.row("sync: requests / ceil(N/100)", fmt.Sprintf("%s / %s = %.3f (%d probes) after %d published, %d changed, %d archived", num(s.Requests), num(s.Floor), s.Ratio, s.Probes, s.Published, s.Changed, s.Archived),
		"≤ 1.10", verdict(s.Ratio <= 1.10))
	t.row("  recall after, closed", fmt.Sprintf("%s (%d missing, %d extra), %d closed in %s", pct(s.Recall.Recall), s.Recall.Missing, s.Recall.Extra, s.Closed, dur(s.ElapsedS)),
		"100%", verdict(s.Recall.Recall == 1 && s.Recall.Extra == 0))
	flush()
}
