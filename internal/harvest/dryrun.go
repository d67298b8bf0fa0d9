package harvest

import (
	"context"
	"net/url"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/hhjobs/hhjobs/internal/store"
)

// Plan is what a run of a query would do, found out with per_page=0
// requests only (DryRun): the slices it would page and what they cost.
type Plan struct {
	Found     int            // the query's found at the run's window
	Leaves    int            // slices that would be paged
	Split     int            // slices that would be split (one first page each)
	Truncated int            // leaves over the cap that no filter splits
	Pages     int            // page requests of the leaves
	Probes    int            // probes the planner would make (area remainders, the probing fallback)
	Requests  int            // Pages + Split + Probes: the run's search requests
	Own       int            // requests this dry run made
	Reasons   map[string]int // split slices by their first split dimension (role, area, time…)
	Clusters  bool           // the API sent clusters
}

// DryRun plans q as Run would, without storing anything: each slice whose
// size is not known is probed with clusters=true&per_page=0, and the
// planner runs on those answers. The request count it predicts is the
// run's own, provided the data does not change in between (pages of a
// leaf: ceil(found/100); a split slice: its first page).
func (h *Harvester) DryRun(ctx context.Context, q store.Query) (Plan, error) {
	root, err := RootParams(url.Values(q.Params), CeilGrid(h.now()))
	if err != nil {
		return Plan{}, err
	}
	r := &runner{h: h, q: q, sem: make(chan struct{}, h.concurrency()), fetched: map[string]bool{}, seen: map[string]struct{}{}}
	pl := Plan{Reasons: map[string]int{}}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	var visit func(s store.Slice, top bool)
	visit = func(s store.Slice, top bool) {
		g.Go(func() error {
			p := url.Values(s.Params)
			if s.Found == 0 {
				return nil
			}
			res, err := r.search(gctx, with(p, clustersParam, "true"), 0, 0)
			if err != nil {
				return err
			}
			mu.Lock()
			pl.Own++
			if top {
				pl.Found = res.Found
				cs, _ := res.ParseClusters()
				pl.Clusters = len(cs) > 0
			}
			mu.Unlock()
			limit := h.limit()
			if res.Found <= limit {
				mu.Lock()
				pl.Leaves++
				pl.Pages += max(1, ceilDiv(res.Found, PerPage))
				mu.Unlock()
				return nil
			}
			ch, err := r.plan(gctx, p, s.Plan, res.Found, res)
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			if len(ch) == 0 {
				pl.Leaves++
				pl.Truncated++
				pl.Pages += limit / PerPage
				return nil
			}
			pl.Split++
			pl.Reasons[whyKey(ch[0].Plan.Why)]++
			for _, c := range ch {
				if c.Found >= 0 && c.Found <= limit {
					// Known from the clusters: the run pages it without a probe.
					if c.Found > 0 {
						pl.Leaves++
						pl.Pages += ceilDiv(c.Found, PerPage)
					}
					continue
				}
				visit(c, false)
			}
			return nil
		})
	}
	visit(store.Slice{Params: root, Found: -1}, true)
	if err := g.Wait(); err != nil {
		return pl, err
	}
	pl.Probes = int(r.planProbes.Load())
	pl.Own += pl.Probes
	pl.Requests = pl.Pages + pl.Split + pl.Probes
	return pl, nil
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// whyKey is the dimension a split reason names ("area: found …" → "area").
func whyKey(why string) string {
	for i := range len(why) {
		if why[i] == ':' {
			return why[:i]
		}
	}
	return why
}
