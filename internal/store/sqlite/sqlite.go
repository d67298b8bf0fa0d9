// Package sqlite implements store.Store on one SQLite file with
// modernc.org/sqlite (pure Go).
//
// The file is opened twice: a write handle with a single connection (every
// write transaction is BEGIN IMMEDIATE and they are serialised in-process), and
// a read pool. WAL mode lets the readers (report, export) run while a
// collector writes. Timestamps are stored as INTEGER unix milliseconds (UTC),
// so values round-trip at millisecond precision.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/pressly/goose/v3"
	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"github.com/hhjobs/hhjobs/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is an open SQLite store. It is safe for concurrent use.
type DB struct {
	w    *sql.DB // one connection: all writes
	r    *sql.DB // read pool
	path string

	wmu   sync.Mutex           // held for every write transaction
	wc    *sql.Conn            // w's one connection, pinned
	stmts map[string]*sql.Stmt // prepared on wc; see stmt

	// Now returns the current time; ClaimSlice and the bookkeeping
	// timestamps use it. Tests may replace it before use.
	Now func() time.Time
}

var _ store.Store = (*DB)(nil)

// Open opens (creating if needed) the SQLite database at path and migrates it
// to the newest schema. The parent directory must exist. Errors are one line
// meant for the user; a database migrated by a newer hhjobs gives an error
// that wraps store.ErrSchemaTooNew. When Open creates the file and then fails,
// it removes it again.
func Open(ctx context.Context, path string) (*DB, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	return open(ctx, path, sub)
}

