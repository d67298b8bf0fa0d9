package analytics_test

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/analytics/analyticstest"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

// TestShardedSectionsMerge feeds the same vacancies once to one Sections
// and once split over three (as a parallel feeder would) merged in order:
// every section must come out the same.
func TestShardedSectionsMerge(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const n = 3000
	if err := analyticstest.Fill(ctx, db, n, 3); err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []analytics.Config{
		{Now: analyticstest.End},
		{Now: analyticstest.End, UniquePostings: true, Options: analytics.Options{Net: true}},
		{Now: analyticstest.End, GroupsOnly: true, Groupings: [][]analytics.Dim{{analytics.DimRole, analytics.DimExperience}}},
	} {
		env, err := analytics.NewEnv(ctx, db, cfg)
		if err != nil {
			t.Fatal(err)
		}
		one := analytics.NewSections(env)
		shards := []*analytics.Sections{analytics.NewSections(env), analytics.NewSections(env), analytics.NewSections(env)}
		// Excel spelt 32 ways, a few per shard, so that the merge must keep
		// the first 16 of the walk's order, not 16 of each shard.
		spelt := func(k int) string {
			sp := []byte("excel")
			for j := range sp {
				if k>>j&1 == 1 {
					sp[j] -= 'a' - 'A'
				}
			}
			return string(sp)
		}
		i, extra := 0, 0
		if err := db.EachVacancy(ctx, env.Filter, func(v store.Vacancy) error {
			one.Observe(&v, nil)
			shards[i*len(shards)/n].Observe(&v, nil)
			if i%90 == 0 && v.DetailFetchedAt != nil {
				x := v
				x.ID, x.KeySkills = v.ID+"-x", []string{spelt(extra % 32), "Excel"}
				one.Observe(&x, nil)
				shards[i*len(shards)/n].Observe(&x, nil)
				extra++
			}
			i++
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for _, s := range shards[1:] {
			shards[0].Merge(s)
		}
		want, got := one.Finish(), shards[0].Finish()
		if want.Total.Vacancies != n+extra {
			t.Fatalf("%d vacancies", want.Total.Vacancies)
		}
		if !cfg.GroupsOnly && !slices.ContainsFunc(want.Skills.Top, func(s analytics.SkillStat) bool { return len(s.Spellings) == analytics.MaxSpellings }) {
			t.Errorf("no skill with %d spellings: the merge of spellings is not tested", analytics.MaxSpellings)
		}
		for _, f := range []string{"Total", "Mix", "Groupings", "Skills", "Employers", "Weekly", "Monthly", "Lifetime", "Quality", "Postings", "SalaryHistogram", "RegionExperience"} {
			w, g := reflect.ValueOf(want).Elem().FieldByName(f).Interface(), reflect.ValueOf(got).Elem().FieldByName(f).Interface()
			if !reflect.DeepEqual(w, g) {
				t.Errorf("unique=%v groupsOnly=%v: %s differs after the merge", cfg.UniquePostings, cfg.GroupsOnly, f)
			}
		}
	}
}
