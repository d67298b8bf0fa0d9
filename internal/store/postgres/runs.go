package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/hhjobs/hhjobs/internal/store"
)

func (db *DB) withTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, db.pool, fn)
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func utc(t time.Time) time.Time { return t.UTC() }

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// values returns "($1,$2),($3,$4)" for rows rows of n columns.
func values(rows, n int) string {
	var b strings.Builder
	k := 1
	for i := 0; i < rows; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for j := 0; j < n; j++ {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(k))
			k++
		}
		b.WriteByte(')')
	}
	return b.String()
}

// queueRows queues "head VALUES … tail" over rows in chunks onto b.
func queueRows(b *pgx.Batch, head, tail string, ncols int, rows [][]any) {
	chunk := max(1, min(1000, 60000/ncols))
	for start := 0; start < len(rows); start += chunk {
		end := min(len(rows), start+chunk)
		args := make([]any, 0, (end-start)*ncols)
		for _, r := range rows[start:end] {
			args = append(args, r...)
		}
		b.Queue(head+" VALUES "+values(end-start, ncols)+" "+tail, args...)
	}
}

// ReplaceAreas replaces the whole areas table.
func (db *DB) ReplaceAreas(ctx context.Context, areas []store.Area) error {
	err := db.withTx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(`DELETE FROM areas`)
		rows := make([][]any, len(areas))
		for i, a := range areas {
			rows[i] = []any{a.ID, nullStr(a.ParentID), a.Name}
		}
		queueRows(b, `INSERT INTO areas (id, parent_id, name)`, `ON CONFLICT (id) DO NOTHING`, 3, rows)
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("replace areas: %w", err)
	}
	return nil
}

// Areas returns every area ordered by id.
func (db *DB) Areas(ctx context.Context) ([]store.Area, error) {
	rows, _ := db.pool.Query(ctx, `SELECT id, COALESCE(parent_id, ''), name FROM areas ORDER BY id`)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Area, error) {
		var a store.Area
		err := r.Scan(&a.ID, &a.ParentID, &a.Name)
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("areas: %w", err)
	}
	return out, nil
}

// ReplaceRoles replaces the whole professional_roles table.
func (db *DB) ReplaceRoles(ctx context.Context, roles []store.Role) error {
	err := db.withTx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(`DELETE FROM professional_roles`)
		rows := make([][]any, len(roles))
		for i, r := range roles {
			rows[i] = []any{r.ID, r.Name, r.CategoryID, r.CategoryName, r.SearchDeprecated}
		}
		// A role listed under several categories keeps its first one.
		queueRows(b, `INSERT INTO professional_roles (id, name, category_id, category_name, search_deprecated)`,
			`ON CONFLICT (id) DO NOTHING`, 5, rows)
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("replace roles: %w", err)
	}
	return nil
}

// Roles returns every professional role ordered by id.
func (db *DB) Roles(ctx context.Context) ([]store.Role, error) {
	rows, _ := db.pool.Query(ctx, `SELECT id, name, category_id, category_name, search_deprecated FROM professional_roles ORDER BY id`)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Role, error) {
		var x store.Role
		err := r.Scan(&x.ID, &x.Name, &x.CategoryID, &x.CategoryName, &x.SearchDeprecated)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("roles: %w", err)
	}
	return out, nil
}

// SaveCurrencyRates replaces the rates of every date present in rates.
func (db *DB) SaveCurrencyRates(ctx context.Context, rates []store.CurrencyRate) error {
	err := db.withTx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		seen := map[time.Time]bool{}
		rows := make([][]any, 0, len(rates))
		for _, r := range rates {
			y, m, dd := r.Date.UTC().Date()
			d := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
			if !seen[d] {
				seen[d] = true
				b.Queue(`DELETE FROM currency_rates WHERE date = $1`, d)
			}
			rows = append(rows, []any{d, r.Code, r.Rate})
		}
		queueRows(b, `INSERT INTO currency_rates (date, code, rate)`,
			`ON CONFLICT (date, code) DO UPDATE SET rate = excluded.rate`, 3, rows)
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("save currency rates: %w", err)
	}
	return nil
}

// CurrencyRates returns every rate ordered by date, then code.
func (db *DB) CurrencyRates(ctx context.Context) ([]store.CurrencyRate, error) {
	rows, _ := db.pool.Query(ctx, `SELECT date, code, rate FROM currency_rates ORDER BY date, code`)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.CurrencyRate, error) {
		var x store.CurrencyRate
		err := r.Scan(&x.Date, &x.Code, &x.Rate)
		x.Date = utc(x.Date)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("currency rates: %w", err)
	}
	return out, nil
}

const queryCols = `id, name, params, created_at, updated_at`

func scanQuery(row pgx.Row) (store.Query, error) {
	var q store.Query
	var params []byte
	if err := row.Scan(&q.ID, &q.Name, &params, &q.CreatedAt, &q.UpdatedAt); err != nil {
		return q, err
	}
	q.CreatedAt, q.UpdatedAt = utc(q.CreatedAt), utc(q.UpdatedAt)
	var err error
	q.Params, err = store.DecodeParams(params)
	return q, err
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
	out, err := scanQuery(db.pool.QueryRow(ctx, `INSERT INTO queries (name, params, created_at, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (name) DO UPDATE SET params = excluded.params, updated_at = excluded.updated_at
		RETURNING `+queryCols, q.Name, params, created, now))
	if err != nil {
		return store.Query{}, fmt.Errorf("save query %q: %w", q.Name, err)
	}
	return out, nil
}

