package sqlite

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
)

// A slice written by a version that kept the planner's notes inside the
// params ("_why", "_no_area_split") reads back with them in Slice.Plan and
// none in Params; a slice written now is stored in that same form, byte for
// byte, so either version reads the other's database.
func TestSlicePlanOldRows(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	q, err := db.SaveQuery(ctx, store.Query{Name: "old", Params: map[string][]string{"area": {"113"}}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	r, err := db.CreateRun(ctx, store.Run{QueryID: q.ID, StartedAt: now, UpperBound: now, Details: "new"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		params string
		want   map[string][]string
		plan   store.SlicePlan
	}{
		{"both markers", `{"_no_area_split":["1"],"_why":["time: found 2500 \u003e 2000; 2 windows"],"area":["1"],"date_from":["2026-12-01T00:00:00+0300"]}`,
			map[string][]string{"area": {"1"}, "date_from": {"2026-12-01T00:00:00+0300"}},
			store.SlicePlan{Why: "time: found 2500 > 2000; 2 windows", NoAreaSplit: true}},
		{"why only", `{"_why":["reused: area: found 9 \u003e 5; 2 areas listed"],"area":["2"]}`,
			map[string][]string{"area": {"2"}}, store.SlicePlan{Why: "reused: area: found 9 > 5; 2 areas listed"}},
		{"no markers", `{"area":["113"]}`, map[string][]string{"area": {"113"}}, store.SlicePlan{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db.wmu.Lock()
			res, err := db.wc.ExecContext(ctx, `INSERT INTO slices (run_id, params, state, found, updated_at) VALUES (?, ?, 'pending', -1, ?)`,
				r.ID, tc.params, ms(now))
			db.wmu.Unlock()
			if err != nil {
				t.Fatal(err)
			}
			id, _ := res.LastInsertId()
			all, err := db.Slices(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got *store.Slice
			for i := range all {
				if all[i].ID == id {
					got = &all[i]
				}
			}
			if got == nil {
				t.Fatalf("slice %d not read back", id)
			}
			if !reflect.DeepEqual(got.Params, tc.want) || got.Plan != tc.plan {
				t.Errorf("read params %v plan %+v; want %v %+v", got.Params, got.Plan, tc.want, tc.plan)
			}
			// Written again by this version: the same bytes.
			added, err := db.AddSlices(ctx, r.ID, []store.Slice{{Params: got.Params, Plan: got.Plan, Found: -1}})
			if err != nil {
				t.Fatal(err)
			}
			var stored string
			if err := db.r.QueryRowContext(ctx, `SELECT params FROM slices WHERE id = ?`, added[0].ID).Scan(&stored); err != nil {
				t.Fatal(err)
			}
			if stored != tc.params {
				t.Errorf("stored %s; the old form was %s", stored, tc.params)
			}
		})
	}
}
