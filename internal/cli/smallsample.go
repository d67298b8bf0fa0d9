package cli

import (
	"github.com/spf13/cobra"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

// addSmallSampleFlags adds the small-sample rules (docs/methodology.md §2.1)
// to a command that shows salary figures.
func addSmallSampleFlags(cmd *cobra.Command, t *analytics.Thresholds) {
	cmd.Flags().IntVar(&t.MinNMedian, "min-n-median", analytics.DefaultMinNMedian,
		"withhold a group's median, mean and CI below this many salaries")
	cmd.Flags().IntVar(&t.MinNQuartiles, "min-n-quartiles", analytics.DefaultMinNQuartiles,
		"withhold a group's quartiles (and P10, P90, min, max) below this many salaries")
}

func checkSmallSampleFlags(t analytics.Thresholds) error {
	if t.MinNMedian < 1 {
		return usageErrorf("--min-n-median %d: want a number of salaries ≥ 1 (default %d)", t.MinNMedian, analytics.DefaultMinNMedian)
	}
	if t.MinNQuartiles < 1 {
		return usageErrorf("--min-n-quartiles %d: want a number of salaries ≥ 1 (default %d)", t.MinNQuartiles, analytics.DefaultMinNQuartiles)
	}
	return nil
}
