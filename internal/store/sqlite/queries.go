package sqlite

import (
	"context"
	"fmt"

	"github.com/hhjobs/hhjobs/internal/store"
)

// ReplaceDictionaries replaces every stored /dictionaries entry.
func (db *DB) ReplaceDictionaries(ctx context.Context, entries []store.DictEntry) error {
	return db.withTx(ctx, func(tx wtx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM dictionaries`); err != nil {
			return fmt.Errorf("replace dictionaries: %w", err)
		}
		rows := make([][]any, len(entries))
		for i, e := range entries {
			rows[i] = []any{e.Dict, e.ID, e.Name, i}
		}
		if err := insertRows(ctx, tx, `INSERT OR REPLACE INTO dictionaries (dict, id, name, pos)`, "", 4, rows); err != nil {
			return fmt.Errorf("replace dictionaries: %w", err)
		}
		return nil
	})
}

// Dictionaries returns every entry in the order it was stored.
func (db *DB) Dictionaries(ctx context.Context) ([]store.DictEntry, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT dict, id, name FROM dictionaries ORDER BY pos`)
	if err != nil {
		return nil, fmt.Errorf("dictionaries: %w", err)
	}
	defer rows.Close()
	var out []store.DictEntry
	for rows.Next() {
		var e store.DictEntry
		if err := rows.Scan(&e.Dict, &e.ID, &e.Name); err != nil {
			return nil, fmt.Errorf("dictionaries: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// DeleteQuery removes a saved query; its runs, slices and links to
// vacancies go with it (ON DELETE CASCADE), the vacancies stay.
func (db *DB) DeleteQuery(ctx context.Context, name string) error {
	res, err := db.exec(ctx, `DELETE FROM queries WHERE name = ?`, name)
	if err != nil {
		return fmt.Errorf("delete query %q: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("query %q: %w", name, store.ErrNotFound)
	}
	return nil
}
