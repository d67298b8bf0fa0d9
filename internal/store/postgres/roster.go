package postgres

import (
	"context"
	"fmt"

	"github.com/hhjobs/hhjobs/internal/store"
)

// Rosters reads work_schedule_by_days and working_hours out of the stored
// raw JSON (the search item, else the full vacancy) of the given vacancies.
func (db *DB) Rosters(ctx context.Context, ids []string) (map[string]store.Roster, error) {
	out := make(map[string]store.Roster, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), store.RosterBatch)
		batch := ids[:n]
		ids = ids[n:]
		rows, _ := db.pool.Query(ctx, `SELECT id,
			(COALESCE(raw_item, raw_full) -> 'work_schedule_by_days')::text,
			(COALESCE(raw_item, raw_full) -> 'working_hours')::text
			FROM vacancy_raw WHERE id = ANY($1)`, batch)
		for rows.Next() {
			var id string
			var days, hours *string
			if err := rows.Scan(&id, &days, &hours); err != nil {
				rows.Close()
				return nil, fmt.Errorf("rosters: %w", err)
			}
			var d, h []byte
			if days != nil {
				d = []byte(*days)
			}
			if hours != nil {
				h = []byte(*hours)
			}
			r, err := store.ParseRoster(d, h)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("rosters of %s: %w", id, err)
			}
			out[id] = r
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("rosters: %w", err)
		}
	}
	return out, nil
}
