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
	Out   string
	Query string
	Since string
	Net   bool
	Basis string
	Open  bool
	Uniq  bool
	Small analytics.Thresholds
	Rank  int
	Syn   string
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
	cmd.Flags().StringVar(&o.Query, "query", "", "only vacancies seen by this saved query")
	cmd.Flags().StringVar(&o.Since, "since", "", "only vacancies published on or after DATE (YYYY-MM-DD, Moscow time, or RFC 3339)")
	cmd.Flags().BoolVar(&o.Net, "net", false, netHelp)
	addBasisFlag(cmd, &o.Basis)
	cmd.Flags().BoolVar(&o.Open, "open", false, "only vacancies open at the end of the data (not seen closed)")
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
	if _, err := parseSince(o.Since); err != nil {
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
	flt, err := analyticsFilter(ctx, st, o.Query, o.Since)
	if err != nil {
		return err
	}
	flt.OpenOnly = o.Open
	path, err := filepath.Abs(o.Out)
	if err != nil {
		return err
	}
	cfg := analytics.Config{Filter: flt, Options: basis, Now: f.Now(), Small: o.Small, MinN: o.Rank, Synonyms: syn, UniquePostings: o.Uniq}
	if err := report.Generate(ctx, st, cfg, report.Meta{Query: o.Query, Since: flt.Since}, path); err != nil {
		return err
	}
	fmt.Fprintf(f.IO.Err, "report: wrote %s\n", path)
	fmt.Fprintln(f.IO.Out, path)
	return nil
}
