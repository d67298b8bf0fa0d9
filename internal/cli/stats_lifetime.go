package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/export"
	"github.com/hhjobs/hhjobs/internal/safetext"
	"github.com/hhjobs/hhjobs/internal/store"
)

// LifetimeJSON is the output of `stats --lifetime --json` (DESIGN §4.1).
type LifetimeJSON struct {
	statsHead
	*analytics.LifetimeStats
}

// statsHead are the keys that open the JSON of `stats --lifetime` and
// `stats --revisions`: when, and over which vacancies.
type statsHead struct {
	GeneratedAt time.Time  `json:"generated_at"`
	Query       string     `json:"query,omitempty"`
	Since       *time.Time `json:"since,omitempty"`
}

func (f *Factory) statsHead(o *StatsOptions, flt store.Filter) statsHead {
	h := statsHead{GeneratedAt: f.Now().UTC().Truncate(time.Second), Query: o.query()}
	if !flt.Since.IsZero() {
		h.Since = &flt.Since
	}
	return h
}

// printJSON writes v as indented JSON, the form of every --json.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func runStatsLifetime(ctx context.Context, f *Factory, o *StatsOptions, st store.Store, flt store.Filter, dims []analytics.Dim) error {
	res, err := analytics.ComputeLifetime(ctx, st, analytics.LifetimeConfig{Filter: flt, By: dims})
	if err != nil {
		return err
	}
	if o.JSON {
		return printJSON(f.IO.Out, LifetimeJSON{statsHead: f.statsHead(o, flt), LifetimeStats: res})
	}
	t := res.Total
	fmt.Fprintf(f.IO.Err, "%d vacancies, %d closures observed from %s to %s; lifetime from %s (%d from the other start); Kaplan-Meier with delayed entry, 95 %% CI Brookmeyer-Crowley\n",
		t.N, t.Closed, rfc(t.Window.From), rfc(t.Window.To), t.Start, t.StartOther)
	groups := append([]analytics.LifetimeGroup{t}, res.Groups...)
	if f.IO.IsStdoutTTY() {
		return lifetimeTable(f.IO.Out, dims, groups)
	}
	return lifetimeCSV(f.IO.Out, dims, groups, o.CSV)
}

func rfc(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format(time.RFC3339)
}

// lifeCells are the figures of a group as text; "" where null.
func lifeCells(g analytics.LifetimeGroup) []string {
	f := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', 1, 64)
	}
	var lo, hi, risk string
	if len(g.MedianCI95) == 2 {
		lo, hi = f(g.MedianCI95[0]), f(g.MedianCI95[1])
	}
	if g.AtRiskAtMedian != nil {
		risk = strconv.Itoa(*g.AtRiskAtMedian)
	}
	return []string{strconv.Itoa(g.N), strconv.Itoa(g.Closed), strconv.Itoa(g.Censored), f(g.MedianDays), lo, hi, risk, g.Start, g.Reason}
}

var lifetimeCols = []string{"n", "closed", "censored", "median_days", "ci95_low", "ci95_high", "at_risk_at_median", "start", "reason"}

func lifetimeCSV(w io.Writer, dims []analytics.Dim, groups []analytics.LifetimeGroup, co export.CSVOptions) error {
	cw := export.NewCSVWriter(w, co)
	var head []string
	for _, d := range dims {
		head = append(head, string(d)+"_id", string(d))
	}
	head = append(head, lifetimeCols...)
	kinds := csvKinds(head, len(dims)*2, "start", "reason")
	if err := cw.Write(head, nil); err != nil {
		return err
	}
	for i, g := range groups {
		var rec []string
		for j := range dims {
			if i == 0 {
				rec = append(rec, "", "all")
				continue
			}
			rec = append(rec, g.Key[j], g.Label[j])
		}
		if err := cw.Write(append(rec, lifeCells(g)...), kinds); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// csvKinds marks the columns of a stats CSV: the first labels columns and
// those named in text are text from hh.ru or words; the rest are figures.
func csvKinds(head []string, labels int, text ...string) []export.Kind {
	kinds := make([]export.Kind, len(head))
	for i, h := range head {
		if i >= labels && !slices.Contains(text, h) {
			kinds[i] = export.Number
		}
	}
	return kinds
}

func lifetimeTable(w io.Writer, dims []analytics.Dim, groups []analytics.LifetimeGroup) error {
	var head []string
	for _, d := range dims {
		head = append(head, strings.ToUpper(string(d)))
	}
	head = append(head, "N", "CLOSED", "CENSORED", "MEDIAN, DAYS", "95% CI", "AT RISK", "NOTE")
	rows := [][]string{head}
	for i, g := range groups {
		var row []string
		for j := range dims {
			if i == 0 {
				row = append(row, "all")
				continue
			}
			row = append(row, safetext.Terminal(safetext.Clip(g.Label[j], 40)))
		}
		c := lifeCells(g)
		ci := ""
		if c[3] != "" {
			ci = or(c[4], "—") + "–" + or(c[5], "beyond data")
		}
		row = append(row, c[0], c[1], c[2], or(c[3], "—"), ci, or(c[6], "—"), g.Reason)
		rows = append(rows, row)
	}
	// Labels and the note are text; the figures between them align right.
	return printAligned(w, rows, func(i, n int) bool { return i < len(dims) || i == n-1 })
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
