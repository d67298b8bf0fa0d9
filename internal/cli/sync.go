package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/safetext"
	"github.com/hhjobs/hhjobs/internal/store"
)

// SyncOptions are the flags of `hhjobs sync`.
type SyncOptions struct {
	Names   []string
	Harvest HarvestFlags
}

// NewCmdSync builds `hhjobs sync`.
func NewCmdSync(f *Factory) *cobra.Command {
	o := &SyncOptions{}
	cmd := &cobra.Command{
		Use:   "sync [NAME...]",
		Short: "Re-run saved queries incrementally (all of them without names)",
		Long: `Re-run saved queries: new vacancies are stored with details, seen ones get
last_seen_at, changed ones get a version row and a detail refetch, and
vacancies a query no longer returns are re-checked by id and closed when
archived or gone. --every keeps syncing on a schedule.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Names = args
			return runSync(cmd.Context(), f, o)
		},
	}
	o.Harvest.add(cmd)
	cmd.Flags().DurationVar(&o.Harvest.Every, "every", 0, "repeat the sync at this interval (e.g. 6h) until interrupted")
	return cmd
}

func runSync(ctx context.Context, f *Factory, o *SyncOptions) error {
	if err := o.Harvest.check(); err != nil {
		return err
	}
	if o.Harvest.Every < 0 || (o.Harvest.Every > 0 && o.Harvest.Every < minEvery) {
		return usageErrorf("--every %s: want at least %s", o.Harvest.Every, minEvery)
	}
	if err := f.Settings.requireUserAgent(); err != nil {
		return err
	}
	st, err := f.ReadStore(ctx)
	if err != nil {
		return err
	}
	qs, err := syncTargets(ctx, st, o.Names)
	if err != nil {
		return err
	}
	h, err := f.Harvester(ctx, o.Harvest)
	if err != nil {
		return err
	}
	for {
		if err := harvest.EnsureReference(ctx, h.API, st, f.Now()); err != nil {
			if o.Harvest.Every == 0 || ctx.Err() != nil {
				return err
			}
			fmt.Fprintf(f.IO.Err, "sync failed: %s (next try in %s)\n", safetext.Terminal(oneLine(explain(err))), o.Harvest.Every)
		} else {
			err := runQueries(ctx, f, h, qs, o.Harvest)
			if o.Harvest.Every == 0 {
				return err
			}
			if err != nil {
				// A bad query (Permanent) or an outage (Transient) does not end
				// the cycle: the other queries, or the API, may be fine next turn.
				var se *harvest.StopError
				if (errors.As(err, &se) && !se.Permanent && !se.Transient) || errors.Is(err, context.Canceled) {
					return err
				}
				fmt.Fprintf(f.IO.Err, "sync failed: %s (next try in %s)\n", safetext.Terminal(oneLine(explain(err))), o.Harvest.Every)
			}
		}
		fmt.Fprintf(f.IO.Err, "next sync at %s\n", f.Now().Add(o.Harvest.Every).Format(time.DateTime))
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(o.Harvest.Every):
		}
		if len(o.Names) == 0 {
			// Queries added or removed meanwhile join or leave the cycle.
			if next, err := syncTargets(ctx, st, nil); err == nil {
				qs = next
			}
		}
	}
}

// harvestQueries runs each query in turn and prints a summary line per run.
func harvestQueries(ctx context.Context, f *Factory, h *harvest.Harvester, qs []store.Query, hf HarvestFlags, join int64) error {
	for _, q := range qs {
		pr := newProgressPrinter(f.IO, q.Name)
		h.Progress = pr.update
		start := time.Now()
		res, err := h.Run(ctx, q, harvest.RunOptions{Details: hf.Details, Join: join})
		pr.stop()
		fmt.Fprintln(f.IO.Err, runSummary(q.Name, res, time.Since(start)))
		if res.Truncated > 0 {
			fmt.Fprintf(f.IO.Err, "%s: %d slices are over the 2000 cap even at 5 minutes and every filter: see 'hhjobs status %s'\n", q.Name, res.Truncated, q.Name)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// progressPrinter draws one status line on a terminal, or logs a plain line
// every 10 s when stderr is a pipe or a file.
type progressPrinter struct {
	w     io.Writer
	tty   bool
	name  string
	start time.Time

	mu   sync.Mutex
	last time.Time
	p    harvest.Progress
	drew bool
	req0 int64 // requests before this run, for its rate
	set  bool
}

func newProgressPrinter(ios *IOStreams, name string) *progressPrinter {
	return &progressPrinter{w: ios.Err, tty: ios.IsStderrTTY(), name: name, start: time.Now()}
}

func (pp *progressPrinter) update(p harvest.Progress) {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	if !pp.set {
		pp.req0, pp.set = p.Requests, true
	}
	pp.p = p
	every := 10 * time.Second
	if pp.tty {
		every = 200 * time.Millisecond
	}
	if time.Since(pp.last) < every {
		return
	}
	pp.last = time.Now()
	pp.draw()
}

func (pp *progressPrinter) draw() {
	p := pp.p
	el := time.Since(pp.start).Seconds()
	line := fmt.Sprintf("%s [%s] slices %d/%d, pages %d, vacancies %d, details %d/%d", pp.name, p.Phase,
		p.SlicesDone, p.SlicesTotal, p.Pages, p.Stored, p.DetailsDone, p.DetailsTotal)
	if el > 0 {
		line += fmt.Sprintf(", %.1f req/s", float64(p.Requests-pp.req0)/el)
		if p.Requests429 > 0 {
			line += fmt.Sprintf(" (%d answered 429)", p.Requests429)
		}
	}
	if p.Phase == "details" && p.DetailsDone > 0 && el > 0 {
		rate := float64(p.DetailsDone) / el
		left := float64(p.DetailsTotal-p.DetailsDone) / rate
		line += fmt.Sprintf(", ETA %s", (time.Duration(left) * time.Second).Round(time.Second))
	}
	line = safetext.Terminal(line) // the query name; our own escapes are added below
	if pp.tty {
		fmt.Fprintf(pp.w, "\r\033[K%s", line)
		pp.drew = true
	} else {
		fmt.Fprintln(pp.w, line)
	}
}

func (pp *progressPrinter) stop() {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	if pp.drew {
		fmt.Fprint(pp.w, "\r\033[K")
	}
}
