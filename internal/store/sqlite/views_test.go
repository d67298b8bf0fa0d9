package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/fixture"
)

// region_* of v_vacancies is the region of the exports, stats --by region
// and the report (analytics.AreaIndex.Region), for every shape of the tree.
func TestViewRegions(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
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
		var regionID, regionName, parentID, parentName sql.NullString
		if err := db.r.QueryRowContext(ctx, `SELECT region_id, region_name, parent_area_id, parent_area_name FROM v_vacancies WHERE id = ?`, vs[i].ID).
			Scan(&regionID, &regionName, &parentID, &parentName); err != nil {
			t.Fatalf("area %s: %v", c.AreaID, err)
		}
		if regionID.String != c.RegionID || regionName.String != c.RegionName || parentID.String != c.ParentID || parentName.String != c.ParentName {
			t.Errorf("area %s: region %q %q, parent %q %q; want %q %q, %q %q", c.AreaID, regionID.String, regionName.String,
				parentID.String, parentName.String, c.RegionID, c.RegionName, c.ParentID, c.ParentName)
		}
	}
}

// Syntax that SQLite 3.37 (Ubuntu 22.04; Debian 12 has 3.40) cannot parse,
// or functions it lacks. One such expression in any schema object makes the
// whole file unreadable there ("malformed database schema").
var newerThan337 = []struct {
	re   *regexp.Regexp
	what string
}{
	{regexp.MustCompile(`->`), "-> / ->> operators (3.38)"},
	{regexp.MustCompile(`(?i)\b(unixepoch|format|concat|concat_ws|string_agg|octet_length|timediff|median|percentile\w*|unistr|if|jsonb\w*|json_pretty)\s*\(`), "a function added after 3.37"},
	{regexp.MustCompile(`(?i)\bis\s+(not\s+)?distinct\s+from\b`), "IS [NOT] DISTINCT FROM (3.39)"},
	{regexp.MustCompile(`(?i)\b(right|full)\s+(outer\s+)?join\b`), "RIGHT/FULL JOIN (3.39)"},
}

// orderedAggregate reports a parenthesised argument list (not a subquery,
// not a window's OVER) with ORDER BY at its own level: group_concat(x, ','
// ORDER BY y) needs 3.44.
func orderedAggregate(sql string) string {
	var starts []int
	for i := 0; i < len(sql); i++ {
		switch sql[i] {
		case '(':
			starts = append(starts, i)
		case ')':
			if len(starts) == 0 {
				continue
			}
			open := starts[len(starts)-1]
			starts = starts[:len(starts)-1]
			inner := strings.TrimSpace(sql[open+1 : i])
			up := strings.ToUpper(inner)
			if strings.HasPrefix(up, "SELECT") || strings.HasPrefix(up, "WITH") ||
				strings.HasSuffix(strings.ToUpper(strings.TrimSpace(sql[:open])), "OVER") {
				continue
			}
			if strings.Contains(flatten(up), "ORDER BY") {
				return sql[max(0, open-20) : i+1]
			}
		}
	}
	return ""
}

