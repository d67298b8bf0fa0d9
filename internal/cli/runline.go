package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/store"
)

// printRunStart names the run before any search, so that other collectors
// on a shared PostgreSQL can join it while it runs (docs/deploy.md).
func printRunStart(w io.Writer, q store.Query, run store.Run, resumed bool) {
	verb := "started"
	if resumed {
		verb = "resumed"
	}
	fmt.Fprintf(w, "%s: run %d %s (other collectors can join it: hhjobs collect --join %d)\n", q.Name, run.ID, verb, run.ID)
}

// runSummary is the line printed after each run: what it did, what failed
// and why, and every request it made.
func runSummary(name string, res harvest.Result, took time.Duration) string {
	c := res.Run.Counters
	var b strings.Builder
	fmt.Fprintf(&b, "%s: run %d %s in %s: %d slices (%d truncated, %d failed), %d details failed, %d pages, %d vacancies (%d new, %d changed, %d unchanged), %d details, %d closed; %d requests (%d answered 429, %d retried)",
		name, res.Run.ID, res.Run.Status, took.Round(time.Millisecond), res.Slices, res.Truncated, res.Failed, res.FailedDetails,
		c.Pages, c.New+c.Changed+c.Unchanged, c.New, c.Changed, c.Unchanged, c.Details, c.Closed, c.Requests, c.Requests429, c.Retries)
	return b.String()
}
