package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hhjobs/hhjobs/internal/export"
)

// ExportOptions are the flags of `hhjobs export`.
type ExportOptions struct {
	Format string
	Out    string
	Table  string
	Filter *FilterFlags      // --role, --area, --since, --query, … (internal/filter)
	CSV    export.CSVOptions // --excel, --raw-text
	Net    bool
	Basis  string
}

// NewCmdExport builds `hhjobs export`.
func NewCmdExport(f *Factory) *cobra.Command {
	o := &ExportOptions{}
	cmd := &cobra.Command{
		Use:   "export --format csv|jsonl|parquet",
		Short: "Export vacancies (or their key skills) as CSV, JSONL or Parquet",
		Long: `Export the stored vacancies for R, Python or BI tools (columns: docs/export.md).
CSV and Parquet have one flat row per vacancy; JSONL has the API's own JSON of
each vacancy plus first_seen_at, last_seen_at and closed_at. Every timestamp is
RFC 3339 (2025-06-10T12:00:00+03:00). --table skills gives vacancy_id, skill rows.
CSV text cells that a spreadsheet would run as a formula (starting with =, +,
-, @, TAB or CR) get a leading ' (--raw-text keeps them as they are); --excel
writes for Russian-locale Excel (UTF-8 BOM, ';' delimiter, decimal comma).
A file is written through a temporary file and renamed, so an interrupted export
leaves no half file; --out - writes to stdout.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runExport(cmd.Context(), f, o)
		},
	}
	cmd.Flags().StringVar(&o.Format, "format", "", "csv, jsonl or parquet (required)")
	cmd.Flags().StringVar(&o.Out, "out", "-", "output file, or - for stdout")
	cmd.Flags().StringVar(&o.Table, "table", "vacancies", "vacancies or skills")
	cmd.Flags().BoolVar(&o.CSV.Excel, "excel", false, "with --format csv: for Russian-locale Excel (UTF-8 BOM, ';' delimiter, decimal comma)")
	cmd.Flags().BoolVar(&o.CSV.RawText, "raw-text", false, "with --format csv: text cells exactly as stored (no neutralising quote before =, +, -, @, TAB, CR)")
	o.Filter = addFilterFlags(cmd) // --since, --open, --role, …: the one filter language
	addSalaryFlags(cmd, &o.Net, &o.Basis, "salary_monthly_rur ")
	return cmd
}

func runExport(ctx context.Context, f *Factory, o *ExportOptions) error {
	o.Format = strings.ToLower(o.Format)
	if !slices.Contains(export.Formats, o.Format) {
		if o.Format == "" {
			return usageErrorf("--format is required: %s", strings.Join(export.Formats, ", "))
		}
		return usageErrorf("--format %q: valid are %s", o.Format, strings.Join(export.Formats, ", "))
	}
	if !slices.Contains(export.Tables, o.Table) {
		return usageErrorf("--table %q: valid are %s", o.Table, strings.Join(export.Tables, ", "))
	}
	if (o.CSV.Excel || o.CSV.RawText) && o.Format != "csv" {
		flag := "--excel"
		if !o.CSV.Excel {
			flag = "--raw-text"
		}
		return usageErrorf("%s applies to --format csv only", flag)
	}
	if o.Out == "" {
		return usageErrorf("--out needs a file name or -")
	}
	if o.Out == "-" && o.Format == "parquet" && f.IO.IsStdoutTTY() {
		return usageErrorf("refusing to write binary Parquet to a terminal: use --out FILE or a pipe")
	}
	spec, err := parseFilterFlags(o.Filter)
	if err != nil {
		return err
	}
	basis, err := salaryBasis(o.Basis, o.Net)
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
	st = flt.Wrap(st)
	opts := export.Options{Format: o.Format, Table: o.Table, Filter: flt.StoreFilter(), CSV: o.CSV, Salary: basis}
	var n int
	if o.Out == "-" {
		bw := bufio.NewWriterSize(f.IO.Out, 1<<16)
		if n, err = export.Write(ctx, st, bw, opts); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
	} else {
		err = export.AtomicWrite(o.Out, func(w io.Writer) error {
			var err error
			n, err = export.Write(ctx, st, w, opts)
			return err
		})
		if err != nil {
			return err
		}
	}
	dest := o.Out
	if dest == "-" {
		dest = "stdout"
	}
	fmt.Fprintf(f.IO.Err, "export: %d %s rows to %s\n", n, o.Table, dest)
	return nil
}
