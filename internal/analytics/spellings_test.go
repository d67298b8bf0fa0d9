package analytics

import (
	"context"
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
