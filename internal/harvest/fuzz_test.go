package harvest

// Native fuzz targets for the planner's window arithmetic (internal test:
// splitTime and parseBound are unexported).
//
//	go test ./internal/harvest/ -run '^$' -fuzz '^FuzzRootParams$' -fuzztime 75s

import (
	"math"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Unix seconds of a run's upper bound are kept in [fuzzMinUnix, fuzzMaxUnix]
// (1970..2200): RootParams is called with time.Now().
const (
	fuzzMinUnix = 0
	fuzzMaxUnix = 7258118400 // 2200-01-01
)

func fuzzUnix(sec int64) time.Time {
	span := int64(fuzzMaxUnix - fuzzMinUnix + 1)
	sec %= span
	if sec < 0 {
		sec += span
	}
	return time.Unix(fuzzMinUnix+sec, 0)
}

// mustBound parses a bound RootParams or splitTime wrote.
func mustBound(t *testing.T, what, s string) time.Time {
	t.Helper()
	tm, err := parseBound(s)
	if err != nil {
		t.Fatalf("%s %q does not parse back: %v", what, s, err)
	}
	if got := formatTime(tm); got != s {
		t.Fatalf("%s %q is not in hh.ru's canonical form (%q)", what, s, got)
	}
	return tm
}

func onGrid(tm time.Time) bool { return tm.Truncate(Grid).Equal(tm) }

func FuzzRootParams(f *testing.F) {
	upper := time.Date(2025, 10, 9, 12, 3, 17, 0, time.UTC).Unix()
	for _, q := range []string{
		"text=go&area=1",
		"text=go&period=7",
		"period=30&order_by=salary_desc&page=3&per_page=50",
		"date_from=2025-10-01&date_to=2025-10-05",
		"date_from=2025-10-01T10:02:03%2B0300&date_to=2025-10-09T15:00:00%2B03:00",
		"date_from=2025-10-09T12:01:00Z",
		"date_from=2025-10-10",         // after upper: empty window
		"date_to=2025-10-09T12:03:17Z", // exactly upper, off grid
		"period=&text=go", "period=&period=7", "period=7&period=3", "period=7abc", "period=0", "period=-3",
		"period=106752", "period=9999999999999", "period=%207", "period=010", "period=%2B7", "period=281474976710663",
		"date_from=0000-01-01T00:00:00%2B0400", "date_from=9999-12-31", "date_from=bad",
		"date_from=&date_to=", "date_from=2025-10-01&date_from=2025-09-01",
		"page=1&page=2&order_by=", "=&&&",
	} {
		f.Add(q, upper)
	}
	f.Add("text=go", int64(0))
	f.Add("period=30", int64(fuzzMaxUnix))
	f.Fuzz(func(t *testing.T, query string, unix int64) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		up := fuzzUnix(unix)
		in := clone(q)
		p, err := RootParams(q, up)
		for k, v := range in { // the saved query is not modified
			if len(q[k]) != len(v) || (len(v) > 0 && q[k][0] != v[0]) {
				t.Fatalf("RootParams modified its input at %q: %v -> %v", k, v, q[k])
			}
		}
		if err != nil {
			if p != nil {
				t.Fatalf("RootParams failed (%v) but returned %v", err, p)
			}
			return
		}
		for _, k := range []string{"page", "per_page", "order_by", "period"} {
			if _, ok := p[k]; ok {
				t.Fatalf("RootParams(%q) kept %s: %v", query, k, p)
			}
		}
		if len(p["date_from"]) != 1 || len(p["date_to"]) != 1 {
			t.Fatalf("RootParams(%q) = %v: want one date_from and one date_to", query, p)
		}
		from := mustBound(t, "date_from", p.Get("date_from"))
		to := mustBound(t, "date_to", p.Get("date_to"))
		if !from.Before(to) {
			t.Fatalf("RootParams(%q): date_from %v not before date_to %v", query, from, to)
		}
		if !onGrid(from) || !onGrid(to) {
			t.Fatalf("RootParams(%q): window %v..%v is off the %v grid", query, from, to, Grid)
		}
		if to.After(CeilGrid(up)) {
			t.Fatalf("RootParams(%q): date_to %v after the run's bound %v", query, to, CeilGrid(up))
		}
		// Without an explicit date_from, the lower bound is the period (or
		// the lookback) before upper, floored to the grid.
		if q.Get("date_from") == "" {
			back := DefaultLookback
			if v := q.Get("period"); v != "" {
				days := int64(0)
				for _, c := range v {
					if c < '0' || c > '9' || days > 1e15 {
						days = -1
						break
					}
					days = days*10 + int64(c-'0')
				}
				if days < 1 {
					return // lenient period spellings ("7abc", " 7"): only the shape is checked
				}
				if days > int64(math.MaxInt64/(24*time.Hour)) {
					t.Fatalf("RootParams(%q) accepted a period of %d days, beyond any time.Duration: window %v..%v", query, days, from, to)
				}
				back = time.Duration(days) * 24 * time.Hour
			}
			if want := FloorGrid(up.Add(-back)); !from.Equal(want) {
				t.Fatalf("RootParams(%q, %v): date_from %v, want %v", query, up, from, want)
			}
		}
	})
}

