package harvest

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hhjobs/hhjobs/internal/hhapi"
)

// hh.ru's limits (REFERENCE §6.3, §11.3).
const (
	// DepthLimit is the most items one query can page through.
	DepthLimit = 2000
	// PerPage is the largest page hh.ru serves.
	PerPage = 100
	// Grid is the granularity hh.ru rounds date_from/date_to to.
	Grid = 5 * time.Minute
	// DefaultLookback is how far back a run looks when the query sets no
	// lower date bound: hh.ru lists vacancies published in the last 30 days;
	// one day of margin costs a probe or two and loses nothing at the edge.
	DefaultLookback = 31 * 24 * time.Hour
)

// CeilGrid rounds t up to the 5-minute grid (a run's upper bound: never down,
// so a vacancy published before the run starts is inside it).
func CeilGrid(t time.Time) time.Time {
	f := t.Truncate(Grid)
	if f.Equal(t) {
		return t
	}
	return f.Add(Grid)
}

// FloorGrid rounds t down to the 5-minute grid.
func FloorGrid(t time.Time) time.Time { return t.Truncate(Grid) }

// formatTime writes t as hh.ru does; any offset would do, Moscow's matches
// what the API prints.
func formatTime(t time.Time) string { return t.In(hhapi.Moscow).Format(hhapi.TimeLayout) }

// parseBound reads a date_from/date_to value in either of hh.ru's accepted forms.
func parseBound(s string) (time.Time, error) {
	for _, layout := range []string{hhapi.TimeLayout, time.RFC3339, "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, hhapi.Moscow); err == nil {
			// formatTime writes it back in Moscow time: keep that a 4-digit year.
			if y := t.In(hhapi.Moscow).Year(); y < 1 || y > 9999 {
				return time.Time{}, fmt.Errorf("bad date %q: out of range", s)
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad date %q: want YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+hhmm", s)
}

// window returns a slice's publication window.
func window(p url.Values) (from, to time.Time, err error) {
	if from, err = parseBound(p.Get(hhapi.ParamDateFrom)); err != nil {
		return
	}
	to, err = parseBound(p.Get(hhapi.ParamDateTo))
	return
}

// clone deep-copies query parameters so children never share slices with parents.
func clone(p url.Values) url.Values {
	c := make(url.Values, len(p))
	for k, v := range p {
		c[k] = slices.Clone(v)
	}
	return c
}

// with returns a copy of p with key set to vals.
func with(p url.Values, key string, vals ...string) url.Values {
	c := clone(p)
	c[key] = vals
	return c
}

// maxPeriodDays is the longest period whose duration fits a time.Duration.
const maxPeriodDays = int(math.MaxInt64 / int64(24*time.Hour))

// RootParams turns a saved query into the root slice of a run: the run's
// fixed upper bound and a lower bound (the query's own, or the lookback).
// The query's period becomes a date_from, since hh.ru refuses both at once.
func RootParams(q url.Values, upper time.Time) (url.Values, error) {
	p := clone(q)
	from := upper.Add(-DefaultLookback)
	if v := p.Get(hhapi.ParamPeriod); v != "" {
		// Decimal only (fmt.Sscan read "010" as octal 8), and small enough
		// for a time.Duration.
		days, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || days < 1 || days > maxPeriodDays {
			return nil, fmt.Errorf("bad period %q: want a number of days", v)
		}
		from = upper.Add(-time.Duration(days) * 24 * time.Hour)
	}
	p.Del(hhapi.ParamPeriod) // also an empty one: hh.ru refuses period with date_from
	if v := p.Get(hhapi.ParamDateFrom); v != "" {
		t, err := parseBound(v)
		if err != nil {
			return nil, err
		}
		from = t
	}
	to := upper
	if v := p.Get(hhapi.ParamDateTo); v != "" {
		t, err := parseBound(v)
		if err != nil {
			return nil, err
		}
		if t.Before(to) {
			to = t
		}
	}
	from, to = FloorGrid(from), CeilGrid(to)
	if !from.Before(to) {
		return nil, fmt.Errorf("empty publication window: date_from %s is not before date_to %s", formatTime(from), formatTime(to))
	}
	p.Set(hhapi.ParamDateFrom, formatTime(from))
	p.Set(hhapi.ParamDateTo, formatTime(to))
	for _, k := range []string{hhapi.ParamPage, hhapi.ParamPerPage, hhapi.ParamOrderBy} {
		p.Del(k)
	}
	// hh.ru has no "_" parameter, and older versions dropped such keys (a
	// --param _x=1) before every request: dropped here once, so no slice
	// carries one and no request needs stripping.
	for k := range p {
		if strings.HasPrefix(k, "_") {
			delete(p, k)
		}
	}
	return p, nil
}

// splitTime cuts a window into k grid-aligned parts. Bounds are inclusive on
// hh.ru, so neighbours share their edge instant: the store dedupes by id.
//
// It aims each child at 80% of the cap, leaving room for uneven
// distribution, so most children need no second split.
func splitTime(p url.Values, found, limit int) []url.Values {
	target := max(1, limit*4/5)
	from, to, err := window(p)
	if err != nil {
		return nil
	}
	steps := int(to.Sub(from) / Grid)
	if steps < 2 {
		return nil
	}
	k := (found + target - 1) / target
	k = max(2, min(k, steps))
	var out []url.Values
	prev := from
	for i := 1; i <= k; i++ {
		next := from.Add(time.Duration(steps*i/k) * Grid)
		if i == k {
			next = to
		}
		if next.Equal(prev) {
			continue
		}
		c := clone(p)
		c.Set(hhapi.ParamDateFrom, formatTime(prev))
		c.Set(hhapi.ParamDateTo, formatTime(next))
		out = append(out, c)
		prev = next
	}
	return out
}

// areaTree is the /areas tree as parent → children ids.
type areaTree struct {
	children map[string][]string
	names    map[string]string
	roots    []string
}

func newAreaTree(ids, parents, names []string) *areaTree {
	t := &areaTree{children: map[string][]string{}, names: map[string]string{}}
	for i, id := range ids {
		t.names[id] = names[i]
		if parents[i] == "" {
			t.roots = append(t.roots, id)
		} else {
			t.children[parents[i]] = append(t.children[parents[i]], id)
		}
	}
	for _, c := range t.children {
		sort.Strings(c)
	}
	sort.Strings(t.roots)
	return t
}

// filterSplits are the further filters used when one 5-minute window is
// still over the cap. Each is single-valued per vacancy, so children are
// disjoint; a vacancy without the field would be missed, which the
// planner detects by comparing the children's found with the parent's.
var filterSplits = []struct {
	Key    string
	Values []string
}{
	{hhapi.ParamExperience, []string{"noExperience", "between1And3", "between3And6", "moreThan6"}},
	{hhapi.ParamEmploymentForm, []string{"FULL", "PART", "PROJECT", "FLY_IN_FLY_OUT"}}, // dictionary vacancy_search_employment_form
}
