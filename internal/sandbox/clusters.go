package sandbox

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Clusters (REFERENCE §6.4): with clusters=true a search answer carries
// counts of the whole matching set — not just the page — per area, role,
// experience, employment, schedule and salary, as hh.ru sends them.

type clusterItemJSON struct {
	Name  string `json:"name"`
	URL   string `json:"url"`
	Count int    `json:"count"`
}

type clusterJSON struct {
	ID    string            `json:"id"`
	Name  string            `json:"name"`
	Items []clusterItemJSON `json:"items"`
}

// salarySteps are the "from X roubles" levels of the salary group.
var salarySteps = []int{30000, 60000, 100000, 150000, 200000, 300000}

// clusterCounts are the raw counts of one matching set.
type clusterCounts struct {
	area, role, exp, employment, schedule map[string]int
	withSalary                            int
	salaryFrom                            []int // per salarySteps
}

func newClusterCounts() clusterCounts {
	return clusterCounts{area: map[string]int{}, role: map[string]int{}, exp: map[string]int{},
		employment: map[string]int{}, schedule: map[string]int{}, salaryFrom: make([]int, len(salarySteps))}
}

// add counts v in every group but area.
func (c *clusterCounts) add(v *vacancy) {
	for _, r := range v.roles {
		c.role[r]++
	}
	c.exp[v.exp]++
	c.employment[v.employment]++
	c.schedule[v.schedule]++
	if v.sal != nil {
		c.withSalary++
		for i, st := range salarySteps {
			if salaryFromMatches(v.sal, float64(st)) {
				c.salaryFrom[i]++
			}
		}
	}
}

// clusterMemo keeps the counts of large matching sets of the planner's
// kind (areas, roles and a time window only) until the data changes:
// counting a country's million vacancies takes most of a second, and a
// dry run, the run and every sync ask for it again. One pass at start-up
// (warmClusters) fills it for every area alone.
type clusterMemo struct {
	mu  sync.Mutex
	ver uint64
	m   map[string]clusterCounts
}

// memoMin is the smallest matching set worth remembering (a smaller one is
// counted in a few milliseconds); a variable for the tests.
var memoMin = 20_000

// memoKey is the canonical form of an index-only query, "" for any other.
func memoKey(q *query) string {
	if r := *q; true {
		r.areas, r.roles, r.from, r.to = nil, nil, 0, 0
		if r.filtered() {
			return ""
		}
	}
	ids := make([]string, 0, len(q.areas))
	for _, a := range q.areas {
		ids = append(ids, a.ID)
	}
	slices.Sort(ids)
	roles := slices.Sorted(slices.Values(q.roles))
	return strings.Join(ids, ",") + "|" + strings.Join(roles, ",") + "|" + strconv.FormatInt(q.from, 10) + "|" + strconv.FormatInt(q.to, 10)
}

func (s *Server) memoGet(key string) (clusterCounts, bool) {
	s.memo.mu.Lock()
	defer s.memo.mu.Unlock()
	if s.memo.ver != s.ver {
		s.memo.ver, s.memo.m = s.ver, nil
	}
	c, ok := s.memo.m[key]
	return c, ok
}

func (s *Server) memoPut(key string, c clusterCounts) {
	s.memo.mu.Lock()
	defer s.memo.mu.Unlock()
	if s.memo.ver != s.ver {
		s.memo.ver, s.memo.m = s.ver, nil
	}
	if s.memo.m == nil {
		s.memo.m = map[string]clusterCounts{}
	}
	s.memo.m[key] = c
}

// warmClusters counts, in one pass over the open vacancies, the clusters
// of every area alone whose subtree holds at least memoMin of them.
// Callers hold mu.
func (s *Server) warmClusters() {
	big := map[*areaNode]*clusterCounts{}
	for a, l := range s.byArea {
		if len(l) >= memoMin {
			c := newClusterCounts()
			big[a] = &c
		}
	}
	if len(big) == 0 {
		return
	}
	for _, v := range s.rel {
		var child *areaNode // the node one level below a on v's path
		for a := v.area; a != nil; child, a = a, a.parent {
			c := big[a]
			if c == nil {
				continue
			}
			if child != nil {
				c.area[child.ID]++
			}
			c.add(v)
		}
	}
	for a, c := range big {
		s.memoPut(memoKey(&query{areas: []*areaNode{a}, salary: -1}), *c)
	}
}

// countClusters walks the whole matching set of q. An area counts a
// vacancy of its subtree; one attached to a filter area itself is counted
// by no child, so the area group can sum to less than found, as on hh.ru.
// Callers hold mu (read).
func (s *Server) countClusters(q *query) clusterCounts {
	key := memoKey(q)
	if key != "" {
		if c, ok := s.memoGet(key); ok {
			return c
		}
	}
	c, n := s.walkClusters(q)
	if key != "" && n >= memoMin {
		s.memoPut(key, c)
	}
	return c
}

