package postgres

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hhjobs/hhjobs/internal/store"
)

// loadTracked reads (and locks) the tracked fields of the known ids among ids.
func loadTracked(ctx context.Context, tx pgx.Tx, ids []string) (map[string]store.Tracked, error) {
	out := make(map[string]store.Tracked, len(ids))
	rows, _ := tx.Query(ctx, `SELECT v.id, v.name, COALESCE(v.area_id, ''), COALESCE(v.salary_currency, ''),
		v.salary_from, v.salary_to, v.salary_gross, v.published_at,
		COALESCE((SELECT string_agg(r.role_id, ',' ORDER BY r.position) FROM vacancy_roles r WHERE r.vacancy_id = v.id), '')
		FROM vacancies v WHERE v.id = ANY($1) ORDER BY v.id FOR UPDATE OF v`, ids)
	defer rows.Close()
	for rows.Next() {
		var id string
		var t store.Tracked
		if err := rows.Scan(&id, &t.Name, &t.AreaID, &t.Currency, &t.From, &t.To, &t.Gross, &t.Published, &t.RoleIDs); err != nil {
			return nil, err
		}
		out[id] = t
	}
	return out, rows.Err()
}

const vacancyInsert = `INSERT INTO vacancies AS v (id, name, area_id, area_name, employer_id, employer_name, experience_id,
	employment_form_id, work_format, schedule_id, salary_from, salary_to, salary_currency, salary_gross, salary_mode,
	salary_frequency, published_at, created_at, initial_created_at, archived, first_seen_at,
	last_seen_at, detail_fetched_at, changed_at, role_ids, role_names, key_skills)`

const vacancyInsertCols = 27

func rawJSON(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}

// roleArrays are v's roles as the role_ids and role_names columns hold them.
func roleArrays(rs []store.IDName) (ids, names []string) {
	ids, names = make([]string, len(rs)), make([]string, len(rs))
	for i, r := range rs {
		ids[i], names[i] = r.ID, r.Name
	}
	return ids, names
}

// vacancyRow is v's row of vacancies; skills says whether v carries key
// skills (a full vacancy: never NULL) or leaves them unknown (a search item).
func vacancyRow(v *store.Vacancy, seen time.Time, detailAt, changedAt *time.Time, skills bool) []any {
	ids, names := roleArrays(v.Roles)
	var ks any
	if skills {
		ks = append([]string{}, v.KeySkills...)
	}
	return []any{v.ID, v.Name, nullStr(v.AreaID), nullStr(v.AreaName), nullStr(v.EmployerID), nullStr(v.EmployerName),
		nullStr(v.ExperienceID), nullStr(v.EmploymentFormID), nullStr(strings.Join(v.WorkFormat, ",")), nullStr(v.ScheduleID),
		v.SalaryFrom, v.SalaryTo, nullStr(v.SalaryCurrency), v.SalaryGross, nullStr(v.SalaryMode),
		nullStr(v.SalaryFrequency), v.PublishedAt, v.CreatedAt, v.InitialCreatedAt, v.Archived,
		seen, seen, detailAt, changedAt, ids, names, ks}
}

// queueRaw queues the raw JSON of vs into vacancy_raw: a search item's
// replaces raw_item when it has one; a full vacancy's (full) also replaces
// raw_full and keeps raw_item when it has none.
func queueRaw(b *pgx.Batch, vs []store.Vacancy, full bool) {
	var rows [][]any
	for i := range vs {
		v := &vs[i]
		if full || len(v.RawItem) > 0 {
			rows = append(rows, []any{v.ID, rawJSON(v.RawItem), rawJSON(v.RawFull)})
		}
	}
	tail := `ON CONFLICT (id) DO UPDATE SET raw_item = COALESCE(excluded.raw_item, r.raw_item)`
	if full {
		tail += `, raw_full = excluded.raw_full`
	} else {
		for _, r := range rows {
			r[2] = nil // a search item never touches raw_full
		}
	}
	queueRows(b, `INSERT INTO vacancy_raw AS r (id, raw_item, raw_full)`, tail, 3, rows)
}

