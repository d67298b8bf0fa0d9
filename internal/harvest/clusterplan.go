package harvest

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"slices"

	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/store"
)

// clustersParam asks hh.ru for the counts of the whole matching set
// (REFERENCE §6.4) with a slice's first page: the planner then knows which
// roles and areas exceed the cap without probing each one.
const clustersParam = "clusters"

// packTarget is the most a packed slice is planned to hold: the cap, less
// room for the vacancies published until the next sync reuses the slice,
// so a full slice is not split again for a handful.
func packTarget(limit int) int { return max(1, limit-limit/20) }

type valueCount struct {
	v string
	n int
}

// pack groups values into bins of at most target (first fit, largest
// first); a value over target gets a bin of its own, to be split further.
func pack(vals []valueCount, target int) [][]valueCount {
	vals = slices.Clone(vals)
	slices.SortStableFunc(vals, func(a, b valueCount) int { return cmp.Compare(b.n, a.n) })
	var bins [][]valueCount
	var sums []int
	for _, v := range vals {
		placed := false
		if v.n <= target {
			for i := range bins {
				if sums[i]+v.n <= target && (len(bins[i]) > 1 || bins[i][0].n <= target) {
					bins[i] = append(bins[i], v)
					sums[i] += v.n
					placed = true
					break
				}
			}
		}
		if !placed {
			bins = append(bins, []valueCount{v})
			sums = append(sums, v.n)
		}
	}
	return bins
}

// packed makes one child per bin; each child's found is the bin's sum (an
// upper bound when a vacancy has several values of key, as roles can). The
// children keep m's area marker and get why as their reason.
func packed(p url.Values, m store.SlicePlan, key string, vals []valueCount, target int, why string) []store.Slice {
	var out []store.Slice
	for _, bin := range pack(vals, target) {
		vs := make([]string, len(bin))
		sum := 0
		for i, b := range bin {
			vs[i], sum = b.v, sum+b.n
		}
		slices.Sort(vs)
		out = append(out, store.Slice{Params: with(p, key, vs...), Plan: because(m, why), State: store.SlicePending, Found: sum})
	}
	return out
}

// listed reads a cluster group's values of key with their counts, keeping
// only those allowed (all when allowed is nil). group is hh.ru's cluster
// group id (REFERENCE §6.4), which may differ from the parameter's name.
func listed(cs []hhapi.Cluster, group, key string, allowed map[string]bool) ([]valueCount, map[string]bool) {
	g := hhapi.ClusterGroup(cs, group)
	seen := map[string]bool{}
	if g == nil {
		return nil, seen
	}
	var out []valueCount
	for _, it := range g.Items {
		v := it.Value(key)
		if v == "" || seen[v] || it.Count <= 0 || (allowed != nil && !allowed[v]) {
			continue
		}
		seen[v] = true
		out = append(out, valueCount{v, it.Count})
	}
	return out, seen
}

// because is a child's plan: the parent's, with the split's reason.
func because(m store.SlicePlan, why string) store.SlicePlan {
	m.Why = why
	return m
}

func setOf(vs []string) map[string]bool {
	if len(vs) == 0 {
		return nil
	}
	m := make(map[string]bool, len(vs))
	for _, v := range vs {
		m[v] = true
	}
	return m
}

