package harvest_test

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/sandbox"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

// TestResumeSlicesOfAnOlderVersion: a run interrupted under a version that
// kept the planner's notes inside a slice's params ("_why",
// "_no_area_split") resumes under this one: the notes are read into
// Slice.Plan and obeyed, none is sent (newEnv's server fails the test on a
// "_" key), and the run collects everything.
func TestResumeSlicesOfAnOlderVersion(t *testing.T) {
	e := newEnv(t, sandbox.Config{Seed: 5, Vacancies: 6000, NoClusters: true})
	e.h.Cap = 500
	q := e.query(t, "market", url.Values{"area": {"113"}})
	ctx, cancel := context.WithCancel(context.Background())
	e.h.Progress = func(p harvest.Progress) {
		if p.Pages >= 10 {
			cancel()
		}
	}
	_, err := e.h.Run(ctx, q, harvest.RunOptions{Details: harvest.DetailsNone})
	cancel()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: err = %v, want context.Canceled", err)
	}
	e.h.Progress = nil
	// What the older version wrote for a slice whose area must not be split:
	// the marker among the params (split slices already hold "_why" there:
	// the stored form did not change).
	raw, err := sql.Open("sqlite", e.st.(*sqlite.DB).Path()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	res, err := raw.Exec(`UPDATE slices SET params = json_set(params, '$._no_area_split', json_array('1')) WHERE state = 'pending'`)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		t.Fatal("no pending slice left by the interrupted run: the test proves nothing")
	}
	var why int
	if err := raw.QueryRow(`SELECT count(*) FROM slices WHERE params LIKE '%"_why":%'`).Scan(&why); err != nil || why == 0 {
		t.Fatalf("no slice stores _why (%d, %v): the test proves nothing", why, err)
	}
	done, err := e.h.Run(context.Background(), q, harvest.RunOptions{Details: harvest.DetailsNone})
	if err != nil {
		t.Fatal(err)
	}
	assertComplete(t, e, q)
	sl, err := e.st.Slices(context.Background(), done.Run.ID)
	if err != nil {
		t.Fatal(err)
	}
	marked, explained := 0, 0
	for _, s := range sl {
		for k := range s.Params {
			if strings.HasPrefix(k, "_") {
				t.Errorf("slice %d: %s among its params", s.ID, k)
			}
		}
		if s.Plan.NoAreaSplit {
			marked++
		}
		if s.Plan.Why != "" {
			explained++
		}
		if s.State == store.SliceSplit && s.Plan.NoAreaSplit {
			for _, c := range sl {
				if c.ParentID == s.ID && !c.Plan.NoAreaSplit {
					t.Errorf("slice %d lost its parent's no-area-split mark", c.ID)
				}
			}
		}
	}
	if marked == 0 || explained == 0 {
		t.Errorf("%d slices marked no-area-split, %d with a reason: the old markers were not read", marked, explained)
	}
	t.Logf("%d slices, %d marked no-area-split, %d with a reason", len(sl), marked, explained)
}
