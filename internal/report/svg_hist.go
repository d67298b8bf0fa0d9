package report

import (
	"fmt"
	"math"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

// histChart draws a histogram: touching columns over a numeric x axis of
// roubles (bin edges), counts on the y axis, and the median as a line.
// median NaN draws no line; bins are contiguous and of one width.
func histChart(id, title, caption string, bins []analytics.Bin, n int, median float64) chart {
	if len(bins) == 0 {
		return emptyChart(id, title, caption)
	}
	const W, left, right, top, bottom = 720.0, 70.0, 690.0, 24.0, 230.0
	c := chart{ID: id, Title: title, Caption: caption, W: int(W), H: int(bottom + 40)}
	peak := 0
	for _, b := range bins {
		peak = max(peak, b.Count)
	}
	y := c.yAxis(left, right, top, bottom, float64(peak)*1.05, fmtK2)
	lo, hi := bins[0].From, bins[len(bins)-1].To
	x := func(v float64) float64 { return left + (v-lo)/(hi-lo)*(right-left) }
	// Label about eight edges, at round multiples of the bin width.
	every := int(math.Ceil(float64(len(bins)) / 8))
	for i := 0; i <= len(bins); i++ {
		edge := lo + float64(i)*(bins[0].To-bins[0].From)
		if i%every == 0 {
			c.line(x(edge), bottom, x(edge), bottom+4, "whisker")
			c.text(x(edge), bottom+18, "middle", "tick", fmtK(edge))
		}
	}
	for _, b := range bins {
		tip := fmt.Sprintf("от %s до %s: %s %s (%s от n = %s)", fmtRub(b.From), fmtRub(b.To), fmtInt(int64(b.Count)),
			plural(b.Count, "зарплата", "зарплаты", "зарплат"), fmtPct(float64(b.Count)/float64(n)), fmtInt(int64(n)))
		c.rect(x(b.From)+0.5, y(float64(b.Count)), x(b.To)-x(b.From)-1, bottom-y(float64(b.Count)), "bar", tip)
	}
	if !math.IsNaN(median) && median >= lo && median <= hi {
		c.line(x(median), top-6, x(median), bottom, "median")
		anchor, dx := "start", 6.0
		if x(median) > right-140 {
			anchor, dx = "end", -6
		}
		c.text(x(median)+dx, top+4, anchor, "value", "медиана "+fmtK(roundK(median)))
	}
	return c
}

// withheldChart is a chart's place when its figures are withheld: why, in a line.
func withheldChart(id, title, caption, why string) chart {
	c := emptyChart(id, title, caption)
	c.Texts[0].S = why
	return c
}
