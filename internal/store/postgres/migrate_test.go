package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/fixture"
)

// Schema 4 (raw JSON in vacancy_raw, roles and skills as arrays) goes down
// to 3 and up again on a database with data, keeping every row and every
// field: search items only, full vacancies, vacancies without roles or
// skills, and one without raw JSON.
func TestMigrateNarrowVacancies(t *testing.T) {
	ctx := context.Background()
	db := openFresh(t)
	seen := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	var items, full []store.Vacancy
	for i := range 30 {
		items = append(items, fixture.Item(i, 400))
	}
	items[3].Roles = nil
	items[4].RawItem = nil
	for i := 10; i < 20; i++ {
		full = append(full, fixture.Full(i, 600))
	}
	full[2].KeySkills = nil
	q, err := db.SaveQuery(ctx, store.Query{Name: "q"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpsertSearchItems(ctx, q.ID, 0, items, seen); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveDetails(ctx, 0, full, seen.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	read := func(what string) []store.Vacancy {
		t.Helper()
		var out []store.Vacancy
		for _, v := range items {
			got, err := db.GetVacancy(ctx, v.ID)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			out = append(out, got)
		}
		return out
	}
	want := read("schema 4")
	if len(want[13].KeySkills) == 0 || want[12].KeySkills == nil || len(want[12].KeySkills) != 0 || want[0].KeySkills != nil ||
		want[3].Roles != nil || want[4].RawItem != nil {
		t.Fatalf("fixture: skills %#v / %#v / %#v, roles %#v, raw %s", want[13].KeySkills, want[12].KeySkills, want[0].KeySkills,
			want[3].Roles, want[4].RawItem)
	}
	sqldb := stdlib.OpenDBFromPool(db.pool)
	defer sqldb.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, sqldb, mustSub(t), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 3); err != nil {
		t.Fatalf("down to 3: %v", err)
	}
	// Schema 3 again: raw JSON back in vacancies, roles and skills in their tables.
	var n, raw, roles, skills int
	if err := db.pool.QueryRow(ctx, `SELECT count(*), count(raw_item) + count(raw_full),
		(SELECT count(*) FROM vacancy_roles), (SELECT count(*) FROM vacancy_skills) FROM vacancies`).Scan(&n, &raw, &roles, &skills); err != nil {
		t.Fatal(err)
	}
	var wantRaw, wantRoles, wantSkills int
	for _, v := range want {
		wantRoles += len(v.Roles)
		wantSkills += len(v.KeySkills)
		for _, r := range [][]byte{v.RawItem, v.RawFull} {
			if r != nil {
				wantRaw++
			}
		}
	}
	if n != len(items) || raw != wantRaw || roles != wantRoles || skills != wantSkills {
		t.Errorf("schema 3: %d rows, %d raw, %d roles, %d skills; want %d, %d, %d, %d",
			n, raw, roles, skills, len(items), wantRaw, wantRoles, wantSkills)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if d := cmp.Diff(want, read("schema 4 again")); d != "" {
		t.Errorf("after 4 → 3 → 4 (-want +got):\n%s", d)
	}
	// The walk reads the migrated arrays as GetVacancy does.
	var walked []store.Vacancy
	if err := db.EachVacancy(ctx, store.Filter{Raw: true}, func(v store.Vacancy) error {
		walked = append(walked, v)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, walked); d != "" {
		t.Errorf("walk after migration (-GetVacancy +EachVacancy):\n%s", d)
	}
}
