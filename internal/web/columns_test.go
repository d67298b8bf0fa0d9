package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/analytics/analyticstest"
	"github.com/hhjobs/hhjobs/internal/filter"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

// TestColumnsCountAsTheWalk: the snapshot's count of the groups
// (columns.go) gives the figures of the walk's sections on the database,
// to the last byte, also where the order of the walk decides a label: an
// employer renamed between two vacancies is named as by the first one the
// walk sees, which is not the first in row order when that one is paid per
// shift (held for its roster, seen last). Vacancies with no role, a role
// listed twice, no work format and an area under two names are counted
// as the walk counts them.
func TestColumnsCountAsTheWalk(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := analyticstest.Fill(ctx, db, 600, 11); err != nil {
		t.Fatal(err)
	}
	q, err := db.SaveQuery(ctx, store.Query{Name: "odd", Params: map[string][]string{"text": {"odd"}}})
	if err != nil {
		t.Fatal(err)
	}
	run, err := db.CreateRun(ctx, store.Run{QueryID: q.ID, Status: store.RunRunning, StartedAt: analyticstest.End.Add(-time.Hour), UpperBound: analyticstest.End})
	if err != nil {
		t.Fatal(err)
	}
	pay := func(x int64) *int64 { return &x }
	odd := func(id string, edit func(v *store.Vacancy)) store.Vacancy {
		v, _ := analyticstest.Vacancy(3, 600, 11)
		v.ID, v.RawFull, v.KeySkills, v.DetailFetchedAt, v.ClosedAt = id, nil, nil, nil, nil
		v.SalaryFrom, v.SalaryTo, v.SalaryCurrency, v.SalaryMode, v.SalaryFrequency = pay(120000), nil, "RUR", "MONTH", ""
		edit(&v)
		return v
	}
	day0 := analyticstest.End.Add(-20 * 24 * time.Hour)
	items := []store.Vacancy{
		odd("zz-1", func(v *store.Vacancy) { // first in row order, held for its roster
			v.EmployerID, v.EmployerName, v.SalaryMode, v.SalaryFrom = "99000111", "Старое имя", "SHIFT", pay(6000)
		}),
		odd("zz-2", func(v *store.Vacancy) { v.EmployerID, v.EmployerName = "99000111", "Новое имя" }),
		odd("zz-3", func(v *store.Vacancy) { v.Roles, v.WorkFormat = nil, nil }),
		odd("zz-4", func(v *store.Vacancy) { v.Roles = append(v.Roles[:1:1], v.Roles[0]) }),
		odd("zz-5", func(v *store.Vacancy) { v.AreaID, v.AreaName = "1", "Москва (другое имя)" }),
		odd("zz-6", func(v *store.Vacancy) { v.AreaID, v.AreaName = "1", "" }),
		odd("zz-7", func(v *store.Vacancy) { v.SalaryFrom, v.SalaryCurrency = pay(100000), "XXX" }), // no rate: excluded
		odd("zz-8", func(v *store.Vacancy) { v.SalaryFrom = pay(90_000_000) }),                      // an absolute outlier
	}
	// Excel spelt 20 ways (more than a skill keeps: which it keeps depends
	// on the walk's order, and the first is held for its roster), and a
	// role renamed on that held vacancy.
	for k := range 20 {
		sp := []byte("excel")
		for j := range sp {
			if k>>j&1 == 1 {
				sp[j] -= 'a' - 'A'
			}
		}
		items = append(items, odd(fmt.Sprintf("zz-s%02d", k), func(v *store.Vacancy) {
			v.KeySkills = []string{string(sp), " Excel ", "1С"}
			switch k {
			case 0:
				v.SalaryMode, v.SalaryFrom = "SHIFT", pay(6000)
				v.Roles = []store.IDName{{ID: "118", Name: "Другое имя роли"}}
			case 1, 2, 3: // on the bounds of the skills' windows (the data ends at End)
				v.PublishedAt = analyticstest.End.Add(-time.Duration(k-1) * analytics.WindowDays * 24 * time.Hour)
			}
		}))
	}
	// A mass posting: one job in three areas over four days (the last 3
	// days after the one before, still within the window), then again
	// 4 days later, in two areas.
	for k, d := range []struct {
		days int
		area string
	}{{0, "1"}, {1, "2"}, {4, "3"}, {8, "1"}, {9, "2"}} {
		items = append(items, odd(fmt.Sprintf("zz-m%d", k), func(v *store.Vacancy) {
			v.EmployerID, v.EmployerName, v.Name, v.AreaID, v.AreaName = "99000222", "Сеть магазинов", "Продавец-кассир", d.area, ""
			v.PublishedAt = day0.Add(time.Duration(d.days) * 24 * time.Hour)
		}))
	}
	if _, err := db.UpsertSearchItems(ctx, q.ID, run.ID, items, analyticstest.End.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	var detailed []store.Vacancy
	for _, v := range items {
		if v.KeySkills != nil {
			detailed = append(detailed, v)
		}
	}
	if err := db.SaveDetails(ctx, run.ID, detailed, day0); err != nil {
		t.Fatal(err)
	}
	snap, err := BuildSnapshot(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	snap.WaitIndex()
	if snap.cols.Load() == nil {
		t.Fatal("the snapshot built no columns")
	}
	now := analyticstest.End.Add(24 * time.Hour)
	defer func() { narrowShare, poisonReleased = 16, false }()
	// A figure that read the count's buffers after Compute returned would
	// show NaN or garbage.
	poisonReleased = true
	for _, share := range []int{0, 1 << 30} { // every view broad, every view narrow (columns.go, place)
		narrowShare = share
		compareColumns(t, ctx, db, snap, now)
	}
}

func compareColumns(t *testing.T, ctx context.Context, db *sqlite.DB, snap *Snapshot, now time.Time) {
	for _, qs := range []string{"", "employer=99000111", "area=1", "role=118", "open=true&work-format=REMOTE", "basis=net", "role=118&experience=between1And3"} {
		v, _ := url.ParseQuery(qs)
		net := v.Get("basis") == "net"
		v.Del("basis")
		f := resolved(t, ctx, snap, v)
		for _, by := range [][]analytics.Dim{nil, analytics.LifetimeDims} { // /api/lifetime's
			lc := analytics.LifetimeConfig{Filter: f.StoreFilter(), By: by}
			want, err := analytics.ComputeLifetime(ctx, f.Wrap(db), lc)
			if err != nil {
				t.Fatal(err)
			}
			got, err := analytics.ComputeLifetime(ctx, f.Wrap(snap), lc)
			if err != nil {
				t.Fatal(err)
			}
			jw, _ := json.Marshal(want)
			jg, _ := json.Marshal(got)
			if string(jw) != string(jg) || want.Total.N == 0 || qs == "" && len(by) > 0 && len(want.Groups) < 2 {
				t.Errorf("%q by %v: lifetimes from the columns\n%.400s\nfrom the walk\n%.400s", qs, by, jg, jw)
			}
		}
		for _, cfg := range []analytics.Config{
			{Now: now, Options: analytics.Options{Net: net}},
			{Now: now, Options: analytics.Options{Net: net}, Groupings: [][]analytics.Dim{{analytics.DimEmployer}, {analytics.DimRole, analytics.DimWorkFormat, analytics.DimArea}}},
			{Now: now, Options: analytics.Options{Net: net}, TopSkills: 5, MinN: 3}, // premiums on small cells; a cut top
			{Now: now, Options: analytics.Options{Net: net}, GroupsOnly: true, Groupings: [][]analytics.Dim{{analytics.DimRole, analytics.DimExperience}, {analytics.DimRegion}}},
		} {
			cfg.Filter = f.StoreFilter()
			if cs := f.Wrap(snap).(analytics.ColumnStore); !cs.Counts(cfg.Filter, cfg.Options) {
				t.Fatalf("%q: the snapshot does not count from its columns", qs)
			}
			want, got := sameFigures(t, ctx, f, db, snap, cfg)
			if qs == "" {
				sameFigures(t, ctx, f, db, lateSkills{snap}, cfg) // the skills finished after the count, not as counted
			}
			if want.Total.Vacancies == 0 {
				t.Errorf("%q narrowShare=%d: no vacancies to compare", qs, narrowShare)
			}
			if qs == "" && cfg.TopSkills == 5 {
				spelt := 0
				for _, sk := range want.Skills.Top {
					spelt = max(spelt, len(sk.Spellings))
				}
				if len(want.Skills.Top) != 5 || want.Skills.Distinct <= 5 || len(want.Skills.Premiums) == 0 || spelt != analytics.MaxSpellings ||
					want.Skills.Top[0].Recent.Base == 0 || want.Skills.Top[0].Previous.Base == 0 {
					t.Errorf("the data has too little to compare the skills on: top %d of %d, %d premiums, at most %d spellings, windows %+v %+v",
						len(want.Skills.Top), want.Skills.Distinct, len(want.Skills.Premiums), spelt, want.Skills.Top[0].Recent, want.Skills.Top[0].Previous)
				}
				if !slices.ContainsFunc(want.Skills.Premiums, func(p analytics.SkillPremium) bool { return p.RoleID == "118" }) {
					t.Errorf("no premium of role 118 to check its name on")
				}
			}
			if qs == "" && !cfg.GroupsOnly && (want.Postings == nil || want.Postings.Copies < 6 || len(want.Postings.ByEmployer) < 2) {
				t.Errorf("the data has no mass postings to compare: %+v", want.Postings)
			}
			// The medians' intervals are not in the JSON.
			if want.Total.Salary.CI95 != got.Total.Salary.CI95 {
				t.Errorf("%q: CI of the median %v, want %v", qs, got.Total.Salary.CI95, want.Total.Salary.CI95)
			}
			if emp := want.Grouping(analytics.DimEmployer); qs == "employer=99000111" && emp != nil {
				if len(emp.Groups) != 1 || emp.Groups[0].Label[0] != "Новое имя" || emp.Groups[0].Vacancies != 2 {
					t.Errorf("the walk named the renamed employer %+v; the test expects the name of the vacancy it sees first", emp.Groups)
				}
			}
		}
	}
}

// noWalk is a snapshot whose walks fail: a computation the columns answer
// in full must not walk it.
type noWalk struct{ *Snapshot }

var errWalked = errors.New("walked the snapshot")

func (noWalk) EachVacancy(context.Context, store.Filter, func(store.Vacancy) error) error {
	return errWalked
}
func (noWalk) EachVacancyMatching(context.Context, store.Filter, store.Fields, func(*store.Vacancy) bool, func(store.Vacancy) error) error {
	return errWalked
}
func (noWalk) EachVacancyFiltered(context.Context, store.Filter, *filter.Filter, func(store.Vacancy) error) error {
	return errWalked
}
func (noWalk) EachVacancyParts(context.Context, store.Filter, func(int, store.Vacancy) error) error {
	return errWalked
}
func (noWalk) EachVacancyFilteredParts(context.Context, store.Filter, *filter.Filter, func(int, store.Vacancy) error) error {
	return errWalked
}
func (noWalk) EachVacancyBatch(context.Context, store.Filter, func([]store.Vacancy) error) error {
	return errWalked
}
func (noWalk) EachVacancyFilteredBatch(context.Context, store.Filter, *filter.Filter, func([]store.Vacancy) error) error {
	return errWalked
}
func (noWalk) EachSkill(context.Context, store.Filter, func(string, string) error) error {
	return errWalked
}

// TestColumnsLeaveNothingToWalk: once the columns are built, an overview,
// a GroupsOnly computation (/api/stats) and the lifetimes by experience
// (/api/lifetime) walk no vacancy; unique postings still do (the store
// does not know the copies), which shows a walk would be caught.
func TestColumnsLeaveNothingToWalk(t *testing.T) {
	ctx := context.Background()
	_, snap := indexedSnapshot(t, 800, 5)
	if snap.cols.Load() == nil {
		t.Fatal("the snapshot built no columns")
	}
	nw := noWalk{snap}
	for _, qs := range []string{"", "role=118", "area=1&open=true", "skill=Excel"} {
		v, _ := url.ParseQuery(qs)
		f := resolved(t, ctx, snap, v)
		for _, cfg := range []analytics.Config{
			{Now: analyticstest.End},
			{Now: analyticstest.End, Options: analytics.Options{Net: true}, GroupsOnly: true, Groupings: [][]analytics.Dim{{analytics.DimRole, analytics.DimExperience}}},
		} {
			cfg.Filter = f.StoreFilter()
			if _, err := analytics.Compute(ctx, f.Wrap(nw), cfg); err != nil {
				t.Errorf("%q groupsOnly=%v: %v", qs, cfg.GroupsOnly, err)
			}
		}
		if _, err := analytics.ComputeLifetime(ctx, f.Wrap(nw), analytics.LifetimeConfig{Filter: f.StoreFilter(), By: analytics.LifetimeDims}); err != nil {
			t.Errorf("%q lifetimes: %v", qs, err)
		}
		cfg := analytics.Config{Now: analyticstest.End, Filter: f.StoreFilter(), UniquePostings: true}
		if _, err := analytics.Compute(ctx, f.Wrap(nw), cfg); !errors.Is(err, errWalked) {
			t.Errorf("%q: unique postings did not walk (%v): the test would not see a walk", qs, err)
		}
	}
}

// lateSkills is a snapshot that does not report its skills as it counts
// them (analytics.ColumnQuery.SkillsCounted): Compute finishes them from
// the answer.
type lateSkills struct{ *Snapshot }

func (l lateSkills) CountFiltered(ctx context.Context, sf store.Filter, f *filter.Filter, q analytics.ColumnQuery) (*analytics.ColumnAnswer, error) {
	q.SkillsCounted = nil
	return l.Snapshot.CountFiltered(ctx, sf, f, q)
}
