package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/fixture"
)

func TestOpenBadInputs(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		prepare func(t *testing.T, dir string) string // returns the path to open
		want    string                                // substring of the one-line error
		keep    bool                                  // the path existed before and must survive unchanged
	}{
		{"missing directory", func(t *testing.T, dir string) string {
			return filepath.Join(dir, "nope", "hhjobs.db")
		}, "nope does not exist", false},
		{"path is a directory", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "sub")
			mkdir(t, p)
			return p
		}, "is a directory, not a database file", true},
		{"read-only directory", func(t *testing.T, dir string) string {
			if os.Geteuid() == 0 {
				t.Skip("root ignores directory permissions")
			}
			p := filepath.Join(dir, "ro")
			mkdir(t, p)
			if err := os.Chmod(p, 0o500); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = os.Chmod(p, 0o700) })
			return filepath.Join(p, "hhjobs.db")
		}, "is not writable", false},
		{"corrupt file", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "junk.db")
			write(t, p, bytes.Repeat([]byte("not a database, just some bytes\n"), 200))
			return p
		}, "is not an SQLite database (corrupt or another file)", true},
		{"another program's database", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "other.db")
			db, err := sql.Open("sqlite", p)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(`CREATE TABLE notes (body TEXT)`); err != nil {
				t.Fatal(err)
			}
			_ = db.Close()
			return p
		}, "database of another program", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tt.prepare(t, dir)
			before := snapshot(t, dir)
			db, err := Open(ctx, path)
			if err == nil {
				_ = db.Close()
				t.Fatal("Open succeeded")
			}
			msg := err.Error()
			t.Log(msg)
			if !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") {
				t.Errorf("error %q: want one line containing %q", msg, tt.want)
			}
			if after := snapshot(t, dir); !equalSnap(before, after) {
				t.Errorf("Open left files behind or changed them:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

func TestSchemaTooNew(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hhjobs.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.exec(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (99, 1)`); err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	_, err = Open(ctx, path)
	if !errors.Is(err, store.ErrSchemaTooNew) {
		t.Fatalf("Open: %v, want ErrSchemaTooNew", err)
	}
	if want := "database was created by a newer hhjobs (schema 99 > 4): upgrade hhjobs"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
}

// A migration that fails leaves neither a file (fresh database) nor a
// half-applied schema (existing database).
func TestFailedMigration(t *testing.T) {
	ctx := context.Background()
	bad := fstest.MapFS{}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range names {
		name := strings.TrimPrefix(path, "migrations/")
		good, err := fs.ReadFile(migrations, path)
		if err != nil {
			t.Fatal(err)
		}
		bad[name] = &fstest.MapFile{Data: good}
	}
	bad["00099_bad.sql"] = &fstest.MapFile{Data: []byte("-- +goose Up\nCREATE TABLE extra (x INTEGER);\nINSERT INTO extra VALUES (1);\nSELECT no_such_function();\n")}
	dir := t.TempDir()
	fresh := filepath.Join(dir, "fresh.db")
	if _, err := open(ctx, fresh, bad); err == nil || strings.Contains(err.Error(), "\n") {
		t.Fatalf("open with a failing migration: %v, want a one-line error", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("files left behind: %v", ents)
	}

	existing := filepath.Join(dir, "existing.db")
	db, err := Open(ctx, existing)
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
	if _, err := open(ctx, existing, bad); err == nil {
		t.Fatal("open with a failing migration succeeded")
	}
	db, err = Open(ctx, existing)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.r.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'extra'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("half-applied migration: table extra exists (%d, %v)", n, err)
	}
	if err := db.r.QueryRow(`SELECT max(version_id) FROM goose_db_version`).Scan(&n); err != nil || n != len(names) {
		t.Errorf("schema version %d (%v), want %d", n, err, len(names))
	}
}

// A reader streams while a long write transaction is open.
func TestReadWhileWriting(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	q, err := db.SaveQuery(ctx, store.Query{Name: "q"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := db.CreateRun(ctx, store.Run{QueryID: q.ID, StartedAt: time.Now(), UpperBound: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	page := make([]store.Vacancy, 3000)
	for i := range page {
		page[i] = fixture.Item(i, 200)
	}
	if _, err := db.UpsertSearchItems(ctx, q.ID, r.ID, page, time.Now()); err != nil {
		t.Fatal(err)
	}
	// A writer holds a transaction open until the reader is done.
	inTx, release, wrote := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		wrote <- db.withTx(ctx, func(tx wtx) error {
			_, err := tx.ExecContext(ctx, `UPDATE vacancies SET name = 'in flight'`)
			close(inTx)
			<-release
			if err == nil {
				err = errors.New("roll back")
			}
			return err
		})
	}()
	<-inTx
	defer func() {
		close(release)
		if err := <-wrote; err == nil || err.Error() != "roll back" {
			t.Errorf("writer: %v", err)
		}
	}()
	done := make(chan error, 1)
	n := 0
	go func() {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		done <- db.EachVacancy(c, store.Filter{}, func(v store.Vacancy) error {
			if v.Name == "in flight" {
				return errors.New("reader saw an uncommitted write")
			}
			n++
			return nil
		})
	}()
	select {
	case err := <-done:
		if err != nil || n != len(page) {
			t.Fatalf("EachVacancy during a write: %v after %d rows", err, n)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("EachVacancy blocked behind the write transaction")
	}
}

func mkdir(t *testing.T, p string) {
	t.Helper()
	if err := os.Mkdir(p, 0o700); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, p string, b []byte) {
	t.Helper()
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// snapshot lists every path under dir with its size and modification time.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		out[p] = info.Mode().String() + " " + info.ModTime().String() + " " + string(rune('0'+info.Size()%10))
		return nil
	})
	return out
}

func equalSnap(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// The BI views resolve names and format timestamps.
func TestViews(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	if err := db.ReplaceAreas(ctx, []store.Area{{ID: "113", Name: "Россия"}, {ID: "1", ParentID: "113", Name: "Москва"}}); err != nil {
		t.Fatal(err)
	}
	v := fixture.Full(3, 100) // area 1, roles 69
	v.PublishedAt = time.Date(2025, 6, 10, 9, 0, 0, 0, time.UTC)
	v.Roles = []store.IDName{{ID: "118", Name: "HR-бизнес-партнер"}, {ID: "69", Name: ""}, {ID: "117", Name: "Рекрутер"}}
	if err := db.ReplaceRoles(ctx, []store.Role{{ID: "69", Name: "Менеджер по персоналу"}}); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveDetails(ctx, 0, []store.Vacancy{v}, v.PublishedAt); err != nil {
		t.Fatal(err)
	}
	var area, region, parent, roleIDs, roles, formats, published string
	if err := db.r.QueryRow(`SELECT area_name, region_name, parent_area_name, role_ids, roles, work_formats, published_at FROM v_vacancies WHERE id = ?`, v.ID).
		Scan(&area, &region, &parent, &roleIDs, &roles, &formats, &published); err != nil {
		t.Fatal(err)
	}
	// The lists keep the API's order (not the ids' order), an empty role
	// name falls back to the dictionary's.
	if area != "Москва" || region != "Москва" || parent != "Россия" || roleIDs != "118, 69, 117" ||
		roles != "HR-бизнес-партнер, Менеджер по персоналу, Рекрутер" || formats != "ON_SITE, HYBRID" || published != "2025-06-10T09:00:00Z" {
		t.Errorf("v_vacancies row: %q %q %q %q %q %q %q", area, region, parent, roleIDs, roles, formats, published)
	}
	var n int
	if err := db.r.QueryRow(`SELECT count(*) FROM v_vacancy_skills WHERE vacancy_id = ? AND vacancy_name = ?`, v.ID, v.Name).Scan(&n); err != nil || n != 5 {
		t.Errorf("v_vacancy_skills: %d rows (%v), want 5", n, err)
	}
}
