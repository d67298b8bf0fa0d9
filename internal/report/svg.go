package report

import (
	"math"
	"strconv"
	"strings"
)

// Charts are drawn here as plain geometry (rectangles, lines, paths, texts)
// and rendered as inline SVG: the frame by the html/template in
// assets/report.html.tmpl, the shapes by chart.Shapes (markup.go), every
// label escaped as html/template escapes it.

type svgRect struct {
	X, Y, W, H string
	Class, Tip string
}

type svgLine struct {
	X1, Y1, X2, Y2 string
	Class          string
}

type svgPath struct {
	D, Class string
}

type svgText struct {
	X, Y, Anchor, Class, S, Tip string
	// Lines, when set, are the text's lines (S is then unused): a long
	// label wraps instead of being cut (tspans, LineH apart).
	Lines []string
	LineH string
}

type svgCircle struct {
	CX, CY, R, Class, Tip string
}

type chart struct {
	ID      string
	Title   string
	Caption string
	W, H    int
	Empty   bool
	Rects   []svgRect
	Lines   []svgLine
	Paths   []svgPath
	Texts   []svgText
	Circles []svgCircle
}

func f(x float64) string { return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64) }

// niceStep returns a round tick step (1, 2, 2.5 or 5 × 10ᵏ) giving about n ticks up to max.
func niceStep(max float64, n int) float64 {
	if max <= 0 {
		return 1
	}
	raw := max / float64(n)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

func (c *chart) text(x, y float64, anchor, class, s string) {
	c.Texts = append(c.Texts, svgText{X: f(x), Y: f(y), Anchor: anchor, Class: class, S: s})
}

func (c *chart) line(x1, y1, x2, y2 float64, class string) {
	c.Lines = append(c.Lines, svgLine{f(x1), f(y1), f(x2), f(y2), class})
}

func (c *chart) rect(x, y, w, h float64, class, tip string) {
	if w < 0 {
		x, w = x+w, -w
	}
	if h < 0 {
		y, h = y+h, -h
	}
	c.Rects = append(c.Rects, svgRect{f(x), f(y), f(w), f(h), class, tip})
}

func emptyChart(id, title, caption string) chart {
	c := chart{ID: id, Title: title, Caption: caption, W: 720, H: 80, Empty: true}
	c.text(360, 45, "middle", "muted", "Нет данных")
	return c
}

// xAxis draws vertical grid lines and labels for a horizontal value axis.
func (c *chart) xAxis(left, right, top, bottom, max float64, label func(float64) string) func(float64) float64 {
	step := niceStep(max, 5)
	top2 := math.Ceil(max/step) * step
	if top2 <= 0 {
		top2 = 1
	}
	x := func(v float64) float64 { return left + v/top2*(right-left) }
	for v := 0.0; v <= top2+step/2; v += step {
		c.line(x(v), top, x(v), bottom, "grid")
		c.text(x(v), bottom+16, "middle", "tick", label(v))
	}
	return x
}

// yAxis draws horizontal grid lines and labels for a vertical value axis.
func (c *chart) yAxis(left, right, top, bottom, max float64, label func(float64) string) func(float64) float64 {
	step := niceStep(max, 4)
	top2 := math.Ceil(max/step) * step
	if top2 <= 0 {
		top2 = 1
	}
	y := func(v float64) float64 { return bottom - v/top2*(bottom-top) }
	for v := 0.0; v <= top2+step/2; v += step {
		c.line(left, y(v), right, y(v), "grid")
		c.text(left-6, y(v)+4, "end", "tick", label(v))
	}
	return y
}

type boxRow struct {
	Label, Sub              string
	P10, P25, Med, P75, P90 float64
	Tip                     string
}

// boxChart draws horizontal box plots: whiskers p10–p90, box p25–p75, median line.
func boxChart(id, title, caption string, rows []boxRow) chart {
	if len(rows) == 0 {
		return emptyChart(id, title, caption)
	}
	const W, left, right, top, rowH = 720.0, 262.0, 680.0, 10.0, 50.0
	bottom := top + rowH*float64(len(rows))
	c := chart{ID: id, Title: title, Caption: caption, W: int(W), H: int(bottom + 30)}
	max := 0.0
	for _, r := range rows {
		max = math.Max(max, r.P90)
	}
	x := c.xAxis(left, right, top, bottom, max*1.05, fmtK)
	for i, r := range rows {
		cy := top + rowH*float64(i) + rowH/2
		if lines := wrapLabel(r.Label, labelRunes); len(lines) > 1 {
			c.Texts = append(c.Texts, svgText{X: f(left - 10), Y: f(cy - 11), Anchor: "end", Class: "label", Lines: lines, LineH: "16", Tip: r.Label})
			c.text(left-10, cy+21, "end", "sub", r.Sub)
		} else {
			c.Texts = append(c.Texts, svgText{X: f(left - 10), Y: f(cy - 2), Anchor: "end", Class: "label", S: lines[0], Tip: r.Label})
			c.text(left-10, cy+13, "end", "sub", r.Sub)
		}
		c.line(x(r.P10), cy, x(r.P25), cy, "whisker")
		c.line(x(r.P75), cy, x(r.P90), cy, "whisker")
		c.line(x(r.P10), cy-7, x(r.P10), cy+7, "whisker")
		c.line(x(r.P90), cy-7, x(r.P90), cy+7, "whisker")
		c.rect(x(r.P25), cy-13, x(r.P75)-x(r.P25), 26, "box", r.Tip)
		c.line(x(r.Med), cy-13, x(r.Med), cy+13, "median")
	}
	return c
}

type barRow struct {
	Label, Value, Tip string
	V                 float64
}

// hbarChart draws horizontal bars with the value printed at the end.
func hbarChart(id, title, caption string, rows []barRow, axis func(float64) string) chart {
	if len(rows) == 0 {
		return emptyChart(id, title, caption)
	}
	const W, left, top = 720.0, 250.0, 10.0
	rowH := 26.0
	for _, r := range rows {
		if len(wrapLabel(r.Label, labelRunes)) > 1 {
			rowH = 38 // room for a label on two lines
		}
	}
	bottom := top + rowH*float64(len(rows))
	c := chart{ID: id, Title: title, Caption: caption, W: int(W), H: int(bottom + 30)}
	max := 0.0
	longest := 0
	for _, r := range rows {
		max = math.Max(max, r.V)
		longest = maxInt(longest, len([]rune(r.Value)))
	}
	// Leave room for the longest value printed after the longest bar.
	right := W - 16 - float64(longest)*7.6
	x := c.xAxis(left, right, top, bottom, max, axis)
	for i, r := range rows {
		y := top + rowH*float64(i)
		if lines := wrapLabel(r.Label, labelRunes); len(lines) > 1 {
			c.Texts = append(c.Texts, svgText{X: f(left - 8), Y: f(y + rowH/2 - 4), Anchor: "end", Class: "label", Lines: lines, LineH: "16", Tip: r.Label})
		} else {
			c.Texts = append(c.Texts, svgText{X: f(left - 8), Y: f(y + rowH/2 + 4), Anchor: "end", Class: "label", S: lines[0], Tip: r.Label})
		}
		c.rect(left, y+4, x(r.V)-left, rowH-8, "bar", r.Tip)
		c.text(x(r.V)+6, y+rowH/2+4, "start", "value", r.Value)
	}
	return c
}

type series struct {
	Name, Class string
	V           []float64 // NaN = no value
	Tips        []string
}

// lineChart draws series over categorical x labels (weeks, months).
func lineChart(id, title, caption string, xs []string, ss []series, yLabel func(float64) string, yMax float64) chart {
	if len(xs) == 0 {
		return emptyChart(id, title, caption)
	}
	const W, left, right, top, bottom = 720.0, 70.0, 690.0, 34.0, 250.0
	c := chart{ID: id, Title: title, Caption: caption, W: int(W), H: int(bottom + 40)}
	max := yMax
	if max <= 0 {
		for _, s := range ss {
			for _, v := range s.V {
				if !math.IsNaN(v) {
					max = math.Max(max, v)
				}
			}
		}
	}
	y := c.yAxis(left, right, top, bottom, max*1.05, yLabel)
	n := len(xs)
	x := func(i int) float64 {
		if n == 1 {
			return (left + right) / 2
		}
		return left + 10 + float64(i)/float64(n-1)*(right-left-20)
	}
	every := int(math.Ceil(float64(n) / 10))
	for i, l := range xs {
		if i%every == 0 || i == n-1 {
			c.text(x(i), bottom+18, "middle", "tick", l)
		}
	}
	lx := left
	for _, s := range ss {
		c.rect(lx, 8, 14, 10, "key "+s.Class, "")
		c.text(lx+20, 17, "start", "legend", s.Name)
		lx += 40 + float64(len([]rune(s.Name)))*7.5
		var d strings.Builder
		pen := false
		for i, v := range s.V {
			if math.IsNaN(v) {
				pen = false
				continue
			}
			if pen {
				d.WriteString(" L")
			} else {
				d.WriteString(" M")
			}
			d.WriteString(f(x(i)) + " " + f(y(v)))
			pen = true
			tip := ""
			if i < len(s.Tips) {
				tip = s.Tips[i]
			}
			c.Circles = append(c.Circles, svgCircle{CX: f(x(i)), CY: f(y(v)), R: "3.5", Class: "pt " + s.Class, Tip: tip})
		}
		if d.Len() > 0 {
			c.Paths = append(c.Paths, svgPath{D: strings.TrimSpace(d.String()), Class: "line " + s.Class})
		}
	}
	return c
}

// columnChart draws vertical bars over categorical x labels.
func columnChart(id, title, caption string, xs []string, v []float64, tips []string, yLabel func(float64) string) chart {
	if len(xs) == 0 {
		return emptyChart(id, title, caption)
	}
	const W, left, right, top, bottom = 720.0, 70.0, 690.0, 14.0, 230.0
	c := chart{ID: id, Title: title, Caption: caption, W: int(W), H: int(bottom + 40)}
	max := 0.0
	for _, x := range v {
		max = math.Max(max, x)
	}
	y := c.yAxis(left, right, top, bottom, max*1.05, yLabel)
	n := len(xs)
	bw := (right - left) / float64(n)
	every := int(math.Ceil(float64(n) / 10))
	for i := range xs {
		x0 := left + bw*float64(i)
		c.rect(x0+bw*0.15, y(v[i]), bw*0.7, bottom-y(v[i]), "bar", tips[i])
		if i%every == 0 || i == n-1 {
			c.text(x0+bw/2, bottom+18, "middle", "tick", xs[i])
		}
	}
	return c
}

// stepChart draws a survival curve S(day) as steps, with the 50 % line.
func stepChart(id, title, caption string, days []int, s []float64, median float64, reached bool) chart {
	if len(days) == 0 {
		return emptyChart(id, title, caption)
	}
	const W, left, right, top, bottom = 720.0, 70.0, 690.0, 14.0, 250.0
	c := chart{ID: id, Title: title, Caption: caption, W: int(W), H: int(bottom + 44)}
	y := c.yAxis(left, right, top, bottom, 1, func(v float64) string { return fmtNum(v*100, 0) + nbsp + "%" })
	maxDay := float64(days[len(days)-1])
	if maxDay <= 0 {
		maxDay = 1
	}
	step := niceStep(maxDay, 8)
	x := func(d float64) float64 { return left + d/maxDay*(right-left) }
	for d := 0.0; d <= maxDay+0.01; d += step {
		c.text(x(d), bottom+18, "middle", "tick", fmtNum(d, 0))
	}
	c.text((left+right)/2, bottom+36, "middle", "sub", "дней жизни вакансии")
	var b strings.Builder
	b.WriteString("M" + f(x(0)) + " " + f(y(1)))
	for i, d := range days {
		b.WriteString(" H" + f(x(float64(d))) + " V" + f(y(s[i])))
	}
	c.Paths = append(c.Paths, svgPath{D: b.String(), Class: "line s1"})
	c.line(left, y(0.5), right, y(0.5), "half")
	if reached {
		c.line(x(median), y(0.5), x(median), bottom, "half")
		c.text(x(median)+6, y(0.5)-6, "start", "value", "медиана "+fmtNum(median, 1)+nbsp+"дн.")
	}
	return c
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// labelRunes is how many characters of a label fit left of a chart's plot
// area on one line.
const labelRunes = 27

// wrapLabel splits a label into at most two lines of up to n runes, at
// spaces (or mid-word when a word alone is longer), so that a long role or
// employer name is read whole instead of cut («Специалист по подбору перс…»);
// only what does not fit in two lines is cut, and the chart's hover text
// (SVG <title> and the page's tooltip) has it in full. A display label's
// bidi isolates are kept around each line.
func wrapLabel(s string, n int) []string {
	open, closed := "", ""
	if strings.HasPrefix(s, fsi) && strings.HasSuffix(s, pdi) {
		open, closed = fsi, pdi
		s = strings.TrimSuffix(strings.TrimPrefix(s, fsi), pdi)
	}
	r := []rune(s)
	if len(r) <= n {
		return []string{open + s + closed}
	}
	cut := n
	for i := n; i > n/2; i-- {
		if r[i] == ' ' {
			cut = i
			break
		}
	}
	first := strings.TrimSpace(string(r[:cut]))
	rest := strings.TrimSpace(string(r[cut:]))
	return []string{open + first + closed, short(open+rest+closed, n+2)}
}
