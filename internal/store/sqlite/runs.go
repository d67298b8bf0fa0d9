package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
)

// withTx runs fn in a write transaction (BEGIN IMMEDIATE) on the write
// connection; db.wmu serialises the writers of this process, SQLite's lock
// (with busy_timeout) those of other processes.
func (db *DB) withTx(ctx context.Context, fn func(tx wtx) error) error {
	db.wmu.Lock()
	defer db.wmu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	if db.wc == nil {
		return errors.New("database is closed")
	}
	if _, err := db.wc.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		return err
	}
	rollback := func() { _, _ = db.wc.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`) }
	if err := fn(wtx{db}); err != nil {
		rollback()
		return err
	}
	if _, err := db.wc.ExecContext(ctx, `COMMIT`); err != nil {
		rollback()
		return err
	}
	return nil
}

// exec runs one statement in its own write transaction.
func (db *DB) exec(ctx context.Context, q string, args ...any) (res sql.Result, err error) {
	err = db.withTx(ctx, func(tx wtx) error {
		res, err = tx.ExecContext(ctx, q, args...)
		return err
	})
	return res, err
}

// ReplaceAreas replaces the whole areas table.
func (db *DB) ReplaceAreas(ctx context.Context, areas []store.Area) error {
	return db.withTx(ctx, func(tx wtx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM areas`); err != nil {
			return fmt.Errorf("replace areas: %w", err)
		}
		rows := make([][]any, len(areas))
		for i, a := range areas {
			rows[i] = []any{a.ID, nullStr(a.ParentID), a.Name}
		}
		if err := insertRows(ctx, tx, `INSERT OR REPLACE INTO areas (id, parent_id, name)`, "", 3, rows); err != nil {
			return fmt.Errorf("replace areas: %w", err)
		}
		return nil
	})
}

