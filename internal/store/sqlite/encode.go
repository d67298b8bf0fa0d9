package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"
)

// Encoding of Go values into SQLite columns: timestamps are unix milliseconds
// (UTC), empty optional strings are NULL, booleans are 0/1.

func ms(t time.Time) int64 { return t.UnixMilli() }

func msPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func fromNullMS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMS(v.Int64)
	return &t
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullInt(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func nullBool(p *bool) any {
	if p == nil {
		return nil
	}
	return boolInt(*p)
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func intPtr(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	x := v.Int64
	return &x
}

func boolPtr(v sql.NullInt64) *bool {
	if !v.Valid {
		return nil
	}
	x := v.Int64 != 0
	return &x
}

func rawJSON(b json.RawMessage) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}

// placeholders returns "(?,?,?),(?,?,?)" for rows rows of n columns.
func placeholders(rows, n int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", n), ",") + ")"
	var b strings.Builder
	b.Grow(rows * (len(one) + 1))
	for i := 0; i < rows; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(one)
	}
	return b.String()
}

func inList(n int) string {
	return "(" + strings.TrimSuffix(strings.Repeat("?,", n), ",") + ")"
}

// maxVars keeps every statement well below SQLite's 32766 host parameters.
const maxVars = 30000

// insertRows runs "head VALUES (...),(...) tail" over rows in chunks.
func insertRows(ctx context.Context, tx wtx, head, tail string, ncols int, rows [][]any) error {
	chunk := max(1, min(500, maxVars/ncols))
	args := make([]any, 0, min(len(rows), chunk)*ncols)
	for start := 0; start < len(rows); start += chunk {
		end := min(len(rows), start+chunk)
		args = args[:0]
		for _, r := range rows[start:end] {
			args = append(args, r...)
		}
		q := head + " VALUES " + placeholders(end-start, ncols) + " " + tail
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// chunkIDs calls fn with at most n ids at a time.
func chunkIDs(ids []string, n int, fn func([]string) error) error {
	for start := 0; start < len(ids); start += n {
		if err := fn(ids[start:min(len(ids), start+n)]); err != nil {
			return err
		}
	}
	return nil
}

func anys(ids []string, extra ...any) []any {
	out := make([]any, 0, len(extra)+len(ids))
	out = append(out, extra...)
	for _, id := range ids {
		out = append(out, id)
	}
	return out
}

// maxStmts bounds the prepared-statement cache.
const maxStmts = 256

// stmt returns q prepared on the write connection, cached: the statements of
// a page (multi-row inserts, IN lists) repeat with the page size, and parsing
// them is a good part of a page's cost. The caller holds db.wmu.
func (db *DB) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := db.stmts[q]; ok {
		return st, nil
	}
	st, err := db.wc.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if len(db.stmts) >= maxStmts {
		for k, old := range db.stmts {
			_ = old.Close()
			delete(db.stmts, k)
			break
		}
	}
	db.stmts[q] = st
	return st, nil
}

// wtx is the open write transaction on the write connection. Its statements
// go through the statement cache.
type wtx struct{ db *DB }

func (t wtx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := t.db.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (t wtx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := t.db.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (t wtx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := t.db.stmt(ctx, q)
	if err != nil {
		return t.db.wc.QueryRowContext(ctx, q, args...) // reports the same error
	}
	return st.QueryRowContext(ctx, args...)
}
