package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
)

// loadTracked reads the tracked fields of the known ids among ids.
func (db *DB) loadTracked(ctx context.Context, tx wtx, ids []string) (map[string]store.Tracked, error) {
	out := make(map[string]store.Tracked, len(ids))
	err := chunkIDs(ids, 5000, func(ids []string) error {
		rows, err := tx.QueryContext(ctx, `SELECT v.id, v.name, COALESCE(v.area_id, ''), COALESCE(v.salary_currency, ''),
			v.salary_from, v.salary_to, v.salary_gross, v.published_at, v.roles
			FROM vacancies v WHERE v.id IN `+inList(len(ids)), anys(ids)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var t store.Tracked
			var from, to, gross sql.NullInt64
			var pub int64
			var roles string
			if err := rows.Scan(&id, &t.Name, &t.AreaID, &t.Currency, &from, &to, &gross, &pub, &roles); err != nil {
				return err
			}
			rs, err := decodeRoles(roles)
			if err != nil {
				return fmt.Errorf("vacancy %s: roles: %w", id, err)
			}
			t.RoleIDs = store.RoleIDList(rs)
			t.From, t.To, t.Gross, t.Published = intPtr(from), intPtr(to), boolPtr(gross), time.UnixMilli(pub)
			out[id] = t
		}
		return rows.Err()
	})
	return out, err
}

const vacancyInsert = `INSERT INTO vacancies (id, name, area_id, area_name, employer_id, employer_name, experience_id,
	employment_form_id, work_format, schedule_id, salary_from, salary_to, salary_currency, salary_gross, salary_mode,
	salary_frequency, published_at, created_at, initial_created_at, archived, first_seen_at, last_seen_at,
	detail_fetched_at, changed_at, roles, key_skills)`

const vacancyInsertCols = 26

// vacancyRow is v's row of vacancies; skills says whether v carries key
// skills (a full vacancy) or leaves them unknown (a search item).
func vacancyRow(v *store.Vacancy, seen int64, detailAt, changedAt any, skills bool) []any {
	var keySkills any
	if skills {
		keySkills = encodeList(v.KeySkills)
	}
	return []any{v.ID, v.Name, nullStr(v.AreaID), nullStr(v.AreaName), nullStr(v.EmployerID), nullStr(v.EmployerName),
		nullStr(v.ExperienceID), nullStr(v.EmploymentFormID), nullStr(strings.Join(v.WorkFormat, ",")), nullStr(v.ScheduleID),
		nullInt(v.SalaryFrom), nullInt(v.SalaryTo), nullStr(v.SalaryCurrency), nullBool(v.SalaryGross), nullStr(v.SalaryMode),
		nullStr(v.SalaryFrequency), ms(v.PublishedAt), msPtr(v.CreatedAt), msPtr(v.InitialCreatedAt), boolInt(v.Archived),
		seen, seen, detailAt, changedAt, encodeRoles(v.Roles), keySkills}
}

// A search item overwrites the tracked fields and the salary; for the other
// optional fields it keeps the stored value when the item lacks one (details
// may know more). It never touches raw_full, key skills, first_seen_at or
// detail_fetched_at. Seeing a vacancy reopens it. Its roles replace the
// stored ones only when it is new or changed (changed_at set), exactly as
// writeSide replaces the rows of vacancy_roles.
const searchConflict = `ON CONFLICT (id) DO UPDATE SET
	name = excluded.name, area_id = excluded.area_id, area_name = COALESCE(excluded.area_name, area_name),
	employer_id = COALESCE(excluded.employer_id, employer_id), employer_name = COALESCE(excluded.employer_name, employer_name),
	experience_id = COALESCE(excluded.experience_id, experience_id),
	employment_form_id = COALESCE(excluded.employment_form_id, employment_form_id),
	work_format = COALESCE(excluded.work_format, work_format), schedule_id = COALESCE(excluded.schedule_id, schedule_id),
	salary_from = excluded.salary_from, salary_to = excluded.salary_to, salary_currency = excluded.salary_currency,
	salary_gross = excluded.salary_gross, salary_mode = COALESCE(excluded.salary_mode, salary_mode),
	salary_frequency = COALESCE(excluded.salary_frequency, salary_frequency), published_at = excluded.published_at,
	created_at = COALESCE(excluded.created_at, created_at),
	initial_created_at = COALESCE(excluded.initial_created_at, initial_created_at),
	archived = 0, last_seen_at = excluded.last_seen_at,
	closed_at = NULL, changed_at = COALESCE(excluded.changed_at, changed_at),
	roles = CASE WHEN excluded.changed_at IS NULL THEN roles ELSE excluded.roles END`

