package analytics

import (
	"cmp"
	"slices"
)

// SmallSampleRules are the thresholds a Result was computed with (its JSON
// states them so a reader knows why a figure is null).
type SmallSampleRules struct {
	MinNMedian    int `json:"min_n_median"`
	MinNQuartiles int `json:"min_n_quartiles"`
	MinNRank      int `json:"min_n_rank"`
}

func (c *computer) rules() SmallSampleRules {
	t := c.cfg.Small.withDefaults()
	return SmallSampleRules{MinNMedian: t.MinNMedian, MinNQuartiles: t.MinNQuartiles, MinNRank: c.cfg.MinN}
}

// withholdGroups applies the small-sample rules to the total and every group.
func (c *computer) withholdGroups() {
	r := c.res
	r.Small = c.rules()
	r.Total.Salary.Withhold(c.cfg.Small)
	for i := range r.Groupings {
		for j := range r.Groupings[i].Groups {
			r.Groupings[i].Groups[j].Salary.Withhold(c.cfg.Small)
		}
	}
}

// withholdPeriods applies them to the weekly and monthly figures.
func (c *computer) withholdPeriods() {
	for _, ps := range [][]Period{c.res.Weekly, c.res.Monthly} {
		for i := range ps {
			ps[i].Salary.Withhold(c.cfg.Small)
		}
	}
}

// rankByPay keeps the named groups with at least minN salaries and a median
// shown, best first by the lower bound of the median's 95 % interval (then
// the median, then the key): a small group's lucky median does not win.
func rankByPay(gs []GroupStats, minN int) []GroupStats {
	var out []GroupStats
	for _, g := range gs {
		if g.Salary.N >= minN && g.Salary.HasMedian() && g.Salary.HasCI && g.Key[0] != "" {
			out = append(out, g)
		}
	}
	slices.SortStableFunc(out, func(a, b GroupStats) int {
		if x := cmp.Compare(b.Salary.CI95[0], a.Salary.CI95[0]); x != 0 {
			return x
		}
		if x := cmp.Compare(b.Salary.Median, a.Salary.Median); x != 0 {
			return x
		}
		return slices.Compare(a.Key, b.Key)
	})
	return out
}