// FuzzSplitTime: a grid-aligned window of span steps starting at unix,
// split for found results under limit.
func FuzzSplitTime(f *testing.F) {
	base := time.Date(2025, 10, 9, 12, 0, 0, 0, time.UTC).Unix()
	for _, s := range []struct {
		span        uint32
		found, limt int
	}{
		{0, 5000, DepthLimit}, {1, 5000, DepthLimit}, {2, 5000, DepthLimit}, {3, 2001, DepthLimit},
		{12, 1 << 30, DepthLimit}, {8928, 250000, DepthLimit}, {8928, 2001, DepthLimit},
		{8928, -1, DepthLimit}, {7, 100, 1}, {1000, 17, 0}, {1 << 31, 1 << 40, DepthLimit},
	} {
		f.Add(base, s.span, s.found, s.limt, "text=go&area=1")
	}
	f.Fuzz(func(t *testing.T, unix int64, span uint32, found, limit int, extra string) {
		from := FloorGrid(fuzzUnix(unix))
		to := from.Add(time.Duration(span%(1<<24)) * Grid) // ≤ 159 years: stays in 4-digit years
		if found > 1<<24 {
			// hh.ru's found is far below this; larger ones only make
			// millions of children (k is min(found/target, steps)).
			found %= 1 << 24
		}
		q, err := url.ParseQuery(extra)
		if err != nil {
			q = url.Values{}
		}
		p := with(with(q, "date_from", formatTime(from)), "date_to", formatTime(to))
		// Through the wire form, as the planner stores them.
		if from, err = parseBound(p.Get("date_from")); err != nil {
			t.Fatal(err)
		}
		if to, err = parseBound(p.Get("date_to")); err != nil {
			t.Fatal(err)
		}
		kids := splitTime(p, found, limit)
		steps := int64(to.Sub(from) / Grid)
		if steps < 2 {
			if kids != nil {
				t.Fatalf("window of %d steps split into %d", steps, len(kids))
			}
			return
		}
		if len(kids) < 2 {
			t.Fatalf("window %v..%v (%d steps, found %d) split into %d children", from, to, steps, found, len(kids))
		}
		if int64(len(kids)) > steps {
			t.Fatalf("%d children for %d steps", len(kids), steps)
		}
		if target := int64(max(1, limit*4/5)); found >= 0 && found <= 1<<40 {
			want := min(max(2, (int64(found)+target-1)/target), steps)
			if int64(len(kids)) != want {
				t.Fatalf("found %d, limit %d, %d steps: %d children, want %d", found, limit, steps, len(kids), want)
			}
		}
		prev := from
		for i, c := range kids {
			cf := mustBound(t, "child date_from", c.Get("date_from"))
			ct := mustBound(t, "child date_to", c.Get("date_to"))
			if !cf.Equal(prev) {
				t.Fatalf("child %d starts at %v, want %v (previous child's end)", i, cf, prev)
			}
			if !cf.Before(ct) {
				t.Fatalf("child %d is empty: %v..%v", i, cf, ct)
			}
			if !onGrid(cf) || !onGrid(ct) {
				t.Fatalf("child %d %v..%v is off the grid", i, cf, ct)
			}
			for k, v := range p { // other parameters are inherited
				if k != "date_from" && k != "date_to" && len(c[k]) != len(v) {
					t.Fatalf("child %d lost parameter %s: %v", i, k, c)
				}
			}
			prev = ct
		}
		if !prev.Equal(to) {
			t.Fatalf("children end at %v, window ends at %v", prev, to)
		}
	})
}

