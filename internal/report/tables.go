package report

import "github.com/hhjobs/hhjobs/internal/analytics"

// Table is one table of the report as plain cells (full labels, numbers
// unformatted), for a CSV download of what a page shows.
type Table struct {
	ID, Caption string
	Head        []string
	Num         []bool // the column holds numbers
	Rows        [][]string
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
				row := make([]string, len(r))
				for i, c := range r {
					row[i] = c.S
					if c.Num && c.V != "" {
						row[i] = c.V
					}
				}
				ct.Rows = append(ct.Rows, row)
			}
			out = append(out, ct)
		}
	}
	return out
}
