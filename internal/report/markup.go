package report

import (
	"html/template"
	"strings"
)

// Body is the table's <tbody>, written here rather than by the template.
//
// Why: a broad dashboard view has some 7,500 cells, and html/template
// spends about 15 µs on each (its actions call the escapers through
// reflection): 70–140 ms of the view at a million rows. Written in Go,
// the whole page's template work takes about 5 ms (BenchmarkRender). Each string is escaped with cellEscaper, the table
// html/template itself uses for text and quoted attribute values, so the
// page is byte for byte what the template wrote (TestTableBodyAsTemplate).
func (t table) Body() template.HTML {
	var b strings.Builder
	n := 16
	for _, r := range t.Rows {
		n += 10
		for _, c := range r {
			n += 40 + len(c.S) + len(c.V) + len(c.Tip) + len(c.Class)
		}
	}
	b.Grow(n)
	b.WriteString("<tbody>")
	for _, r := range t.Rows {
		b.WriteString("<tr>")
		for i, c := range r {
			b.WriteString(`<td data-label="`)
			if i < len(t.Head) {
				cellEscaper.WriteString(&b, t.Head[i].Label)
			}
			b.WriteByte('"')
			if c.Num || c.Class != "" {
				b.WriteString(` class="`)
				if c.Num {
					b.WriteByte('n')
				}
				if c.Num && c.Class != "" {
					b.WriteByte(' ')
				}
				cellEscaper.WriteString(&b, c.Class)
				b.WriteByte('"')
			}
			if c.V != "" {
				b.WriteString(` data-v="`)
				cellEscaper.WriteString(&b, c.V)
				b.WriteByte('"')
			}
			if c.Tip != "" {
				b.WriteString(` title="`)
				cellEscaper.WriteString(&b, c.Tip)
				b.WriteByte('"')
			}
			b.WriteByte('>')
			cellEscaper.WriteString(&b, c.S)
			b.WriteString("</td>")
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody>")
	return template.HTML(b.String()) //nolint:gosec // every string escaped above
}

// Shapes are the chart's SVG elements (lines, rects, paths, circles,
// texts, a line each kind), written here for the reason of table.Body:
// a dozen charts hold some 600 elements (TestChartShapesAsTemplate).
func (c chart) Shapes() template.HTML {
	var b strings.Builder
	b.Grow(128 * (len(c.Lines) + len(c.Rects) + len(c.Paths) + len(c.Circles) + len(c.Texts)))
	title := func(tip string) {
		if tip != "" {
			b.WriteString("<title>")
			cellEscaper.WriteString(&b, tip)
			b.WriteString("</title>")
		}
	}
	for _, l := range c.Lines {
		b.WriteString("<line")
		attrs(&b, "x1", l.X1, "y1", l.Y1, "x2", l.X2, "y2", l.Y2, "class", l.Class)
		b.WriteString("/>")
	}
	b.WriteByte('\n')
	for _, r := range c.Rects {
		b.WriteString("<rect")
		attrs(&b, "x", r.X, "y", r.Y, "width", r.W, "height", r.H, "class", r.Class)
		b.WriteByte('>')
		title(r.Tip)
		b.WriteString("</rect>")
	}
	b.WriteByte('\n')
	for _, p := range c.Paths {
		b.WriteString("<path")
		attrs(&b, "d", p.D, "class", p.Class)
		b.WriteString("/>")
	}
	b.WriteByte('\n')
	for _, ci := range c.Circles {
		b.WriteString("<circle")
		attrs(&b, "cx", ci.CX, "cy", ci.CY, "r", ci.R, "class", ci.Class)
		b.WriteByte('>')
		title(ci.Tip)
		b.WriteString("</circle>")
	}
	b.WriteByte('\n')
	for _, t := range c.Texts {
		b.WriteString("<text")
		attrs(&b, "x", t.X, "y", t.Y, "text-anchor", t.Anchor, "class", t.Class)
		b.WriteByte('>')
		title(t.Tip)
		if len(t.Lines) == 0 {
			cellEscaper.WriteString(&b, t.S)
		}
		for i, l := range t.Lines {
			b.WriteString("<tspan")
			attrs(&b, "x", t.X)
			if i > 0 {
				attrs(&b, "dy", t.LineH)
			}
			b.WriteByte('>')
			cellEscaper.WriteString(&b, l)
			b.WriteString("</tspan>")
		}
		b.WriteString("</text>")
	}
	return template.HTML(b.String()) //nolint:gosec // every string escaped above
}

// attrs writes name="value" pairs, each value escaped.
func attrs(b *strings.Builder, kv ...string) {
	for i := 0; i+1 < len(kv); i += 2 {
		b.WriteByte(' ')
		b.WriteString(kv[i])
		b.WriteString(`="`)
		cellEscaper.WriteString(b, kv[i+1])
		b.WriteByte('"')
	}
}

// cellEscaper replaces what html/template's escapers replace in text and
// in a quoted attribute value (htmlReplacementTable of html/template):
// NUL, the quotes, &, +, < and >. template.HTMLEscapeString would do for
// safety, but leaves + as is, and the page would differ from the
// template's.
var cellEscaper = strings.NewReplacer(
	"\x00", "\uFFFD",
	`"`, "&#34;",
	"&", "&amp;",
	"'", "&#39;",
	"+", "&#43;",
	"<", "&lt;",
	">", "&gt;",
)
