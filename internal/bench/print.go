package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Targets the issues set.
const (
	TargetRequestRatio = 1.10
	TargetRateShare    = 0.90
	TargetShare429     = 0.01
	TargetRSS100k      = 200 << 20
)

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

type table struct {
	tw *tabwriter.Writer
}

func (t table) row(figure, value, target, verdict string) {
	fmt.Fprintf(t.tw, "  %s\t%s\t%s\t%s\n", figure, value, target, verdict)
}

func verdict(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISSED"
}

func pct(x float64) string { return fmt.Sprintf("%.2f%%", 100*x) }

func num[T ~int | ~int64](n T) string {
	s := fmt.Sprint(int64(n))
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func dur(s float64) string {
	d := time.Duration(s * float64(time.Second))
	switch {
	case d >= 10*time.Second:
		return d.Round(100 * time.Millisecond).String()
	default:
		return d.Round(time.Millisecond).String()
	}
}

func mb(b int64) string {
	if b < 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MB", float64(b)/(1<<20))
}

// Print writes the human-readable report: one table per leg, each figure
// with its target and whether it was met.
func (r *Report) Print(w io.Writer) {
	m := r.Machine
	fmt.Fprintf(w, "hhjobs bench — %s\n", r.Date.Format(time.RFC3339))
	fmt.Fprintf(w, "machine: %s/%s, %d CPUs (GOMAXPROCS %d), %s RAM, %s", m.OS, m.Arch, m.CPUs, m.GOMAXPROCS, mb(m.MemTotal), m.GoVersion)
	if m.CPUModel != "" {
		fmt.Fprintf(w, ", %s", m.CPUModel)
	}
	fmt.Fprintln(w)
	if h := r.Harvest; h != nil {
		h.print(w, r.Config)
	}
	if rt := r.Rate; rt != nil {
		rt.print(w, r.Config)
	}
	if mk := r.Market; mk != nil {
		mk.print(w, r.Config)
	}
	if s := r.Store; s != nil {
		s.print(w)
	}
	if a := r.Analytics; a != nil {
		a.print(w)
	}
	fmt.Fprintf(w, "\ntotal bench time %s\n", dur(r.ElapsedS))
}

func article(mode string) string {
	if strings.HasPrefix(mode, "in") {
		return "an " + mode
	}
	return "a " + mode
}

func newTable(w io.Writer) (table, func()) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	t := table{tw}
	t.row("FIGURE", "VALUE", "TARGET", "")
	return t, func() { _ = tw.Flush() }
}

