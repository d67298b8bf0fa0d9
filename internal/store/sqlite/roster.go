package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/hhjobs/hhjobs/internal/store"
)

// Rosters reads work_schedule_by_days and working_hours out of the stored
// raw JSON (the search item, which is smaller, else the full vacancy) of the
// given vacancies: a point lookup per id in vacancy_raw. The two arrays are
// cut out of the JSON in Go (store.RosterFromRaw): cheaper than SQLite's
// json_extract, which parses the whole document.
func (db *DB) Rosters(ctx context.Context, ids []string) (map[string]store.Roster, error) {
	out := make(map[string]store.Roster, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), store.RosterBatch)
		batch := ids[:n]
		ids = ids[n:]
		args := make([]any, len(batch))
		for i, id := range batch {
			args[i] = id
		}
		rows, err := db.r.QueryContext(ctx, `SELECT vacancy_id, COALESCE(raw_item, raw_full) FROM vacancy_raw
			WHERE vacancy_id IN (?`+strings.Repeat(",?", len(batch)-1)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("rosters: %w", err)
		}
		for rows.Next() {
			var id string
			var raw []byte
			if err := rows.Scan(&id, &raw); err != nil {
				rows.Close()
				return nil, fmt.Errorf("rosters: %w", err)
			}
			if raw == nil {
				continue
			}
			r, err := store.RosterFromRaw(raw)
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
