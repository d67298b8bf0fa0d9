package analytics

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/hhjobs/hhjobs/internal/analytics/analyticstest"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

// seenOf fills a store with n generated vacancies and returns them as the
// sections see them (salaries normalised), with the Env they were made for.
func seenOf(b *testing.B, n int) (*Env, []Seen) {
	b.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := analyticstest.Fill(ctx, db, n, 7); err != nil {
		b.Fatal(err)
	}
	env, err := NewEnv(ctx, db, Config{Now: analyticstest.End})
	if err != nil {
		b.Fatal(err)
	}
	var seen []Seen
	if err := db.EachVacancy(ctx, env.Filter, func(v store.Vacancy) error {
		o := Seen{V: &v, Open: v.ClosedAt == nil, env: env, Salary: NormaliseRoster(v, nil, env.Rates, env.Options)}
		if env.copies[v.ID] {
			o.Salary.Flags |= FlagCopy
		}
		seen = append(seen, o)
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	return env, seen
}

// BenchmarkSkillsSection times the skills section alone: its walk (observe)
// and its report with the premiums (finish), over generated vacancies.
func BenchmarkSkillsSection(b *testing.B) {
	env, seen := seenOf(b, 20_000)
	observe := func() *skillsSection {
		s := newSkillsSection(env).(*skillsSection)
		for i := range seen {
			s.Observe(&seen[i])
		}
		return s
	}
	b.Run("observe", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			observe()
		}
	})
	b.Run("finish", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			s := observe()
			b.StartTimer()
			s.Finish(&Result{})
		}
	})
}