func (h *HarvestReport) print(w io.Writer, cfg Config) {
	cells := "(plus 4,200 hard-cell vacancies)"
	if !h.HardCells {
		cells = "(no hard cells)"
	}
	fmt.Fprintf(w, "\nHARVEST: HR preset over Russia (%s) on %s sandbox, seed %d, %s generated vacancies %s; concurrency %d, no rate limit\n",
		h.Query, article(h.Sandbox), cfg.Seed, num(h.Vacancies), cells, cfg.Concurrency)
	t, flush := newTable(w)
	rc := h.Recall
	t.row("recall", fmt.Sprintf("%s (%s of %s truth; %d missing, %d extra)", pct(rc.Recall), num(rc.Matched), num(rc.Truth), rc.Missing, rc.Extra),
		"100%", verdict(rc.Recall == 1 && rc.Extra == 0))
	t.row("duplicates", fmt.Sprintf("%d (stored rows %s, distinct ids %s)", rc.Duplicates, num(rc.StoredRows), num(rc.Distinct)), "0", verdict(rc.Duplicates == 0))
	rq := h.Requests
	t.row("requests / minimum", fmt.Sprintf("%s / %s = %.3f", num(rq.Total), num(rq.Minimum), rq.Ratio),
		fmt.Sprintf("≤ %.2f", TargetRequestRatio), verdict(rq.Ratio <= TargetRequestRatio))
	t.row("  pages + probes + details", fmt.Sprintf("%s + %s + %s (minimum ceil(truth/100) + truth)", num(rq.Search), num(rq.Probes), num(rq.Details)), "", "")
	t.row("  429s / retries", fmt.Sprintf("%d / %d", rq.TooMany, rq.Retries), "", "")
	t.row("harvest time", fmt.Sprintf("%s (%d slices)", dur(h.ElapsedS), h.Slices), "", "")
	rss := mb(h.PeakRSS) + " (VmHWM of the harvesting process"
	if h.Sandbox == "subprocess" {
		rss += "; sandbox in its own process"
	} else {
		rss += ", sandbox included"
	}
	if !h.PeakRSSReset {
		rss += "; not reset before the harvest"
	}
	rss += ")"
	rssTarget, rssVerdict := "< 200 MB at 100k", "-"
	if h.PeakRSS >= 0 && h.Vacancies >= 100_000 && h.Sandbox == "subprocess" {
		rssVerdict = verdict(h.PeakRSS < TargetRSS100k)
	}
	t.row("peak RSS", rss, rssTarget, rssVerdict)
	if h.SandboxRSS >= 0 {
		t.row("  sandbox's own peak RSS", mb(h.SandboxRSS)+" (not the harvester's; for reference)", "", "")
	}
	flush()

	inc := h.Incremental
	fmt.Fprintf(w, "\nINCREMENTAL SYNC (same database)\n")
	t, flush = newTable(w)
	t.row("sync, nothing changed: detail requests", num(inc.Unchanged.DetailRequests), "0", verdict(inc.Unchanged.DetailRequests == 0))
	t.row("  page requests / time", fmt.Sprintf("%s / %s", num(inc.Unchanged.PageRequests), dur(inc.Unchanged.ElapsedS)), "", "")
	t.row("mutations (sandbox-wide)", fmt.Sprintf("published %d, archived %d, changed %d", inc.Published, inc.Archived, inc.Changed), "", "")
	t.row("  inside the query", fmt.Sprintf("K=%d new, M=%d archived, C=%d changed", inc.K, inc.M, inc.C), "", "")
	t.row("sync after: detail requests", fmt.Sprintf("%s vs K+C+M = %s", num(inc.DetailRequests), num(inc.Expected)),
		"≈ K+C+M", verdict(inc.DetailRequests >= int64(inc.Expected) && float64(inc.DetailRequests) <= 1.10*float64(inc.Expected)+1))
	t.row("  new / changed / closed", fmt.Sprintf("%d / %d / %d vs K=%d / C=%d / M=%d", inc.New, inc.ChangedSeen, inc.Closed, inc.K, inc.C, inc.M),
		"= K / C / M", verdict(inc.New == int64(inc.K) && inc.ChangedSeen == int64(inc.C) && inc.Closed == int64(inc.M)))
	t.row("  page requests / time", fmt.Sprintf("%s / %s", num(inc.PageRequests), dur(inc.ElapsedS)), "", "")
	t.row("  recall after", fmt.Sprintf("%s (%s of %s)", pct(inc.RecallAfter.Recall), num(inc.RecallAfter.Matched), num(inc.RecallAfter.Truth)),
		"100%", verdict(inc.RecallAfter.Recall == 1 && inc.RecallAfter.Extra == 0))
	flush()

	n, po := h.Naive, h.PagesOnly
	fmt.Fprintf(w, "\nNAIVE BASELINE vs hhjobs, pages only (no details), same sandbox and query\n")
	t, flush = newTable(w)
	t.row(fmt.Sprintf("naive: per_page=100, %s pause, stop at %d", dur(n.PauseS), n.Cap),
		fmt.Sprintf("stored %s of found %s; recall %s; %d requests; %s", num(n.Recall.Distinct), num(n.Found), pct(n.Recall.Recall), n.Requests, dur(n.ElapsedS)), "", "")
	t.row("hhjobs --details none",
		fmt.Sprintf("stored %s; recall %s; %s requests (minimum %s); %s", num(po.Recall.Distinct), pct(po.Recall.Recall), num(po.Requests), num(po.Minimum), dur(po.ElapsedS)),
		"100%", verdict(po.Recall.Recall == 1))
	if n.ElapsedS > 0 && po.ElapsedS > 0 {
		perN := float64(n.Recall.Matched) / n.ElapsedS
		perH := float64(po.Recall.Matched) / po.ElapsedS
		t.row("vacancies per second", fmt.Sprintf("naive %.0f, hhjobs %.0f", perN, perH), "", "")
	}
	flush()
}

