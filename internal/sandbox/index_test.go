package sandbox

import (
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"
)

// The indexes answer what a walk of every vacancy with match answers:
// found and the page, for the planner's queries (area, role, time window)
// and for queries the indexes only narrow, after archiving and publishing.
func TestIndexAgreesWithWalk(t *testing.T) {
	e := newEnv(t, Config{Vacancies: 4000, NoHardCells: true})
	s := e.s
	now := s.cfg.Now()
	day := func(d int) string {
		return url.QueryEscape(now.Add(time.Duration(-d) * 24 * time.Hour).Format(hhTimeLayout))
	}
	queries := []string{
		"area=113",
		"area=1",
		"area=113&area=1", // an area inside another one asked
		"professional_role=96",
		"professional_role=96&professional_role=104&area=2",
		"area=113&date_from=" + day(5) + "&date_to=" + day(2),
		"area=1&professional_role=17&date_from=" + day(10),
		"area=113&experience=between1And3",
		"professional_role=17&only_with_salary=true&area=113",
		"date_from=" + day(3),
		"area=113&order_by=salary_desc",
		"text=менеджер&area=1",
	}
	check := func(stage string) {
		for _, qs := range queries {
			raw, err := url.ParseQuery(qs)
			if err != nil {
				t.Fatal(err)
			}
			for _, page := range []struct{ page, per int }{{0, 0}, {0, 100}, {3, 20}} {
				r := url.Values{}
				for k, v := range raw {
					r[k] = v
				}
				r.Set("page", strconv.Itoa(page.page))
				r.Set("per_page", strconv.Itoa(page.per))
				if r.Get("order_by") == "" {
					r.Set("order_by", "publication_time")
				}
				q, bad, depth := s.parseQuery(r, s.cfg.Now())
				if len(bad) > 0 || depth {
					t.Fatalf("%s: bad %v depth %v", qs, bad, depth)
				}
				lo, hi := page.page*page.per, (page.page+1)*page.per
				s.mu.RLock()
				n, win := s.scan(q, lo, hi)
				wantN, wantWin := s.walk(q, lo, hi)
				s.mu.RUnlock()
				if n != wantN || !slices.Equal(ids(win), ids(wantWin)) {
					t.Errorf("%s, %s page %d per_page %d: found %d page %v; the walk: found %d page %v",
						stage, qs, page.page, page.per, n, ids(win), wantN, ids(wantWin))
				}
			}
		}
	}
	check("as generated")
	s.Archive(300)
	s.Publish(200)
	check("after archiving 300 and publishing 200")
}

// walk is scan without any index: every vacancy through match, newest
// first, then the query's order.
func (s *Server) walk(q *query, lo, hi int) (int, []*vacancy) {
	var all []*vacancy
	for i := len(s.vacs) - 1; i >= 0; i-- {
		if v := s.vacs[i]; s.match(v, q) {
			all = append(all, v)
		}
	}
	if q.order == "salary_desc" {
		slices.SortStableFunc(all, func(a, b *vacancy) int {
			x, y := salaryKey(a), salaryKey(b)
			switch {
			case x > y:
				return -1
			case x < y:
				return 1
			}
			return 0
		})
	}
	if lo >= len(all) {
		return len(all), nil
	}
	return len(all), all[lo:min(hi, len(all))]
}

func ids(vs []*vacancy) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.ids
	}
	return out
}

// The remembered cluster counts — the start-up pass over every area and
// the counts kept after a walk — are the walk's, and a change of the data
// forgets them.
func TestClusterMemo(t *testing.T) {
	defer func(m int) { memoMin = m }(memoMin)
	memoMin = 100
	e := newEnv(t, Config{Vacancies: 3000, NoHardCells: true})
	s := e.s
	compare := func(stage string) {
		t.Helper()
		s.mu.RLock()
		defer s.mu.RUnlock()
		n := 0
		for a, l := range s.byArea {
			if len(l) < memoMin {
				continue
			}
			q := &query{areas: []*areaNode{a}, salary: -1}
			got := s.countClusters(q) // from the memo where it holds one
			want, _ := s.walkClusters(q)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: area %s: remembered %+v, counted %+v", stage, a.ID, got, want)
			}
			n++
		}
		if n < 3 {
			t.Fatalf("%s: only %d areas over %d vacancies", stage, n, memoMin)
		}
	}
	s.mu.RLock()
	warm := len(s.memo.m)
	s.mu.RUnlock()
	if warm < 3 {
		t.Fatalf("start-up pass remembered %d areas", warm)
	}
	compare("after start-up")
	s.Change(300) // salaries: the salary group must be counted again
	compare("after changing 300")
	s.Archive(300)
	s.Publish(300)
	compare("after archiving and publishing 300")
}
