package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/hhjobs/hhjobs/internal/store"
)

// NewCmdQuery builds `hhjobs query list|show|rm|abandon` (DESIGN §4.1).
func NewCmdQuery(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "query",
		Short: "List, show, remove saved queries, or abandon a query's unfinished run",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageErrorf("query needs a subcommand: list, show NAME, rm NAME or abandon NAME")
		},
	}
	cmd.AddCommand(
		&cobra.Command{
			Use:   "list",
			Short: "List saved queries with their last run",
			Args:  cobra.NoArgs,
			RunE:  func(cmd *cobra.Command, _ []string) error { return runQueryList(cmd.Context(), f) },
		},
		&cobra.Command{
			Use:   "show NAME",
			Short: "Show a query's filters and runs",
			Args:  cobra.ExactArgs(1),
			RunE:  func(cmd *cobra.Command, args []string) error { return runQueryShow(cmd.Context(), f, args[0]) },
		},
		&cobra.Command{
			Use:   "rm NAME",
			Short: "Remove a saved query and its runs (the vacancies it collected stay)",
			Args:  cobra.ExactArgs(1),
			RunE:  func(cmd *cobra.Command, args []string) error { return runQueryRm(cmd.Context(), f, args[0]) },
		},
		&cobra.Command{
			Use:   "abandon NAME",
			Short: "Give up a query's unfinished run: the next collect or sync plans anew",
			Args:  cobra.ExactArgs(1),
			RunE:  func(cmd *cobra.Command, args []string) error { return runQueryAbandon(cmd.Context(), f, args[0]) },
		},
	)
	return cmd
}

// savedQuery loads a query by name, or a usage error naming it.
func savedQuery(ctx context.Context, st store.Store, name string) (store.Query, error) {
	q, err := st.QueryByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return q, usageErrorf("no saved query %q ('hhjobs query list' lists them)", name)
	}
	return q, err
}

func runQueryList(ctx context.Context, f *Factory) error {
	st, err := f.ReadStore(ctx)
	if err != nil {
		return err
	}
	qs, err := st.Queries(ctx)
	if err != nil {
		return err
	}
	if len(qs) == 0 {
		fmt.Fprintln(f.IO.Err, "no saved queries: run 'hhjobs collect --name NAME [filters]' first")
		return nil
	}
	tw := tabwriter.NewWriter(f.IO.Out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tLAST RUN\tVACANCIES\tFILTERS")
	for _, q := range qs {
		n, err := st.CountVacancies(ctx, store.Filter{QueryID: q.ID})
		if err != nil {
			return err
		}
		runs, err := st.Runs(ctx, q.ID)
		if err != nil {
			return err
		}
		last := "-"
		if len(runs) > 0 {
			last = fmt.Sprintf("%d %s", runs[0].ID, runs[0].Status)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", q.Name, last, n, url.Values(q.Params).Encode())
	}
	return tw.Flush()
}

func runQueryShow(ctx context.Context, f *Factory, name string) error {
	st, err := f.ReadStore(ctx)
	if err != nil {
		return err
	}
	q, err := savedQuery(ctx, st, name)
	if err != nil {
		return err
	}
	runs, err := st.Runs(ctx, q.ID)
	if err != nil {
		return err
	}
	w := f.IO.Out
	fmt.Fprintf(w, "query %s (saved %s, changed %s)\n", q.Name, q.CreatedAt.Local().Format(time.DateTime), q.UpdatedAt.Local().Format(time.DateTime))
	p := url.Values(q.Params)
	for _, k := range sortedParamKeys(p) {
		for _, v := range p[k] {
			fmt.Fprintf(w, "  %s = %s\n", k, v)
		}
	}
	if len(runs) == 0 {
		fmt.Fprintln(w, "no runs yet")
		return nil
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tSTATUS\tSTARTED\tFINISHED\tNEW\tCHANGED\tCLOSED\tERROR")
	for _, r := range runs {
		fin := "-"
		if r.FinishedAt != nil {
			fin = r.FinishedAt.Local().Format(time.DateTime)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d\t%d\t%s\n", r.ID, r.Status, r.StartedAt.Local().Format(time.DateTime), fin,
			r.Counters.New, r.Counters.Changed, r.Counters.Closed, oneLine(r.Error))
	}
	return tw.Flush()
}

func runQueryRm(ctx context.Context, f *Factory, name string) error {
	st, err := f.ReadStore(ctx)
	if err != nil {
		return err
	}
	q, err := savedQuery(ctx, st, name)
	if err != nil {
		return err
	}
	runs, err := st.Runs(ctx, q.ID)
	if err != nil {
		return err
	}
	if err := st.DeleteQuery(ctx, name); err != nil {
		return err
	}
	fmt.Fprintf(f.IO.Err, "removed query %q and its %d runs; the vacancies it collected stay in the database\n", name, len(runs))
	return nil
}

func runQueryAbandon(ctx context.Context, f *Factory, name string) error {
	st, err := f.ReadStore(ctx)
	if err != nil {
		return err
	}
	q, err := savedQuery(ctx, st, name)
	if err != nil {
		return err
	}
	ids, err := abandonOpenRuns(ctx, f, st, q, "abandoned by 'hhjobs query abandon'")
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		fmt.Fprintf(f.IO.Err, "query %q has no unfinished run: nothing to abandon\n", name)
		return nil
	}
	fmt.Fprintf(f.IO.Err, "abandoned run %s of query %q: the next 'hhjobs sync %s' plans a new run\n", joinIDs(ids), name, name)
	return nil
}

func sortedParamKeys(p url.Values) []string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
