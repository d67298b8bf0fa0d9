package cli

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/report"
)

// ReportOptions are the flags of `hhjobs report`.
type ReportOptions struct {
	Out    string
	Filter *FilterFlags // --role, --area, --since, --open, --query, … (internal/filter)
	Net    bool
	Basis  string
	Uniq   bool
	Small  analytics.Thresholds
	Rank   int
	Syn    string
}

// NewCmdReport builds `hhjobs report`.
func NewCmdReport(f *Factory) *cobra.Command {
	o := &ReportOptions{}
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Write a self-contained HTML report (charts and tables, in Russian)",
		Long: `Write one HTML file that needs no network: salaries by grade, role, region and
employer, skill demand and premiums, remote share and counts over time, vacancy
lifetimes (Kaplan-Meier) and a data-quality section. The file is written
atomically; its path is the last line on stdout.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runReport(cmd.Context(), f, o)
		},
	}
	cmd.Flags().StringVar(&o.Out, "out", "hhjobs-report.html", "report file")
	o.Filter = addFilterFlags(cmd) // --since, --open, --role, …: the one filter language
	addSalaryFlags(cmd, &o.Net, &o.Basis, "")
	addSmallSampleFlags(cmd, &o.Small)
	cmd.Flags().BoolVar(&o.Uniq, "unique-postings", false, "salary figures on one copy of each mass posting (one employer, same title and pay, several areas within 3 days)")
	cmd.Flags().StringVar(&o.Syn, "synonyms", "", "extra skill synonym groups (a file like the shipped one; also read: skill_synonyms.txt in the config dir)")
	cmd.Flags().IntVar(&o.Rank, "min-n-rank", analytics.DefaultMinNRank, "rank employers by pay and skills by premium only on groups of at least this many salaries")
	return cmd
}

func runReport(ctx context.Context, f *Factory, o *ReportOptions) error {
	if o.Out == "" || o.Out == "-" {
		return usageErrorf("--out needs a file name")
	}
	spec, err := parseFilterFlags(o.Filter)
	if err != nil {
		return err
	}
	if err := checkSmallSampleFlags(o.Small); err != nil {
		return err
	}
	basis, err := salaryBasis(o.Basis, o.Net)
	if err != nil {
		return err
	}
	syn, err := loadSynonyms(f, o.Syn)
	if err != nil {
		return err
	}
	if o.Rank < 1 {
		return usageErrorf("--min-n-rank %d: want a number of salaries ≥ 1 (default %d)", o.Rank, analytics.DefaultMinNRank)
	}
	st, err := f.ReadStore(ctx)
	if err != nil {
		return err
	}
	flt, err := resolveFilter(ctx, st, spec)
	if err != nil {
		return err
	}
	path, err := filepath.Abs(o.Out)
	if err != nil {
		return err
	}
	cfg := analytics.Config{Filter: flt.StoreFilter(), Options: basis, Now: f.Now(), Small: o.Small, MinN: o.Rank, Synonyms: syn, UniquePostings: o.Uniq}
	if err := report.Generate(ctx, flt.Wrap(st), cfg, report.Meta{Query: spec.Query, Since: flt.Since, Filters: flt.Describe()}, path); err != nil {
		return err
	}
	fmt.Fprintf(f.IO.Err, "report: wrote %s\n", path)
	fmt.Fprintln(f.IO.Out, path)
	return nil
}
