package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/export"
)

// The readers analysts open the database with, as Debian ships them: both
// use the system SQLite library (3.40 on Debian 12), not hhjobs' own.
const (
	sqliteShell = "/usr/bin/sqlite3"
	debPython   = "/usr/bin/python3"
)

// seen is what one reader saw of a database file.
type seen struct {
	Version string                      `json:"version"`
	Objects map[string]string           `json:"objects"` // name → table | view
	Counts  map[string]json.Number      `json:"counts"`  // table → count(*)
	Views   map[string][]map[string]any `json:"views"`   // view → select * rows
}

// pythonReader opens the file read-only with Python's sqlite3 module, counts
// every table and selects every view.
const pythonReader = `
import json, sqlite3, sys
con = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
objs = con.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").fetchall()
out = {"version": sqlite3.sqlite_version, "objects": dict(objs), "counts": {}, "views": {}}
for name, kind in objs:
    q = '"' + name.replace('"', '""') + '"'
    if kind == "table":
        out["counts"][name] = con.execute("SELECT count(*) FROM " + q).fetchone()[0]
    else:
        cur = con.execute("SELECT * FROM " + q)
        cols = [d[0] for d in cur.description]
        out["views"][name] = [dict(zip(cols, r)) for r in cur]
json.dump(out, sys.stdout, ensure_ascii=False)
`