func open(ctx context.Context, path string, fsys fs.FS) (_ *DB, err error) {
	if path == "" {
		return nil, errors.New("empty SQLite database path")
	}
	if path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("%s: give the SQLite database as a plain file path", path)
	}
	dir := filepath.Dir(path)
	if st, serr := os.Stat(dir); serr != nil {
		if errors.Is(serr, fs.ErrNotExist) {
			return nil, fmt.Errorf("directory %s does not exist", dir)
		}
		return nil, fmt.Errorf("directory %s: %w", dir, unwrapPathErr(serr))
	} else if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", dir)
	}

	created := false
	st, serr := os.Stat(path)
	switch {
	case serr == nil && st.IsDir():
		return nil, fmt.Errorf("%s is a directory, not a database file", path)
	case serr == nil && !st.Mode().IsRegular():
		return nil, fmt.Errorf("%s is not a regular file", path)
	case serr == nil:
		f, oerr := os.OpenFile(path, os.O_RDWR, 0)
		if oerr != nil {
			return nil, fmt.Errorf("cannot open %s for writing: %w", path, unwrapPathErr(oerr))
		}
		_ = f.Close()
	case errors.Is(serr, fs.ErrNotExist):
		f, cerr := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if cerr != nil {
			if errors.Is(cerr, fs.ErrPermission) {
				return nil, fmt.Errorf("cannot create %s: directory %s is not writable", path, dir)
			}
			return nil, fmt.Errorf("cannot create %s: %w", path, unwrapPathErr(cerr))
		}
		_ = f.Close()
		created = true
	default:
		return nil, fmt.Errorf("%s: %w", path, unwrapPathErr(serr))
	}
	defer func() {
		if err != nil && created {
			for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
				_ = os.Remove(path + suffix)
			}
		}
	}()
	// WAL needs to create path-wal and path-shm beside the file.
	probe, perr := os.CreateTemp(dir, ".hhjobs-probe-*")
	if perr != nil {
		return nil, fmt.Errorf("directory %s is not writable (SQLite needs to create %s-wal there)", dir, filepath.Base(path))
	}
	_ = probe.Close()
	_ = os.Remove(probe.Name())

	uri := "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(path))
	common := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	w, err := sql.Open("sqlite", uri+"?_txlock=immediate&"+common)
	if err != nil {
		return nil, friendly(path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	db := &DB{w: w, path: path, Now: time.Now}
	defer func() {
		if err != nil {
			_ = db.Close()
		}
	}()
	if err := w.PingContext(ctx); err != nil {
		return nil, friendly(path, err)
	}
	if err := migrate(ctx, w, fsys, path); err != nil {
		return nil, err
	}
	if db.wc, err = w.Conn(ctx); err != nil {
		return nil, friendly(path, err)
	}
	db.stmts = map[string]*sql.Stmt{}
	r, err := sql.Open("sqlite", uri+"?"+common+"&_pragma=query_only(1)")
	if err != nil {
		return nil, friendly(path, err)
	}
	r.SetMaxOpenConns(max(4, runtime.NumCPU()))
	r.SetMaxIdleConns(max(4, runtime.NumCPU()))
	db.r = r
	if err := r.PingContext(ctx); err != nil {
		return nil, friendly(path, err)
	}
	return db, nil
}

// Close closes both handles.
func (db *DB) Close() error {
	var errs []error
	db.wmu.Lock()
	for _, st := range db.stmts {
		errs = append(errs, st.Close())
	}
	db.stmts = nil
	if db.wc != nil {
		errs = append(errs, db.wc.Close())
		db.wc = nil
	}
	db.wmu.Unlock()
	if db.r != nil {
		errs = append(errs, db.r.Close())
	}
	if db.w != nil {
		errs = append(errs, db.w.Close())
	}
	return errors.Join(errs...)
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

// schemaTooNewError reads as one line for the user and matches store.ErrSchemaTooNew.
type schemaTooNewError struct{ have, latest int64 }

func (e *schemaTooNewError) Error() string {
	return fmt.Sprintf("database was created by a newer hhjobs (schema %d > %d): upgrade hhjobs", e.have, e.latest)
}
func (e *schemaTooNewError) Unwrap() error { return store.ErrSchemaTooNew }

func setWAL(ctx context.Context, db *sql.DB, path string) error {
	var mode string
	if err := db.QueryRowContext(ctx, `PRAGMA journal_mode = WAL`).Scan(&mode); err != nil {
		return friendly(path, err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("%s: cannot switch to WAL mode (journal mode stays %s)", path, mode)
	}
	return nil
}

func migrate(ctx context.Context, db *sql.DB, fsys fs.FS, path string) error {
	var objects, versioned int
	err := db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'),
		(SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version')`).Scan(&objects, &versioned)
	if err != nil {
		return friendly(path, err)
	}
	if objects > 0 && versioned == 0 {
		return fmt.Errorf("%s is an SQLite database of another program (it has tables but no hhjobs schema)", path)
	}
	// WAL lets readers work while a collector writes. It is set only now so
	// that Open never rewrites a file it refuses.
	if err := setWAL(ctx, db, path); err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("%s: migrations: %w", path, err)
	}
	sources := p.ListSources()
	latest := sources[len(sources)-1].Version
	have, err := p.GetDBVersion(ctx)
	if err != nil {
		return friendly(path, err)
	}
	if have > latest {
		return &schemaTooNewError{have: have, latest: latest}
	}
	applied, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("%s: migrate schema: %w", path, oneLine(friendlyErr(err)))
	}
	if len(applied) > 0 && have > 0 {
		// A migration that rebuilt tables leaves them in the WAL; readers
		// would search it page by page until the next checkpoint.
		if _, err := db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			return fmt.Errorf("%s: checkpoint after migrating: %w", path, oneLine(friendlyErr(err)))
		}
	}
	return nil
}

// friendly maps driver errors on opening to one line that names path.
func friendly(path string, err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite3.Error
	code := 0
	if errors.As(err, &se) {
		code = se.Code() & 0xff
	}
	msg := err.Error()
	switch {
	case code == sqlite3lib.SQLITE_NOTADB || strings.Contains(msg, "file is not a database"):
		return fmt.Errorf("%s is not an SQLite database (corrupt or another file)", path)
	case code == sqlite3lib.SQLITE_CORRUPT:
		return fmt.Errorf("%s is corrupt (database disk image is malformed)", path)
	case code == sqlite3lib.SQLITE_READONLY:
		return fmt.Errorf("%s is read-only", path)
	case code == sqlite3lib.SQLITE_CANTOPEN:
		return fmt.Errorf("cannot open %s (check that it is a file you may write, in a writable directory)", path)
	case code == sqlite3lib.SQLITE_BUSY:
		return fmt.Errorf("%s is locked by another process", path)
	}
	return fmt.Errorf("%s: %w", path, oneLine(err))
}

func friendlyErr(err error) error {
	var se *sqlite3.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3lib.SQLITE_NOTADB {
		return errors.New("not an SQLite database")
	}
	return err
}

type oneLineError struct{ err error }

func (e oneLineError) Error() string {
	return strings.Join(strings.Fields(strings.ReplaceAll(e.err.Error(), "\n", " ")), " ")
}
func (e oneLineError) Unwrap() error { return e.err }

func oneLine(err error) error {
	if err == nil || !strings.ContainsAny(err.Error(), "\r\n") {
		return err
	}
	return oneLineError{err}
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