// QueryByName returns store.ErrNotFound when absent.
func (db *DB) QueryByName(ctx context.Context, name string) (store.Query, error) {
	q, err := scanQuery(db.pool.QueryRow(ctx, `SELECT `+queryCols+` FROM queries WHERE name = $1`, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Query{}, fmt.Errorf("query %q: %w", name, store.ErrNotFound)
	}
	if err != nil {
		return store.Query{}, fmt.Errorf("query %q: %w", name, err)
	}
	return q, nil
}

// Queries lists saved queries by name.
func (db *DB) Queries(ctx context.Context) ([]store.Query, error) {
	rows, _ := db.pool.Query(ctx, `SELECT `+queryCols+` FROM queries ORDER BY name`)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Query, error) { return scanQuery(r) })
	if err != nil {
		return nil, fmt.Errorf("queries: %w", err)
	}
	return out, nil
}

const runCols = `id, query_id, status, started_at, finished_at, upper_bound, details, error,
	n_requests, n_requests_429, n_retries, n_pages, n_details, n_new, n_changed, n_unchanged, n_closed`

func scanRun(row pgx.Row) (store.Run, error) {
	var r store.Run
	c := &r.Counters
	err := row.Scan(&r.ID, &r.QueryID, &r.Status, &r.StartedAt, &r.FinishedAt, &r.UpperBound, &r.Details, &r.Error,
		&c.Requests, &c.Requests429, &c.Retries, &c.Pages, &c.Details, &c.New, &c.Changed, &c.Unchanged, &c.Closed)
	r.StartedAt, r.FinishedAt, r.UpperBound = utc(r.StartedAt), utcPtr(r.FinishedAt), utc(r.UpperBound)
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
	out, err := scanRun(db.pool.QueryRow(ctx, `INSERT INTO runs (query_id, status, started_at, finished_at, upper_bound, details, error,
		n_requests, n_requests_429, n_retries, n_pages, n_details, n_new, n_changed, n_unchanged, n_closed)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING `+runCols,
		r.QueryID, r.Status, r.StartedAt, r.FinishedAt, r.UpperBound, r.Details, r.Error,
		c.Requests, c.Requests429, c.Retries, c.Pages, c.Details, c.New, c.Changed, c.Unchanged, c.Closed))
	if err != nil {
		return store.Run{}, fmt.Errorf("create run: %w", err)
	}
	return out, nil
}