const objectsSQL = `SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}

func readWithPython(t *testing.T, db string) seen {
	t.Helper()
	cmd := exec.Command(debPython, "-c", pythonReader, db)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s reading %s: %v\n%s", debPython, db, err, errOut.String())
	}
	var s seen
	if err := decodeJSON(out, &s); err != nil {
		t.Fatalf("python's output: %v", err)
	}
	return s
}

// shell runs one statement in the sqlite3 shell, read-only, in JSON mode.
func shell(t *testing.T, db, query string) []map[string]any {
	t.Helper()
	cmd := exec.Command(sqliteShell, "-readonly", "-bail", "-json", db, query)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	out, err := cmd.Output()
	if err != nil || errOut.Len() > 0 {
		t.Fatalf("sqlite3 -readonly %s %q: %v\n%s", db, query, err, errOut.String())
	}
	var rows []map[string]any
	if len(bytes.TrimSpace(out)) == 0 {
		return rows // the shell prints nothing for no rows
	}
	if err := decodeJSON(out, &rows); err != nil {
		t.Fatalf("sqlite3 shell output of %q: %v", query, err)
	}
	return rows
}

func readWithShell(t *testing.T, db string) seen {
	t.Helper()
	s := seen{Objects: map[string]string{}, Counts: map[string]json.Number{}, Views: map[string][]map[string]any{}}
	s.Version = fmt.Sprint(shell(t, db, `SELECT sqlite_version() AS v`)[0]["v"])
	var counts []string
	for _, r := range shell(t, db, objectsSQL) {
		name, kind := r["name"].(string), r["type"].(string)
		s.Objects[name] = kind
		if kind == "table" {
			counts = append(counts, fmt.Sprintf(`SELECT %s AS name, count(*) AS n FROM %s`, quoteSQL(name), quoteIdent(name)))
		} else {
			s.Views[name] = shell(t, db, "SELECT * FROM "+quoteIdent(name))
		}
	}
	for _, r := range shell(t, db, strings.Join(counts, " UNION ALL ")) {
		s.Counts[r["name"].(string)] = r["n"].(json.Number)
	}
	return s
}

func quoteSQL(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

// readWithHhjobs is the same through hhjobs' own SQLite (modernc, 3.5x):
// what the readers must agree with.
func readWithHhjobs(t *testing.T, path string) seen {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := func(query string) []map[string]any {
		rows, err := db.Query(query)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var out []map[string]any
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			m := map[string]any{}
			for i, c := range cols {
				switch v := vals[i].(type) {
				case int64:
					m[c] = json.Number(strconv.FormatInt(v, 10))
				case float64:
					m[c] = json.Number(strconv.FormatFloat(v, 'g', -1, 64))
				case []byte:
					m[c] = string(v)
				default:
					m[c] = v
				}
			}
			out = append(out, m)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	s := seen{Objects: map[string]string{}, Counts: map[string]json.Number{}, Views: map[string][]map[string]any{}}
	for _, r := range q(objectsSQL) {
		name, kind := r["name"].(string), r["type"].(string)
		s.Objects[name] = kind
		if kind == "table" {
			s.Counts[name] = q("SELECT count(*) AS n FROM " + quoteIdent(name))[0]["n"].(json.Number)
		} else {
			s.Views[name] = q("SELECT * FROM " + quoteIdent(name))
		}
	}
	return s
}

// viewTable maps v_vacancies rows onto the CSV export's columns and forms.
func viewTable(t *testing.T, who string, rows []map[string]any) *table {
	t.Helper()
	tb := &table{rows: map[string]map[string]*string{}}
	str := func(v any) *string {
		switch x := v.(type) {
		case nil:
			return nil
		case string:
			if x == "" {
				return nil
			}
			return sp(x)
		case json.Number:
			return sp(x.String())
		}
		t.Fatalf("%s: unexpected %T %v", who, v, v)
		return nil
	}
	list := func(v any) *string {
		if s := str(v); s != nil {
			return sp(strings.ReplaceAll(*s, ", ", export.ListSep))
		}
		return nil
	}
	flag := func(v any) *string {
		if s := str(v); s != nil {
			return sp(strconv.FormatBool(*s != "0"))
		}
		return nil
	}
	stamp := func(v any) *string {
		s := str(v)
		if s == nil {
			return nil
		}
		ts, err := time.Parse("2006-01-02T15:04:05Z", *s)
		if err != nil {
			t.Fatalf("%s: timestamp %q: %v", who, *s, err)
		}
		return sp(export.Time(ts))
	}
	for _, r := range rows {
		m := map[string]*string{
			"id": str(r["id"]), "name": str(r["name"]), "area_id": str(r["area_id"]), "area_name": str(r["area_name"]),
			"region": str(r["region_name"]), "employer_id": str(r["employer_id"]), "employer_name": str(r["employer_name"]),
			"role_ids": list(r["role_ids"]), "role_names": list(r["roles"]), "experience": str(r["experience_id"]),
			"employment_form": str(r["employment_form_id"]), "work_format": list(r["work_formats"]),
			"schedule": str(r["schedule_id"]), "salary_from": str(r["salary_from"]), "salary_to": str(r["salary_to"]),
			"salary_gross": flag(r["salary_gross"]), "salary_mode": str(r["salary_mode"]),
			"salary_frequency": str(r["salary_frequency"]), "archived": flag(r["archived"]),
			"published_at": stamp(r["published_at"]), "first_seen_at": stamp(r["first_seen_at"]),
			"last_seen_at": stamp(r["last_seen_at"]), "closed_at": stamp(r["closed_at"]),
		}
		// The export gives a currency only with an amount (docs/export.md).
		if m["salary_from"] != nil || m["salary_to"] != nil {
			m["salary_currency"] = str(r["salary_currency"])
		}
		tb.add(t, who, m)
	}
	return tb
}

// viewColumns are the CSV columns v_vacancies also has.
var viewColumns = []string{"id", "name", "area_id", "area_name", "region", "employer_id", "employer_name", "role_ids",
	"role_names", "experience", "employment_form", "work_format", "schedule", "salary_from", "salary_to",
	"salary_currency", "salary_gross", "salary_mode", "salary_frequency", "published_at", "first_seen_at",
	"last_seen_at", "closed_at", "archived"}

// skillPairs are the rows of v_vacancy_skills (or the skills export) as
// sorted "vacancy_id\tskill" lines.
func skillPairs(rows []map[string]any) []string {
	var out []string
	for _, r := range rows {
		out = append(out, fmt.Sprint(r["vacancy_id"])+"\t"+fmt.Sprint(r["skill"]))
	}
	slices.Sort(out)
	return out
}

func csvSkillPairs(t *testing.T, path string) []string {
	t.Helper()
	var rows []map[string]any
	for i, line := range readCSVRecords(t, path) {
		if i > 0 {
			rows = append(rows, map[string]any{"vacancy_id": line[0], "skill": line[1]})
		}
	}
	return skillPairs(rows)
}

// testReaders opens the database with a real reader and checks what it sees
// against hhjobs' own view of the file and against the exports.
func testReaders(t *testing.T, db, csvPath, skillsPath string) {
	want := readWithHhjobs(t, db)
	if want.Views["v_vacancies"] == nil || want.Views["v_vacancy_skills"] == nil || len(want.Counts) < 10 {
		t.Fatalf("hhjobs sees %d tables and views %v", len(want.Counts), want.Objects)
	}
	exported := readCSVTable(t, csvPath)
	exportedSkills := csvSkillPairs(t, skillsPath)
	check := func(t *testing.T, who string, got seen) {
		t.Logf("%s: SQLite %s, %d tables, %d views, %d rows in v_vacancies", who, got.Version, len(got.Counts),
			len(got.Views), len(got.Views["v_vacancies"]))
		if fmt.Sprint(got.Objects) != fmt.Sprint(want.Objects) {
			t.Errorf("%s sees the objects %v, hhjobs %v", who, got.Objects, want.Objects)
		}
		if fmt.Sprint(got.Counts) != fmt.Sprint(want.Counts) {
			t.Errorf("%s counts %v, hhjobs %v", who, got.Counts, want.Counts)
		}
		for name, rows := range want.Views {
			g, _ := json.Marshal(got.Views[name])
			w, _ := json.Marshal(rows)
			if !bytes.Equal(g, w) {
				t.Errorf("%s: select * from %s differs from hhjobs' own reading (%d rows, hhjobs %d)", who, name,
					len(got.Views[name]), len(rows))
			}
		}
		sameTables(t, "export", who+" v_vacancies", exported, viewTable(t, who, got.Views["v_vacancies"]), viewColumns)
		if g := skillPairs(got.Views["v_vacancy_skills"]); strings.Join(g, "\n") != strings.Join(exportedSkills, "\n") {
			t.Errorf("%s: v_vacancy_skills has %d rows, the skills export %d (or other pairs)", who, len(g), len(exportedSkills))
		}
	}
	t.Run("sqlite3 shell", func(t *testing.T) {
		if _, err := os.Stat(sqliteShell); err != nil {
			t.Skipf("%s is absent (Debian package sqlite3): the database is not checked with the system SQLite shell", sqliteShell)
		}
		check(t, "sqlite3", readWithShell(t, db))
	})
	t.Run("python sqlite3", func(t *testing.T) {
		if _, err := os.Stat(debPython); err != nil {
			t.Skipf("%s is absent (Debian package python3): the database is not checked with Python's sqlite3 module", debPython)
		}
		check(t, "python", readWithPython(t, db))
	})
}

func readCSVRecords(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// A file written at schema 1 by an older hhjobs, upgraded by this one,
// opens in the system SQLite too and its views agree with its exports.
func TestReadersOnUpgradedSchema1(t *testing.T) {
	old, err := os.ReadFile(filepath.Join("..", "store", "sqlite", "testdata", "schema1.db"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "old.db")
	if err := os.WriteFile(db, old, 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) {
		ios, _, _, errOut := TestStreams()
		if code := Main(context.Background(), append([]string{"--config-dir", filepath.Join(dir, "cfg"), "--db", db}, args...), ios); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
	}
	csvPath, skillsPath := filepath.Join(dir, "v.csv"), filepath.Join(dir, "s.csv")
	run("export", "--format", "csv", "--out", csvPath) // upgrades the file to the current schema
	run("export", "--format", "csv", "--table", "skills", "--out", skillsPath)
	testReaders(t, db, csvPath, skillsPath)
}
