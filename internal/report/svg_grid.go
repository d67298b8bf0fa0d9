package report

import "math"

// gridCell is one cell of a grid chart: a value with its base, or a
// withheld figure (Few: the base is too small) or nothing (Empty).
type gridCell struct {
	V     float64
	Value string // the figure as printed
	Sub   string // under it: the base
	Tip   string
	Few   bool
	Empty bool
}

// gridChart draws a matrix of small bars on one common scale: a row per
// label, a column per heading; each cell prints its figure and base, and a
// withheld cell says «мало данных» instead of a bar, as the tables do.
func gridChart(id, title, caption string, rows, cols []string, cells [][]gridCell) chart {
	if len(rows) == 0 || len(cols) == 0 {
		return emptyChart(id, title, caption)
	}
	const W, left, top, rowH = 720.0, 236.0, 34.0, 54.0
	colW := (W - left - 10) / float64(len(cols))
	bottom := top + rowH*float64(len(rows))
	c := chart{ID: id, Title: title, Caption: caption, W: int(W), H: int(bottom + 8)}
	peak := 0.0
	for _, r := range cells {
		for _, x := range r {
			if !x.Few && !x.Empty {
				peak = math.Max(peak, x.V)
			}
		}
	}
	if peak <= 0 {
		peak = 1
	}
	for j, h := range cols {
		x0 := left + colW*float64(j)
		c.Texts = append(c.Texts, svgText{X: f(x0 + 4), Y: f(top - 12), Anchor: "start", Class: "tick", S: short(h, 16), Tip: h})
	}
	for i, label := range rows {
		y0 := top + rowH*float64(i)
		c.line(0, y0, W, y0, "grid")
		c.Texts = append(c.Texts, svgText{X: f(left - 10), Y: f(y0 + rowH/2 + 5), Anchor: "end", Class: "label", S: short(label, 26), Tip: label})
		for j := range cols {
			x0 := left + colW*float64(j) + 4
			cell := cells[i][j]
			switch {
			case cell.Empty:
				c.Texts = append(c.Texts, svgText{X: f(x0), Y: f(y0 + 31), Anchor: "start", Class: "muted", S: "—", Tip: cell.Tip})
			case cell.Few:
				c.Texts = append(c.Texts, svgText{X: f(x0), Y: f(y0 + 29), Anchor: "start", Class: "muted", S: "мало данных", Tip: cell.Tip})
				c.text(x0, y0+46, "start", "sub", cell.Sub)
			default:
				c.rect(x0, y0+6, (colW-14)*cell.V/peak, 10, "bar", cell.Tip)
				c.Texts = append(c.Texts, svgText{X: f(x0), Y: f(y0 + 31), Anchor: "start", Class: "value", S: cell.Value, Tip: cell.Tip})
				c.text(x0, y0+46, "start", "sub", cell.Sub)
			}
		}
	}
	c.line(0, bottom, W, bottom, "grid")
	return c
}
