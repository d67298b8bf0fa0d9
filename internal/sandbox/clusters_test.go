package sandbox

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"testing"
)

type clustersAnswer struct {
	Found    int               `json:"found"`
	Items    []json.RawMessage `json:"items"`
	Clusters []clusterJSON     `json:"clusters"`
}

func (e *env) clusters(t *testing.T, q string) clustersAnswer {
	t.Helper()
	r := e.get("/vacancies?" + q)
	if r.code != 200 {
		t.Fatalf("%s: %d %s", q, r.code, r.body)
	}
	var a clustersAnswer
	if err := json.Unmarshal(r.body, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// bruteClusters counts the groups by walking the truth of q vacancy by
// vacancy, independently of the server's counting code.
func bruteClusters(s *Server, q url.Values) (found int, groups map[string]map[string]int) {
	ids := s.Truth(q)
	groups = map[string]map[string]int{"area": {}, "professional_role": {}, "experience": {}, "employment": {}, "schedule": {}, "salary": {}}
	var filter []*areaNode
	for _, id := range q["area"] {
		filter = append(filter, s.ref.areas[id])
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, id := range ids {
		v := s.byID[id]
		// the area one level below a filter area (or the country)
		for n := v.area; n != nil; n = n.parent {
			if (len(filter) == 0 && n.parent == nil) || (n.parent != nil && slices.Contains(filter, n.parent)) {
				groups["area"][n.ID]++
				break
			}
		}
		for _, r := range v.roles {
			groups["professional_role"][r]++
		}
		groups["experience"][v.exp]++
		groups["employment"][v.employment]++
		groups["schedule"][v.schedule]++
		if v.sal != nil {
			groups["salary"]["only"]++
			for _, st := range salarySteps {
				if (v.sal.from == nil || v.sal.minRUR <= float64(st)+0.5) && (v.sal.to == nil || v.sal.maxRUR >= float64(st)-0.5) {
					groups["salary"][strconv.Itoa(st)]++
				}
			}
		}
	}
	return len(ids), groups
}

// itemKey reads the value an item's url selects within its group.
func itemKey(t *testing.T, group, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if group == "salary" {
		if s := u.Query().Get("salary"); s != "" {
			return s
		}
		return "only"
	}
	return u.Query().Get(group)
}

func TestClustersMatchBruteForce(t *testing.T) {
	e := newEnv(t, Config{})
	for _, q := range []string{
		"",
		"area=113",
		"area=113&professional_role=118",
		"area=1",
		"area=2019&experience=between1And3",
		"professional_role=96&professional_role=124&schedule=fullDay",
		"text=менеджер&area=113",
	} {
		t.Run(q, func(t *testing.T) {
			vals, _ := url.ParseQuery(q)
			found, want := bruteClusters(e.s, vals)
			a := e.clusters(t, q+"&clusters=true&per_page=0")
			if a.Found != found {
				t.Fatalf("found %d, truth %d", a.Found, found)
			}
			if len(a.Items) != 0 {
				t.Fatalf("per_page=0 gave %d items", len(a.Items))
			}
			got := map[string]map[string]int{}
			for _, g := range a.Clusters {
				got[g.ID] = map[string]int{}
				for i, it := range g.Items {
					if it.Count <= 0 {
						t.Errorf("%s: empty item %+v", g.ID, it)
					}
					if g.ID != "salary" && i > 0 && it.Count > g.Items[i-1].Count {
						t.Errorf("%s: items not in descending count order", g.ID)
					}
					got[g.ID][itemKey(t, g.ID, it.URL)] = it.Count
				}
			}
			for id, w := range want {
				if len(w) == 0 {
					if _, ok := got[id]; ok {
						t.Errorf("%s: group present with no vacancies", id)
					}
					continue
				}
				for k, n := range w {
					if got[id][k] != n {
						t.Errorf("%s=%s: %d, brute force %d", id, k, got[id][k], n)
					}
				}
				if len(got[id]) != len(w) {
					t.Errorf("%s: %d items, brute force %d", id, len(got[id]), len(w))
				}
			}
			// An area item's url selects exactly its count; the group may sum
			// to less than found (vacancies attached to the filter area).
			sum := 0
			for _, g := range a.Clusters {
				if g.ID != "area" {
					continue
				}
				for _, it := range g.Items {
					sum += it.Count
					u, _ := url.Parse(it.URL)
					if n := len(e.s.Truth(u.Query())); n != it.Count {
						t.Errorf("area item %s: url selects %d, count %d", it.URL, n, it.Count)
					}
				}
			}
			if sum > found {
				t.Errorf("area items sum to %d > found %d", sum, found)
			}
		})
	}
}

func TestClustersOnlyWhenAskedAndWithPage(t *testing.T) {
	e := newEnv(t, Config{})
	r := e.get("/vacancies?area=113&per_page=5")
	var m map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatal(err)
	}
	if string(m["clusters"]) != "null" {
		t.Fatalf("clusters without clusters=true: %s", m["clusters"])
	}
	a := e.clusters(t, "area=113&per_page=5&clusters=true")
	if len(a.Items) != 5 || len(a.Clusters) == 0 {
		t.Fatalf("items %d, clusters %d", len(a.Items), len(a.Clusters))
	}
}

func TestClusterItemsTruncates(t *testing.T) {
	full := newEnv(t, Config{})
	cut := newEnv(t, Config{ClusterItems: 3})
	a := full.clusters(t, "area=113&clusters=true&per_page=0")
	b := cut.clusters(t, "area=113&clusters=true&per_page=0")
	if len(a.Clusters) != len(b.Clusters) {
		t.Fatalf("groups %d vs %d", len(a.Clusters), len(b.Clusters))
	}
	for i, g := range b.Clusters {
		if len(g.Items) > 3 {
			t.Errorf("%s: %d items over the limit 3", g.ID, len(g.Items))
		}
		// the kept items are the largest of the full list
		counts := []int{}
		for _, it := range a.Clusters[i].Items {
			counts = append(counts, it.Count)
		}
		slices.Sort(counts)
		slices.Reverse(counts)
		for j, it := range g.Items {
			if it.Count != counts[j] {
				t.Errorf("%s item %d: count %d, want the %d-th largest %d", g.ID, j, it.Count, j+1, counts[j])
			}
		}
	}
}
