package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/hhjobs/hhjobs/internal/store"
)

// vacancyCols are every column of a vacancy, in scanVacancy's order, over
// vacancies v LEFT JOIN vacancy_raw r.
const vacancyCols = `v.id, v.name, COALESCE(v.area_id, ''), COALESCE(v.area_name, ''), COALESCE(v.employer_id, ''),
	COALESCE(v.employer_name, ''), COALESCE(v.experience_id, ''), COALESCE(v.employment_form_id, ''),
	COALESCE(v.work_format, ''), COALESCE(v.schedule_id, ''), v.salary_from, v.salary_to, COALESCE(v.salary_currency, ''),
	v.salary_gross, COALESCE(v.salary_mode, ''), COALESCE(v.salary_frequency, ''), v.published_at, v.created_at,
	v.initial_created_at, v.archived, r.raw_item::text, r.raw_full::text, v.first_seen_at, v.last_seen_at, v.closed_at,
	v.detail_fetched_at, v.role_ids, v.role_names, v.key_skills`

func scanVacancy(row pgx.Row) (store.Vacancy, error) {
	var v store.Vacancy
	var workFormat string
	var rawItem, rawFull *string
	var roleIDs, roleNames []string
	err := row.Scan(&v.ID, &v.Name, &v.AreaID, &v.AreaName, &v.EmployerID, &v.EmployerName, &v.ExperienceID,
		&v.EmploymentFormID, &workFormat, &v.ScheduleID, &v.SalaryFrom, &v.SalaryTo, &v.SalaryCurrency, &v.SalaryGross,
		&v.SalaryMode, &v.SalaryFrequency, &v.PublishedAt, &v.CreatedAt, &v.InitialCreatedAt, &v.Archived, &rawItem,
		&rawFull, &v.FirstSeenAt, &v.LastSeenAt, &v.ClosedAt, &v.DetailFetchedAt, &roleIDs, &roleNames, &v.KeySkills)
	if err != nil {
		return v, err
	}
	v.WorkFormat = store.SplitList(workFormat)
	v.PublishedAt, v.CreatedAt, v.InitialCreatedAt = utc(v.PublishedAt), utcPtr(v.CreatedAt), utcPtr(v.InitialCreatedAt)
	v.FirstSeenAt, v.LastSeenAt, v.ClosedAt, v.DetailFetchedAt = utc(v.FirstSeenAt), utc(v.LastSeenAt), utcPtr(v.ClosedAt), utcPtr(v.DetailFetchedAt)
	v.Roles = rolesOf(roleIDs, roleNames)
	v.KeySkills = skillsOf(v.KeySkills, v.DetailFetchedAt != nil)
	if rawItem != nil {
		v.RawItem = []byte(*rawItem)
	}
	if rawFull != nil {
		v.RawFull = []byte(*rawFull)
	}
	return v, nil
}

// rolesOf pairs the role_ids and role_names columns (nil for none, as the
// other engine returns them).
func rolesOf(ids, names []string) []store.IDName {
	if len(ids) == 0 {
		return nil
	}
	out := make([]store.IDName, len(ids))
	for i, id := range ids {
		out[i].ID = id
		if i < len(names) {
			out[i].Name = names[i]
		}
	}
	return out
}

// skillsOf is the key_skills column as Vacancy.KeySkills: nil until
// details are fetched, then never nil.
func skillsOf(ks []string, fetched bool) []string {
	if fetched && ks == nil {
		return []string{}
	}
	if len(ks) == 0 && !fetched {
		return nil
	}
	return ks
}

// GetVacancy returns store.ErrNotFound when absent.
func (db *DB) GetVacancy(ctx context.Context, id string) (store.Vacancy, error) {
	v, err := scanVacancy(db.pool.QueryRow(ctx, `SELECT `+vacancyCols+`
		FROM vacancies v LEFT JOIN vacancy_raw r ON r.id = v.id WHERE v.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Vacancy{}, fmt.Errorf("vacancy %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Vacancy{}, fmt.Errorf("vacancy %s: %w", id, err)
	}
	return v, nil
}
