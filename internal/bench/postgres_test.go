package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/analytics/analyticstest"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/postgres/pgtest"
)

// The bulk fill stores what analyticstest.Fill stores: stats and report
// come out the same, to the last digit, as over a SQLite database that Fill
// filled page by page.
func TestFillPostgresMatchesFill(t *testing.T) {
	lite, pg := analyticstest.BothEngines(t) // skips without HHJOBS_TEST_POSTGRES
	ctx := context.Background()
	const n, seed = 1800, 5
	var err error
	if err = analyticstest.Fill(ctx, lite, n, seed); err != nil {
		t.Fatal(err)
	}
	if err := FillPostgres(ctx, pg, n, seed); err != nil {
		t.Fatal(err)
	}
	// The same version history (one row per first sighting): revisions
	// and their walk see the same rows.
	for i := 0; i < n; i += 97 {
		v, _ := analyticstest.Vacancy(i, n, seed)
		var got [2][]store.Version
		for k, s := range []store.Store{lite, pg} {
			if got[k], err = s.Versions(ctx, v.ID); err != nil {
				t.Fatal(err)
			}
		}
		if len(got[0]) != 1 {
			t.Fatalf("vacancy %s: %d versions after Fill, want 1", v.ID, len(got[0]))
		}
		if d := cmp.Diff(got[0], got[1]); d != "" {
			t.Errorf("versions of %s (-fill +bulk):\n%s", v.ID, d)
		}
	}
	for name, cfg := range map[string]analytics.Config{"report": ReportConfig(), "stats": StatsConfig(),
		"report, open only": {Now: analyticstest.End, Filter: store.Filter{OpenOnly: true}}} {
		var out [2]string
		for i, s := range []store.Store{lite, pg} {
			res, err := analytics.Compute(ctx, s, cfg)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.MarshalIndent(res, "", " ")
			out[i] = string(b)
		}
		if d := cmp.Diff(out[0], out[1]); d != "" {
			t.Errorf("%s: Fill into SQLite and FillPostgres differ (-fill +bulk):\n%s", name, d)
		}
	}
}

// The leg fills its schema once, then reuses it; an incomplete schema (no
// marker) is filled again from scratch.
func TestRunPostgresReuses(t *testing.T) {
	base := pgtest.DSN(t)
	ctx := context.Background()
	const n, seed = 400, 424242
	schema := fmt.Sprintf("hhjobs_bench_%d_seed%d", n, seed)
	drop := func() {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+schema+` CASCADE`); err != nil {
			t.Fatal(err)
		}
	}
	drop()
	t.Cleanup(drop)
	cfg := Config{AnalyticsVacancies: n, Seed: seed, Dir: t.TempDir()}
	for i, wantReused := range []bool{false, true} {
		rep, err := RunPostgres(ctx, cfg, base)
		if err != nil {
			t.Fatal(err)
		}
		a := rep.Analytics
		if a.Reused != wantReused || a.Engine != "postgres" || a.Vacancies != n || a.ReportBytes == 0 || a.DBBytes == 0 {
			t.Errorf("run %d: reused %v engine %s, %d vacancies, report %d B, db %d B; want reused %v",
				i, a.Reused, a.Engine, a.Vacancies, a.ReportBytes, a.DBBytes, wantReused)
		}
	}
	// Without its marker the schema counts as a fill cut short.
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `DROP TABLE `+schema+`.`+pgMarker); err != nil {
		t.Fatal(err)
	}
	rep, err := RunPostgres(ctx, cfg, base)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Analytics.Reused {
		t.Error("an unmarked schema was reused")
	}
}
