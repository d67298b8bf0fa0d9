package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
			v.salary_from, v.salary_to, v.salary_gross, v.published_at,
			COALESCE((SELECT group_concat(r.role_id, ',' ORDER BY r.position) FROM vacancy_roles r WHERE r.vacancy_id = v.id), '')
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
			if err := rows.Scan(&id, &t.Name, &t.AreaID, &t.Currency, &from, &to, &gross, &pub, &t.RoleIDs); err != nil {
				return err
			}
			t.From, t.To, t.Gross, t.Published = intPtr(from), intPtr(to), boolPtr(gross), time.UnixMilli(pub)
			out[id] = t
		}
		return rows.Err()
	})
	return out, err
}

const vacancyInsert = `INSERT INTO vacancies (id, name, area_id, area_name, employer_id, employer_name, experience_id,
	employment_form_id, work_format, schedule_id, salary_from, salary_to, salary_currency, salary_gross, salary_mode,
	salary_frequency, published_at, created_at, initial_created_at, archived, raw_item, raw_full, first_seen_at,
	last_seen_at, detail_fetched_at, changed_at)`

const vacancyInsertCols = 26

func vacancyRow(v *store.Vacancy, seen int64, detailAt, changedAt any) []any {
	return []any{v.ID, v.Name, nullStr(v.AreaID), nullStr(v.AreaName), nullStr(v.EmployerID), nullStr(v.EmployerName),
		nullStr(v.ExperienceID), nullStr(v.EmploymentFormID), nullStr(strings.Join(v.WorkFormat, ",")), nullStr(v.ScheduleID),
		nullInt(v.SalaryFrom), nullInt(v.SalaryTo), nullStr(v.SalaryCurrency), nullBool(v.SalaryGross), nullStr(v.SalaryMode),
		nullStr(v.SalaryFrequency), ms(v.PublishedAt), msPtr(v.CreatedAt), msPtr(v.InitialCreatedAt), boolInt(v.Archived),
		rawJSON(v.RawItem), rawJSON(v.RawFull), seen, seen, detailAt, changedAt}
}

