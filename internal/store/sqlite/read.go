package sqlite

// Reading vacancies: the scan of a vacancy's columns, GetVacancy, and the
// filtered walks (EachVacancy, EachSkill, CountVacancies).

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
