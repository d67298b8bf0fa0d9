// Package report renders analytics as one self-contained HTML file in
// Russian: charts, sortable tables, a data-quality section and the methodology.
//
// Charts are inline SVG computed in Go and written by html/template, not a
// JavaScript charting library. Why: the file needs no network and no 1 MB
// embedded script (ECharts), it renders with JavaScript off and prints well,
// the output is deterministic (testable without a browser), and every label
// is escaped as html/template escapes it (the table bodies and the chart
// shapes are written in Go with html/template's replacement table, for
// speed: markup.go). The only script is a few lines that
// sort the tables. Hovering a bar, box or point shows its exact figures (SVG <title>).
package report

import (
	"context"
	"embed"
	"html/template"
	"io"
	"time"

	"github.com/microcosm-cc/bluemonday"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/export"
	"github.com/hhjobs/hhjobs/internal/store"
)

//go:embed assets/report.html.tmpl
var assets embed.FS

var tmpl = template.Must(template.New("report.html.tmpl").ParseFS(assets, "assets/report.html.tmpl"))

// ugc sanitises any HTML that comes from hh.ru before it is shown.
var ugc = bluemonday.UGCPolicy()

// SafeHH returns hh.ru HTML (a description, a snippet) sanitised by
// bluemonday's UGC policy, for display. Nothing else may reach the page unescaped.
// No page shows hh.ru HTML today (deadcode lists it); it is kept, with its
// test, as the one way a future view (vacancy descriptions in serve) may.
func SafeHH(s string) template.HTML {
	return template.HTML(ugc.Sanitize(s)) //nolint:gosec // sanitised above
}

// Meta describes what the report covers.
type Meta struct {
	Query string    // saved query name ("" = all vacancies)
	Since time.Time // publication lower bound (zero = none)
	// Filters describes the other filters in Russian ("" = none).
	Filters string
	// Coverage is what the data covers (scope.go); nil: not stated.
	Coverage *Coverage
}

// Generate computes the analytics of s and writes the report to path atomically.
func Generate(ctx context.Context, s store.Store, cfg analytics.Config, meta Meta, path string) error {
	res, err := analytics.Compute(ctx, s, cfg)
	if err != nil {
		return err
	}
	if res.Revisions, err = revisions(ctx, s, cfg); err != nil {
		return err
	}
	if err := withCoverage(ctx, s, cfg.Filter, &meta); err != nil { // scope.go
		return err
	}
	return export.AtomicWrite(path, func(w io.Writer) error { return Render(w, res, meta) })
}

// Render writes the report of res to w.
func Render(w io.Writer, res *analytics.Result, meta Meta) error {
	return tmpl.Execute(w, build(displayResult(res), meta)) // display.go: clipped, bidi-isolated labels
}

// build fills the page model of res: the header, the KPIs, then one
// section per function of sectionFuncs (sections.go).
func build(res *analytics.Result, meta Meta) page {
	p := page{
		Title:     "Вакансии hh.ru: зарплаты, навыки, спрос",
		Generated: fmtDateTime(res.GeneratedAt),
		Scope:     scopeLine(res.Filter.OpenOnly, meta), // scope.go
		Basis:     basis(res),
	}
	p.KPIs = kpis(res, p.Basis)
	for _, sf := range sectionFuncs {
		if s, ok := sf(res, p.Basis); ok {
			p.Sections = append(p.Sections, s)
		}
	}
	notePostings(&p, res)
	p.Method = methodNotes(res)
	return p
}

// basis names the salary basis of res.
func basis(res *analytics.Result) string {
	if res.Basis == "net" {
		return "на руки (после НДФЛ: прогрессивная шкала с 2025 г.)"
	}
	return "до вычета НДФЛ (gross; «на руки» пересчитано по прогрессивной шкале)"
}

// kpis are the headline figures.
func kpis(res *analytics.Result, basis string) []kpi {
	t := res.Total
	out := []kpi{
		{"Вакансий", fmtInt(int64(t.Vacancies)), "открыто " + fmtInt(int64(t.Open))},
		{"Зарплата указана", fmtPct(t.DisclosureShare), fmtInt(int64(t.Disclosed)) + " из " + fmtInt(int64(t.Vacancies))},
		{"Медиана, ₽ в месяц", shown(t.Salary.HasMedian(), fmtRub(t.Salary.Median)), "n = " + fmtInt(int64(t.Salary.N)) + ", " + basis + ciSub(t.Salary)},
		{"P25 – P75", shown(t.Salary.HasQuartiles(), fmtK(roundK(t.Salary.P25))+" – "+fmtK(roundK(t.Salary.P75))), "межквартильный размах"},
	}
	if lt := res.Lifetime; lt != nil && lt.N > 0 {
		out = append(out, lifetimeKPI(lt))
	}
	return out
}