// A full vacancy overwrites every typed column, its roles and key skills;
// it never touches first_seen_at, last_seen_at or closed_at.
const detailConflict = `ON CONFLICT (id) DO UPDATE SET
	name = excluded.name, area_id = excluded.area_id, area_name = excluded.area_name,
	employer_id = excluded.employer_id, employer_name = excluded.employer_name,
	experience_id = excluded.experience_id, employment_form_id = excluded.employment_form_id,
	work_format = excluded.work_format, schedule_id = excluded.schedule_id,
	salary_from = excluded.salary_from, salary_to = excluded.salary_to, salary_currency = excluded.salary_currency,
	salary_gross = excluded.salary_gross, salary_mode = excluded.salary_mode, salary_frequency = excluded.salary_frequency,
	published_at = excluded.published_at, created_at = excluded.created_at, initial_created_at = excluded.initial_created_at,
	archived = excluded.archived, detail_fetched_at = excluded.detail_fetched_at,
	changed_at = COALESCE(excluded.changed_at, changed_at),
	roles = excluded.roles, key_skills = excluded.key_skills`

// writeRaw stores the raw JSON of vs: a search item's replaces raw_item when
// it has one; a full vacancy's (full) also replaces raw_full and keeps
// raw_item when it has none.
func writeRaw(ctx context.Context, tx wtx, vs []store.Vacancy, full bool) error {
	rows := make([][]any, 0, len(vs))
	for i := range vs {
		if !full && vs[i].RawItem == nil {
			continue
		}
		rows = append(rows, []any{vs[i].ID, rawJSON(vs[i].RawItem), rawJSON(vs[i].RawFull)})
	}
	tail := `ON CONFLICT (vacancy_id) DO UPDATE SET raw_item = COALESCE(excluded.raw_item, raw_item)`
	if full {
		tail += `, raw_full = excluded.raw_full`
	}
	if err := insertRows(ctx, tx, `INSERT INTO vacancy_raw (vacancy_id, raw_item, raw_full)`, tail, 3, rows); err != nil {
		return fmt.Errorf("raw JSON: %w", err)
	}
	return nil
}

