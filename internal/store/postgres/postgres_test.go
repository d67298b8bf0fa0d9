package postgres

import (
	"context"
	"errors"
	"io/fs"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/fixture"
	"github.com/hhjobs/hhjobs/internal/store/postgres/pgtest"
	"github.com/hhjobs/hhjobs/internal/store/storetest"
)

func openFresh(tb testing.TB) *DB {
	tb.Helper()
	dsn, _ := pgtest.FreshSchema(tb)
	db, err := Open(context.Background(), dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}

func TestStore(t *testing.T) {
	pgtest.DSN(t)
	storetest.Run(t, func(t *testing.T) store.Store { return openFresh(t) })
}

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) store.Store { return openFresh(b) })
}

func TestRedact(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"postgres://bob:s3cret@db.example:5432/hh?sslmode=disable", "postgres://bob:xxxxx@db.example:5432/hh?sslmode=disable"},
		{"postgresql://bob:p%40ss%2Fw0rd@db/hh", "postgresql://bob:xxxxx@db/hh"},
		{"postgres://bob@db/hh", "postgres://bob@db/hh"},
		{"postgres://db/hh?user=bob&password=s3cret", "postgres://db/hh?password=xxxxx&user=bob"},
		{"postgres://bob:s3cret@db:notaport/hh", "postgres://bob:xxxxx@db:notaport/hh"},
		{"postgres://bob:s3c@ret@db/hh", "postgres://bob:xxxxx@db/hh"},
		{"host=db user=bob password=s3cret dbname=hh", "host=db user=bob password=xxxxx dbname=hh"},
		{"host=db password = 's3 cr\\'et' dbname=hh", "host=db password = xxxxx dbname=hh"},
		{"host=db PASSWORD=s3cret", "host=db PASSWORD=xxxxx"},
		{"host=db dbname=hh", "host=db dbname=hh"},
	} {
		got := Redact(tt.in)
		if got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if strings.Contains(got, "s3c") || strings.Contains(got, "p%40ss") {
			t.Errorf("Redact(%q) = %q leaks the password", tt.in, got)
		}
	}
}

// Bad DSNs and unreachable servers give one line without the password.
func TestOpenBadInputs(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name, dsn, want string
		server          bool // needs HHJOBS_TEST_POSTGRES
	}{
		{"unreachable", "postgres://bob:s3cretpw@127.0.0.1:1/hh?sslmode=disable&connect_timeout=2", "cannot reach the server at 127.0.0.1:1", false},
		{"bad port in URL", "postgres://bob:s3cretpw@127.0.0.1:notaport/hh", "invalid PostgreSQL DSN postgres://bob:xxxxx@", false},
		{"bad key=value", "host=127.0.0.1 password=s3cretpw port=xyz", "invalid PostgreSQL DSN host=127.0.0.1 password=xxxxx", false},
		{"unknown host", "postgres://bob:s3cretpw@no-such-host.invalid/hh?connect_timeout=2", "no-such-host.invalid", false},
		{"unknown database", "", `database "hhjobs_no_such_db" does not exist`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dsn := tt.dsn
			if tt.server {
				u, err := url.Parse(pgtest.DSN(t))
				if err != nil {
					t.Skip("HHJOBS_TEST_POSTGRES is not a URL")
				}
				u.User = url.UserPassword(u.User.Username(), "s3cretpw")
				u.Path = "/hhjobs_no_such_db"
				dsn = u.String()
			}
			db, err := Open(ctx, dsn)
			if err == nil {
				_ = db.Close()
				t.Fatal("Open succeeded")
			}
			msg := err.Error()
			t.Log(msg)
			if !strings.Contains(msg, tt.want) || strings.ContainsAny(msg, "\r\n") || strings.Contains(msg, "s3cretpw") {
				t.Errorf("error %q: want one line containing %q and no password", msg, tt.want)
			}
		})
	}
}