func (rt *RateReport) print(w io.Writer, cfg Config) {
	fmt.Fprintf(w, "\nRATE: same harvest (with details) on a smaller, %s sandbox: %s vacancies, no hard cells (truth %s), limited to R = %g req/s, %s latency; client %s, concurrency %d\n",
		rt.Sandbox, num(rt.Vacancies), num(rt.Truth), rt.RPS, dur(rt.LatencyS), clientWords(rt.Client), cfg.Concurrency)
	t, flush := newTable(w)
	t.row("achieved / allowed", fmt.Sprintf("%.2f / %g req/s = %s (%s requests in %s)", rt.Achieved, rt.RPS, pct(rt.Share), num(rt.Requests), dur(rt.ElapsedS)),
		"≥ 90%", verdict(rt.Share >= TargetRateShare))
	t.row("429 share", fmt.Sprintf("%s (%d of %s; %d retries)", pct(rt.Share429), rt.TooMany, num(rt.Requests), rt.Retries), "< 1%", verdict(rt.Share429 < TargetShare429))
	t.row("recall", pct(rt.Recall), "100%", verdict(rt.Recall == 1))
	flush()
	printAutoLegs(w, rt.Auto, cfg)
}

func (s *StoreReport) print(w io.Writer) {
	fmt.Fprintf(w, "\nSTORE: %s, %s generated search items (~%s B raw JSON each) upserted in pages of %d\n", s.Engine, num(s.Vacancies), num(s.RawBytes), s.PageSize)
	t, flush := newTable(w)
	t.row("upsert, new ids", fmt.Sprintf("%s vacancies/s (%s)", num(int64(s.NewRate)), dur(s.NewS)), "", "")
	t.row("upsert, unchanged (a sync)", fmt.Sprintf("%s vacancies/s (%s)", num(int64(s.RepeatRate)), dur(s.RepeatS)), "", "")
	if s.DBBytes > 0 {
		t.row("database size", mb(s.DBBytes), "", "")
	}
	flush()
}

func (a *AnalyticsReport) print(w io.Writer) {
	db := "reused"
	if !a.Reused {
		db = "filled in " + dur(a.FillS)
	}
	fmt.Fprintf(w, "\nANALYTICS: %s, %s vacancies generated by synth.Fill (seed %d) in %s (%s, %s); each timed once\n",
		a.Engine, num(a.Vacancies), a.Seed, a.DB, mb(a.DBBytes), db)
	t, flush := newTable(w)
	share := func(x Timing) string {
		if x.ElapsedS <= 0 {
			return ""
		}
		return fmt.Sprintf("; walk = %.0f%% of it", 100*a.Walk.ElapsedS/x.ElapsedS)
	}
	target := func(x Timing) (string, string) {
		tg := fmt.Sprintf("≤ %s at 1M", dur(x.TargetS))
		if x.OK == nil {
			return tg, "-"
		}
		return tg, verdict(*x.OK)
	}
	t.row("store walk (EachVacancy, no-op)", fmt.Sprintf("%s; peak heap %.1f MB", dur(a.Walk.ElapsedS), a.Walk.PeakHeapMB), "", "")
	tg, v := target(a.Stats)
	t.row("stats --by role", fmt.Sprintf("%s; peak heap %.1f MB%s", dur(a.Stats.ElapsedS), a.Stats.PeakHeapMB, share(a.Stats)), tg, v)
	tg, v = target(a.Report)
	t.row("report (HTML, all sections)", fmt.Sprintf("%s; peak heap %.1f MB; %s file%s", dur(a.Report.ElapsedS), a.Report.PeakHeapMB, mb(a.ReportBytes), share(a.Report)), tg, v)
	flush()
}

// clientWords says how the rate leg's client was limited.
func clientWords(c string) string {
	if c == "auto" {
		return "adaptive (--rps auto: finds R by itself)"
	}
	return "limited to R"
}
