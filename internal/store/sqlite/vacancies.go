package sqlite

import (
	"context"
	"database/sql"
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
