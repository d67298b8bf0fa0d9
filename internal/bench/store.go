package bench

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
	"github.com/hhjobs/hhjobs/internal/synth"
)

// StoreReport: SQLite upserts of search-item pages.
type StoreReport struct {
	Engine     string  `json:"engine"`
	Vacancies  int     `json:"vacancies"`
	PageSize   int     `json:"page_size"`
	RawBytes   int     `json:"raw_item_bytes"`  // raw JSON per item (synth.Item)
	NewRate    float64 `json:"new_per_s"`       // first upsert of every page: all new ids
	NewS       float64 `json:"new_s"`           // time inside UpsertSearchItems
	RepeatRate float64 `json:"unchanged_per_s"` // the same pages again: all unchanged (a sync)
	RepeatS    float64 `json:"unchanged_s"`
	DBBytes    int64   `json:"db_bytes,omitempty"`
}

const storeRawSize = 1500

// RunStore upserts cfg.StoreVacancies generated search items (the storetest
// fixtures: ~1.5 KB of raw JSON each, realistic typed fields) into a fresh
// SQLite database in pages of 100, as harvest stores a page, then the same
// pages again. (RunAnalytics times stats and report, on its own database.)
func RunStore(ctx context.Context, cfg Config) (*StoreReport, error) {
	cfg.defaults()
	dir, cleanup, err := workDir(cfg.Dir)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	cfg.Dir = dir
	path := dbPath(cfg, "store.db")
	// Fresh even in a kept --dir: ids left by an earlier bench would be
	// classified as unchanged.
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	q, err := st.SaveQuery(ctx, store.Query{Name: "bench-store", Params: HRQuery()})
	if err != nil {
		return nil, err
	}
	now := time.Now()
	run, err := st.CreateRun(ctx, store.Run{QueryID: q.ID, Status: store.RunRunning, StartedAt: now, UpperBound: now})
	if err != nil {
		return nil, err
	}
	rep := &StoreReport{Engine: "sqlite", Vacancies: cfg.StoreVacancies, PageSize: harvest.PerPage}
	cfg.logf("store: upserting %d generated vacancies into SQLite in pages of %d", cfg.StoreVacancies, harvest.PerPage)
	page := make([]store.Vacancy, 0, harvest.PerPage)
	for pass := 0; pass < 2; pass++ {
		var spent time.Duration
		for first := 0; first < cfg.StoreVacancies; first += harvest.PerPage {
			page = page[:0]
			for i := first; i < min(first+harvest.PerPage, cfg.StoreVacancies); i++ {
				page = append(page, synth.Item(i, storeRawSize))
			}
			if rep.RawBytes == 0 {
				rep.RawBytes = len(page[0].RawItem)
			}
			t0 := time.Now()
			res, err := st.UpsertSearchItems(ctx, q.ID, run.ID, page, now.Add(time.Duration(pass)*time.Minute))
			spent += time.Since(t0)
			if err != nil {
				return nil, err
			}
			if want := map[int]int{0: len(res.New), 1: len(res.Unchanged)}[pass]; want != len(page) {
				return nil, fmt.Errorf("store bench pass %d: %d of %d items classified as expected (%d new, %d changed, %d unchanged)",
					pass, want, len(page), len(res.New), len(res.Changed), len(res.Unchanged))
			}
		}
		rate := float64(cfg.StoreVacancies) / spent.Seconds()
		if pass == 0 {
			rep.NewRate, rep.NewS = rate, secs(spent)
		} else {
			rep.RepeatRate, rep.RepeatS = rate, secs(spent)
		}
	}
	if fi, err := statSize(path); err == nil {
		rep.DBBytes = fi
	}
	return rep, nil
}
