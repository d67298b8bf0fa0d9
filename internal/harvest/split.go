package harvest

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/store"
)

// plan splits a slice whose found is over the cap into disjoint children
// whose union is the slice: by professional role, by area subtree, by
// publication-time window, then by further filters. It returns nil when no
// split applies (a single 5-minute window no filter can cut). With the
// clusters of the slice's first page it reads the counts it needs
// (planClusters); without them it probes each candidate split. m is the
// slice's own plan: its children inherit it unless a split says otherwise.
func (r *runner) plan(ctx context.Context, p url.Values, m store.SlicePlan, found int, first *hhapi.SearchPage) ([]store.Slice, error) {
	if cs, err := first.ParseClusters(); err == nil && len(cs) > 0 {
		ch, err := r.planClusters(ctx, p, m, found, cs)
		// A child that is its parent again would be split forever.
		if slices.ContainsFunc(ch, func(c store.Slice) bool { return filtersKey(c.Params) == filtersKey(p) && sameWindow(c.Params, p) }) {
			r.h.log().Warn("planner produced a child equal to its parent; not splitting", "params", p.Encode())
			return nil, err
		}
		return ch, err
	}
	ch, err := r.planProbing(ctx, p, m, found)
	explain(p, ch, fmt.Sprintf("found %d > %d, split by probing", found, r.h.limit()))
	return ch, err
}

// planProbing is plan without clusters: each candidate split is probed.
func (r *runner) planProbing(ctx context.Context, p url.Values, m store.SlicePlan, found int) ([]store.Slice, error) {
	if roles := p[hhapi.ParamProfessionalRole]; len(roles) > 1 {
		return children(p, m, hhapi.ParamProfessionalRole, roles, nil), nil
	}
	if !m.NoAreaSplit {
		if areas := p[hhapi.ParamArea]; len(areas) > 1 {
			return children(p, m, hhapi.ParamArea, areas, nil), nil
		}
		tree, err := r.h.areaTree(ctx)
		if err != nil {
			return nil, err
		}
		var kids []string
		if tree != nil {
			if areas := p[hhapi.ParamArea]; len(areas) == 1 {
				kids = tree.children[areas[0]]
			} else {
				kids = tree.roots
			}
		}
		if len(kids) > 0 {
			ch, err := r.probeSplit(ctx, p, m, hhapi.ParamArea, kids, found)
			if err != nil || ch != nil {
				return ch, err
			}
			// Some vacancies sit on the area node itself (a region, not one of
			// its cities): an area split would lose them, a time split cannot.
			m.NoAreaSplit = true
		}
	}
	if ch := splitTime(p, found, r.h.limit()); ch != nil {
		out := make([]store.Slice, len(ch))
		for i, c := range ch {
			out[i] = store.Slice{Params: c, Plan: m, State: store.SlicePending, Found: -1}
		}
		return out, nil
	}
	for _, f := range filterSplits {
		if p.Has(f.Key) {
			continue
		}
		ch, err := r.probeSplit(ctx, p, m, f.Key, f.Values, found)
		if err != nil || ch != nil {
			return ch, err
		}
	}
	return nil, nil
}

// children makes one pending child per value of key; each inherits m.
func children(p url.Values, m store.SlicePlan, key string, vals []string, found []int) []store.Slice {
	out := make([]store.Slice, 0, len(vals))
	for i, v := range vals {
		s := store.Slice{Params: with(p, key, v), Plan: m, State: store.SlicePending, Found: -1}
		if found != nil {
			s.Found = found[i]
		}
		out = append(out, s)
	}
	return out
}

// probeSplit probes one child per value (per_page=0) and accepts the split
// only when the children's found add up to the parent's: then nothing that
// lacks the field, or sits on a parent area, is lost. Empty children are dropped.
func (r *runner) probeSplit(ctx context.Context, p url.Values, m store.SlicePlan, key string, vals []string, found int) ([]store.Slice, error) {
	counts := make([]int, len(vals))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.h.concurrency())
	for i, v := range vals {
		g.Go(func() error {
			r.planProbes.Add(1)
			res, err := r.search(gctx, with(p, key, v), 0, 0)
			if err != nil {
				return err
			}
			counts[i] = res.Found
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	sum := 0
	var keep []string
	var keepFound []int
	for i, c := range counts {
		sum += c
		if c > 0 {
			keep = append(keep, vals[i])
			keepFound = append(keepFound, c)
		}
	}
	if sum != found {
		r.h.log().Debug("split rejected: children do not add up", "key", key, "children", sum, "parent", found)
		return nil, nil
	}
	out := children(p, m, key, keep, keepFound)
	// Values empty today ride along with the first child, so that the
	// slices still cover the parent when a sync reuses them.
	if len(out) > 0 && len(keep) < len(vals) {
		for i, c := range counts {
			if c == 0 {
				out[0].Params[key] = append(out[0].Params[key], vals[i])
			}
		}
	}
	return out, nil
}

// areaTree loads the areas tree from the store once it is there. Errors are
// not kept: a cancelled run must not poison the next one.
func (h *Harvester) areaTree(ctx context.Context) (*areaTree, error) {
	h.treeMu.Lock()
	defer h.treeMu.Unlock()
	if h.tree != nil {
		return h.tree, nil
	}
	areas, err := h.Store.Areas(ctx)
	if err != nil || len(areas) == 0 {
		return nil, err
	}
	ids, parents, names := make([]string, len(areas)), make([]string, len(areas)), make([]string, len(areas))
	for i, a := range areas {
		ids[i], parents[i], names[i] = a.ID, a.ParentID, a.Name
	}
	h.tree = newAreaTree(ids, parents, names)
	return h.tree, nil
}

// treeCache is embedded in Harvester.
type treeCache struct {
	treeMu sync.Mutex
	tree   *areaTree
}

func sameWindow(a, b url.Values) bool {
	return a.Get(hhapi.ParamDateFrom) == b.Get(hhapi.ParamDateFrom) && a.Get(hhapi.ParamDateTo) == b.Get(hhapi.ParamDateTo)
}
