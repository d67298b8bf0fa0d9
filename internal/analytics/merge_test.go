package analytics_test

import (
	"context"
	"path/filepath"
	"reflect"
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
		i := 0
		if err := db.EachVacancy(ctx, env.Filter, func(v store.Vacancy) error {
			one.Observe(&v, nil)
			shards[i*len(shards)/n].Observe(&v, nil)
			i++
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for _, s := range shards[1:] {
			shards[0].Merge(s)
		}
		want, got := one.Finish(), shards[0].Finish()
		if want.Total.Vacancies != n {
			t.Fatalf("%d vacancies", want.Total.Vacancies)
		}
		for _, f := range []string{"Total", "Mix", "Groupings", "Skills", "Employers", "Weekly", "Monthly", "Lifetime", "Quality", "Postings", "SalaryHistogram", "RegionExperience"} {
			w, g := reflect.ValueOf(want).Elem().FieldByName(f).Interface(), reflect.ValueOf(got).Elem().FieldByName(f).Interface()
			if !reflect.DeepEqual(w, g) {
				t.Errorf("unique=%v groupsOnly=%v: %s differs after the merge", cfg.UniquePostings, cfg.GroupsOnly, f)
			}
		}
	}
}
