package analytics

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
)

// skillPairStore serves the key skills through EachSkill only (the walk
// carries none), the other path of Compute.
type skillPairStore struct {
	*fakeStore
	pairs [][2]string
}

func (s *skillPairStore) EachSkill(_ context.Context, _ store.Filter, fn func(id, skill string) error) error {
	for _, p := range s.pairs {
		if err := fn(p[0], p[1]); err != nil {
			return err
		}
	}
	return nil
}

// A spelling's count is the number of vacancies that list it: a vacancy
// listing «MS Excel» and «Excel» counts for both spellings and once for the
// skill (the report's tooltip showed only the first spelling of each).
func TestSkillSpellingsCountEveryListing(t *testing.T) {
	pub := time.Date(2025, 6, 2, 10, 0, 0, 0, MSK)
	listings := map[string][]string{
		"1": {"MS Excel", "Excel"},
		"2": {"MS Excel"},
		"3": {"Excel", "excel"},
		"4": {"Excel", "Excel"}, // one spelling twice: once
		"5": {"Microsoft Excel", "1С"},
	}
	var vs []store.Vacancy
	var pairs [][2]string
	for _, id := range []string{"1", "2", "3", "4", "5"} {
		v := store.Vacancy{ID: id, PublishedAt: pub, FirstSeenAt: pub, LastSeenAt: pub, DetailFetchedAt: &pub, KeySkills: listings[id]}
		vs = append(vs, v)
		for _, s := range listings[id] {
			pairs = append(pairs, [2]string{id, s})
		}
	}
	withSkills := &fakeStore{vs: vs}
	var bare []store.Vacancy
	for _, v := range vs {
		v.KeySkills = nil
		bare = append(bare, v)
	}
	cases := []struct {
		name string
		st   store.Store
	}{
		{"key skills in the walk", withSkills},
		{"key skills from EachSkill", &skillPairStore{fakeStore: &fakeStore{vs: bare}, pairs: pairs}},
	}
	want := map[string]int{"MS Excel": 2, "Excel": 3, "excel": 1, "Microsoft Excel": 1}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := Compute(context.Background(), c.st, Config{Now: pub.Add(24 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			var excel *SkillStat
			for i := range res.Skills.Top {
				if res.Skills.Top[i].Key == "excel" {
					excel = &res.Skills.Top[i]
				}
			}
			if excel == nil || excel.Vacancies != 5 {
				t.Fatalf("excel: %+v, want 5 vacancies", excel)
			}
			if len(excel.Spellings) != len(want) {
				t.Errorf("spellings %v, want %v", excel.Spellings, want)
			}
			for sp, n := range want {
				if excel.Spellings[sp] != n {
					t.Errorf("«%s» counted %d, want %d (all: %v)", sp, excel.Spellings[sp], n, excel.Spellings)
				}
			}
		})
	}
}

// A skill keeps the first maxSpellings spellings the walk counts; later new
// ones are not counted, the kept ones are counted to the end, and spellings
// that differ only by surrounding spaces are one.
func TestSkillSpellingsCap(t *testing.T) {
	// excel(i) is a spelling of «excel» (case and a trailing dot fold away).
	excel := func(i int) string {
		b := []byte("excel")
		for j := range b {
			if i&(1<<j) != 0 {
				b[j] -= 'a' - 'A'
			}
		}
		return string(b) + strings.Repeat(".", i>>5)
	}
	var many, spaced, mixed [][]string
	for i := range 2 * maxSpellings {
		many = append(many, []string{excel(i)})
		spaced = append(spaced, []string{" " + excel(i%(maxSpellings+4)) + " ", excel(i % (maxSpellings + 4))})
		mixed = append(mixed, []string{excel(3 * i % 40), "SQL", excel(i), "sql", excel(3 * i % 40)})
	}
	cases := []struct {
		name     string
		listings [][]string
	}{
		{"one vacancy, many spellings", [][]string{many[0], many[1], append(slices.Concat(many...), excel(0), excel(40))}},
		{"one spelling per vacancy", append(many, many...)},
		{"spaces around a spelling", spaced},
		{"two skills, repeats", mixed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pub := time.Date(2025, 6, 2, 10, 0, 0, 0, MSK)
			var vs []store.Vacancy
			want := map[string]int{} // countSpelling's rule, once per vacancy
			for i, l := range c.listings {
				vs = append(vs, store.Vacancy{ID: fmt.Sprint(i + 1), PublishedAt: pub, FirstSeenAt: pub, LastSeenAt: pub, DetailFetchedAt: &pub, KeySkills: l})
				seen := map[string]bool{}
				for _, raw := range l {
					sp := strings.TrimSpace(raw)
					if k, _ := SkillKey(sp); k != "excel" || seen[sp] {
						continue
					}
					seen[sp] = true
					if _, ok := want[sp]; ok || len(want) < maxSpellings {
						want[sp]++
					}
				}
			}
			res, err := Compute(context.Background(), &fakeStore{vs: vs}, Config{Now: pub.Add(24 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(res.Skills.Top, func(s SkillStat) bool { return s.Key == "excel" })
			if i < 0 {
				t.Fatal("no excel")
			}
			if got := res.Skills.Top[i].Spellings; !maps.Equal(got, want) {
				t.Errorf("spellings %v, want %v", got, want)
			}
		})
	}
}
