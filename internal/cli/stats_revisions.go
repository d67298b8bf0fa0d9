package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/export"
	"github.com/hhjobs/hhjobs/internal/safetext"
	"github.com/hhjobs/hhjobs/internal/store"
)

// RevisionsJSON is the output of `stats --revisions --json`.
type RevisionsJSON struct {
	statsHead
	*analytics.Revisions
}

func runStatsRevisions(ctx context.Context, f *Factory, o *StatsOptions, st store.Store, flt store.Filter, dims []analytics.Dim, basis analytics.Options) error {
	res, err := analytics.ComputeRevisions(ctx, st, analytics.RevisionConfig{Filter: flt, Options: basis, By: dims})
	if err != nil {
		return err
	}
	if o.JSON {
		return printJSON(f.IO.Out, RevisionsJSON{statsHead: f.statsHead(o, flt), Revisions: res})
	}
	t := res.Total
	fmt.Fprintf(f.IO.Err, "%d vacancies seen by two runs or more, %d with a pay change observed between two syncs (only those count); %% of the old monthly point estimate\n",
		t.SeenTwice, t.Changed)
	head := []string{}
	for _, d := range dims {
		head = append(head, string(d)+"_id", string(d))
	}
	head = append(head, "seen_twice", "changed", "share", "changes", "up", "down", "other", "median_change_pct", "median_days_to_change", "reason")
	rows := [][]string{head}
	for i, g := range append([]analytics.RevisionGroup{t}, res.Groups...) {
		var rec []string
		for j := range dims {
			if i == 0 {
				rec = append(rec, "", "all")
				continue
			}
			rec = append(rec, g.Key[j], g.Label[j])
		}
		p := func(x *float64, d int) string {
			if x == nil {
				return ""
			}
			return strconv.FormatFloat(*x, 'f', d, 64)
		}
		rec = append(rec, strconv.Itoa(g.SeenTwice), strconv.Itoa(g.Changed), p(g.Share, 4), strconv.Itoa(g.Changes),
			strconv.Itoa(g.Up), strconv.Itoa(g.Down), strconv.Itoa(g.Other), p(g.MedianChangePct, 1), p(g.MedianDaysToChange, 1), g.Reason)
		rows = append(rows, rec)
	}
	if f.IO.IsStdoutTTY() {
		return tabRows(f.IO.Out, rows)
	}
	cw := export.NewCSVWriter(f.IO.Out, o.CSV)
	kinds := csvKinds(head, len(dims)*2, "reason")
	for i, r := range rows {
		k := kinds
		if i == 0 {
			k = nil // the header is words
		}
		if err := cw.Write(r, k); err != nil {
			return err
		}
	}
	return cw.Flush()
}

func tabRows(w io.Writer, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, r := range rows {
		for i, c := range r {
			if i > 0 {
				fmt.Fprint(tw, "\t")
			}
			fmt.Fprint(tw, safetext.Terminal(safetext.Clip(c, 40)))
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}
