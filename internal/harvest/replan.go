package harvest

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/store"
)

// reusePlan splits the root slice of a new run of q into the leaves of
// its last finished run, moved to the new publication window, when q was
// run before (a sync): planning again would cost a first page per split
// slice and the probes, for the same answer. A reused leaf is paged as any
// slice: its first page shows whether it has grown past the cap, and only
// then is it split again. Adjacent time windows that shrank are merged. An
// area split is checked first with one clusters probe: a vacancy published
// on the parent area itself since would be in none of its children, so
// then that part is planned afresh. A query whose filters changed since,
// or with no finished run, is planned from its root.
func (h *Harvester) reusePlan(ctx context.Context, q store.Query, root store.Slice) error {
	runs, err := h.Store.Runs(ctx, q.ID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(runs, func(r store.Run) bool { return r.Status == store.RunDone && r.ID != root.RunID })
	if i < 0 {
		return nil
	}
	prev, err := h.Store.Slices(ctx, runs[i].ID)
	if err != nil {
		return err
	}
	r := &runner{h: h, q: q, sem: make(chan struct{}, h.concurrency()), fetched: map[string]bool{}, seen: map[string]struct{}{}}
	holds := func(p url.Values) (bool, error) {
		res, err := r.search(ctx, with(p, clustersParam, "true"), 0, 0)
		if err != nil {
			return false, err
		}
		cs, err := res.ParseClusters()
		if err != nil || len(cs) == 0 || res.Found <= h.limit() {
			return false, nil // unverifiable, or small enough to page whole
		}
		ch, err := r.areaSplit(ctx, p, store.SlicePlan{}, res.Found, cs, packTarget(h.limit()))
		return ch != nil, err
	}
	tree, ok, err := reuseLeaves(prev, url.Values(root.Params), packTarget(h.limit()), holds)
	if err != nil || !ok {
		return err
	}
	h.log().Info("reusing the plan of the last run", "run", runs[i].ID, "slices", tree.leaves())
	// The tree is kept, not flattened: the next sync checks its area splits again.
	var insert func(parent store.Slice, kids []*planNode) error
	insert = func(parent store.Slice, kids []*planNode) error {
		parent.State = store.SliceSplit
		ss := make([]store.Slice, len(kids))
		for i, k := range kids {
			ss[i] = k.s
			if len(k.kids) > 0 {
				ss[i].State = store.SliceSplit
			}
		}
		added, err := h.Store.SplitSlice(ctx, parent, ss)
		if err != nil {
			return err
		}
		for i, k := range kids {
			if len(k.kids) > 0 {
				if err := insert(added[i], k.kids); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return insert(root, tree.kids)
}

// planNode is a slice of a reused plan with its children (none: a leaf).
type planNode struct {
	s    store.Slice
	kids []*planNode
}

func (n *planNode) leaves() int {
	if len(n.kids) == 0 {
		return 1
	}
	c := 0
	for _, k := range n.kids {
		c += k.leaves()
	}
	return c
}

// isAreaSplit reports whether a child's reason names an area split.
func isAreaSplit(why string) bool {
	return strings.HasPrefix(strings.TrimPrefix(why, "reused: "), "area")
}

// reuseLeaves moves the leaves of a finished run to root's window; false
// when that run's root is another query, a slice cannot be moved, or
// nothing below the root can be reused. holds checks an area split.
func reuseLeaves(prev []store.Slice, root url.Values, target int, holds func(url.Values) (bool, error)) (*planNode, bool, error) {
	kids := map[int64][]store.Slice{}
	var oldRoot *store.Slice
	for i, s := range prev {
		if s.ParentID == 0 {
			oldRoot = &prev[i]
		} else {
			kids[s.ParentID] = append(kids[s.ParentID], s)
		}
	}
	if oldRoot == nil || filtersKey(oldRoot.Params) != filtersKey(root) {
		return nil, false, nil
	}
	pf, pt, err1 := window(url.Values(oldRoot.Params))
	nf, nt, err2 := window(root)
	if err1 != nil || err2 != nil {
		return nil, false, nil
	}
	// move puts a slice's window into the new one (false: wholly before it).
	move := func(s store.Slice) (store.Slice, bool) {
		p := clone(url.Values(s.Params))
		lf, lt, err := window(p)
		if err != nil {
			return s, false
		}
		sameWindow := true
		if lt.Equal(pt) {
			lt, sameWindow = nt, lt.Equal(nt) // the newest window takes what was published since
		}
		if lf.Equal(pf) || lf.Before(nf) {
			sameWindow = sameWindow && lf.Equal(nf)
			lf = nf
		}
		if !lf.Before(lt) {
			return s, false
		}
		p.Set(hhapi.ParamDateFrom, formatTime(lf))
		p.Set(hhapi.ParamDateTo, formatTime(lt))
		pl := s.Plan
		if !strings.HasPrefix(pl.Why, "reused") {
			pl.Why = "reused: " + pl.Why
		}
		found := -1
		if sameWindow {
			found = s.Found // an estimate for merging
		}
		return store.Slice{Params: p, Plan: pl, State: store.SlicePending, Found: found}, true
	}
	// walk returns the reused node of s (nil: wholly before the new window).
	var walk func(s store.Slice, top bool) (*planNode, bool, error)
	walk = func(s store.Slice, top bool) (*planNode, bool, error) {
		m, in := move(s)
		if top {
			m, in = store.Slice{Params: root, Found: -1}, true
		}
		if !in {
			return nil, true, nil
		}
		switch s.State {
		case store.SliceDone, store.SliceTruncated:
			return &planNode{s: m}, true, nil
		case store.SliceSplit:
		default:
			return nil, false, nil // a failed or unfinished slice: plan afresh
		}
		ch := kids[s.ID]
		if len(ch) == 0 {
			return nil, false, nil
		}
		if isAreaSplit(ch[0].Plan.Why) {
			good, err := holds(url.Values(m.Params))
			if err != nil || (!good && top) {
				return nil, false, err
			}
			if !good {
				m.Found = -1
				return &planNode{s: m}, true, nil // planned afresh from its first page
			}
		}
		n := &planNode{s: m}
		var leaves []store.Slice
		for _, c := range ch {
			k, ok, err := walk(c, false)
			if err != nil || !ok {
				return nil, ok, err
			}
			switch {
			case k == nil:
			case len(k.kids) == 0:
				leaves = append(leaves, k.s)
			default:
				n.kids = append(n.kids, k)
			}
		}
		for _, l := range mergeWindows(leaves, target) {
			n.kids = append(n.kids, &planNode{s: l})
		}
		if len(n.kids) == 0 {
			return nil, true, nil
		}
		return n, true, nil
	}
	n, ok, err := walk(*oldRoot, true)
	if err != nil || !ok || n == nil || len(n.kids) == 0 {
		return nil, false, err
	}
	return n, true, nil
}

func mustFrom(p map[string][]string) time.Time {
	f, _, _ := window(url.Values(p))
	return f
}

// filtersKey is a slice's query without its window.
func filtersKey(p url.Values) string {
	c := clone(p)
	c.Del(hhapi.ParamDateFrom)
	c.Del(hhapi.ParamDateTo)
	return c.Encode()
}

// mergeWindows merges neighbouring windows of one filter set whose last
// found add up to well under the cap; every slice's found is then unknown
// again (its first page tells).
func mergeWindows(ss []store.Slice, target int) []store.Slice {
	slices.SortStableFunc(ss, func(a, b store.Slice) int {
		if c := strings.Compare(filtersKey(a.Params), filtersKey(b.Params)); c != 0 {
			return c
		}
		return mustFrom(a.Params).Compare(mustFrom(b.Params))
	})
	// Merged slices stay under 80% of the target: they may grow by the next run.
	limit := target * 4 / 5
	var out []store.Slice
	for _, s := range ss {
		if n := len(out); n > 0 {
			last := &out[n-1]
			_, lt, _ := window(url.Values(last.Params))
			sf, st, _ := window(url.Values(s.Params))
			if filtersKey(last.Params) == filtersKey(s.Params) && lt.Equal(sf) &&
				last.Found >= 0 && s.Found >= 0 && last.Found+s.Found <= limit {
				p := url.Values(last.Params)
				p.Set(hhapi.ParamDateTo, formatTime(st))
				last.Plan.Why = fmt.Sprintf("reused: merged windows that shrank to %d", last.Found+s.Found)
				last.Found += s.Found
				continue
			}
		}
		out = append(out, s)
	}
	for i := range out {
		out[i].Found = -1
	}
	return out
}
