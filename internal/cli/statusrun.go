package cli

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/safetext"
	"github.com/hhjobs/hhjobs/internal/store"
)

// RunInterrupted is how status shows a run still marked running whose
// collectors are gone (killed, or the machine went down): `collect` or
// `sync` resumes it.
const RunInterrupted = "interrupted"

// harvestLease is the collectors' slice lease (they are all this hhjobs).
const harvestLease = harvest.DefaultLease

// shownStatus is the run's status as status prints it. A live collector
// renews the lease of every slice it holds every third of the lease, so a
// running run whose held slices have all outlived their leases — or whose
// pending slices nobody has claimed for a whole lease — has no collector
// left. (A run in its details phase holds no slice; it shows as running.)
func shownStatus(r store.Run, sl []store.Slice, now time.Time, lease time.Duration) string {
	if r.Status != store.RunRunning {
		return r.Status
	}
	var claimed, live, pending int
	var last time.Time
	for _, s := range sl {
		if s.UpdatedAt.After(last) {
			last = s.UpdatedAt
		}
		switch s.State {
		case store.SliceClaimed:
			claimed++
			if s.LeaseUntil != nil && s.LeaseUntil.After(now) {
				live++
			}
		case store.SlicePending:
			pending++
		}
	}
	switch {
	case claimed > 0 && live == 0:
		return RunInterrupted
	case claimed == 0 && pending > 0 && now.Sub(last) > lease:
		return RunInterrupted
	}
	return r.Status
}

// StatusCause is one cause of failed slices in `status --json`.
type StatusCause struct {
	Cause  string `json:"cause"`
	Slices int    `json:"slices"`
}

// failedByCause groups the failed slices by the cause they keep, most first.
func failedByCause(sl []store.Slice) []StatusCause {
	n := map[string]int{}
	for _, s := range sl {
		if s.State == store.SliceFailed {
			n[s.Error]++
		}
	}
	out := make([]StatusCause, 0, len(n))
	for c, k := range n {
		out = append(out, StatusCause{Cause: c, Slices: k})
	}
	slices.SortFunc(out, func(a, b StatusCause) int {
		return cmp.Or(cmp.Compare(b.Slices, a.Slices), cmp.Compare(a.Cause, b.Cause))
	})
	return out
}

// printRunProblems prints a query's failed slices per cause and its
// truncated slices as a count; --slices lists every slice instead.
func printRunProblems(w io.Writer, name string, r *StatusRun, all bool) {
	name = safetext.Terminal(name) // a query name is the user's, but may be anything
	if r.Error != "" {
		fmt.Fprintf(w, "\n%s: last run: %s\n", name, safetext.Terminal(r.Error))
	}
	if r.Status == RunInterrupted {
		fmt.Fprintf(w, "%s: run %d was interrupted (its collector is gone): 'hhjobs sync %s' resumes it\n", name, r.ID, name)
	}
	if all {
		for _, s := range r.SliceList {
			fmt.Fprintf(w, "%s: slice %d %s: found %d, stored %d, pages %d %s %s\n", name, s.ID, s.State, s.Found, s.Stored, s.Pages, s.Params.Encode(), safetext.Terminal(s.Error))
		}
		return
	}
	for _, c := range r.FailedByCause {
		fmt.Fprintf(w, "%s: %s: %s\n", name, slicesWord(c.Slices, "failed slice"), safetext.Terminal(c.Cause))
	}
	if r.Truncated > 0 || r.Failed > 0 {
		fmt.Fprintf(w, "%s: %s, %s: 'hhjobs status --slices %s' lists them\n", name,
			slicesWord(r.Truncated, "truncated slice"), slicesWord(r.Failed, "failed slice"), name)
	}
}

// slicesWord is "1 failed slice", "40 failed slices".
func slicesWord(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
