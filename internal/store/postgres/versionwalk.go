package postgres

import (
	"context"
	"fmt"

	"github.com/hhjobs/hhjobs/internal/store"
)

// EachChangedVersion implements store.VersionWalker.
func (db *DB) EachChangedVersion(ctx context.Context, f store.Filter, fn func(store.Version) error) error {
	cond, args := where(f, 1)
	rows, err := db.pool.Query(ctx, `SELECT vv.vacancy_id, vv.observed_at, vv.name, COALESCE(vv.area_id, ''), vv.role_ids,
		vv.salary_from, vv.salary_to, COALESCE(vv.salary_currency, ''), vv.salary_gross, vv.published_at
		FROM vacancy_versions vv JOIN vacancies v ON v.id = vv.vacancy_id
		WHERE vv.vacancy_id IN (SELECT vacancy_id FROM vacancy_versions GROUP BY vacancy_id HAVING COUNT(*) > 1) AND `+cond+`
		ORDER BY vv.vacancy_id, vv.observed_at, vv.id`, args...)
	if err != nil {
		return fmt.Errorf("changed versions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v store.Version
		var roles string
		if err := rows.Scan(&v.VacancyID, &v.ObservedAt, &v.Name, &v.AreaID, &roles, &v.SalaryFrom, &v.SalaryTo,
			&v.SalaryCurrency, &v.SalaryGross, &v.PublishedAt); err != nil {
			return fmt.Errorf("changed versions: %w", err)
		}
		v.ObservedAt, v.PublishedAt = utc(v.ObservedAt), utc(v.PublishedAt)
		v.RoleIDs = store.SplitList(roles)
		if err := fn(v); err != nil {
			return err
		}
	}
	return rows.Err()
}
