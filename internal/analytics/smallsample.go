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

// rules are the thresholds cfg computes with.
func rules(cfg Config) SmallSampleRules {
	t := cfg.Small.withDefaults()
	return SmallSampleRules{MinNMedian: t.MinNMedian, MinNQuartiles: t.MinNQuartiles, MinNRank: cfg.MinN}
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
