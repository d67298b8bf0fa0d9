package report

import "github.com/hhjobs/hhjobs/internal/analytics"

// Table is one table of the report as plain cells (full labels, numbers
// unformatted), for a CSV download of what a page shows.
type Table struct {
	ID, Caption string
	Head        []string
	Num         []bool // the column holds numbers
	Rows        [][]string
	Shown       [][]string // the same cells as the page shows them (ru-RU formats)
}

// Tables returns every table of the report of res, in page order.
func Tables(res *analytics.Result, meta Meta) []Table {
	var out []Table
	for _, sec := range build(res, meta).Sections {
		for _, t := range sec.Tables {
			ct := Table{ID: t.ID, Caption: t.Caption}
			for _, h := range t.Head {
				ct.Head = append(ct.Head, h.Label)
				ct.Num = append(ct.Num, h.Num)
			}
			for _, r := range t.Rows {
				row, shown := make([]string, len(r)), make([]string, len(r))
				for i, c := range r {
					row[i], shown[i] = c.S, c.S
					if c.Num && c.V != "" {
						row[i] = c.V
					}
				}
				ct.Rows = append(ct.Rows, row)
				ct.Shown = append(ct.Shown, shown)
			}
			out = append(out, ct)
		}
	}
	return out
}

// KPI is one headline figure of the report (label, value, what it rests on).
type KPI struct{ Label, Value, Sub string }

// KPIs returns the report's headline figures for res.
func KPIs(res *analytics.Result, meta Meta) []KPI {
	var out []KPI
	for _, k := range build(displayResult(res), meta).KPIs {
		out = append(out, KPI{Label: k.Label, Value: k.Value, Sub: k.Sub})
	}
	return out
}