// See the SQLite engine for the rules; they are the same.
const searchConflict = `ON CONFLICT (id) DO UPDATE SET
	name = excluded.name, area_id = excluded.area_id, area_name = COALESCE(excluded.area_name, v.area_name),
	employer_id = COALESCE(excluded.employer_id, v.employer_id), employer_name = COALESCE(excluded.employer_name, v.employer_name),
	experience_id = COALESCE(excluded.experience_id, v.experience_id),
	employment_form_id = COALESCE(excluded.employment_form_id, v.employment_form_id),
	work_format = COALESCE(excluded.work_format, v.work_format), schedule_id = COALESCE(excluded.schedule_id, v.schedule_id),
	salary_from = excluded.salary_from, salary_to = excluded.salary_to, salary_currency = excluded.salary_currency,
	salary_gross = excluded.salary_gross, salary_mode = COALESCE(excluded.salary_mode, v.salary_mode),
	salary_frequency = COALESCE(excluded.salary_frequency, v.salary_frequency), published_at = excluded.published_at,
	created_at = COALESCE(excluded.created_at, v.created_at),
	initial_created_at = COALESCE(excluded.initial_created_at, v.initial_created_at),
	archived = FALSE, last_seen_at = excluded.last_seen_at,
	closed_at = NULL, changed_at = COALESCE(excluded.changed_at, v.changed_at),
	role_ids = CASE WHEN excluded.changed_at IS NOT NULL THEN excluded.role_ids ELSE v.role_ids END,
	role_names = CASE WHEN excluded.changed_at IS NOT NULL THEN excluded.role_names ELSE v.role_names END`

const detailConflict = `ON CONFLICT (id) DO UPDATE SET
	name = excluded.name, area_id = excluded.area_id, area_name = excluded.area_name,
	employer_id = excluded.employer_id, employer_name = excluded.employer_name,
	experience_id = excluded.experience_id, employment_form_id = excluded.employment_form_id,
	work_format = excluded.work_format, schedule_id = excluded.schedule_id,
	salary_from = excluded.salary_from, salary_to = excluded.salary_to, salary_currency = excluded.salary_currency,
	salary_gross = excluded.salary_gross, salary_mode = excluded.salary_mode, salary_frequency = excluded.salary_frequency,
	published_at = excluded.published_at, created_at = excluded.created_at, initial_created_at = excluded.initial_created_at,
	archived = excluded.archived, detail_fetched_at = excluded.detail_fetched_at,
	changed_at = COALESCE(excluded.changed_at, v.changed_at),
	role_ids = excluded.role_ids, role_names = excluded.role_names, key_skills = excluded.key_skills`

func queueRoles(b *pgx.Batch, vs []store.Vacancy, pick func(i int) bool) {
	var replace []string
	var roles [][]any
	for i := range vs {
		if !pick(i) {
			continue
		}
		replace = append(replace, vs[i].ID)
		for p, r := range vs[i].Roles {
			roles = append(roles, []any{vs[i].ID, r.ID, r.Name, p})
		}
	}
	if len(replace) == 0 {
		return
	}
	b.Queue(`DELETE FROM vacancy_roles WHERE vacancy_id = ANY($1)`, replace)
	queueRows(b, `INSERT INTO vacancy_roles (vacancy_id, role_id, role_name, position)`, "", 4, roles)
}

// queueSide queues versions and roles for the vacancies flagged in mark, and every employer.
func queueSide(b *pgx.Batch, vs []store.Vacancy, mark []bool, at time.Time) {
	var versions [][]any
	employers := map[string]string{}
	for i := range vs {
		v := &vs[i]
		if v.EmployerID != "" {
			employers[v.EmployerID] = v.EmployerName
		}
		if mark[i] {
			versions = append(versions, []any{v.ID, at, v.Name, nullStr(v.AreaID), store.RoleIDList(v.Roles), v.SalaryFrom,
				v.SalaryTo, nullStr(v.SalaryCurrency), v.SalaryGross, v.PublishedAt})
		}
	}
	queueRows(b, `INSERT INTO vacancy_versions (vacancy_id, observed_at, name, area_id, role_ids,
		salary_from, salary_to, salary_currency, salary_gross, published_at)`, "", 10, versions)
	queueRoles(b, vs, func(i int) bool { return mark[i] })
	keys := make([]string, 0, len(employers))
	for k := range employers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	emp := make([][]any, 0, len(keys))
	for _, id := range keys {
		emp = append(emp, []any{id, employers[id]})
	}
	queueRows(b, `INSERT INTO employers AS e (id, name)`,
		`ON CONFLICT (id) DO UPDATE SET name = excluded.name WHERE excluded.name <> ''`, 2, emp)
}

