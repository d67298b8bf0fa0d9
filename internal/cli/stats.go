package cli

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/export"
	"github.com/hhjobs/hhjobs/internal/filter"
	"github.com/hhjobs/hhjobs/internal/safetext"
)

// StatsOptions are the flags of `hhjobs stats`.
type StatsOptions struct {
	By     []string
	Filter *FilterFlags // --role, --area, --since, --open, --query, … (internal/filter)
	Net    bool
	Basis  string
	Uniq   bool
	JSON   bool
	CSV    export.CSVOptions // --excel, --raw-text
	Small  analytics.Thresholds
	// Lifetime prints vacancy lifetimes (stats_lifetime.go) instead of salaries.
	Lifetime bool
	// Revisions prints salary revisions (stats_revisions.go) instead of salaries.
	Revisions bool
}

// NewCmdStats builds `hhjobs stats`.
func NewCmdStats(f *Factory) *cobra.Command {
	o := &StatsOptions{}
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Salary and demand tables in the terminal",
		Long: `Counts and monthly salaries in roubles (median, P25, P75, mean) grouped by
--by: one dimension, or several for their combination (--by role,experience,region).
Salaries are normalised as docs/methodology.md says (gross unless --net);
every row carries its base n and the share of vacancies that disclose a salary.
An aligned table on a terminal, CSV otherwise; --json always prints JSON.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runStats(cmd.Context(), f, o)
		},
	}
	cmd.Flags().StringSliceVar(&o.By, "by", []string{"role"}, "group by (comma-separated for a combination): "+analytics.DimList())
	o.Filter = addFilterFlags(cmd) // --since, --open, --role, …: the one filter language
	addSalaryFlags(cmd, &o.Net, &o.Basis, "")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print JSON to stdout")
	cmd.Flags().BoolVar(&o.CSV.Excel, "excel", false, "CSV for Russian-locale Excel: UTF-8 BOM, ';' delimiter, decimal comma")
	cmd.Flags().BoolVar(&o.CSV.RawText, "raw-text", false, "CSV: write text cells as they are (no neutralising quote before =, +, -, @)")
	addSmallSampleFlags(cmd, &o.Small)
	cmd.Flags().BoolVar(&o.Uniq, "unique-postings", false, "salary figures on one copy of each mass posting (one employer, same title and pay, several areas within 3 days)")
	cmd.Flags().BoolVar(&o.Lifetime, "lifetime", false, "vacancy lifetimes per group (Kaplan-Meier with delayed entry; docs/methodology.md §5)")
	cmd.Flags().BoolVar(&o.Revisions, "revisions", false, "salary revisions per group: pay changes observed between two syncs (docs/methodology.md §5)")
	return cmd
}

// StatsJSON is the output of `stats --json`.
type StatsJSON struct {
	Query   string     `json:"query,omitempty"`
	Since   *time.Time `json:"since,omitempty"`
	Open    bool       `json:"open,omitempty"`    // --open: only vacancies open at the end of the data
	Filters url.Values `json:"filters,omitempty"` // every filter given, in canonical form
	*analytics.Result
}

// values gives the flags of `stats` as the parameters of /api/stats
// (basis as resolved from --basis and --net).
func (o *StatsOptions) values(basis analytics.Options) url.Values {
	v := o.Filter.Values()
	v[paramBy] = o.By
	if basis.Net {
		v.Set(paramBasis, "net")
	}
	if o.Uniq {
		v.Set(paramUnique, "true")
	}
	if o.Small.MinNMedian != analytics.DefaultMinNMedian {
		v.Set(paramMinNMedian, strconv.Itoa(o.Small.MinNMedian))
	}
	if o.Small.MinNQuartiles != analytics.DefaultMinNQuartiles {
		v.Set(paramMinNQuartiles, strconv.Itoa(o.Small.MinNQuartiles))
	}
	return v
}

// query is the --query flag (stats_lifetime.go, stats_revisions.go).
func (o *StatsOptions) query() string { return o.Filter.Values().Get(filter.ParamQuery) }

func runStats(ctx context.Context, f *Factory, o *StatsOptions) error {
	if err := checkSmallSampleFlags(o.Small); err != nil {
		return err
	}
	basis, err := salaryBasis(o.Basis, o.Net)
	if err != nil {
		return err
	}
	v := o.values(basis)
	if _, err := parseStatsRequest(v); err != nil {
		return asFlagError(err)
	}
	st, err := f.ReadStore(ctx)
	if err != nil {
		return err
	}
	if o.Lifetime && o.Revisions {
		return usageErrorf("--lifetime and --revisions are separate tables: pick one")
	}
	if o.Lifetime && o.JSON {
		b, err := LifetimeJSONBytes(ctx, st, v, f.Now()) // what /api/lifetime serves
		if err != nil {
			return asFlagError(err)
		}
		_, err = f.IO.Out.Write(b)
		return err
	}
	if o.Lifetime || o.Revisions {
		req, _ := parseStatsRequest(v)
		flt, err := resolveFilter(ctx, st, req.spec)
		if err != nil {
			return err
		}
		if o.Lifetime {
			return runStatsLifetime(ctx, f, o, flt.Wrap(st), flt.StoreFilter(), req.dims)
		}
		return runStatsRevisions(ctx, f, o, flt.Wrap(st), flt.StoreFilter(), req.dims, basis)
	}
	// One pass over the store, then exit: worth a lazier collector.
	defer analytics.WithGCPercent(batchGCPercent(os.Getenv))()
	if o.JSON {
		b, err := StatsJSONBytes(ctx, st, v, f.Now())
		if err != nil {
			return asFlagError(err)
		}
		_, err = f.IO.Out.Write(b)
		return err
	}
	out, dims, err := computeStats(ctx, st, v, f.Now())
	if err != nil {
		return asFlagError(err)
	}
	res := out.Result
	t := res.Total
	fmt.Fprintf(f.IO.Err, "%d vacancies, %.1f%% with a salary; monthly RUR %s; n = salaries behind the quantiles (outliers excluded); "+
		"median with its 95%% CI shown from n = %d, quartiles from n = %d\n",
		t.Vacancies, t.DisclosureShare*100, res.Basis, res.Small.MinNMedian, res.Small.MinNQuartiles)
	if p := res.Postings; p != nil && p.Unique {
		fmt.Fprintf(f.IO.Err, "salaries: one copy per mass posting (--unique-postings): %d copies left out\n", p.Dropped)
	}
	groups := append([]analytics.GroupStats{t}, res.Groupings[0].Groups...)
	if f.IO.IsStdoutTTY() {
		return statsTable(f.IO.Out, dims, groups)
	}
	return statsCSV(f.IO.Out, dims, groups, o.CSV)
}

var statsCols = []string{"vacancies", "open", "disclosed", "disclosure_share", "n", "p25", "median", "p75", "mean", "outliers", "excluded", "median_ci95_low", "median_ci95_high", "withheld"}

func statsCSV(w io.Writer, dims []analytics.Dim, groups []analytics.GroupStats, co export.CSVOptions) error {
	cw := export.NewCSVWriter(w, co)
	var head []string
	for _, d := range dims {
		head = append(head, string(d)+"_id", string(d))
	}
	// The labels (employer, area names…) are text from hh.ru; every figure is a number.
	kinds := make([]export.Kind, len(head), len(head)+len(statsCols))
	for _, c := range statsCols {
		k := export.Number
		if c == "withheld" { // the name of a rule, not a figure
			k = export.Text
		}
		kinds = append(kinds, k)
	}
	if err := cw.Write(append(head, statsCols...), nil); err != nil {
		return err
	}
	for i, g := range groups {
		var rec []string
		for j := range dims {
			if i == 0 {
				rec = append(rec, "", "all") // the first row is the total
				continue
			}
			rec = append(rec, g.Key[j], g.Label[j])
		}
		s := g.Salary
		q := func(v float64, ok bool) string {
			if !ok {
				return "" // empty sample or withheld (see the withheld column)
			}
			return strconv.FormatInt(int64(math.Round(v)), 10)
		}
		med, qs, ci := s.HasMedian(), s.HasQuartiles(), s.HasMedian() && s.HasCI
		rec = append(rec, strconv.Itoa(g.Vacancies), strconv.Itoa(g.Open), strconv.Itoa(g.Disclosed),
			strconv.FormatFloat(g.DisclosureShare, 'f', 4, 64), strconv.Itoa(s.N), q(s.P25, qs), q(s.Median, med), q(s.P75, qs), q(s.Mean, med),
			strconv.Itoa(g.OutliersAbs+g.OutliersIQR), strconv.Itoa(g.Excluded), q(s.CI95[0], ci), q(s.CI95[1], ci), s.Withheld)
		if err := cw.Write(rec, kinds); err != nil {
			return err
		}
	}
	return cw.Flush()
}

func statsTable(w io.Writer, dims []analytics.Dim, groups []analytics.GroupStats) error {
	var head []string
	for _, d := range dims {
		head = append(head, strings.ToUpper(string(d)))
	}
	head = append(head, "VACANCIES", "SALARY %", "N", "P25", "MEDIAN", "MEDIAN 95% CI", "P75", "MEAN", "OUTLIERS")
	rows := [][]string{head}
	for i, g := range groups {
		var row []string
		for j := range dims {
			if i == 0 {
				row = append(row, "all")
				continue
			}
			row = append(row, safetext.Terminal(safetext.Clip(g.Label[j], 40)))
		}
		s := g.Salary
		q := func(v float64, ok bool) string {
			switch {
			case s.N == 0:
				return "—"
			case !ok:
				return "n<" // withheld: too few salaries (see the summary line)
			}
			return spaced(int64(math.Round(v)))
		}
		med, qs := s.HasMedian(), s.HasQuartiles()
		ci := q(0, false)
		if med && s.HasCI {
			ci = spaced(int64(math.Round(s.CI95[0]))) + "–" + spaced(int64(math.Round(s.CI95[1])))
		}
		row = append(row, spaced(int64(g.Vacancies)), strconv.FormatFloat(g.DisclosureShare*100, 'f', 1, 64), spaced(int64(s.N)),
			q(s.P25, qs), q(s.Median, med), ci, q(s.P75, qs), q(s.Mean, med), strconv.Itoa(g.OutliersAbs+g.OutliersIQR))
		rows = append(rows, row)
	}
	return printAligned(w, rows, func(i, _ int) bool { return i < len(dims) })
}

// printAligned prints rows as a terminal table, two spaces between columns
// sized in runes: the columns left(i, n) names are left-aligned (text), the
// others right-aligned (figures).
func printAligned(w io.Writer, rows [][]string, left func(i, n int) bool) error {
	var width []int
	for _, r := range rows {
		for i, c := range r {
			if i == len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		b.Reset()
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if left(i, len(r)) {
				b.WriteString(c + pad)
			} else {
				b.WriteString(pad + c)
			}
		}
		if _, err := fmt.Fprintln(w, strings.TrimRight(b.String(), " ")); err != nil {
			return err
		}
	}
	return nil
}

// spaced groups digits by three with spaces: 150 000.
func spaced(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && c != '-' && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}
