package cli

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/store"
)

// dryRun prints what collecting q would cost, found out with probes only.
func dryRun(ctx context.Context, f *Factory, h *harvest.Harvester, q store.Query, hf HarvestFlags) error {
	pl, err := h.DryRun(ctx, q)
	if err != nil {
		return err
	}
	w := f.IO.Out
	fmt.Fprintf(w, "plan of %q (%s)\n", q.Name, url.Values(q.Params).Encode())
	fmt.Fprintf(w, "  found         %d\n", pl.Found)
	var why []string
	for k, n := range pl.Reasons {
		why = append(why, fmt.Sprintf("%s %d", k, n))
	}
	slices.Sort(why)
	fmt.Fprintf(w, "  slices        %d to page, %d split (%s)\n", pl.Leaves, pl.Split, strings.Join(why, ", "))
	if pl.Truncated > 0 {
		fmt.Fprintf(w, "  truncated     %d slices no filter splits under the cap: only their first 2000 are reachable\n", pl.Truncated)
	}
	floor := (pl.Found + harvest.PerPage - 1) / harvest.PerPage
	fmt.Fprintf(w, "  requests      %d search requests: %d pages, %d first pages of split slices, %d planner probes\n",
		pl.Requests, pl.Pages, pl.Split, pl.Probes)
	if floor > 0 {
		fmt.Fprintf(w, "  floor         %d pages (ceil(found/100)): %.3f × the floor\n", floor, float64(pl.Requests)/float64(floor))
	}
	details := 0
	if hf.Details != harvest.DetailsNone {
		// A first run fetches every vacancy (later runs: only new and changed ones).
		details = pl.Found
		fmt.Fprintf(w, "  details       up to %d full-vacancy requests on a first run (--details %s; --details none skips them)\n", details, hf.Details)
	}
	if rps, at := dryRunRate(f, hf); rps > 0 {
		fmt.Fprintf(w, "  time          %s at %s (search requests only)", dur(float64(pl.Requests)/rps), at)
		if details > 0 {
			fmt.Fprintf(w, "; %s with the details", dur(float64(pl.Requests+details)/rps))
		}
		fmt.Fprintln(w)
	} else {
		fmt.Fprintf(w, "  time          --rps 0: as fast as the API answers\n")
	}
	if !pl.Clusters {
		fmt.Fprintf(w, "  note          the API sent no clusters: the plan was found by probing each split\n")
	}
	fmt.Fprintf(w, "  this dry run  %d requests (per_page=0), nothing saved\n", pl.Own)
	return nil
}

func dur(sec float64) string {
	return time.Duration(sec * float64(time.Second)).Round(time.Second).String()
}