// planClusters splits a slice over the cap using the clusters of its first
// page: by area subtree, then by role, then by publication time, then by
// further filters. Values under the cap are packed into slices as large as
// the cap allows; what the lists do not name (a truncated list, vacancies
// attached to the area itself) goes to a remainder slice or, when no query
// can isolate it, makes the planner choose the next dimension.
func (r *runner) planClusters(ctx context.Context, p url.Values, m store.SlicePlan, found int, cs []hhapi.Cluster) ([]store.Slice, error) {
	limit := r.h.limit()
	target := packTarget(limit)
	if areas := p[hhapi.ParamArea]; len(areas) > 1 {
		// Several filter areas (a packed slice that grew): halve the list;
		// each half's own clusters go one level down if it is still too big.
		why := fmt.Sprintf("halved: found %d > %d over %d filter areas", found, limit, len(areas))
		h := len(areas) / 2
		return []store.Slice{{Params: with(p, hhapi.ParamArea, areas[:h]...), Plan: because(m, why), State: store.SlicePending, Found: -1},
			{Params: with(p, hhapi.ParamArea, areas[h:]...), Plan: because(m, why), State: store.SlicePending, Found: -1}}, nil
	}
	// Area subtrees first: they are disjoint, while a vacancy with two roles
	// lands in two role slices and is paged twice.
	ch, err := r.areaSplit(ctx, p, m, found, cs, target)
	if err != nil || ch != nil {
		return ch, err
	}
	if roles := p[hhapi.ParamProfessionalRole]; len(roles) != 1 {
		ch, err := r.roleSplit(ctx, p, m, found, cs, roles, target)
		if err != nil || ch != nil {
			return ch, err
		}
	}
	if ch := splitTime(p, found, limit); ch != nil {
		out := make([]store.Slice, len(ch))
		why := fmt.Sprintf("time: found %d > %d and no role or area split covers it; %d windows", found, limit, len(ch))
		for i, c := range ch {
			out[i] = store.Slice{Params: c, Plan: because(m, why), State: store.SlicePending, Found: -1}
		}
		return out, nil
	}
	// One 5-minute window still over the cap: a single-valued filter whose
	// counts the clusters give, else the probing fallback.
	if !p.Has(hhapi.ParamExperience) {
		vals, seen := listed(cs, "experience", hhapi.ParamExperience, nil)
		if sumCounts(vals) == found && len(vals) > 1 {
			out := packed(p, m, hhapi.ParamExperience, vals, target, fmt.Sprintf("experience: one 5-minute window holds %d > %d", found, limit))
			var rest []string
			for _, v := range filterSplits[0].Values {
				if !seen[v] {
					rest = append(rest, v)
				}
			}
			foldEmpty(out, hhapi.ParamExperience, rest)
			return out, nil
		}
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

func sumCounts(vals []valueCount) int {
	s := 0
	for _, v := range vals {
		s += v.n
	}
	return s
}

// roleSplit packs the listed roles; roles the list leaves out (the filter's,
// or, with no role filter, the dictionary's) go to one remainder slice whose
// first page tells whether anything hides there. Without the dictionary an
// unfiltered slice cannot be split by role safely.
func (r *runner) roleSplit(ctx context.Context, p url.Values, m store.SlicePlan, found int, cs []hhapi.Cluster, roles []string, target int) ([]store.Slice, error) {
	vals, seen := listed(cs, "professional_role", hhapi.ParamProfessionalRole, setOf(roles))
	if len(vals) == 0 {
		return nil, nil
	}
	var rest []string
	if len(roles) > 0 {
		for _, ro := range roles {
			if !seen[ro] {
				rest = append(rest, ro)
			}
		}
	} else {
		all, err := r.h.Store.Roles(ctx)
		if err != nil {
			return nil, err
		}
		if len(all) == 0 {
			return nil, nil
		}
		for _, ro := range all {
			if !seen[ro.ID] {
				rest = append(rest, ro.ID)
			}
		}
	}
	if len(vals) == 1 && len(rest) == 0 {
		return nil, nil // one role holds everything: nothing to split
	}
	// A vacancy with two roles is paged once per slice that holds one of
	// them: past a small overlap a time split (disjoint) is cheaper.
	if over := sumCounts(vals) - found; float64(over) > maxRoleOverlap*float64(found) {
		r.h.log().Debug("role split declined: roles overlap", "found", found, "role_sum", sumCounts(vals))
		return nil, nil
	}
	why := fmt.Sprintf("role: found %d > %d; %d roles listed", found, r.h.limit(), len(vals))
	out := packed(p, m, hhapi.ParamProfessionalRole, vals, target, why)
	if len(rest) > 0 {
		// The roles the list leaves out ride along with the smallest slice:
		// usually they hold nothing, and if they do, that slice's first page
		// shows it over the cap and it is split again.
		slices.Sort(rest)
		i := slices.IndexFunc(out, func(s store.Slice) bool { return s.Found <= target })
		if i < 0 || len(out) < 2 {
			// Folded into the only slice, they would give back the parent.
			c := with(p, hhapi.ParamProfessionalRole, rest...)
			why := fmt.Sprintf("role remainder: %d roles the clusters do not list", len(rest))
			return append(out, store.Slice{Params: c, Plan: because(m, why), State: store.SlicePending, Found: -1}), nil
		}
		for j, s := range out {
			if s.Found < out[i].Found {
				i = j
			}
		}
		c := url.Values(out[i].Params)
		c[hhapi.ParamProfessionalRole] = append(c[hhapi.ParamProfessionalRole], rest...)
		out[i].Plan.Why = why + fmt.Sprintf("; with the %d roles not listed", len(rest))
		out[i].Found = -1 // not known: the unlisted roles may hold some
	}
	return out, nil
}

// maxRoleOverlap is the share of double-counted vacancies (several roles)
// over which a role split costs more than a time split.
var maxRoleOverlap = 0.02

// areaSplit packs the area subtrees one level below the slice's area. It
// is taken only when the children provably cover the slice: their counts add
// up to found, or do so with a probe of the subtrees the list leaves out.
// Vacancies attached to the area itself cannot be selected apart from its
// subtrees, so then it declines and the caller splits by time.
func (r *runner) areaSplit(ctx context.Context, p url.Values, m store.SlicePlan, found int, cs []hhapi.Cluster, target int) ([]store.Slice, error) {
	vals, seen := listed(cs, "area", hhapi.ParamArea, nil)
	sum := sumCounts(vals)
	why := fmt.Sprintf("area: found %d > %d; %d areas listed", found, r.h.limit(), len(vals))
	tree, err := r.h.areaTree(ctx)
	if err != nil {
		return nil, err
	}
	var rest []string // the children the list leaves out
	if tree != nil {
		kids := tree.roots
		if a := p[hhapi.ParamArea]; len(a) == 1 {
			kids = tree.children[a[0]]
		}
		for _, k := range kids {
			if !seen[k] {
				rest = append(rest, k)
			}
		}
	}
	if len(vals) > 0 && sum == found {
		if len(vals) == 1 && len(p[hhapi.ParamArea]) == 1 && vals[0].v == p.Get(hhapi.ParamArea) {
			return nil, nil
		}
		out := packed(p, m, hhapi.ParamArea, vals, target, why)
		if len(out) < 2 {
			return nil, nil
		}
		foldEmpty(out, hhapi.ParamArea, rest)
		return out, nil
	}
	if tree == nil {
		return nil, nil
	}
	if len(rest) == 0 || sum >= found {
		return nil, nil // what is missing sits on the area itself
	}
	r.planProbes.Add(1)
	res, err := r.search(ctx, with(p, hhapi.ParamArea, rest...), 0, 0)
	if err != nil {
		return nil, err
	}
	if sum+res.Found != found {
		r.h.log().Debug("area split declined: vacancies attached to the area itself", "listed", sum, "rest", res.Found, "found", found)
		return nil, nil
	}
	out := packed(p, m, hhapi.ParamArea, vals, target, why)
	if res.Found == 0 && len(out) > 1 {
		foldEmpty(out, hhapi.ParamArea, rest)
	} else if res.Found > 0 || len(out) < 2 {
		why := fmt.Sprintf("area remainder: %d areas the clusters do not list", len(rest))
		out = append(out, store.Slice{Params: with(p, hhapi.ParamArea, rest...), Plan: because(m, why), State: store.SlicePending, Found: res.Found})
	}
	return out, nil
}

// explain records on each child that lacks a reason which parameter its
// split cut and why.
func explain(p url.Values, ch []store.Slice, why string) {
	for i := range ch {
		if ch[i].Plan.Why != "" {
			continue
		}
		c := url.Values(ch[i].Params)
		key := "?"
		for k, v := range c {
			if !slices.Equal(v, p[k]) {
				key = k
				break
			}
		}
		if c.Has(hhapi.ParamDateFrom) && (c.Get(hhapi.ParamDateFrom) != p.Get(hhapi.ParamDateFrom) || c.Get(hhapi.ParamDateTo) != p.Get(hhapi.ParamDateTo)) {
			key = "time"
		}
		ch[i].Plan.Why = key + ": " + why
	}
}

// foldEmpty adds values that hold nothing today to the smallest slice: the
// split still covers its parent when a sync reuses it, at no cost now.
func foldEmpty(out []store.Slice, key string, vals []string) {
	if len(out) == 0 || len(vals) == 0 {
		return
	}
	i := 0
	for j, s := range out {
		if s.Found < out[i].Found {
			i = j
		}
	}
	out[i].Params[key] = append(out[i].Params[key], vals...)
}
