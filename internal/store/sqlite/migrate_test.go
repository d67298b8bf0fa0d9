package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pressly/goose/v3"

	"github.com/hhjobs/hhjobs/internal/store"
)

// testdata/schema1.db was written by hhjobs at schema 1 (commit 696ed82):
// analyticstest.Fill(160, seed 3) plus vacancies with quotes, backslashes,
// HTML and control characters in role names and skills, one with no roles,
// one with details but no skills, and a changed and closed one.
// schema1.golden.json is what that hhjobs read back from it.

type dump struct {
	Vacancies []store.Vacancy
	Versions  map[string][]store.Version
	Skills    []struct{ ID, Skill string }
}

func dumpStore(t *testing.T, st store.Store) []byte {
	t.Helper()
	ctx := context.Background()
	var d dump
	d.Versions = map[string][]store.Version{}
	if err := st.EachVacancy(ctx, store.Filter{Raw: true}, func(v store.Vacancy) error {
		d.Vacancies = append(d.Vacancies, v)
		vs, err := st.Versions(ctx, v.ID)
		if len(vs) > 0 {
			d.Versions[v.ID] = vs
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.EachSkill(ctx, store.Filter{}, func(id, s string) error {
		d.Skills = append(d.Skills, struct{ ID, Skill string }{id, s})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(d, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func copySchema1(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/schema1.db")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func sameDump(t *testing.T, what string, got []byte) {
	t.Helper()
	want, err := os.ReadFile("testdata/schema1.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(got, want) {
		return
	}
	var g, w dump
	_ = json.Unmarshal(got, &g)
	_ = json.Unmarshal(want, &w)
	t.Errorf("%s: the store reads back differently from schema 1 (%d vacancies, want %d; %d skills, want %d)",
		what, len(g.Vacancies), len(w.Vacancies), len(g.Skills), len(w.Skills))
	for i := range min(len(g.Vacancies), len(w.Vacancies)) {
		gb, _ := json.Marshal(g.Vacancies[i])
		wb, _ := json.Marshal(w.Vacancies[i])
		if !bytes.Equal(gb, wb) {
			t.Errorf("first difference at vacancy %s:\n got %s\nwant %s", w.Vacancies[i].ID, gb, wb)
			break
		}
	}
}

func TestMigrateFromSchema1(t *testing.T) {
	ctx := context.Background()
	path := copySchema1(t)
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	sameDump(t, "after migrating 1 → 3", dumpStore(t, db))
	viewsAgree(t, db)
	var integrity string
	if err := db.r.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Errorf("integrity_check: %q (%v)", integrity, err)
	}
	rows, err := db.r.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Error("foreign_key_check reports orphans")
	}
	rows.Close()
	var leftovers int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE '%\_1' ESCAPE '\'`).Scan(&leftovers); err != nil || leftovers != 0 {
		t.Errorf("schema-1 tables left behind: %d (%v)", leftovers, err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// Down to schema 1 and up again gives the same data.
	w, err := openRaw(path)
	if err != nil {
		t.Fatal(err)
	}
	sub, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectSQLite3, w, sub, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 1); err != nil {
		t.Fatalf("down to schema 1: %v", err)
	}
	var raw int
	if err := w.QueryRowContext(ctx, `SELECT count(*) FROM vacancies WHERE raw_item IS NOT NULL`).Scan(&raw); err != nil || raw == 0 {
		t.Errorf("schema 1 again: %d raw items in vacancies (%v)", raw, err)
	}
	_ = w.Close()
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sameDump(t, "after 1 → 3 → 1 → 3", dumpStore(t, db))
	viewsAgree(t, db)
}

// openRaw opens path as a plain single-connection handle, as goose needs it.
func openRaw(path string) (*sql.DB, error) {
	w, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	return w, nil
}

// A store written at schema 2 reads back what it was given; the narrow walk
// fills exactly the parts asked for (the conformance suite checks values
// across engines; this checks the packed lists' corner cases).
func TestPackedLists(t *testing.T) {
	cases := []struct {
		in   []string
		want string
	}{
		{nil, "[]"},
		{[]string{}, "[]"},
		{[]string{"Excel"}, `["Excel"]`},
		{[]string{"1С: ЗУП", "MS Excel"}, `["1С: ЗУП","MS Excel"]`},
		{[]string{`Excel "Pro"`, `C:\Users`}, `["Excel \"Pro\"","C:\\Users"]`},
		{[]string{"<b>&amp;</b>", "tab\there"}, `["<b>&amp;</b>","tab\there"]`},
		{[]string{"", ","}, `["",","]`},
		{[]string{`","`}, `["\",\""]`},
	}
	for _, c := range cases {
		got := encodeList(c.in)
		if got != c.want {
			t.Errorf("encodeList(%q) = %s, want %s", c.in, got, c.want)
		}
		back, err := decodeList(got)
		if err != nil {
			t.Errorf("decodeList(%s): %v", got, err)
			continue
		}
		if len(back) != len(c.in) || back == nil {
			t.Errorf("decodeList(%s) = %q, want %q (non-nil)", got, back, c.in)
			continue
		}
		for i := range back {
			if back[i] != c.in[i] {
				t.Errorf("decodeList(%s)[%d] = %q, want %q", got, i, back[i], c.in[i])
			}
		}
	}
	// SQLite's own json_group_array output (from the migration) decodes too.
	for _, s := range []string{`[ "a" , "b" ]`, `["\u0442\u0435\u0441\u0442"]`, `["a\/b"]`} {
		if _, err := decodeList(s); err != nil {
			t.Errorf("decodeList(%s): %v", s, err)
		}
	}
	for _, s := range []string{``, `[`, `["a"`, `["a",]`, `{"a":1}`, `[1]`} {
		if _, err := decodeList(s); err == nil {
			t.Errorf("decodeList(%q) accepted", s)
		}
	}
}

func TestPackedRoles(t *testing.T) {
	cases := [][]store.IDName{
		{{ID: "96", Name: "Программист, разработчик"}},
		{{ID: "117", Name: "Рекрутер"}, {ID: "118", Name: ""}},
		{{ID: "96", Name: `Программист "C\C++" <backend> & co`}},
		{{ID: "1", Name: "tab\there},{\"id\":\"2"}},
	}
	for _, rs := range cases {
		got, err := decodeRoles(encodeRoles(rs))
		if err != nil || len(got) != len(rs) {
			t.Errorf("roles %q: got %q, %v", rs, got, err)
			continue
		}
		for i := range rs {
			if got[i] != rs[i] {
				t.Errorf("roles %q: [%d] = %q", rs, i, got[i])
			}
		}
	}
	for _, s := range []string{"[]", encodeRoles(nil)} {
		if got, err := decodeRoles(s); got != nil || err != nil {
			t.Errorf("decodeRoles(%s) = %#v, %v, want nil", s, got, err)
		}
	}
	// SQLite's json_object spacing and key order may differ: still decoded.
	if got, err := decodeRoles(`[ {"name": "X", "id": "7"} ]`); err != nil || len(got) != 1 || got[0] != (store.IDName{ID: "7", Name: "X"}) {
		t.Errorf("spaced roles: %v, %v", got, err)
	}
	for _, s := range []string{``, `[{"id":"1"`, `{"id":"1"}`, `["96"]`} {
		if _, err := decodeRoles(s); err == nil {
			t.Errorf("decodeRoles(%q) accepted", s)
		}
	}
}

func TestPackedCore(t *testing.T) {
	i := func(n int64) *int64 { return &n }
	b := func(x bool) *bool { return &x }
	tp := func(ms int64) *time.Time { t := fromMS(ms); return &t }
	const pub, first = int64(1749546000123), int64(1749549600456)
	base := store.Vacancy{PublishedAt: fromMS(pub), FirstSeenAt: fromMS(first)}
	with := func(f func(v *store.Vacancy)) store.Vacancy { v := base; f(&v); return v }
	cases := []struct {
		in   string
		want store.Vacancy
	}{
		{`[1749546000123,1749549600456,null,null,null,null,null,null,null]`, base},
		{`[1749546000123,1749549600456,1749600000000,60000,120000,"RUR",1,"MONTH","TWICE_PER_MONTH"]`, with(func(v *store.Vacancy) {
			v.ClosedAt, v.SalaryFrom, v.SalaryTo, v.SalaryCurrency = tp(1749600000000), i(60000), i(120000), "RUR"
			v.SalaryGross, v.SalaryMode, v.SalaryFrequency = b(true), "MONTH", "TWICE_PER_MONTH"
		})},
		{`[1749546000123,1749549600456,null,null,3000,"USD",0,"HOUR",null]`, with(func(v *store.Vacancy) {
			v.SalaryTo, v.SalaryCurrency, v.SalaryGross, v.SalaryMode = i(3000), "USD", b(false), "HOUR"
		})},
		{`[1749546000123, 1749549600456, null, 1, 2, "R\"UR", null, "M,ONTH", ""]`, with(func(v *store.Vacancy) {
			v.SalaryFrom, v.SalaryTo, v.SalaryCurrency, v.SalaryMode = i(1), i(2), `R"UR`, "M,ONTH"
		})},
	}
	for _, c := range cases {
		var v store.Vacancy
		if err := decodeCore(c.in, &v); err != nil {
			t.Errorf("decodeCore(%s): %v", c.in, err)
			continue
		}
		if d := cmp.Diff(c.want, v); d != "" {
			t.Errorf("decodeCore(%s) (-want +got):\n%s", c.in, d)
		}
	}
	for _, s := range []string{``, `[]`,
		`[1,2,null,1,2,"RUR",1,"MONTH"]`,
		`[1,2,null,1,2,"RUR",1,"MONTH",null,7]`,
		`[1,2,null,"1",2,"RUR",1,"MONTH",null]`,
		`[1,2,null,1.5,2,"RUR",1,"MONTH",null]`,
		`[null,2,null,1,2,"RUR",1,"MONTH",null]`,
	} {
		var v store.Vacancy
		if err := decodeCore(s, &v); err == nil {
			t.Errorf("decodeCore(%q) accepted", s)
		}
	}
}

// fastCore, where it accepts its input, reads it exactly as the general
// path does.
func FuzzCore(f *testing.F) {
	for _, s := range []string{
		`[1749546000123,1749549600456,null,null,null,null,null,null,null]`,
		`[1749546000123,1749549600456,1749600000000,60000,120000,"RUR",1,"MONTH","TWICE_PER_MONTH"]`,
		`[-5,0,null,-1,999999999999999999,"",0,"HOUR",null]`,
		`[1,2,3,4,5,"a\"b",6,"c","d"]`,
		`[1,2,3,4,5,"a",6,"c","d"] `,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var fast, slow store.Vacancy
		if !fastCore(s, &fast) {
			return
		}
		if err := slowCore(s, &slow); err != nil {
			t.Fatalf("fastCore accepted %q, the general path refuses it: %v", s, err)
		}
		if d := cmp.Diff(slow, fast); d != "" {
			t.Fatalf("%q (-general +fast):\n%s", s, d)
		}
	})
}
