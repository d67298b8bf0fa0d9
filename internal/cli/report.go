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
	Filter *FilterFlags // --role, --area, --since, --query, … (internal/filter)
	Net    bool
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
	o.Filter = addFilterFlags(cmd)
	cmd.Flags().BoolVar(&o.Net, "net", false, "salaries after tax (NDFL 13 %) instead of gross")
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
	cfg := analytics.Config{Filter: flt.StoreFilter(), Options: analytics.Options{Net: o.Net}, Now: f.Now()}
	if err := report.Generate(ctx, flt.Wrap(st), cfg, report.Meta{Query: spec.Query, Since: flt.Since, Filters: flt.Describe()}, path); err != nil {
		return err
	}
	fmt.Fprintf(f.IO.Err, "report: wrote %s\n", path)
	fmt.Fprintln(f.IO.Out, path)
	return nil
}
