package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/hhjobs/hhjobs/internal/safetext"
	"github.com/hhjobs/hhjobs/internal/store"
)

// StatusOptions are the flags of `hhjobs status`.
type StatusOptions struct {
	Names  []string
	JSON   bool
	Slices bool
}

// NewCmdStatus builds `hhjobs status`.
func NewCmdStatus(f *Factory) *cobra.Command {
	o := &StatusOptions{}
	cmd := &cobra.Command{
		Use:   "status [NAME...]",
		Short: "Per query and slice: found vs stored, truncation, last run, errors",
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Names = args
			return runStatus(cmd.Context(), f, o)
		},
	}
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print JSON to stdout")
	cmd.Flags().BoolVar(&o.Slices, "slices", false, "list every slice of the last run (without it, failed slices are summarised per cause)")
	return cmd
}

// StatusQuery is one query in `status --json`.
type StatusQuery struct {
	Name      string     `json:"name"`
	Params    url.Values `json:"params"`
	Vacancies int        `json:"vacancies"`
	Open      int        `json:"open"`
	LastRun   *StatusRun `json:"last_run"`
	Runs      int        `json:"runs"`
}

// StatusRun is a run in `status --json`.
type StatusRun struct {
	ID         int64          `json:"id"`
	Status     string         `json:"status"`
	StartedAt  time.Time      `json:"started_at"`
	FinishedAt *time.Time     `json:"finished_at"`
	UpperBound time.Time      `json:"upper_bound"`
	Error      string         `json:"error,omitempty"`
	Counters   store.Counters `json:"counters"`
	Slices     int            `json:"slices"`
	Done       int            `json:"slices_done"`
	Truncated  int            `json:"slices_truncated"`
	Failed     int            `json:"slices_failed"`
	Pending    int            `json:"slices_pending"`
	Found      int            `json:"found"`
	// Stored is the distinct vacancies the run saw (new + changed +
	// unchanged): overlapping slices do not count one twice.
	Stored        int           `json:"stored"`
	FailedByCause []StatusCause `json:"failed_by_cause"`
	SliceList     []StatusSlice `json:"slice_list"`
}

// StatusSlice is a leaf slice in `status --json`.
type StatusSlice struct {
	ID     int64      `json:"id"`
	State  string     `json:"state"`
	Params url.Values `json:"params"`
	Found  int        `json:"found"`
	Pages  int        `json:"pages"`
	Stored int        `json:"stored"`
	Error  string     `json:"error,omitempty"`
}

func runStatus(ctx context.Context, f *Factory, o *StatusOptions) error {
	st, err := f.ReadStore(ctx)
	if err != nil {
		return err
	}
	var qs []store.Query
	if len(o.Names) == 0 {
		if qs, err = st.Queries(ctx); err != nil {
			return err
		}
	}
	for _, n := range o.Names {
		q, err := st.QueryByName(ctx, n)
		if errors.Is(err, store.ErrNotFound) {
			return usageErrorf("no saved query %q", n)
		}
		if err != nil {
			return err
		}
		qs = append(qs, q)
	}
	out := make([]StatusQuery, 0, len(qs))
	for _, q := range qs {
		sq := StatusQuery{Name: q.Name, Params: url.Values(q.Params)}
		if sq.Vacancies, err = st.CountVacancies(ctx, store.Filter{QueryID: q.ID}); err != nil {
			return err
		}
		if sq.Open, err = st.CountVacancies(ctx, store.Filter{QueryID: q.ID, OpenOnly: true}); err != nil {
			return err
		}
		runs, err := st.Runs(ctx, q.ID)
		if err != nil {
			return err
		}
		sq.Runs = len(runs)
		if len(runs) > 0 {
			r := runs[0]
			sr := &StatusRun{ID: r.ID, Status: r.Status, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt,
				UpperBound: r.UpperBound, Error: r.Error, Counters: r.Counters}
			sl, err := st.Slices(ctx, r.ID)
			if err != nil {
				return err
			}
			sr.Status = shownStatus(r, sl, f.Now(), harvestLease)
			sr.Stored = int(r.Counters.New + r.Counters.Changed + r.Counters.Unchanged)
			sr.FailedByCause = failedByCause(sl)
			for _, s := range sl {
				if s.ParentID == 0 {
					sr.Found = s.Found
				}
				if s.State == store.SliceSplit {
					continue
				}
				sr.Slices++
				switch s.State {
				case store.SliceDone:
					sr.Done++
				case store.SliceTruncated:
					sr.Truncated++
				case store.SliceFailed:
					sr.Failed++
				default:
					sr.Pending++
				}
				if o.Slices || o.JSON {
					// Params with the planner's notes (_why): what the slice's
					// stored params hold and status has always shown.
					sr.SliceList = append(sr.SliceList, StatusSlice{ID: s.ID, State: s.State, Params: url.Values(s.StoredParams()),
						Found: s.Found, Pages: s.Pages, Stored: s.Stored, Error: s.Error})
				}
			}
			sq.LastRun = sr
		}
		out = append(out, sq)
	}
	if o.JSON {
		enc := json.NewEncoder(f.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(out) == 0 {
		fmt.Fprintln(f.IO.Out, "no saved queries: run 'hhjobs collect' first")
		return nil
	}
	tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "QUERY\tVACANCIES\tOPEN\tLAST RUN\tSTATUS\tFOUND\tSTORED\tSLICES\tTRUNCATED\tFAILED\tREQUESTS\t429\tNEW\tCHANGED\tCLOSED")
	for _, q := range out {
		r := q.LastRun
		if r == nil {
			fmt.Fprintf(tw, "%s\t%d\t%d\t-\tnever run\t\t\t\t\t\t\t\t\t\t\n", safetext.Terminal(q.Name), q.Vacancies, q.Open)
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d (%s)\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", safetext.Terminal(q.Name), q.Vacancies, q.Open,
			r.ID, r.StartedAt.Local().Format("2006-01-02 15:04"), r.Status, r.Found, r.Stored, r.Slices, r.Truncated, r.Failed,
			r.Counters.Requests, r.Counters.Requests429, r.Counters.New, r.Counters.Changed, r.Counters.Closed)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, q := range out {
		if q.LastRun == nil {
			continue
		}
		printRunProblems(f.IO.Out, q.Name, q.LastRun, o.Slices)
	}
	return nil
}