func TestSchemaTooNew(t *testing.T) {
	ctx := context.Background()
	dsn, _ := pgtest.FreshSchema(t)
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (99, TRUE)`); err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	_, err = Open(ctx, dsn)
	if !errors.Is(err, store.ErrSchemaTooNew) {
		t.Fatalf("Open: %v, want ErrSchemaTooNew", err)
	}
	if want := "database was created by a newer hhjobs (schema 99 > 4): upgrade hhjobs"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
}

// A failing migration leaves nothing half-applied, in a fresh schema or an existing one.
func TestFailedMigration(t *testing.T) {
	ctx := context.Background()
	badFS := fstest.MapFS{
		"00099_bad.sql": {Data: []byte("-- +goose Up\nCREATE TABLE extra (x INTEGER);\nSELECT no_such_function();\n")},
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range names {
		good, err := fs.ReadFile(migrations, path)
		if err != nil {
			t.Fatal(err)
		}
		badFS[strings.TrimPrefix(path, "migrations/")] = &fstest.MapFile{Data: good}
	}
	onlyBad := fstest.MapFS{
		"00001_bad.sql": {Data: []byte("-- +goose Up\nCREATE TABLE extra (x INTEGER);\nCREATE TABLE vacancies (id TEXT);\nSELECT no_such_function();\n")},
	}
	tables := func(t *testing.T, dsn, schema string) []string {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		rows, _ := conn.Query(ctx, `SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1 AND table_name <> 'goose_db_version' ORDER BY 1`, schema)
		names, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return names
	}

	dsn, schema := pgtest.FreshSchema(t)
	if _, err := open(ctx, dsn, onlyBad); err == nil || strings.ContainsAny(err.Error(), "\n") {
		t.Fatalf("open with a failing migration: %v, want one line", err)
	}
	if got := tables(t, dsn, schema); len(got) != 0 {
		t.Errorf("fresh schema after a failed migration has tables %v", got)
	}

	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	before := tables(t, dsn, schema)
	if _, err := open(ctx, dsn, badFS); err == nil {
		t.Fatal("open with a failing migration succeeded")
	}
	if after := tables(t, dsn, schema); strings.Join(after, ",") != strings.Join(before, ",") {
		t.Errorf("tables changed by a failed migration: %v -> %v", before, after)
	}
}

// The BI views resolve names.
func TestViews(t *testing.T) {
	ctx := context.Background()
	db := openFresh(t)
	if err := db.ReplaceAreas(ctx, []store.Area{{ID: "113", Name: "Россия"}, {ID: "1", ParentID: "113", Name: "Москва"}}); err != nil {
		t.Fatal(err)
	}
	v := fixture.Full(3, 100)
	if err := db.SaveDetails(ctx, 0, []store.Vacancy{v}, v.PublishedAt); err != nil {
		t.Fatal(err)
	}
	var area, region, parent, roles, formats string
	if err := db.pool.QueryRow(ctx, `SELECT area_name, region_name, parent_area_name, roles, work_formats FROM v_vacancies WHERE id = $1`, v.ID).
		Scan(&area, &region, &parent, &roles, &formats); err != nil {
		t.Fatal(err)
	}
	if area != "Москва" || region != "Москва" || parent != "Россия" || roles != v.Roles[0].Name || formats != "ON_SITE, HYBRID" {
		t.Errorf("v_vacancies row: %q %q %q %q %q", area, region, parent, roles, formats)
	}
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM v_vacancy_skills WHERE vacancy_id = $1`, v.ID).Scan(&n); err != nil || n != 5 {
		t.Errorf("v_vacancy_skills: %d rows (%v), want 5", n, err)
	}
}

