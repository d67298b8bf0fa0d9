package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/hhjobs/hhjobs/internal/store"
)

// ReplaceDictionaries replaces every stored /dictionaries entry.
func (db *DB) ReplaceDictionaries(ctx context.Context, entries []store.DictEntry) error {
	err := db.withTx(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(`DELETE FROM dictionaries`)
		rows := make([][]any, len(entries))
		for i, e := range entries {
			rows[i] = []any{e.Dict, e.ID, e.Name, i}
		}
		queueRows(b, `INSERT INTO dictionaries (dict, id, name, pos)`,
			`ON CONFLICT (dict, id) DO UPDATE SET name = excluded.name, pos = excluded.pos`, 4, rows)
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("replace dictionaries: %w", err)
	}
	return nil
}

// Dictionaries returns every entry in the order it was stored.
func (db *DB) Dictionaries(ctx context.Context) ([]store.DictEntry, error) {
	rows, _ := db.pool.Query(ctx, `SELECT dict, id, name FROM dictionaries ORDER BY pos`)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.DictEntry, error) {
		var e store.DictEntry
		err := r.Scan(&e.Dict, &e.ID, &e.Name)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("dictionaries: %w", err)
	}
	return out, nil
}

// DeleteQuery removes a saved query; its runs, slices and links to
// vacancies go with it (ON DELETE CASCADE), the vacancies stay.
func (db *DB) DeleteQuery(ctx context.Context, name string) error {
	tag, err := db.pool.Exec(ctx, `DELETE FROM queries WHERE name = $1`, name)
	if err != nil {
		return fmt.Errorf("delete query %q: %w", name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("query %q: %w", name, store.ErrNotFound)
	}
	return nil
}