// A search item overwrites the tracked fields and the salary; for the other
// optional fields it keeps the stored value when the item lacks one (details
// may know more). It never touches raw_full, key skills, first_seen_at or
// detail_fetched_at. Seeing a vacancy reopens it.
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
	archived = 0, raw_item = COALESCE(excluded.raw_item, raw_item), last_seen_at = excluded.last_seen_at,
	closed_at = NULL, changed_at = COALESCE(excluded.changed_at, changed_at)`

// A full vacancy overwrites every typed column; it keeps raw_item when it has
// none, and never touches first_seen_at, last_seen_at or closed_at.
const detailConflict = `ON CONFLICT (id) DO UPDATE SET
	name = excluded.name, area_id = excluded.area_id, area_name = excluded.area_name,
	employer_id = excluded.employer_id, employer_name = excluded.employer_name,
	experience_id = excluded.experience_id, employment_form_id = excluded.employment_form_id,
	work_format = excluded.work_format, schedule_id = excluded.schedule_id,
	salary_from = excluded.salary_from, salary_to = excluded.salary_to, salary_currency = excluded.salary_currency,
	salary_gross = excluded.salary_gross, salary_mode = excluded.salary_mode, salary_frequency = excluded.salary_frequency,
	published_at = excluded.published_at, created_at = excluded.created_at, initial_created_at = excluded.initial_created_at,
	archived = excluded.archived, raw_item = COALESCE(excluded.raw_item, raw_item), raw_full = excluded.raw_full,
	detail_fetched_at = excluded.detail_fetched_at, changed_at = COALESCE(excluded.changed_at, changed_at)`

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
			rows[i] = vacancyRow(&items[i], seen, nil, changed)
		}
		if err := insertRows(ctx, tx, vacancyInsert, searchConflict, vacancyInsertCols, rows); err != nil {
			return fmt.Errorf("vacancies: %w", err)
		}
		if err := db.writeSide(ctx, tx, items, mark, seen); err != nil {
			return err
		}
		if runID != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE runs SET n_pages = n_pages + 1, n_new = n_new + ?,
				n_changed = n_changed + ?, n_unchanged = n_unchanged + ? WHERE id = ?`,
				len(res.New), len(res.Changed), len(res.Unchanged), runID); err != nil {
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
			rows[i] = vacancyRow(&vs[i], at, at, changed)
			for p, s := range vs[i].KeySkills {
				skills = append(skills, []any{vs[i].ID, s, p})
			}
		}
		if err := insertRows(ctx, tx, vacancyInsert, detailConflict, vacancyInsertCols, rows); err != nil {
			return fmt.Errorf("vacancies: %w", err)
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

const vacancyCols = `v.id, v.name, COALESCE(v.area_id, ''), COALESCE(v.area_name, ''), COALESCE(v.employer_id, ''),
	COALESCE(v.employer_name, ''), COALESCE(v.experience_id, ''), COALESCE(v.employment_form_id, ''),
	COALESCE(v.work_format, ''), COALESCE(v.schedule_id, ''), v.salary_from, v.salary_to, COALESCE(v.salary_currency, ''),
	v.salary_gross, COALESCE(v.salary_mode, ''), COALESCE(v.salary_frequency, ''), v.published_at, v.created_at,
	v.initial_created_at, v.archived, v.raw_item, v.raw_full, v.first_seen_at, v.last_seen_at, v.closed_at,
	v.detail_fetched_at`

func scanVacancy(sc interface{ Scan(...any) error }) (store.Vacancy, error) {
	var v store.Vacancy
	var workFormat string
	var from, to, gross, created, initial, closed, detail sql.NullInt64
	var published, first, last, archived int64
	var rawItem, rawFull []byte
	err := sc.Scan(&v.ID, &v.Name, &v.AreaID, &v.AreaName, &v.EmployerID, &v.EmployerName, &v.ExperienceID,
		&v.EmploymentFormID, &workFormat, &v.ScheduleID, &from, &to, &v.SalaryCurrency, &gross, &v.SalaryMode,
		&v.SalaryFrequency, &published, &created, &initial, &archived, &rawItem, &rawFull, &first, &last, &closed, &detail)
	if err != nil {
		return v, err
	}
	v.WorkFormat = splitList(workFormat)
	v.SalaryFrom, v.SalaryTo, v.SalaryGross = intPtr(from), intPtr(to), boolPtr(gross)
	v.PublishedAt, v.CreatedAt, v.InitialCreatedAt = fromMS(published), fromNullMS(created), fromNullMS(initial)
	v.Archived = archived != 0
	if len(rawItem) > 0 {
		v.RawItem = rawItem
	}
	if len(rawFull) > 0 {
		v.RawFull = rawFull
	}
	v.FirstSeenAt, v.LastSeenAt, v.ClosedAt, v.DetailFetchedAt = fromMS(first), fromMS(last), fromNullMS(closed), fromNullMS(detail)
	return v, nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// GetVacancy returns store.ErrNotFound when absent.
func (db *DB) GetVacancy(ctx context.Context, id string) (store.Vacancy, error) {
	v, err := scanVacancy(db.r.QueryRowContext(ctx, `SELECT `+vacancyCols+` FROM vacancies v WHERE v.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Vacancy{}, fmt.Errorf("vacancy %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Vacancy{}, fmt.Errorf("vacancy %s: %w", id, err)
	}
	one := []store.Vacancy{v}
	if err := attach(ctx, db.r, one); err != nil {
		return store.Vacancy{}, fmt.Errorf("vacancy %s: %w", id, err)
	}
	return one[0], nil
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
		v.RoleIDs = splitList(roles)
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

// EachVacancy streams the filtered vacancies in id order, chunk by chunk
// (keyset pagination inside one read transaction, so the walk sees one snapshot).
func (db *DB) EachVacancy(ctx context.Context, f store.Filter, fn func(store.Vacancy) error) error {
	tx, err := db.r.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("each vacancy: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	cond, args := where(f)
	q := `SELECT ` + selectCols(f.Raw) + ` FROM vacancies v WHERE ` + cond + ` AND v.id > ? ORDER BY v.id LIMIT ` + fmt.Sprint(chunk)
	buf := make([]store.Vacancy, 0, chunk)
	return store.WalkChunks(chunk, func(after string) ([]store.Vacancy, error) {
		buf = buf[:0]
		rows, err := tx.QueryContext(ctx, q, append(args[:len(args):len(args)], after)...)
		if err != nil {
			return nil, fmt.Errorf("each vacancy: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scanVacancy(rows)
			if err != nil {
				return nil, fmt.Errorf("each vacancy: %w", err)
			}
			buf = append(buf, v)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("each vacancy: %w", err)
		}
		rows.Close() // before attach reuses the transaction
		if err := attach(ctx, tx, buf); err != nil {
			return nil, fmt.Errorf("each vacancy: %w", err)
		}
		return buf, nil
	}, fn)
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

// selectCols is vacancyCols without the raw JSON unless it is asked for:
// analytics over a million rows must not read megabytes it does not use.
func selectCols(raw bool) string {
	if raw {
		return vacancyCols
	}
	return strings.Replace(vacancyCols, "v.raw_item, v.raw_full", "NULL, NULL", 1)
}

// attach loads roles and skills for a chunk of vacancies sorted by id
// with two range scans over the child tables' primary keys: a walk over a
// million rows reads each child table once, in order, instead of probing it
// with thousands of IN lists. Children of vacancies the filter skipped are
// read and dropped.
func attach(ctx context.Context, q querier, vs []store.Vacancy) error {
	if len(vs) == 0 {
		return nil
	}
	pos := make(map[string]int, len(vs))
	for i := range vs {
		pos[vs[i].ID] = i
		if vs[i].DetailFetchedAt != nil {
			vs[i].KeySkills = []string{}
		}
	}
	lo, hi := vs[0].ID, vs[len(vs)-1].ID
	rows, err := q.QueryContext(ctx, `SELECT vacancy_id, role_id, role_name FROM vacancy_roles
		WHERE vacancy_id BETWEEN ? AND ? ORDER BY vacancy_id, position`, lo, hi)
	if err != nil {
		return fmt.Errorf("roles: %w", err)
	}
	for rows.Next() {
		var id string
		var r store.IDName
		if err := rows.Scan(&id, &r.ID, &r.Name); err != nil {
			rows.Close()
			return fmt.Errorf("roles: %w", err)
		}
		if i, ok := pos[id]; ok {
			vs[i].Roles = append(vs[i].Roles, r)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("roles: %w", err)
	}
	rows, err = q.QueryContext(ctx, `SELECT vacancy_id, skill FROM vacancy_skills
		WHERE vacancy_id BETWEEN ? AND ? ORDER BY vacancy_id, position`, lo, hi)
	if err != nil {
		return fmt.Errorf("skills: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, s string
		if err := rows.Scan(&id, &s); err != nil {
			return fmt.Errorf("skills: %w", err)
		}
		if i, ok := pos[id]; ok {
			vs[i].KeySkills = append(vs[i].KeySkills, s)
		}
	}
	return rows.Err()
}
