package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strings"

	"github.com/hhjobs/hhjobs/internal/store"
)

// dbScheme matches a URL-looking --db (mysql://…, sqlite://…), which is
// not a path; only postgres:// and postgresql:// are URLs we open.
var dbScheme = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*)://`)

// checkDBLocation refuses database locations no engine opens, naming them.
func checkDBLocation(loc string) error {
	if m := dbScheme.FindStringSubmatch(loc); m != nil {
		switch strings.ToLower(m[1]) {
		case "postgres", "postgresql":
		default:
			return usageErrorf("--db %s: unsupported database scheme %q: want a file path, sqlite:PATH, or postgres://…", redactDSN(loc), m[1])
		}
	}
	return nil
}

// redactDSN hides a password in a URL-shaped location.
func redactDSN(loc string) string {
	if i := strings.Index(loc, "://"); i >= 0 {
		rest := loc[i+3:]
		if at := strings.LastIndex(strings.SplitN(rest, "/", 2)[0], "@"); at >= 0 {
			if c := strings.Index(rest[:at], ":"); c >= 0 {
				return loc[:i+3] + rest[:c] + ":***" + rest[at:]
			}
		}
	}
	return loc
}

// sqlitePath returns the file of an SQLite location, or "" for PostgreSQL.
func sqlitePath(loc string) string {
	if strings.HasPrefix(loc, "postgres://") || strings.HasPrefix(loc, "postgresql://") {
		return ""
	}
	return strings.TrimPrefix(loc, "sqlite:")
}

// ReadStore opens the configured database for a command that only reads it
// (stats, report, export, status, query): a database that does not exist is
// an error, never created. An existing one without vacancies gets a note on
// stderr, so that an empty table is not mistaken for an empty market.
func (f *Factory) ReadStore(ctx context.Context) (store.Store, error) {
	loc, err := f.Settings.DBLocation()
	if err != nil {
		return nil, err
	}
	if err := checkDBLocation(loc); err != nil {
		return nil, err
	}
	if p := sqlitePath(loc); p != "" {
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no database at %s: the file does not exist; run `hhjobs collect` first, or pass --db", p)
		}
	}
	st, err := f.Store(ctx)
	if err != nil {
		return nil, err
	}
	if !f.notedEmpty {
		f.notedEmpty = true
		if empty, err := noVacancies(ctx, st); err == nil && empty {
			fmt.Fprintf(f.IO.Err, "note: the database at %s has no vacancies yet: run `hhjobs collect` first, or pass --db\n", redactDSN(loc))
		}
	}
	return st, nil
}

var errFound = errors.New("found")

// noVacancies reports whether st holds no vacancy, reading at most one.
func noVacancies(ctx context.Context, st store.Store) (bool, error) {
	err := st.EachVacancy(ctx, store.Filter{Fields: store.FieldName}, func(store.Vacancy) error { return errFound })
	if errors.Is(err, errFound) {
		return false, nil
	}
	return err == nil, err
}

// discardCreated removes the SQLite database this process created, when the
// command fails before any query was saved in it: a mistake (a bad filter,
// an --api-base that does not answer) must leave no file behind, while a
// first collect that fails midway keeps what it collected.
func (f *Factory) discardCreated(ctx context.Context) {
	f.mu.Lock()
	path, st := f.created, f.db
	f.created = ""
	f.mu.Unlock()
	if path == "" || st == nil {
		return
	}
	if qs, err := st.Queries(context.WithoutCancel(ctx)); err != nil || len(qs) > 0 {
		return
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		_ = os.Remove(p)
	}
}