// flatten drops the nested parentheses of s, keeping its own level.
func flatten(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')':
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

var sqlNoise = regexp.MustCompile(`'(?:[^']|'')*'|--[^\n]*|/\*(?:.|\n)*?\*/`)

func TestSchemaPortable(t *testing.T) {
	db := openTemp(t)
	rows, err := db.r.Query(`SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var typ, name, text string
		if err := rows.Scan(&typ, &name, &text); err != nil {
			t.Fatal(err)
		}
		n++
		code := sqlNoise.ReplaceAllString(text, "''")
		for _, x := range newerThan337 {
			if m := x.re.FindString(code); m != "" {
				t.Errorf("%s %s uses %s: %q", typ, name, x.what, m)
			}
		}
		if m := orderedAggregate(code); m != "" {
			t.Errorf("%s %s orders inside an aggregate call (3.44): %q", typ, name, m)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 20 {
		t.Fatalf("only %d schema objects read", n)
	}
	// The checks catch what schema 2 had.
	if m := orderedAggregate(`SELECT (SELECT group_concat(r.role_id, ', ' ORDER BY r.position) FROM vacancy_roles r) FROM v`); m == "" {
		t.Error("orderedAggregate misses group_concat(… ORDER BY …)")
	}
	if m := orderedAggregate(`SELECT (SELECT group_concat(o.x, ', ') FROM (SELECT x FROM t ORDER BY p) o), row_number() OVER (ORDER BY id) FROM v`); m != "" {
		t.Errorf("orderedAggregate flags the portable form: %q", m)
	}
}

// viewsAgree checks v_vacancies against what the store reads back: one row
// per vacancy, the role lists in the API's order, the region of analytics.
func viewsAgree(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	areas, err := db.Areas(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ix := analytics.NewAreaIndex(areas)
	type row struct{ roleIDs, region string }
	got := map[string]row{}
	rows, err := db.r.QueryContext(ctx, `SELECT id, COALESCE(role_ids, ''), COALESCE(region_id, '') FROM v_vacancies`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		var r row
		if err := rows.Scan(&id, &r.roleIDs, &r.region); err != nil {
			t.Fatal(err)
		}
		got[id] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	n, bad := 0, 0
	if err := db.EachVacancy(ctx, store.Filter{}, func(v store.Vacancy) error {
		n++
		ids := make([]string, len(v.Roles))
		for i, r := range v.Roles {
			ids[i] = r.ID
		}
		want := row{strings.Join(ids, ", "), ix.Region(v.AreaID)}
		if g, ok := got[v.ID]; !ok || g != want {
			if bad++; bad <= 3 {
				t.Errorf("v_vacancies %s: %+v (present %v), want %+v", v.ID, g, ok, want)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n == 0 || len(got) != n {
		t.Errorf("v_vacancies has %d rows, the store %d vacancies", len(got), n)
	}
}

// A file written at schema 2 (the release before the portable views) gets
// them on open, with every row, and Down gives schema 2's views back.
func TestMigrateFromSchema2(t *testing.T) {
	ctx := context.Background()
	two := fstest.MapFS{}
	for _, name := range []string{"00001_init.sql", "00002_narrow_vacancies.sql"} {
		b, err := fs.ReadFile(migrations, "migrations/"+name)
		if err != nil {
			t.Fatal(err)
		}
		two[name] = &fstest.MapFile{Data: b}
	}
	path := filepath.Join(t.TempDir(), "two.db")
	db2, err := open(ctx, path, two)
	if err != nil {
		t.Fatal(err)
	}
	if err := db2.ReplaceAreas(ctx, fixture.RegionTree); err != nil {
		t.Fatal(err)
	}
	var vs []store.Vacancy
	for i, c := range fixture.RegionCases {
		v := fixture.Full(i, 0)
		v.AreaID, v.AreaName = c.AreaID, c.AreaName
		vs = append(vs, v)
	}
	if err := db2.SaveDetails(ctx, 0, vs, time.Now()); err != nil {
		t.Fatal(err)
	}
	before := dumpStore(t, db2)
	var parents2 string
	if err := db2.r.QueryRowContext(ctx, `SELECT group_concat(COALESCE(region_name, '-'), ',') FROM (SELECT region_name FROM v_vacancies ORDER BY id)`).Scan(&parents2); err != nil {
		t.Fatal(err)
	}
	_ = db2.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if after := dumpStore(t, db); !bytes.Equal(before, after) {
		t.Error("the store reads back differently after 2 → 3")
	}
	viewsAgree(t, db)
	_ = db.Close()

	w, err := openRaw(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	sub, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectSQLite3, w, sub, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 2); err != nil {
		t.Fatalf("down to 2: %v", err)
	}
	var parents string
	if err := w.QueryRowContext(ctx, `SELECT group_concat(COALESCE(region_name, '-'), ',') FROM (SELECT region_name FROM v_vacancies ORDER BY id)`).Scan(&parents); err != nil {
		t.Fatal(err)
	}
	if parents != parents2 {
		t.Errorf("schema 2's views again: region_name %s, want %s", parents, parents2)
	}
}