// writeSide writes versions, roles and employers for the vacancies in vs
// flagged in mark (roles and versions) and every employer.
func (db *DB) writeSide(ctx context.Context, tx wtx, vs []store.Vacancy, mark []bool, at int64) error {
	var versions, roles [][]any
	var replace []string
	employers := map[string]string{}
	for i := range vs {
		v := &vs[i]
		if v.EmployerID != "" {
			employers[v.EmployerID] = v.EmployerName
		}
		if !mark[i] {
			continue
		}
		versions = append(versions, []any{v.ID, at, v.Name, nullStr(v.AreaID), store.RoleIDList(v.Roles), nullInt(v.SalaryFrom),
			nullInt(v.SalaryTo), nullStr(v.SalaryCurrency), nullBool(v.SalaryGross), ms(v.PublishedAt)})
		replace = append(replace, v.ID)
		for p, r := range v.Roles {
			roles = append(roles, []any{v.ID, r.ID, r.Name, p})
		}
	}
	if err := insertRows(ctx, tx, `INSERT INTO vacancy_versions (vacancy_id, observed_at, name, area_id, role_ids,
		salary_from, salary_to, salary_currency, salary_gross, published_at)`, "", 10, versions); err != nil {
		return fmt.Errorf("versions: %w", err)
	}
	if err := db.replaceChildren(ctx, tx, "vacancy_roles", replace); err != nil {
		return err
	}
	if err := insertRows(ctx, tx, `INSERT INTO vacancy_roles (vacancy_id, role_id, role_name, position)`, "", 4, roles); err != nil {
		return fmt.Errorf("roles: %w", err)
	}
	emp := make([][]any, 0, len(employers))
	for _, id := range sortedKeys(employers) {
		emp = append(emp, []any{id, employers[id]})
	}
	if err := insertRows(ctx, tx, `INSERT INTO employers (id, name)`,
		`ON CONFLICT (id) DO UPDATE SET name = excluded.name WHERE excluded.name <> ''`, 2, emp); err != nil {
		return fmt.Errorf("employers: %w", err)
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (db *DB) replaceChildren(ctx context.Context, tx wtx, table string, ids []string) error {
	return chunkIDs(ids, 5000, func(ids []string) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE vacancy_id IN `+inList(len(ids)), anys(ids)...); err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
		return nil
	})
}

// UpsertSearchItems stores one page of search items in one transaction.
// queryID 0 stores the vacancies without linking them to a query.
func (db *DB) UpsertSearchItems(ctx context.Context, queryID, runID int64, items []store.Vacancy, seenAt time.Time) (store.UpsertResult, error) {
	items = store.Dedupe(items)
	var res store.UpsertResult
	seen := ms(seenAt)
	err := db.withTx(ctx, func(tx wtx) error {
		known, err := db.loadTracked(ctx, tx, store.IDs(items))
		if err != nil {
			return fmt.Errorf("read stored rows: %w", err)
		}
		var mark []bool
		res, mark = store.Classify(items, known)
		rows := make([][]any, len(items))
		for i := range items {
			var changed any
			if mark[i] {
				changed = seen
			}
			rows[i] = vacancyRow(&items[i], seen, nil, changed, false)
		}
		if err := insertRows(ctx, tx, vacancyInsert, searchConflict, vacancyInsertCols, rows); err != nil {
			return fmt.Errorf("vacancies: %w", err)
		}
		if err := writeRaw(ctx, tx, items, false); err != nil {
			return err
		}
		if err := db.writeSide(ctx, tx, items, mark, seen); err != nil {
			return err
		}
		if runID != 0 {
			revisits, err := seenByRun(ctx, tx, queryID, runID, store.IDs(items))
			if err != nil {
				return err
			}
			n, c, u := store.RunCounts(res, revisits)
			if _, err := tx.ExecContext(ctx, `UPDATE runs SET n_pages = n_pages + 1, n_new = n_new + ?,
				n_changed = n_changed + ?, n_unchanged = n_unchanged + ? WHERE id = ?`, n, c, u, runID); err != nil {
				return fmt.Errorf("run counters: %w", err)
			}
		}
		if queryID == 0 {
			return nil
		}
		links := make([][]any, len(items))
		for i := range items {
			links[i] = []any{queryID, items[i].ID, runID, runID}
		}
		if err := insertRows(ctx, tx, `INSERT INTO query_vacancies (query_id, vacancy_id, first_run_id, last_run_id)`,
			`ON CONFLICT (query_id, vacancy_id) DO UPDATE SET last_run_id = excluded.last_run_id`, 4, links); err != nil {
			return fmt.Errorf("link to query %d: %w", queryID, err)
		}
		return nil
	})
	if err != nil {
		return store.UpsertResult{}, fmt.Errorf("upsert %d search items: %w", len(items), err)
	}
	return res, nil
}

// SaveDetails stores full vacancies with detail_fetched_at = fetchedAt.
func (db *DB) SaveDetails(ctx context.Context, runID int64, vs []store.Vacancy, fetchedAt time.Time) error {
	vs = store.Dedupe(vs)
	at := ms(fetchedAt)
	err := db.withTx(ctx, func(tx wtx) error {
		all := store.IDs(vs)
		known, err := db.loadTracked(ctx, tx, all)
		if err != nil {
			return fmt.Errorf("read stored rows: %w", err)
		}
		_, mark := store.Classify(vs, known)
		rows := make([][]any, len(vs))
		var skills [][]any
		for i := range vs {
			var changed any
			if mark[i] {
				changed = at
			}
			rows[i] = vacancyRow(&vs[i], at, at, changed, true)
			for p, s := range vs[i].KeySkills {
				skills = append(skills, []any{vs[i].ID, s, p})
			}
		}
		if err := insertRows(ctx, tx, vacancyInsert, detailConflict, vacancyInsertCols, rows); err != nil {
			return fmt.Errorf("vacancies: %w", err)
		}
		if err := writeRaw(ctx, tx, vs, true); err != nil {
			return err
		}
		if err := db.writeSide(ctx, tx, vs, mark, at); err != nil {
			return err
		}
		// Roles of unchanged vacancies may still carry new names: replace them all.
		var rest []string
		var roles [][]any
		for i := range vs {
			if !mark[i] {
				rest = append(rest, vs[i].ID)
				for p, r := range vs[i].Roles {
					roles = append(roles, []any{vs[i].ID, r.ID, r.Name, p})
				}
			}
		}
		if err := db.replaceChildren(ctx, tx, "vacancy_roles", rest); err != nil {
			return err
		}
		if err := insertRows(ctx, tx, `INSERT INTO vacancy_roles (vacancy_id, role_id, role_name, position)`, "", 4, roles); err != nil {
			return fmt.Errorf("roles: %w", err)
		}
		if err := db.replaceChildren(ctx, tx, "vacancy_skills", all); err != nil {
			return err
		}
		if err := insertRows(ctx, tx, `INSERT INTO vacancy_skills (vacancy_id, skill, position)`, "", 3, skills); err != nil {
			return fmt.Errorf("skills: %w", err)
		}
		if runID != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE runs SET n_details = n_details + ? WHERE id = ?`, len(vs), runID); err != nil {
				return fmt.Errorf("run counters: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save %d vacancy details: %w", len(vs), err)
	}
	return nil
}

// MarkClosed closes the still-open vacancies among ids.
func (db *DB) MarkClosed(ctx context.Context, runID int64, ids []string, at time.Time) error {
	err := db.withTx(ctx, func(tx wtx) error {
		var closed int64
		err := chunkIDs(ids, 5000, func(ids []string) error {
			r, err := tx.ExecContext(ctx, `UPDATE vacancies SET closed_at = ?, archived = 1 WHERE closed_at IS NULL AND id IN `+
				inList(len(ids)), anys(ids, ms(at))...)
			if err != nil {
				return err
			}
			n, err := r.RowsAffected()
			closed += n
			return err
		})
		if err != nil || runID == 0 {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE runs SET n_closed = n_closed + ? WHERE id = ?`, closed, runID)
		return err
	})
	if err != nil {
		return fmt.Errorf("mark %d vacancies closed: %w", len(ids), err)
	}
	return nil
}

// vacancyScan turns the columns of a vacancy read into a store.Vacancy.
// It works on driver values (int64, string, []byte, nil) so that a walk can
// read rows below database/sql, whose per-column conversions cost more than
// SQLite itself on a million-row scan; GetVacancy scans into the same values.
type vacancyScan struct {
	cols []vcol
	list string // the columns, for SELECT
	from string // the FROM clause they need
}

type vcol struct {
	sql string
	set func(v *store.Vacancy, x any) error
}

func text(x any) string {
	switch x := x.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return ""
}

func integer(x any) (int64, bool) {
	n, ok := x.(int64)
	return n, ok
}

func nullTime(x any) *time.Time {
	if n, ok := x.(int64); ok {
		t := fromMS(n)
		return &t
	}
	return nil
}

func rawBytes(x any) json.RawMessage {
	switch x := x.(type) {
	case string:
		if x != "" {
			return json.RawMessage(x)
		}
	case []byte:
		if len(x) > 0 {
			return json.RawMessage(slices.Clone(x))
		}
	}
	return nil
}

func newVacancyScan(f store.Filter) *vacancyScan {
	s := &vacancyScan{from: `vacancies v`}
	add := func(part store.Fields, col string, set func(v *store.Vacancy, x any) error) {
		if part == 0 || f.Has(part) {
			s.cols = append(s.cols, vcol{col, set})
		}
	}
	str := func(dst func(v *store.Vacancy) *string) func(*store.Vacancy, any) error {
		return func(v *store.Vacancy, x any) error { *dst(v) = text(x); return nil }
	}
	add(0, "v.id", str(func(v *store.Vacancy) *string { return &v.ID }))
	add(0, "v.core", func(v *store.Vacancy, x any) error {
		if err := decodeCore(text(x), v); err != nil {
			return fmt.Errorf("core: %w", err)
		}
		return nil
	})
	add(store.FieldName, "v.name", str(func(v *store.Vacancy) *string { return &v.Name }))
	add(store.FieldArea, "v.area_id", str(func(v *store.Vacancy) *string { return &v.AreaID }))
	add(store.FieldArea, "v.area_name", str(func(v *store.Vacancy) *string { return &v.AreaName }))
	add(store.FieldEmployer, "v.employer_id", str(func(v *store.Vacancy) *string { return &v.EmployerID }))
	add(store.FieldEmployer, "v.employer_name", str(func(v *store.Vacancy) *string { return &v.EmployerName }))
	add(store.FieldRoles, "v.roles", func(v *store.Vacancy, x any) error {
		roles, err := decodeRoles(text(x))
		if err != nil {
			return fmt.Errorf("roles: %w", err)
		}
		v.Roles = roles
		return nil
	})
	add(store.FieldTerms, "v.experience_id", str(func(v *store.Vacancy) *string { return &v.ExperienceID }))
	add(store.FieldTerms, "v.employment_form_id", str(func(v *store.Vacancy) *string { return &v.EmploymentFormID }))
	add(store.FieldTerms, "v.work_format", func(v *store.Vacancy, x any) error {
		v.WorkFormat = store.SplitList(text(x))
		return nil
	})
	add(store.FieldTerms, "v.schedule_id", str(func(v *store.Vacancy) *string { return &v.ScheduleID }))
	add(store.FieldCreated, "v.created_at", func(v *store.Vacancy, x any) error { v.CreatedAt = nullTime(x); return nil })
	add(store.FieldCreated, "v.initial_created_at", func(v *store.Vacancy, x any) error {
		v.InitialCreatedAt = nullTime(x)
		return nil
	})
	add(store.FieldState, "v.last_seen_at", func(v *store.Vacancy, x any) error {
		n, _ := integer(x)
		v.LastSeenAt = fromMS(n)
		return nil
	})
	add(store.FieldState, "v.detail_fetched_at", func(v *store.Vacancy, x any) error {
		v.DetailFetchedAt = nullTime(x)
		return nil
	})
	add(store.FieldState, "v.archived", func(v *store.Vacancy, x any) error {
		n, _ := integer(x)
		v.Archived = n != 0
		return nil
	})
	add(store.FieldSkills, "v.key_skills", func(v *store.Vacancy, x any) error {
		if x == nil {
			return nil
		}
		ks, err := decodeList(text(x))
		if err != nil {
			return fmt.Errorf("key skills: %w", err)
		}
		v.KeySkills = ks
		return nil
	})
	if f.Raw {
		s.from = `vacancies v LEFT JOIN vacancy_raw r ON r.vacancy_id = v.id`
		add(0, "r.raw_item", func(v *store.Vacancy, x any) error { v.RawItem = rawBytes(x); return nil })
		add(0, "r.raw_full", func(v *store.Vacancy, x any) error { v.RawFull = rawBytes(x); return nil })
	}
	names := make([]string, len(s.cols))
	for i, c := range s.cols {
		names[i] = c.sql
	}
	s.list = strings.Join(names, ", ")
	return s
}

// vacancy converts one row's values, in the order of s.cols.
func (s *vacancyScan) vacancy(vals []driver.Value) (store.Vacancy, error) {
	var v store.Vacancy
	for i, c := range s.cols {
		if err := c.set(&v, vals[i]); err != nil {
			return store.Vacancy{}, fmt.Errorf("vacancy %s: %w", v.ID, err)
		}
	}
	return v, nil
}

// scanRow reads one database/sql row.
func (s *vacancyScan) scanRow(row interface{ Scan(...any) error }) (store.Vacancy, error) {
	vals := make([]any, len(s.cols))
	ptrs := make([]any, len(s.cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := row.Scan(ptrs...); err != nil {
		return store.Vacancy{}, err
	}
	dv := make([]driver.Value, len(vals))
	for i, x := range vals {
		dv[i] = x
	}
	return s.vacancy(dv)
}

// GetVacancy returns store.ErrNotFound when absent.
func (db *DB) GetVacancy(ctx context.Context, id string) (store.Vacancy, error) {
	sc := newVacancyScan(store.Filter{Raw: true})
	v, err := sc.scanRow(db.r.QueryRowContext(ctx, `SELECT `+sc.list+` FROM `+sc.from+` WHERE v.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Vacancy{}, fmt.Errorf("vacancy %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Vacancy{}, fmt.Errorf("vacancy %s: %w", id, err)
	}
	return v, nil
}

func (db *DB) queryIDs(ctx context.Context, what, q string, args ...any) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// NotSeenByRun lists open vacancies linked to queryID that runID did not see.
func (db *DB) NotSeenByRun(ctx context.Context, queryID, runID int64) ([]string, error) {
	return db.queryIDs(ctx, "vacancies not seen by run", `SELECT q.vacancy_id FROM query_vacancies q
		JOIN vacancies v ON v.id = q.vacancy_id
		WHERE q.query_id = ? AND q.last_run_id <> ? AND v.closed_at IS NULL ORDER BY q.vacancy_id`, queryID, runID)
}

// NeedDetails lists open linked vacancies without details or with details older than their last change.
func (db *DB) NeedDetails(ctx context.Context, queryID int64, limit int) ([]string, error) {
	if limit <= 0 {
		limit = -1
	}
	return db.queryIDs(ctx, "vacancies needing details", `SELECT q.vacancy_id FROM query_vacancies q
		JOIN vacancies v ON v.id = q.vacancy_id
		WHERE q.query_id = ? AND v.closed_at IS NULL
		AND (v.detail_fetched_at IS NULL OR v.detail_fetched_at < v.changed_at)
		ORDER BY q.vacancy_id LIMIT ?`, queryID, limit)
}

// Versions lists a vacancy's version rows, oldest first.
func (db *DB) Versions(ctx context.Context, id string) ([]store.Version, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT vacancy_id, observed_at, name, COALESCE(area_id, ''), role_ids,
		salary_from, salary_to, COALESCE(salary_currency, ''), salary_gross, published_at
		FROM vacancy_versions WHERE vacancy_id = ? ORDER BY observed_at, id`, id)
	if err != nil {
		return nil, fmt.Errorf("versions of %s: %w", id, err)
	}
	defer rows.Close()
	var out []store.Version
	for rows.Next() {
		var v store.Version
		var observed, published int64
		var roles string
		var from, to, gross sql.NullInt64
		if err := rows.Scan(&v.VacancyID, &observed, &v.Name, &v.AreaID, &roles, &from, &to, &v.SalaryCurrency,
			&gross, &published); err != nil {
			return nil, fmt.Errorf("versions of %s: %w", id, err)
		}
		v.ObservedAt, v.PublishedAt = fromMS(observed), fromMS(published)
		v.RoleIDs = store.SplitList(roles)
		v.SalaryFrom, v.SalaryTo, v.SalaryGross = intPtr(from), intPtr(to), boolPtr(gross)
		out = append(out, v)
	}
	return out, rows.Err()
}

// where renders f as SQL conditions on alias v.
func where(f store.Filter) (string, []any) {
	var conds []string
	var args []any
	if f.QueryID != 0 {
		conds = append(conds, `EXISTS (SELECT 1 FROM query_vacancies q WHERE q.query_id = ? AND q.vacancy_id = v.id)`)
		args = append(args, f.QueryID)
	}
	if !f.Since.IsZero() {
		conds = append(conds, `v.published_at >= ?`)
		args = append(args, ms(f.Since))
	}
	if f.OpenOnly {
		conds = append(conds, `v.closed_at IS NULL`)
	}
	if len(conds) == 0 {
		return "1 = 1", nil
	}
	return strings.Join(conds, " AND "), args
}

// chunk is how many vacancies EachVacancy holds in memory at a time.
const chunk = 2000

// row is one vacancy's values as the driver returned them: the walk's reader
// only copies them out of SQLite, and the caller's goroutine converts them.
type row struct{ vals []driver.Value }

// EachVacancy streams the filtered vacancies in id order, chunk by chunk
// (keyset pagination inside one read transaction, so the walk sees one
// snapshot), reading only the columns f.Fields asks for. vacancies is
// clustered on id and carries its roles and skills, so a chunk is one range
// scan of one narrow table. Rows are read through the driver directly:
// database/sql's per-column conversions cost more than the scan itself.
func (db *DB) EachVacancy(ctx context.Context, f store.Filter, fn func(store.Vacancy) error) error {
	conn, err := db.r.Conn(ctx)
	if err != nil {
		return fmt.Errorf("each vacancy: %w", err)
	}
	defer conn.Close()
	cond, args := where(f)
	sc := newVacancyScan(f)
	q := `SELECT ` + sc.list + ` FROM ` + sc.from + ` WHERE ` + cond + ` AND v.id > ? ORDER BY v.id LIMIT ` + fmt.Sprint(chunk)
	return conn.Raw(func(dc any) error {
		qc, ok1 := dc.(driver.QueryerContext)
		ec, ok2 := dc.(driver.ExecerContext)
		if !ok1 || !ok2 {
			return fmt.Errorf("SQLite driver %T cannot query directly", dc)
		}
		if _, err := ec.ExecContext(ctx, `BEGIN`, nil); err != nil {
			return fmt.Errorf("each vacancy: %w", err)
		}
		defer ec.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`, nil) //nolint:errcheck // read-only
		named := make([]driver.NamedValue, len(args)+1)
		for i, a := range args {
			named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
		}
		return store.WalkChunks(ctx, chunk, func(after string, buf []row) ([]row, string, error) {
			named[len(args)] = driver.NamedValue{Ordinal: len(args) + 1, Value: after}
			rows, err := qc.QueryContext(ctx, q, named)
			if err != nil {
				return nil, "", fmt.Errorf("each vacancy: %w", err)
			}
			defer rows.Close()
			for len(buf) < chunk {
				if len(buf) < cap(buf) {
					buf = buf[:len(buf)+1] // reuses the recycled row's value slice
				} else {
					buf = append(buf, row{})
				}
				r := &buf[len(buf)-1]
				if r.vals == nil {
					r.vals = make([]driver.Value, len(sc.cols))
				}
				if err := rows.Next(r.vals); err == io.EOF {
					buf = buf[:len(buf)-1]
					break
				} else if err != nil {
					return nil, "", fmt.Errorf("each vacancy: %w", err)
				}
			}
			if len(buf) == 0 {
				return buf, "", nil
			}
			return buf, text(buf[len(buf)-1].vals[0]), nil
		}, func(r *row) (store.Vacancy, error) {
			v, err := sc.vacancy(r.vals)
			if err != nil {
				return v, fmt.Errorf("each vacancy: %w", err)
			}
			return v, nil
		}, fn)
	})
}

// EachSkill streams (vacancy id, skill) pairs in vacancy id and skill order.
func (db *DB) EachSkill(ctx context.Context, f store.Filter, fn func(vacancyID, skill string) error) error {
	cond, args := where(f)
	rows, err := db.r.QueryContext(ctx, `SELECT s.vacancy_id, s.skill FROM vacancy_skills s JOIN vacancies v ON v.id = s.vacancy_id
		WHERE `+cond+` ORDER BY s.vacancy_id, s.position`, args...)
	if err != nil {
		return fmt.Errorf("each skill: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, skill string
		if err := rows.Scan(&id, &skill); err != nil {
			return fmt.Errorf("each skill: %w", err)
		}
		if err := fn(id, skill); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("each skill: %w", err)
	}
	return nil
}

// CountVacancies counts the filtered vacancies.
func (db *DB) CountVacancies(ctx context.Context, f store.Filter) (int, error) {
	cond, args := where(f)
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM vacancies v WHERE `+cond, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count vacancies: %w", err)
	}
	return n, nil
}

// seenByRun returns which of ids run runID already linked to queryID: the
// page revisits them, and the run's counters must not count them twice.
func seenByRun(ctx context.Context, tx wtx, queryID, runID int64, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if queryID == 0 {
		return out, nil
	}
	err := chunkIDs(ids, 5000, func(ids []string) error {
		rows, err := tx.QueryContext(ctx, `SELECT vacancy_id FROM query_vacancies
			WHERE query_id = ? AND last_run_id = ? AND vacancy_id IN `+inList(len(ids)), anys(ids, queryID, runID)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			out[id] = true
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("ids this run saw: %w", err)
	}
	return out, nil
}