// Areas returns every area ordered by id.
func (db *DB) Areas(ctx context.Context) ([]store.Area, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, COALESCE(parent_id, ''), name FROM areas ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("areas: %w", err)
	}
	defer rows.Close()
	var out []store.Area
	for rows.Next() {
		var a store.Area
		if err := rows.Scan(&a.ID, &a.ParentID, &a.Name); err != nil {
			return nil, fmt.Errorf("areas: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ReplaceRoles replaces the whole professional_roles table.
func (db *DB) ReplaceRoles(ctx context.Context, roles []store.Role) error {
	return db.withTx(ctx, func(tx wtx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM professional_roles`); err != nil {
			return fmt.Errorf("replace roles: %w", err)
		}
		rows := make([][]any, len(roles))
		for i, r := range roles {
			rows[i] = []any{r.ID, r.Name, r.CategoryID, r.CategoryName, boolInt(r.SearchDeprecated)}
		}
		// A role listed under several categories keeps its first one.
		if err := insertRows(ctx, tx, `INSERT INTO professional_roles (id, name, category_id, category_name, search_deprecated)`,
			"ON CONFLICT (id) DO NOTHING", 5, rows); err != nil {
			return fmt.Errorf("replace roles: %w", err)
		}
		return nil
	})
}

// Roles returns every professional role ordered by id.
func (db *DB) Roles(ctx context.Context) ([]store.Role, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, name, category_id, category_name, search_deprecated FROM professional_roles ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("roles: %w", err)
	}
	defer rows.Close()
	var out []store.Role
	for rows.Next() {
		var r store.Role
		var dep int64
		if err := rows.Scan(&r.ID, &r.Name, &r.CategoryID, &r.CategoryName, &dep); err != nil {
			return nil, fmt.Errorf("roles: %w", err)
		}
		r.SearchDeprecated = dep != 0
		out = append(out, r)
	}
	return out, rows.Err()
}

const dateLayout = "2006-01-02"

// SaveCurrencyRates replaces the rates of every date present in rates.
func (db *DB) SaveCurrencyRates(ctx context.Context, rates []store.CurrencyRate) error {
	return db.withTx(ctx, func(tx wtx) error {
		seen := map[string]bool{}
		rows := make([][]any, 0, len(rates))
		for _, r := range rates {
			d := r.Date.UTC().Format(dateLayout)
			if !seen[d] {
				seen[d] = true
				if _, err := tx.ExecContext(ctx, `DELETE FROM currency_rates WHERE date = ?`, d); err != nil {
					return fmt.Errorf("save currency rates: %w", err)
				}
			}
			rows = append(rows, []any{d, r.Code, r.Rate})
		}
		if err := insertRows(ctx, tx, `INSERT OR REPLACE INTO currency_rates (date, code, rate)`, "", 3, rows); err != nil {
			return fmt.Errorf("save currency rates: %w", err)
		}
		return nil
	})
}

// CurrencyRates returns every rate ordered by date, then code.
func (db *DB) CurrencyRates(ctx context.Context) ([]store.CurrencyRate, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT date, code, rate FROM currency_rates ORDER BY date, code`)
	if err != nil {
		return nil, fmt.Errorf("currency rates: %w", err)
	}
	defer rows.Close()
	var out []store.CurrencyRate
	for rows.Next() {
		var d string
		var r store.CurrencyRate
		if err := rows.Scan(&d, &r.Code, &r.Rate); err != nil {
			return nil, fmt.Errorf("currency rates: %w", err)
		}
		if r.Date, err = time.Parse(dateLayout, d); err != nil {
			return nil, fmt.Errorf("currency rates: bad date %q", d)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SaveQuery inserts or updates q by name.
func (db *DB) SaveQuery(ctx context.Context, q store.Query) (store.Query, error) {
	params, err := store.EncodeParams(q.Params)
	if err != nil {
		return store.Query{}, err
	}
	now := db.Now()
	created := q.CreatedAt
	if created.IsZero() {
		created = now
	}
	var id, c, u int64
	err = db.withTx(ctx, func(tx wtx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO queries (name, params, created_at, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET params = excluded.params, updated_at = excluded.updated_at
		RETURNING id, created_at, updated_at`, q.Name, params, ms(created), ms(now)).Scan(&id, &c, &u)
	})
	if err != nil {
		return store.Query{}, fmt.Errorf("save query %q: %w", q.Name, err)
	}
	out := store.Query{ID: id, Name: q.Name, CreatedAt: fromMS(c), UpdatedAt: fromMS(u)}
	out.Params, err = store.DecodeParams([]byte(params))
	return out, err
}

const queryCols = `id, name, params, created_at, updated_at`

func scanQuery(sc interface{ Scan(...any) error }) (store.Query, error) {
	var q store.Query
	var params string
	var c, u int64
	if err := sc.Scan(&q.ID, &q.Name, &params, &c, &u); err != nil {
		return q, err
	}
	q.CreatedAt, q.UpdatedAt = fromMS(c), fromMS(u)
	var err error
	q.Params, err = store.DecodeParams([]byte(params))
	return q, err
}

// QueryByName returns store.ErrNotFound when absent.
func (db *DB) QueryByName(ctx context.Context, name string) (store.Query, error) {
	q, err := scanQuery(db.r.QueryRowContext(ctx, `SELECT `+queryCols+` FROM queries WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Query{}, fmt.Errorf("query %q: %w", name, store.ErrNotFound)
	}
	if err != nil {
		return store.Query{}, fmt.Errorf("query %q: %w", name, err)
	}
	return q, nil
}

// Queries lists saved queries by name.
func (db *DB) Queries(ctx context.Context) ([]store.Query, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+queryCols+` FROM queries ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("queries: %w", err)
	}
	defer rows.Close()
	var out []store.Query
	for rows.Next() {
		q, err := scanQuery(rows)
		if err != nil {
			return nil, fmt.Errorf("queries: %w", err)
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

const runCols = `id, query_id, status, started_at, finished_at, upper_bound, details, error,
	n_requests, n_requests_429, n_retries, n_pages, n_details, n_new, n_changed, n_unchanged, n_closed`

func scanRun(sc interface{ Scan(...any) error }) (store.Run, error) {
	var r store.Run
	var started, upper int64
	var finished sql.NullInt64
	c := &r.Counters
	err := sc.Scan(&r.ID, &r.QueryID, &r.Status, &started, &finished, &upper, &r.Details, &r.Error,
		&c.Requests, &c.Requests429, &c.Retries, &c.Pages, &c.Details, &c.New, &c.Changed, &c.Unchanged, &c.Closed)
	r.StartedAt, r.FinishedAt, r.UpperBound = fromMS(started), fromNullMS(finished), fromMS(upper)
	return r, err
}

// CreateRun inserts r (status running and started now unless set).
func (db *DB) CreateRun(ctx context.Context, r store.Run) (store.Run, error) {
	if r.Status == "" {
		r.Status = store.RunRunning
	}
	if r.StartedAt.IsZero() {
		r.StartedAt = db.Now()
	}
	c := r.Counters
	var out store.Run
	err := db.withTx(ctx, func(tx wtx) error {
		var err error
		out, err = scanRun(tx.QueryRowContext(ctx, `INSERT INTO runs (query_id, status, started_at, finished_at, upper_bound, details, error,
		n_requests, n_requests_429, n_retries, n_pages, n_details, n_new, n_changed, n_unchanged, n_closed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+runCols,
			r.QueryID, r.Status, ms(r.StartedAt), msPtr(r.FinishedAt), ms(r.UpperBound), r.Details, r.Error,
			c.Requests, c.Requests429, c.Retries, c.Pages, c.Details, c.New, c.Changed, c.Unchanged, c.Closed))
		return err
	})
	if err != nil {
		return store.Run{}, fmt.Errorf("create run: %w", err)
	}
	return out, nil
}

// GetRun returns store.ErrNotFound when absent.
func (db *DB) GetRun(ctx context.Context, id int64) (store.Run, error) {
	r, err := scanRun(db.r.QueryRowContext(ctx, `SELECT `+runCols+` FROM runs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Run{}, fmt.Errorf("run %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Run{}, fmt.Errorf("run %d: %w", id, err)
	}
	return r, nil
}

// Runs lists runs newest first.
func (db *DB) Runs(ctx context.Context, queryID int64) ([]store.Run, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+runCols+` FROM runs WHERE ? = 0 OR query_id = ? ORDER BY id DESC`, queryID, queryID)
	if err != nil {
		return nil, fmt.Errorf("runs: %w", err)
	}
	defer rows.Close()
	var out []store.Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("runs: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func affected(res sql.Result, err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return nil
}

// FinishRun sets status, error and finished_at.
func (db *DB) FinishRun(ctx context.Context, id int64, status, errMsg string, finishedAt *time.Time) error {
	res, err := db.exec(ctx, `UPDATE runs SET status = ?, error = ?, finished_at = ? WHERE id = ?`,
		status, errMsg, msPtr(finishedAt), id)
	return affected(res, err, fmt.Sprintf("finish run %d", id))
}

// AddRunCounters adds c to the run's counters in one statement.
func (db *DB) AddRunCounters(ctx context.Context, id int64, c store.Counters) error {
	res, err := db.exec(ctx, `UPDATE runs SET n_requests = n_requests + ?, n_requests_429 = n_requests_429 + ?,
		n_retries = n_retries + ?, n_pages = n_pages + ?, n_details = n_details + ?, n_new = n_new + ?,
		n_changed = n_changed + ?, n_unchanged = n_unchanged + ?, n_closed = n_closed + ? WHERE id = ?`,
		c.Requests, c.Requests429, c.Retries, c.Pages, c.Details, c.New, c.Changed, c.Unchanged, c.Closed, id)
	return affected(res, err, fmt.Sprintf("add run %d counters", id))
}

const sliceCols = `id, run_id, COALESCE(parent_id, 0), params, state, found, pages, stored, worker, lease_until, error, updated_at`

func scanSlice(sc interface{ Scan(...any) error }) (store.Slice, error) {
	var s store.Slice
	var params string
	var lease sql.NullInt64
	var updated int64
	if err := sc.Scan(&s.ID, &s.RunID, &s.ParentID, &params, &s.State, &s.Found, &s.Pages, &s.Stored,
		&s.Worker, &lease, &s.Error, &updated); err != nil {
		return s, err
	}
	s.LeaseUntil, s.UpdatedAt = fromNullMS(lease), fromMS(updated)
	var err error
	s.Params, s.Plan, err = store.DecodeSliceParams([]byte(params))
	return s, err
}

func (db *DB) insertSlices(ctx context.Context, tx wtx, runID, parentID int64, slices []store.Slice) ([]store.Slice, error) {
	now := ms(db.Now())
	out := make([]store.Slice, 0, len(slices))
	for _, s := range slices {
		if s.State == "" {
			s.State = store.SlicePending
		}
		pid := s.ParentID
		if parentID != 0 {
			pid = parentID
		}
		params, err := store.EncodeSliceParams(s)
		if err != nil {
			return nil, err
		}
		var parent any
		if pid != 0 {
			parent = pid
		}
		got, err := scanSlice(tx.QueryRowContext(ctx, `INSERT INTO slices (run_id, parent_id, params, state, found, pages, stored, worker, lease_until, error, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+sliceCols,
			runID, parent, params, s.State, s.Found, s.Pages, s.Stored, s.Worker, msPtr(s.LeaseUntil), s.Error, now))
		if err != nil {
			return nil, err
		}
		out = append(out, got)
	}
	return out, nil
}

// AddSlices inserts slices into run runID.
func (db *DB) AddSlices(ctx context.Context, runID int64, slices []store.Slice) ([]store.Slice, error) {
	var out []store.Slice
	err := db.withTx(ctx, func(tx wtx) error {
		var err error
		out, err = db.insertSlices(ctx, tx, runID, 0, slices)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("add slices to run %d: %w", runID, err)
	}
	return out, nil
}

// ClaimSlice takes the oldest pending (or lease-expired) slice in a write transaction.
func (db *DB) ClaimSlice(ctx context.Context, runID int64, worker string, lease time.Duration) (store.Slice, error) {
	now := db.Now()
	var s store.Slice
	err := db.withTx(ctx, func(tx wtx) error {
		var err error
		s, err = scanSlice(tx.QueryRowContext(ctx, `UPDATE slices SET state = ?, worker = ?, lease_until = ?, updated_at = ?
			WHERE id = (SELECT id FROM slices WHERE run_id = ?
				AND (state = ? OR (state = ? AND (lease_until IS NULL OR lease_until < ?))) ORDER BY id LIMIT 1)
			RETURNING `+sliceCols,
			store.SliceClaimed, worker, ms(now.Add(lease)), ms(now), runID, store.SlicePending, store.SliceClaimed, ms(now)))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return store.Slice{}, store.ErrNoSlice
	}
	if err != nil {
		return store.Slice{}, fmt.Errorf("claim slice of run %d: %w", runID, err)
	}
	return s, nil
}

// ExtendLease renews worker's claim on a slice.
func (db *DB) ExtendLease(ctx context.Context, sliceID int64, worker string, lease time.Duration) error {
	now := db.Now()
	res, err := db.exec(ctx, `UPDATE slices SET lease_until = ?, updated_at = ? WHERE id = ? AND worker = ? AND state = ?`,
		ms(now.Add(lease)), ms(now), sliceID, worker, store.SliceClaimed)
	return affected(res, err, fmt.Sprintf("extend the lease of slice %d", sliceID))
}

// UpdateSlice writes the mutable fields of s.
func (db *DB) UpdateSlice(ctx context.Context, s store.Slice) error {
	res, err := db.exec(ctx, `UPDATE slices SET state = ?, found = ?, pages = ?, stored = ?, worker = ?, error = ?,
		lease_until = ?, updated_at = ? WHERE id = ?`,
		s.State, s.Found, s.Pages, s.Stored, s.Worker, s.Error, msPtr(s.LeaseUntil), ms(db.Now()), s.ID)
	return affected(res, err, fmt.Sprintf("update slice %d", s.ID))
}

// SplitSlice marks parent split and inserts its children.
func (db *DB) SplitSlice(ctx context.Context, parent store.Slice, children []store.Slice) ([]store.Slice, error) {
	var out []store.Slice
	err := db.withTx(ctx, func(tx wtx) error {
		var runID int64
		err := tx.QueryRowContext(ctx, `UPDATE slices SET state = ?, found = ?, pages = ?, stored = ?, lease_until = NULL, updated_at = ?
			WHERE id = ? RETURNING run_id`, store.SliceSplit, parent.Found, parent.Pages, parent.Stored, ms(db.Now()), parent.ID).Scan(&runID)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		out, err = db.insertSlices(ctx, tx, runID, parent.ID, children)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("split slice %d: %w", parent.ID, err)
	}
	return out, nil
}

// Slices lists a run's slices by id.
func (db *DB) Slices(ctx context.Context, runID int64) ([]store.Slice, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+sliceCols+` FROM slices WHERE run_id = ? ORDER BY id`, runID)
	if err != nil {
		return nil, fmt.Errorf("slices of run %d: %w", runID, err)
	}
	defer rows.Close()
	var out []store.Slice
	for rows.Next() {
		s, err := scanSlice(rows)
		if err != nil {
			return nil, fmt.Errorf("slices of run %d: %w", runID, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
