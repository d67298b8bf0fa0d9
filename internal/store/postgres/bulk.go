package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/hhjobs/hhjobs/internal/store"
)

// CopyVacancies loads complete vacancy rows with COPY: every column as given
// (FirstSeenAt, LastSeenAt, ClosedAt, DetailFetchedAt included; changed_at =
// FirstSeenAt, as for a vacancy first stored then; KeySkills count only
// with DetailFetchedAt, as SaveDetails stores them), raw JSON, roles, skills,
// their employers, and a link to queryID (first and last run runID; queryID
// 0 = no link), and the version row of a first store. It is the bulk path for filling a fresh database (the 1M
// bench: a million upserts take half an hour here, COPY a few minutes): ids
// must not be stored yet; each gets the version row of its first sighting
// (observed at FirstSeenAt), as UpsertSearchItems writes it; no counter moves.
// One transaction: all of vs or none.
func (db *DB) CopyVacancies(ctx context.Context, queryID, runID int64, vs []store.Vacancy) error {
	if len(vs) == 0 {
		return ctx.Err()
	}
	err := db.withTx(ctx, func(tx pgx.Tx) error {
		rows, versions := make([][]any, len(vs)), make([][]any, len(vs))
		var roles, skills [][]any
		employers := map[string]string{}
		for i := range vs {
			v := &vs[i]
			rows[i] = copyRow(v)
			versions[i] = []any{v.ID, v.FirstSeenAt, v.Name, nullStr(v.AreaID), store.RoleIDList(v.Roles), v.SalaryFrom,
				v.SalaryTo, nullStr(v.SalaryCurrency), v.SalaryGross, v.PublishedAt}
			for p, r := range v.Roles {
				roles = append(roles, []any{v.ID, r.ID, r.Name, int32(p)})
			}
			for p, s := range v.KeySkills {
				skills = append(skills, []any{v.ID, s, int32(p)})
			}
			if v.EmployerID != "" {
				employers[v.EmployerID] = v.EmployerName
			}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"vacancies"}, copyCols, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("vacancies: %w", err)
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"vacancy_versions"}, []string{"vacancy_id", "observed_at", "name",
			"area_id", "role_ids", "salary_from", "salary_to", "salary_currency", "salary_gross", "published_at"},
			pgx.CopyFromRows(versions)); err != nil {
			return fmt.Errorf("versions: %w", err)
		}
		var raws [][]any
		for i := range vs {
			if vs[i].RawItem != nil || vs[i].RawFull != nil {
				raws = append(raws, []any{vs[i].ID, rawJSON(vs[i].RawItem), rawJSON(vs[i].RawFull)})
			}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"vacancy_raw"}, []string{"id", "raw_item", "raw_full"},
			pgx.CopyFromRows(raws)); err != nil {
			return fmt.Errorf("raw JSON: %w", err)
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"vacancy_roles"}, []string{"vacancy_id", "role_id", "role_name", "position"},
			pgx.CopyFromRows(roles)); err != nil {
			return fmt.Errorf("roles: %w", err)
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"vacancy_skills"}, []string{"vacancy_id", "skill", "position"},
			pgx.CopyFromRows(skills)); err != nil {
			return fmt.Errorf("skills: %w", err)
		}
		if queryID != 0 {
			links := make([][]any, len(vs))
			for i := range vs {
				links[i] = []any{queryID, vs[i].ID, runID, runID}
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"query_vacancies"},
				[]string{"query_id", "vacancy_id", "first_run_id", "last_run_id"}, pgx.CopyFromRows(links)); err != nil {
				return fmt.Errorf("query links: %w", err)
			}
		}
		keys := make([]string, 0, len(employers))
		for k := range employers {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		emp := make([][]any, 0, len(keys))
		for _, id := range keys {
			emp = append(emp, []any{id, employers[id]})
		}
		b := &pgx.Batch{}
		queueRows(b, `INSERT INTO employers AS e (id, name)`,
			`ON CONFLICT (id) DO UPDATE SET name = excluded.name WHERE excluded.name <> ''`, 2, emp)
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("copy %d vacancies: %w", len(vs), err)
	}
	return nil
}

var copyCols = []string{"id", "name", "area_id", "area_name", "employer_id", "employer_name", "experience_id",
	"employment_form_id", "work_format", "schedule_id", "salary_from", "salary_to", "salary_currency", "salary_gross",
	"salary_mode", "salary_frequency", "published_at", "created_at", "initial_created_at", "archived",
	"first_seen_at", "last_seen_at", "closed_at", "detail_fetched_at", "changed_at", "role_ids", "role_names", "key_skills"}

func copyRow(v *store.Vacancy) []any {
	ids, names := roleArrays(v.Roles)
	var ks any
	if v.DetailFetchedAt != nil {
		ks = append([]string{}, v.KeySkills...)
	}
	return []any{v.ID, v.Name, nullStr(v.AreaID), nullStr(v.AreaName), nullStr(v.EmployerID), nullStr(v.EmployerName),
		nullStr(v.ExperienceID), nullStr(v.EmploymentFormID), nullStr(strings.Join(v.WorkFormat, ",")), nullStr(v.ScheduleID),
		v.SalaryFrom, v.SalaryTo, nullStr(v.SalaryCurrency), v.SalaryGross, nullStr(v.SalaryMode),
		nullStr(v.SalaryFrequency), v.PublishedAt, v.CreatedAt, v.InitialCreatedAt, v.Archived,
		v.FirstSeenAt, v.LastSeenAt, v.ClosedAt, v.DetailFetchedAt, v.FirstSeenAt, ids, names, ks}
}