// region_* of v_vacancies is the region of the exports and stats
// (analytics.AreaIndex.Region), for every shape of the tree; as in SQLite.
func TestViewRegions(t *testing.T) {
	ctx := context.Background()
	db := openFresh(t)
	if err := db.ReplaceAreas(ctx, fixture.RegionTree); err != nil {
		t.Fatal(err)
	}
	ix := analytics.NewAreaIndex(fixture.RegionTree)
	var vs []store.Vacancy
	for i, c := range fixture.RegionCases {
		v := fixture.Item(i, 0)
		v.AreaID, v.AreaName = c.AreaID, c.AreaName
		vs = append(vs, v)
		if got := ix.Region(c.AreaID); got != c.RegionID {
			t.Errorf("fixture disagrees with analytics: region of %s is %s, the case says %s", c.AreaID, got, c.RegionID)
		}
	}
	if err := db.SaveDetails(ctx, 0, vs, time.Now()); err != nil {
		t.Fatal(err)
	}
	for i, c := range fixture.RegionCases {
		var regionID, regionName, parentID, parentName *string
		if err := db.pool.QueryRow(ctx, `SELECT region_id, region_name, parent_area_id, parent_area_name FROM v_vacancies WHERE id = $1`, vs[i].ID).
			Scan(&regionID, &regionName, &parentID, &parentName); err != nil {
			t.Fatalf("area %s: %v", c.AreaID, err)
		}
		s := func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		}
		if s(regionID) != c.RegionID || s(regionName) != c.RegionName || s(parentID) != c.ParentID || s(parentName) != c.ParentName {
			t.Errorf("area %s: region %q %q, parent %q %q; want %q %q, %q %q", c.AreaID, s(regionID), s(regionName),
				s(parentID), s(parentName), c.RegionID, c.RegionName, c.ParentID, c.ParentName)
		}
	}
}

// A schema-1 database moves to the region views and back with every row.
func TestMigrateRegionViews(t *testing.T) {
	ctx := context.Background()
	dsn, _ := pgtest.FreshSchema(t)
	one, err := fs.ReadFile(migrations, "migrations/00001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	db1, err := open(ctx, dsn, fstest.MapFS{"00001_init.sql": {Data: one}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db1.ReplaceAreas(ctx, fixture.RegionTree); err != nil {
		t.Fatal(err)
	}
	var vs []store.Vacancy
	for i, c := range fixture.RegionCases {
		v := fixture.Item(i, 0)
		v.AreaID, v.AreaName = c.AreaID, c.AreaName
		vs = append(vs, v)
	}
	// Rows as schema 1 holds them (this hhjobs writes schema 4's).
	for _, v := range vs {
		if _, err := db1.pool.Exec(ctx, `INSERT INTO vacancies (id, name, area_id, area_name, published_at, first_seen_at,
			last_seen_at) VALUES ($1, $2, $3, $4, $5, $5, $5)`, v.ID, v.Name, nullStr(v.AreaID), nullStr(v.AreaName), v.PublishedAt); err != nil {
			t.Fatal(err)
		}
	}
	db1.Close()

	regions := func(db *DB) (region, parent string) {
		t.Helper()
		if err := db.pool.QueryRow(ctx, `SELECT string_agg(COALESCE(NULLIF(region_name, ''), '-'), ',' ORDER BY id),
			string_agg(COALESCE(NULLIF(parent_area_name, ''), '-'), ',' ORDER BY id) FROM v_vacancies`).Scan(&region, &parent); err != nil {
			t.Fatal(err)
		}
		return region, parent
	}
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var want, parents []string
	for _, c := range fixture.RegionCases {
		want = append(want, cmpOr(c.RegionName, "-"))
		parents = append(parents, cmpOr(c.ParentName, "-"))
	}
	if got, par := regions(db); got != strings.Join(want, ",") || par != strings.Join(parents, ",") {
		t.Errorf("after 1 → 2: regions %s, parents %s; want %s, %s", got, par, strings.Join(want, ","), strings.Join(parents, ","))
	}
	sqldb := stdlib.OpenDBFromPool(db.pool)
	defer sqldb.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, sqldb, mustSub(t), goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 1); err != nil {
		t.Fatalf("down to 1: %v", err)
	}
	var region string
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*), string_agg(COALESCE(NULLIF(region_name, ''), '-'), ',' ORDER BY id) FROM v_vacancies`).Scan(&n, &region); err != nil {
		t.Fatal(err)
	}
	if n != len(vs) || region != strings.Join(parents, ",") {
		t.Errorf("schema 1 again: %d rows, region_name %s, want %d, %s", n, region, len(vs), strings.Join(parents, ","))
	}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func mustSub(t *testing.T) fs.FS {
	t.Helper()
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	return sub
}
