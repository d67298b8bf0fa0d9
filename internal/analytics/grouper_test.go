package analytics

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/synth"
)

// TestDimKeys: keys are the keys of values, in the same order, whatever
// the vacancy lacks.
func TestDimKeys(t *testing.T) {
	ds := dimSource{NewAreaIndex(synth.Areas)}
	vs := []store.Vacancy{
		{},
		{AreaID: "no-such-area", AreaName: "Где-то"},
		{Roles: []store.IDName{{ID: "1"}, {ID: "1"}}, WorkFormat: []string{"REMOTE", "X"}, EmployerID: "7"},
	}
	for i := range 300 {
		v, _ := synth.Vacancy(i, 300, 5)
		vs = append(vs, v)
	}
	for i := range vs {
		for _, d := range Dims {
			var want []string
			for _, x := range ds.values(d, &vs[i], nil) {
				want = append(want, x.key)
			}
			if got := ds.keys(d, &vs[i], nil); !slices.Equal(got, want) {
				t.Errorf("vacancy %d, %s: keys %q, values' keys %q", i, d, got, want)
			}
		}
	}
}

// TestDictIDs: ids follow the order of first appearance, before and after
// the dictionary grows past dictScan and gets its map.
func TestDictIDs(t *testing.T) {
	var d dict
	var keys []string
	for i := range 3 * dictScan {
		keys = append(keys, fmt.Sprint("k", i))
	}
	for round := range 2 {
		for i, k := range keys {
			if id := d.id(k); id != int32(i) {
				t.Fatalf("round %d: id(%q) = %d, want %d", round, k, id, i)
			}
		}
	}
}

func TestPack(t *testing.T) {
	for _, c := range []struct {
		combo []int32
		want  uint64
		ok    bool
	}{
		{[]int32{7}, 0, false}, // one dimension: a slice, not a packed key
		{[]int32{1, 2}, 1<<32 | 2, true},
		{[]int32{1<<31 - 1, 0}, (1<<31 - 1) << 32, true},
		{[]int32{1, 2, 3}, 1<<42 | 2<<21 | 3, true},
		{[]int32{1 << 21, 0, 0}, 0, false}, // does not fit in 21 bits
		{[]int32{1, 1, 1, 1, 1, 1, 1, 1}, 0x0101010101010101, true},
		{make([]int32, 9), 0, false},
	} {
		k, ok := pack(c.combo)
		if k != c.want || ok != c.ok {
			t.Errorf("pack(%v) = %#x, %v; want %#x, %v", c.combo, k, ok, c.want, c.ok)
		}
	}
}

// TestGrouper: a vacancy counts in every combination of its values, labels
// are the first vacancy's, and a grouper merged from shards (ids of its own,
// combinations that do not pack) holds the same groups as one pass.
func TestGrouper(t *testing.T) {
	env := &Env{Areas: NewAreaIndex(nil)}
	env.dims = dimSource{env.Areas}
	role := func(id, name string) store.IDName { return store.IDName{ID: id, Name: name} }
	vs := []store.Vacancy{
		{Roles: []store.IDName{role("1", "HR"), role("2", "Рекрутер")}, ExperienceID: "noExperience", WorkFormat: []string{"REMOTE", "HYBRID"}},
		{Roles: []store.IDName{role("1", "HR-менеджер")}, ExperienceID: "noExperience"},
		{ExperienceID: "moreThan6", WorkFormat: []string{"REMOTE"}},
		{Roles: []store.IDName{role("2", "")}, ExperienceID: "moreThan6"},
	}
	tuples := [][]Dim{{DimRole}, {DimRole, DimExperience}, {DimExperience, DimRole, DimWorkFormat}}
	idx := func() [][]int {
		var out [][]int
		for _, d := range tuples {
			out = append(out, dimIndexes(d))
		}
		return out
	}
	feed := func(g *grouper, vs []store.Vacancy) {
		for i := range vs {
			g.observe(&Seen{V: &vs[i], env: env, Salary: Salary{Flags: FlagNoSalary}})
		}
	}
	type group struct {
		key, label string
		n          int
	}
	groups := func(g *grouper, t int) []group {
		var out []group
		for _, s := range g.finish(t) {
			out = append(out, group{fmt.Sprint(s.Key), fmt.Sprint(s.Label), s.Vacancies})
		}
		return out
	}
	want := [][]group{
		{{"[1]", "[HR]", 2}, {"[2]", "[Рекрутер]", 2}, {"[]", "[не указано]", 1}},
		{{"[1 noExperience]", "[HR Нет опыта]", 2}, {"[2 noExperience]", "[Рекрутер Нет опыта]", 1}, {"[2 moreThan6]", "[2 Более 6 лет]", 1}, {"[ moreThan6]", "[не указано Более 6 лет]", 1}},
		{{"[noExperience 1 REMOTE]", "[Нет опыта HR Удалённо]", 1}, {"[noExperience 1 HYBRID]", "[Нет опыта HR Гибрид]", 1}, {"[noExperience 1 ]", "[Нет опыта HR-менеджер не указано]", 1},
			{"[noExperience 2 REMOTE]", "[Нет опыта Рекрутер Удалённо]", 1}, {"[noExperience 2 HYBRID]", "[Нет опыта Рекрутер Гибрид]", 1}, {"[moreThan6  REMOTE]", "[Более 6 лет не указано Удалённо]", 1},
			{"[moreThan6 2 ]", "[Более 6 лет 2 не указано]", 1}},
	}
	one := newGrouper(idx())
	feed(one, vs)
	// Two shards with ids of their own; the second numbers its roles from
	// 2²¹ on, so its combinations of three do not pack (as with millions of
	// values) and go to the map by bytes.
	a, b := newGrouper(idx()), newGrouper(idx())
	feed(a, vs[:2])
	b.dicts[dimIndexes([]Dim{DimRole})[0]] = dict{keys: make([]string, 1<<21), ids: map[string]int32{}}
	feed(b, vs[2:])
	if len(b.tuples[2].byKey) == 0 {
		t.Fatal("the second shard packed every combination of three")
	}
	a.merge(b)
	byKey := func(x, y group) int { return strings.Compare(x.key, y.key) }
	for t2 := range tuples {
		w := slices.SortedFunc(slices.Values(want[t2]), byKey)
		for name, g := range map[string]*grouper{"one pass": one, "merged": a} {
			if got := slices.SortedFunc(slices.Values(groups(g, t2)), byKey); !slices.Equal(got, w) {
				t.Errorf("%s, %v: %v, want %v", name, tuples[t2], got, w)
			}
		}
	}
}
