package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/hhjobs/hhjobs/internal/store"
)

// EachChangedVersion implements store.VersionWalker.
func (db *DB) EachChangedVersion(ctx context.Context, f store.Filter, fn func(store.Version) error) error {
	cond, args := where(f)
	rows, err := db.r.QueryContext(ctx, `SELECT vv.vacancy_id, vv.observed_at, vv.name, COALESCE(vv.area_id, ''), vv.role_ids,
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
		var observed, published int64
		var roles string
		var from, to, gross sql.NullInt64
		if err := rows.Scan(&v.VacancyID, &observed, &v.Name, &v.AreaID, &roles, &from, &to, &v.SalaryCurrency,
			&gross, &published); err != nil {
			return fmt.Errorf("changed versions: %w", err)
		}
		v.ObservedAt, v.PublishedAt = fromMS(observed), fromMS(published)
		v.RoleIDs = store.SplitList(roles)
		v.SalaryFrom, v.SalaryTo, v.SalaryGross = intPtr(from), intPtr(to), boolPtr(gross)
		if err := fn(v); err != nil {
			return err
		}
	}
	return rows.Err()
}
