// Package postgres implements store.Store on PostgreSQL with pgx (pgxpool).
//
// Several hhjobs processes, on several machines, may share one database: they
// work through a run's slices with SELECT … FOR UPDATE SKIP LOCKED, slice
// leases use the server's clock, and migrations take an advisory lock so two
// processes opening the same fresh database don't race. Timestamps are
// timestamptz (microsecond precision); raw JSON is jsonb.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/hhjobs/hhjobs/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// pingTimeout bounds the connection check in Open.
const pingTimeout = 5 * time.Second

// DB is an open PostgreSQL store. It is safe for concurrent use.
type DB struct {
	pool *pgxpool.Pool
	dsn  string // redacted

	// Now returns the current time for bookkeeping timestamps (slice leases use the server's clock).
	Now func() time.Time
}

var _ store.Store = (*DB)(nil)

// Open connects to the database at dsn (a postgres:// URL or key=value
// string), checks the connection within a few seconds and migrates the schema
// under an advisory lock. Errors are one line and never contain the password;
// a database migrated by a newer hhjobs gives an error that wraps
// store.ErrSchemaTooNew.
func Open(ctx context.Context, dsn string) (*DB, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	return open(ctx, dsn, sub)
}

func open(ctx context.Context, dsn string, fsys fs.FS) (*DB, error) {
	red := Redact(dsn)
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("invalid PostgreSQL DSN %s: %s", red, scrub(dsn, parseErrMsg(err)))
	}
	if cfg.ConnConfig.ConnectTimeout == 0 || cfg.ConnConfig.ConnectTimeout > pingTimeout {
		cfg.ConnConfig.ConnectTimeout = pingTimeout
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL %s: %s", red, scrub(dsn, oneLine(err.Error())))
	}
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	err = pool.Ping(pctx)
	cancel()
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("PostgreSQL %s: %s", red, scrub(dsn, connectErrMsg(cfg, err)))
	}
	if err := migrate(ctx, pool, fsys); err != nil {
		pool.Close()
		var tooNew *schemaTooNewError
		if errors.As(err, &tooNew) {
			return nil, err
		}
		return nil, fmt.Errorf("PostgreSQL %s: migrate schema: %s", red, scrub(dsn, oneLine(err.Error())))
	}
	return &DB{pool: pool, dsn: red, Now: time.Now}, nil
}

// Close closes the pool.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// schemaTooNewError reads as one line for the user and matches store.ErrSchemaTooNew.
type schemaTooNewError struct{ have, latest int64 }

func (e *schemaTooNewError) Error() string {
	return fmt.Sprintf("database was created by a newer hhjobs (schema %d > %d): upgrade hhjobs", e.have, e.latest)
}
func (e *schemaTooNewError) Unwrap() error { return store.ErrSchemaTooNew }

// lockID is hhjobs' advisory lock for migrations ("hhjobs" in ASCII).
const lockID = 0x68686a6f6273

func migrate(ctx context.Context, pool *pgxpool.Pool, fsys fs.FS) error {
	sqldb := stdlib.OpenDBFromPool(pool)
	defer sqldb.Close()
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(lockID), lock.WithLockTimeout(1, 300))
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sqldb, fsys,
		goose.WithDisableGlobalRegistry(true), goose.WithSessionLocker(locker))
	if err != nil {
		return err
	}
	sources := p.ListSources()
	latest := sources[len(sources)-1].Version
	have, err := p.GetDBVersion(ctx)
	if err != nil {
		return err
	}
	if have > latest {
		return &schemaTooNewError{have: have, latest: latest}
	}
	_, err = p.Up(ctx)
	return err
}

var (
	urlPass   = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*://[^:/?#@]*:).*@`)
	queryPass = regexp.MustCompile(`(?i)([?&]password=)[^&#]*`)
	kvPass    = regexp.MustCompile(`(?i)(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s]*)`)
)

const mask = "xxxxx"

// Redact returns dsn with its password masked, for URL DSNs
// (postgres://user:pass@host/db, ?password=…) and key=value DSNs
// (password=… or password='…').
func Redact(dsn string) string {
	if strings.Contains(dsn, "://") {
		if u, err := url.Parse(dsn); err == nil {
			if u.User != nil {
				if _, ok := u.User.Password(); ok {
					u.User = url.UserPassword(u.User.Username(), mask)
				}
			}
			if q := u.Query(); q.Has("password") {
				q.Set("password", mask)
				u.RawQuery = q.Encode()
			}
			return u.String()
		}
		dsn = urlPass.ReplaceAllString(dsn, "${1}"+mask+"@")
		return queryPass.ReplaceAllString(dsn, "${1}"+mask)
	}
	return kvPass.ReplaceAllString(dsn, "${1}"+mask)
}

// passwords returns the password literals a DSN may carry.
func passwords(dsn string) []string {
	var out []string
	if u, err := url.Parse(dsn); err == nil && strings.Contains(dsn, "://") {
		if u.User != nil {
			if p, ok := u.User.Password(); ok {
				out = append(out, p)
			}
		}
		if p := u.Query().Get("password"); p != "" {
			out = append(out, p)
		}
	}
	if m := urlPass.FindStringSubmatch(dsn); m != nil {
		rest := strings.TrimPrefix(dsn, m[1])
		if i := strings.LastIndex(rest, "@"); i > 0 {
			out = append(out, rest[:i])
		}
	}
	for _, m := range kvPass.FindAllStringSubmatch(dsn, -1) {
		out = append(out, strings.Trim(m[2], "'"))
	}
	for _, m := range queryPass.FindAllStringSubmatch(dsn, -1) {
		out = append(out, strings.TrimPrefix(strings.TrimPrefix(m[0], m[1][:1]), m[1][1:]))
	}
	return out
}

// scrub removes any password of dsn from msg (belt and braces: pgx already redacts).
func scrub(dsn, msg string) string {
	for _, p := range passwords(dsn) {
		if len(p) >= 3 {
			msg = strings.ReplaceAll(msg, p, mask)
			if e := url.QueryEscape(p); e != p {
				msg = strings.ReplaceAll(msg, e, mask)
			}
		}
	}
	return msg
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// parseErrMsg keeps the reason of a pgconn parse error (its text repeats the DSN).
func parseErrMsg(err error) string {
	msg := err.Error()
	if strings.HasPrefix(msg, "cannot parse `") {
		if i := strings.Index(msg, "`: "); i > 0 {
			msg = msg[i+3:]
		}
	}
	return oneLine(msg)
}

// connectErrMsg names the usual causes of a failed first connection.
func connectErrMsg(cfg *pgxpool.Config, err error) string {
	where := fmt.Sprintf("%s:%d", cfg.ConnConfig.Host, cfg.ConnConfig.Port)
	if strings.HasPrefix(cfg.ConnConfig.Host, "/") {
		where = cfg.ConnConfig.Host
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "28P01":
			return fmt.Sprintf("password authentication failed for user %q", cfg.ConnConfig.User)
		case "3D000":
			return fmt.Sprintf("database %q does not exist", cfg.ConnConfig.Database)
		case "28000":
			return oneLine(pg.Message)
		}
		return oneLine(pg.Message + " (SQLSTATE " + pg.Code + ")")
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return fmt.Sprintf("cannot reach the server at %s: %v", where, op.Err)
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return fmt.Sprintf("cannot resolve host %s: %s", cfg.ConnConfig.Host, dns.Err)
	}
	if errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err) {
		return fmt.Sprintf("no answer from the server at %s within %v", where, pingTimeout)
	}
	return oneLine(err.Error())
}