// Regression tests for what the fuzz targets above found.

func TestRootParamsDropsEmptyPeriod(t *testing.T) {
	t.Parallel()
	upper := time.Date(2025, 10, 9, 12, 0, 0, 0, time.UTC)
	for _, query := range []string{"period=&text=go", "period=&period=7"} {
		q, _ := url.ParseQuery(query)
		p, err := RootParams(q, upper)
		if err != nil {
			t.Fatalf("RootParams(%s): %v", query, err)
		}
		if _, ok := p["period"]; ok {
			t.Errorf("RootParams(%s) = %v: period sent with date_from", query, p)
		}
	}
}

// A saved query's "_" keys (a --param _x=1) are dropped once, at the root:
// older versions stripped them before every request, and no slice may carry
// one now that nothing strips.
func TestRootParamsDropsPrivateKeys(t *testing.T) {
	t.Parallel()
	upper := time.Date(2025, 10, 9, 12, 0, 0, 0, time.UTC)
	q, _ := url.ParseQuery("_why=x&_no_area_split=1&_x=1&text=go&area=113")
	p, err := RootParams(q, upper)
	if err != nil {
		t.Fatal(err)
	}
	for k := range p {
		if strings.HasPrefix(k, "_") {
			t.Errorf("RootParams kept %s: %v", k, p)
		}
	}
	if p.Get("text") != "go" || p.Get("area") != "113" || !q.Has("_x") {
		t.Errorf("RootParams = %v from %v: want text and area kept, the query untouched", p, q)
	}
}

func TestParseBoundOutOfRange(t *testing.T) {
	t.Parallel()
	// In Moscow time this is year -1, which formatTime cannot write back.
	if tm, err := parseBound("0000-01-01T00:00:00+0400"); err == nil {
		t.Errorf("parseBound accepted %v (formats as %q)", tm, formatTime(tm))
	}
	if _, err := parseBound("0001-06-01"); err != nil {
		t.Errorf("parseBound(0001-06-01): %v", err)
	}
}

func TestRootParamsPeriodIsDecimal(t *testing.T) {
	t.Parallel()
	upper := time.Date(2025, 10, 9, 12, 0, 0, 0, time.UTC)
	q, _ := url.ParseQuery("period=010")
	p, err := RootParams(q, upper)
	if err != nil {
		t.Fatal(err)
	}
	if want := formatTime(upper.AddDate(0, 0, -10)); p.Get("date_from") != want {
		t.Errorf("period=010: date_from %s, want %s (10 days, not octal 8)", p.Get("date_from"), want)
	}
	// 7 + 2^48 days wraps time.Duration to exactly 7 days.
	for _, bad := range []string{"period=7abc", "period=106752", "period=9999999999999", "period=281474976710663"} {
		q, _ := url.ParseQuery(bad)
		if p, err := RootParams(q, upper); err == nil {
			t.Errorf("RootParams(%s) = %v, want an error", bad, p)
		}
	}
}