// walkClusters counts the clusters of q's n matching vacancies one by one.
func (s *Server) walkClusters(q *query) (c clusterCounts, n int) {
	c = newClusterCounts()
	filterAreas := map[*areaNode]bool{}
	for _, a := range q.areas {
		filterAreas[a] = true
	}
	s.eachDesc(q, func(v *vacancy) bool {
		n++
		if a := areaChild(v.area, filterAreas); a != nil {
			c.area[a.ID]++
		}
		c.add(v)
		return true
	})
	return c, n
}

// areaChild is the area one level below the filter area that holds a
// (the country when there is no area filter), or nil when a is attached to a
// filter area itself.
func areaChild(a *areaNode, filter map[*areaNode]bool) *areaNode {
	if len(filter) == 0 {
		for a.parent != nil {
			a = a.parent
		}
		return a
	}
	for n := a; n.parent != nil; n = n.parent {
		if filter[n.parent] {
			return n
		}
	}
	return nil
}

// salaryFromMatches is the salary filter of match for a vacancy with a salary.
func salaryFromMatches(sa *salaryInfo, want float64) bool {
	if sa.from != nil && sa.minRUR > want+0.5 {
		return false
	}
	if sa.to != nil && sa.maxRUR < want-0.5 {
		return false
	}
	return true
}

// clusters builds the clusters array of q's answer; raw is the request's
// query, from which each item's url is derived. Callers hold mu (read).
func (s *Server) clusters(q *query, raw url.Values) []clusterJSON {
	c := s.countClusters(q)
	base := url.Values{}
	for k, v := range raw {
		if k != "page" && k != "per_page" {
			base[k] = v
		}
	}
	base.Set("clusters", "true")
	link := func(set map[string]string) string {
		u := url.Values{}
		for k, v := range base {
			u[k] = v
		}
		for k, v := range set {
			u.Set(k, v)
		}
		return apiBase + "/vacancies?" + u.Encode()
	}
	group := func(id, name, param string, counts map[string]int, nameOf func(string) string) clusterJSON {
		g := clusterJSON{ID: id, Name: name}
		for v, n := range counts {
			if n > 0 {
				g.Items = append(g.Items, clusterItemJSON{Name: nameOf(v), URL: link(map[string]string{param: v}), Count: n})
			}
		}
		slices.SortFunc(g.Items, func(a, b clusterItemJSON) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			if a.URL < b.URL {
				return -1
			}
			return 1
		})
		return g
	}
	dict := func(d string) func(string) string { return func(id string) string { return s.ref.dictName(d, id) } }
	var out []clusterJSON
	out = append(out,
		group("area", "Регион", "area", c.area, func(id string) string { return s.ref.areas[id].Name }),
		group("professional_role", "Профессиональная роль", "professional_role", c.role, func(id string) string { return s.ref.roles[id] }),
		group("experience", "Опыт работы", "experience", c.exp, dict("experience")),
		group("employment", "Тип занятости", "employment", c.employment, dict("employment")),
		group("schedule", "График работы", "schedule", c.schedule, dict("schedule")))
	sal := clusterJSON{ID: "salary", Name: "Уровень дохода"}
	if c.withSalary > 0 {
		sal.Items = append(sal.Items, clusterItemJSON{Name: "Указан", URL: link(map[string]string{"only_with_salary": "true"}), Count: c.withSalary})
	}
	for i, st := range salarySteps {
		if c.salaryFrom[i] > 0 {
			sal.Items = append(sal.Items, clusterItemJSON{Name: "от " + strconv.Itoa(st) + " руб.",
				URL: link(map[string]string{"salary": strconv.Itoa(st), "only_with_salary": "true"}), Count: c.salaryFrom[i]})
		}
	}
	out = append(out, sal)
	// Empty groups are left out; a configured limit keeps each group's
	// largest items (hh.ru's own limit is not documented).
	out = slices.DeleteFunc(out, func(g clusterJSON) bool { return len(g.Items) == 0 })
	if n := s.cfg.ClusterItems; n > 0 {
		for i := range out {
			if len(out[i].Items) > n {
				slices.SortStableFunc(out[i].Items, func(a, b clusterItemJSON) int { return b.Count - a.Count })
				out[i].Items = out[i].Items[:n]
			}
		}
	}
	return out
}

// clustersJSON is the value of the answer's "clusters" key.
func (s *Server) clustersJSON(q *query, raw url.Values) []byte {
	if raw.Get("clusters") != "true" || s.cfg.NoClusters {
		return []byte("null")
	}
	b, err := marshalNoEscape(s.clusters(q, raw))
	if err != nil {
		panic(err)
	}
	return b
}