// UpsertSearchItems stores one page of search items in one transaction, its
// writes sent as one batch. queryID 0 stores the vacancies without linking them.
func (db *DB) UpsertSearchItems(ctx context.Context, queryID, runID int64, items []store.Vacancy, seenAt time.Time) (store.UpsertResult, error) {
	items = store.Dedupe(items)
	var res store.UpsertResult
	if len(items) == 0 {
		return res, ctx.Err()
	}
	err := db.withTx(ctx, func(tx pgx.Tx) error {
		// Collectors sharing a run may store the same id at once (pages
		// overlap at window edges; a vacancy can have two roles). Row locks
		// cannot cover an id not inserted yet, so lock the ids themselves, in
		// one order: exactly one collector then sees a vacancy as new and
		// fetches its details.
		if _, err := tx.Exec(ctx, `SELECT count(pg_advisory_xact_lock(hashtextextended(id, 5381)))
			FROM (SELECT unnest($1::text[]) AS id ORDER BY 1) AS ids`, store.IDs(items)); err != nil {
			return fmt.Errorf("lock ids: %w", err)
		}
		known, err := loadTracked(ctx, tx, store.IDs(items))
		if err != nil {
			return fmt.Errorf("read stored rows: %w", err)
		}
		var mark []bool
		res, mark = store.Classify(items, known)
		b := &pgx.Batch{}
		rows := make([][]any, len(items))
		for i := range items {
			var changed *time.Time
			if mark[i] {
				changed = &seenAt
			}
			rows[i] = vacancyRow(&items[i], seenAt, nil, changed, false)
		}
		queueRows(b, vacancyInsert, searchConflict, vacancyInsertCols, rows)
		queueRaw(b, items, false)
		queueSide(b, items, mark, seenAt)
		if runID != 0 {
			// Under the id locks above, so a collector sharing the run
			// cannot link one of these ids between this read and the write.
			revisits, err := seenByRun(ctx, tx, queryID, runID, store.IDs(items))
			if err != nil {
				return err
			}
			n, c, u := store.RunCounts(res, revisits)
			b.Queue(`UPDATE runs SET n_pages = n_pages + 1, n_new = n_new + $1, n_changed = n_changed + $2,
				n_unchanged = n_unchanged + $3 WHERE id = $4`, n, c, u, runID)
		}
		if queryID != 0 {
			links := make([][]any, len(items))
			for i := range items {
				links[i] = []any{queryID, items[i].ID, runID, runID}
			}
			queueRows(b, `INSERT INTO query_vacancies (query_id, vacancy_id, first_run_id, last_run_id)`,
				`ON CONFLICT (query_id, vacancy_id) DO UPDATE SET last_run_id = excluded.last_run_id`, 4, links)
		}
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return store.UpsertResult{}, fmt.Errorf("upsert %d search items: %w", len(items), err)
	}
	return res, nil
}

// SaveDetails stores full vacancies with detail_fetched_at = fetchedAt.
func (db *DB) SaveDetails(ctx context.Context, runID int64, vs []store.Vacancy, fetchedAt time.Time) error {
	vs = store.Dedupe(vs)
	if len(vs) == 0 {
		return ctx.Err()
	}
	err := db.withTx(ctx, func(tx pgx.Tx) error {
		all := store.IDs(vs)
		known, err := loadTracked(ctx, tx, all)
		if err != nil {
			return fmt.Errorf("read stored rows: %w", err)
		}
		_, mark := store.Classify(vs, known)
		b := &pgx.Batch{}
		rows := make([][]any, len(vs))
		var skills [][]any
		for i := range vs {
			var changed *time.Time
			if mark[i] {
				changed = &fetchedAt
			}
			rows[i] = vacancyRow(&vs[i], fetchedAt, &fetchedAt, changed, true)
			for p, s := range vs[i].KeySkills {
				skills = append(skills, []any{vs[i].ID, s, p})
			}
		}
		queueRows(b, vacancyInsert, detailConflict, vacancyInsertCols, rows)
		queueRaw(b, vs, true)
		queueSide(b, vs, mark, fetchedAt)
		// Roles of unchanged vacancies may still carry new names: replace them too.
		queueRoles(b, vs, func(i int) bool { return !mark[i] })
		b.Queue(`DELETE FROM vacancy_skills WHERE vacancy_id = ANY($1)`, all)
		queueRows(b, `INSERT INTO vacancy_skills (vacancy_id, skill, position)`, "", 3, skills)
		if runID != 0 {
			b.Queue(`UPDATE runs SET n_details = n_details + $1 WHERE id = $2`, len(vs), runID)
		}
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("save %d vacancy details: %w", len(vs), err)
	}
	return nil
}

// MarkClosed closes the still-open vacancies among ids.
func (db *DB) MarkClosed(ctx context.Context, runID int64, ids []string, at time.Time) error {
	err := db.withTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE vacancies SET closed_at = $1, archived = TRUE
			WHERE closed_at IS NULL AND id = ANY($2)`, at, ids)
		if err != nil || runID == 0 {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE runs SET n_closed = n_closed + $1 WHERE id = $2`, tag.RowsAffected(), runID)
		return err
	})
	if err != nil {
		return fmt.Errorf("mark %d vacancies closed: %w", len(ids), err)
	}
	return nil
}