// GetRun returns store.ErrNotFound when absent.
func (db *DB) GetRun(ctx context.Context, id int64) (store.Run, error) {
	r, err := scanRun(db.pool.QueryRow(ctx, `SELECT `+runCols+` FROM runs WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Run{}, fmt.Errorf("run %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Run{}, fmt.Errorf("run %d: %w", id, err)
	}
	return r, nil
}

// Runs lists runs newest first.
func (db *DB) Runs(ctx context.Context, queryID int64) ([]store.Run, error) {
	rows, _ := db.pool.Query(ctx, `SELECT `+runCols+` FROM runs WHERE $1 = 0 OR query_id = $1 ORDER BY id DESC`, queryID)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Run, error) { return scanRun(r) })
	if err != nil {
		return nil, fmt.Errorf("runs: %w", err)
	}
	return out, nil
}

func affected(tag pgconn.CommandTag, err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return nil
}

// FinishRun sets status, error and finished_at.
func (db *DB) FinishRun(ctx context.Context, id int64, status, errMsg string, finishedAt *time.Time) error {
	tag, err := db.pool.Exec(ctx, `UPDATE runs SET status = $1, error = $2, finished_at = $3 WHERE id = $4`,
		status, errMsg, finishedAt, id)
	return affected(tag, err, fmt.Sprintf("finish run %d", id))
}

// AddRunCounters adds c to the run's counters in one statement.
func (db *DB) AddRunCounters(ctx context.Context, id int64, c store.Counters) error {
	tag, err := db.pool.Exec(ctx, `UPDATE runs SET n_requests = n_requests + $1, n_requests_429 = n_requests_429 + $2,
		n_retries = n_retries + $3, n_pages = n_pages + $4, n_details = n_details + $5, n_new = n_new + $6,
		n_changed = n_changed + $7, n_unchanged = n_unchanged + $8, n_closed = n_closed + $9 WHERE id = $10`,
		c.Requests, c.Requests429, c.Retries, c.Pages, c.Details, c.New, c.Changed, c.Unchanged, c.Closed, id)
	return affected(tag, err, fmt.Sprintf("add run %d counters", id))
}

const sliceCols = `id, run_id, COALESCE(parent_id, 0), params, state, found, pages, stored, worker, lease_until, error, updated_at`

func scanSlice(row pgx.Row) (store.Slice, error) {
	var s store.Slice
	var params []byte
	if err := row.Scan(&s.ID, &s.RunID, &s.ParentID, &params, &s.State, &s.Found, &s.Pages, &s.Stored,
		&s.Worker, &s.LeaseUntil, &s.Error, &s.UpdatedAt); err != nil {
		return s, err
	}
	s.LeaseUntil, s.UpdatedAt = utcPtr(s.LeaseUntil), utc(s.UpdatedAt)
	var err error
	s.Params, s.Plan, err = store.DecodeSliceParams(params)
	return s, err
}

func (db *DB) insertSlices(ctx context.Context, tx pgx.Tx, runID, parentID int64, slices []store.Slice) ([]store.Slice, error) {
	now := db.Now()
	b := &pgx.Batch{}
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
		b.Queue(`INSERT INTO slices (run_id, parent_id, params, state, found, pages, stored, worker, lease_until, error, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING `+sliceCols,
			runID, parent, params, s.State, s.Found, s.Pages, s.Stored, s.Worker, s.LeaseUntil, s.Error, now)
	}
	br := tx.SendBatch(ctx, b)
	out := make([]store.Slice, 0, len(slices))
	for range slices {
		s, err := scanSlice(br.QueryRow())
		if err != nil {
			_ = br.Close()
			return nil, err
		}
		out = append(out, s)
	}
	return out, br.Close()
}

// AddSlices inserts slices into run runID.
func (db *DB) AddSlices(ctx context.Context, runID int64, slices []store.Slice) ([]store.Slice, error) {
	var out []store.Slice
	err := db.withTx(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = db.insertSlices(ctx, tx, runID, 0, slices)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("add slices to run %d: %w", runID, err)
	}
	return out, nil
}

// ClaimSlice takes the oldest pending (or lease-expired) slice with
// FOR UPDATE SKIP LOCKED; the lease runs on the server's clock.
func (db *DB) ClaimSlice(ctx context.Context, runID int64, worker string, lease time.Duration) (store.Slice, error) {
	s, err := scanSlice(db.pool.QueryRow(ctx, `UPDATE slices SET state = $2, worker = $3,
			lease_until = clock_timestamp() + make_interval(secs => $4::double precision / 1e6), updated_at = clock_timestamp()
		WHERE id = (SELECT id FROM slices WHERE run_id = $1
			AND (state = $5 OR (state = $2 AND (lease_until IS NULL OR lease_until < clock_timestamp())))
			ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
		RETURNING `+sliceCols,
		runID, store.SliceClaimed, worker, lease.Microseconds(), store.SlicePending))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Slice{}, store.ErrNoSlice
	}
	if err != nil {
		return store.Slice{}, fmt.Errorf("claim slice of run %d: %w", runID, err)
	}
	return s, nil
}

// ExtendLease renews worker's claim on a slice, on the server's clock like ClaimSlice.
func (db *DB) ExtendLease(ctx context.Context, sliceID int64, worker string, lease time.Duration) error {
	tag, err := db.pool.Exec(ctx, `UPDATE slices SET lease_until = clock_timestamp() + make_interval(secs => $1::double precision / 1e6),
		updated_at = clock_timestamp() WHERE id = $2 AND worker = $3 AND state = $4`, lease.Microseconds(), sliceID, worker, store.SliceClaimed)
	if err != nil {
		return fmt.Errorf("extend the lease of slice %d: %w", sliceID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("extend the lease of slice %d: %w", sliceID, store.ErrNotFound)
	}
	return nil
}

// UpdateSlice writes the mutable fields of s.
func (db *DB) UpdateSlice(ctx context.Context, s store.Slice) error {
	tag, err := db.pool.Exec(ctx, `UPDATE slices SET state = $1, found = $2, pages = $3, stored = $4, worker = $5, error = $6,
		lease_until = $7, updated_at = $8 WHERE id = $9`,
		s.State, s.Found, s.Pages, s.Stored, s.Worker, s.Error, s.LeaseUntil, db.Now(), s.ID)
	return affected(tag, err, fmt.Sprintf("update slice %d", s.ID))
}

// SplitSlice marks parent split and inserts its children.
func (db *DB) SplitSlice(ctx context.Context, parent store.Slice, children []store.Slice) ([]store.Slice, error) {
	var out []store.Slice
	err := db.withTx(ctx, func(tx pgx.Tx) error {
		var runID int64
		err := tx.QueryRow(ctx, `UPDATE slices SET state = $1, found = $2, pages = $3, stored = $4, lease_until = NULL, updated_at = $5
			WHERE id = $6 RETURNING run_id`, store.SliceSplit, parent.Found, parent.Pages, parent.Stored, db.Now(), parent.ID).Scan(&runID)
		if errors.Is(err, pgx.ErrNoRows) {
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
	rows, _ := db.pool.Query(ctx, `SELECT `+sliceCols+` FROM slices WHERE run_id = $1 ORDER BY id`, runID)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Slice, error) { return scanSlice(r) })
	if err != nil {
		return nil, fmt.Errorf("slices of run %d: %w", runID, err)
	}
	return out, nil
}