func (db *DB) queryIDs(ctx context.Context, what, q string, args ...any) ([]string, error) {
	rows, _ := db.pool.Query(ctx, q, args...)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// NotSeenByRun lists open vacancies linked to queryID that runID did not see.
func (db *DB) NotSeenByRun(ctx context.Context, queryID, runID int64) ([]string, error) {
	return db.queryIDs(ctx, "vacancies not seen by run", `SELECT q.vacancy_id FROM query_vacancies q
		JOIN vacancies v ON v.id = q.vacancy_id
		WHERE q.query_id = $1 AND q.last_run_id <> $2 AND v.closed_at IS NULL ORDER BY q.vacancy_id`, queryID, runID)
}

// NeedDetails lists open linked vacancies without details or with details older than their last change.
func (db *DB) NeedDetails(ctx context.Context, queryID int64, limit int) ([]string, error) {
	var lim *int
	if limit > 0 {
		lim = &limit
	}
	return db.queryIDs(ctx, "vacancies needing details", `SELECT q.vacancy_id FROM query_vacancies q
		JOIN vacancies v ON v.id = q.vacancy_id
		WHERE q.query_id = $1 AND v.closed_at IS NULL
		AND (v.detail_fetched_at IS NULL OR v.detail_fetched_at < v.changed_at)
		ORDER BY q.vacancy_id LIMIT $2`, queryID, lim)
}

// Versions lists a vacancy's version rows, oldest first.
func (db *DB) Versions(ctx context.Context, id string) ([]store.Version, error) {
	rows, _ := db.pool.Query(ctx, `SELECT vacancy_id, observed_at, name, COALESCE(area_id, ''), role_ids,
		salary_from, salary_to, COALESCE(salary_currency, ''), salary_gross, published_at
		FROM vacancy_versions WHERE vacancy_id = $1 ORDER BY observed_at, id`, id)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Version, error) {
		var v store.Version
		var roles string
		err := r.Scan(&v.VacancyID, &v.ObservedAt, &v.Name, &v.AreaID, &roles, &v.SalaryFrom, &v.SalaryTo,
			&v.SalaryCurrency, &v.SalaryGross, &v.PublishedAt)
		v.ObservedAt, v.PublishedAt = utc(v.ObservedAt), utc(v.PublishedAt)
		v.RoleIDs = store.SplitList(roles)
		return v, err
	})
	if err != nil {
		return nil, fmt.Errorf("versions of %s: %w", id, err)
	}
	return out, nil
}

// where renders f as SQL conditions on alias v; placeholders start at $first.
func where(f store.Filter, first int) (string, []any) {
	var conds []string
	var args []any
	ph := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(first+len(args)-1)
	}
	if f.QueryID != 0 {
		conds = append(conds, `EXISTS (SELECT 1 FROM query_vacancies q WHERE q.query_id = `+ph(f.QueryID)+` AND q.vacancy_id = v.id)`)
	}
	if !f.Since.IsZero() {
		conds = append(conds, `v.published_at >= `+ph(f.Since))
	}
	if f.OpenOnly {
		conds = append(conds, `v.closed_at IS NULL`)
	}
	if len(conds) == 0 {
		return "TRUE", nil
	}
	return strings.Join(conds, " AND "), args
}

// EachSkill streams (vacancy id, skill) pairs in vacancy id and skill order.
func (db *DB) EachSkill(ctx context.Context, f store.Filter, fn func(vacancyID, skill string) error) error {
	cond, args := where(f, 1)
	rows, _ := db.pool.Query(ctx, `SELECT s.vacancy_id, s.skill FROM vacancy_skills s JOIN vacancies v ON v.id = s.vacancy_id
		WHERE `+cond+` ORDER BY s.vacancy_id, s.position`, args...)
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
	cond, args := where(f, 1)
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM vacancies v WHERE `+cond, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count vacancies: %w", err)
	}
	return n, nil
}

// seenByRun returns which of ids run runID already linked to queryID: the
// page revisits them, and the run's counters must not count them twice.
func seenByRun(ctx context.Context, tx pgx.Tx, queryID, runID int64, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if queryID == 0 {
		return out, nil
	}
	rows, err := tx.Query(ctx, `SELECT vacancy_id FROM query_vacancies
		WHERE query_id = $1 AND last_run_id = $2 AND vacancy_id = ANY($3)`, queryID, runID, ids)
	if err != nil {
		return nil, fmt.Errorf("ids this run saw: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("ids this run saw: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}
