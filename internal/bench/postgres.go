package bench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/postgres"
	"github.com/hhjobs/hhjobs/internal/synth"
)

// DefaultPGDSN is the PostgreSQL server `hhjobs bench store --engine
// postgres` uses without --pg-dsn: a local one, database hhjobs_bench1m.
const DefaultPGDSN = "postgres://postgres@127.0.0.1:5432/hhjobs_bench1m?sslmode=disable"

// pgMarker is the table that says a bench schema is complete (the SQLite
// leg's .done file): one row, written after the last vacancy.
const pgMarker = "hhjobs_bench_done"

// RunPostgres is the analytics leg on PostgreSQL: it builds, or reuses when
// its marker table says it is complete, schema hhjobs_bench_N (…_seedS for
// another seed) in the database at dsn with cfg.AnalyticsVacancies
// vacancies — the data synth.Fill generates, loaded with COPY — then
// times once each, as RunAnalytics does on SQLite: the store walk,
// `hhjobs stats --by role` and `hhjobs report`. Only that schema is ever
// dropped (when it is incomplete), so the database may hold others.
func RunPostgres(ctx context.Context, cfg Config, dsn string) (*Report, error) {
	cfg.defaults()
	if dsn == "" {
		dsn = DefaultPGDSN
	}
	start := time.Now()
	rep := &Report{Date: start.UTC().Truncate(time.Second), Machine: machine(), Config: cfg}
	dir, cleanup, err := workDir(cfg.Dir)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	n, seed := cfg.AnalyticsVacancies, cfg.Seed
	schema := fmt.Sprintf("hhjobs_bench_%d", n)
	if seed != synth.BenchSeed {
		schema += fmt.Sprintf("_seed%d", seed)
	}
	a := &AnalyticsReport{Engine: "postgres", Vacancies: n, Seed: seed, DB: postgres.Redact(dsn) + " schema " + schema}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		// pgx repeats the cause once per address tried: name it once.
		var op *net.OpError
		if errors.As(err, &op) {
			return nil, fmt.Errorf("PostgreSQL %s: cannot connect: %w", postgres.Redact(dsn), op)
		}
		return nil, fmt.Errorf("PostgreSQL %s: %w", postgres.Redact(dsn), err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	complete, err := pgBenchComplete(ctx, conn, schema, n, seed)
	if err != nil {
		return nil, err
	}
	sdsn, err := withSearchPath(dsn, schema)
	if err != nil {
		return nil, err
	}
	if complete {
		cfg.logf("analytics: reusing PostgreSQL schema %s (%s says it is complete)", schema, pgMarker)
	} else {
		cfg.logf("analytics: filling PostgreSQL schema %s with %d generated vacancies (seed %d, COPY)", schema, n, seed)
		if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+schema+` CASCADE`); err != nil {
			return nil, fmt.Errorf("drop incomplete bench schema: %w", err)
		}
		if _, err := conn.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
			return nil, fmt.Errorf("create bench schema: %w", err)
		}
	}
	t0 := time.Now()
	st, err := postgres.Open(ctx, sdsn)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	// Open migrates: a schema filled by an older hhjobs is upgraded here.
	cfg.logf("analytics: opened (and migrated) in %s", time.Since(t0).Round(time.Millisecond))
	if !complete {
		t0 := time.Now()
		if err := FillPostgres(ctx, st, n, seed); err != nil {
			return nil, fmt.Errorf("filling schema %s: %w", schema, err)
		}
		// What autovacuum would do some minutes later: hint bits, the
		// visibility map and statistics, so the first timed walk does not
		// pay for them.
		for _, tbl := range []string{"vacancies", "vacancy_raw", "vacancy_versions", "vacancy_skills", "vacancy_roles"} {
			if _, err := conn.Exec(ctx, `VACUUM (ANALYZE) `+schema+`.`+tbl); err != nil {
				return nil, fmt.Errorf("vacuum the bench schema: %w", err)
			}
		}
		if _, err := conn.Exec(ctx, `CREATE TABLE `+schema+`.`+pgMarker+` (vacancies BIGINT NOT NULL, seed BIGINT NOT NULL)`); err != nil {
			return nil, err
		}
		if _, err := conn.Exec(ctx, `INSERT INTO `+schema+`.`+pgMarker+` VALUES ($1, $2)`, n, seed); err != nil {
			return nil, err
		}
		a.FillS = secs(time.Since(t0))
	}
	a.Reused = complete
	if err := conn.QueryRow(ctx, `SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
		JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = $1 AND c.relkind IN ('r', 'm')`, schema).Scan(&a.DBBytes); err != nil {
		return nil, fmt.Errorf("bench schema size: %w", err)
	}
	if err := timeAnalytics(ctx, cfg, st, a, filepath.Join(dir, "hhjobs-bench-report.html")); err != nil {
		return nil, err
	}
	rep.Analytics = a
	rep.ElapsedS = secs(time.Since(start))
	return rep, nil
}

// pgBenchComplete reports whether schema holds a complete bench database of
// n vacancies with seed.
func pgBenchComplete(ctx context.Context, conn *pgx.Conn, schema string, n int, seed int64) (bool, error) {
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, schema+"."+pgMarker).Scan(&exists); err != nil {
		return false, fmt.Errorf("bench marker: %w", err)
	}
	if !exists {
		return false, nil
	}
	var m int
	var s int64
	err := conn.QueryRow(ctx, `SELECT vacancies, seed FROM `+schema+`.`+pgMarker).Scan(&m, &s)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("bench marker: %w", err)
	}
	return m == n && s == seed, nil
}

func withSearchPath(dsn, schema string) (string, error) {
	if strings.Contains(dsn, "://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("PostgreSQL DSN %s: %w", postgres.Redact(dsn), err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	return dsn + " search_path=" + schema, nil
}

// FillPostgres stores what synth.Fill stores — the same reference
// data, query, run and slices, and every vacancy as Fill leaves it: first
// seen when its search page was, details fetched then for those that have
// them, closed at noon of the day it went, last seen at End while open — but
// loads the vacancies with COPY (postgres.CopyVacancies) instead of a page
// of upserts at a time, which would take half an hour for a million here.
// Every vacancy gets the one version row of its first sighting, as with
// Fill (whose data never changes a tracked field).
func FillPostgres(ctx context.Context, db *postgres.DB, n int, seed int64) error {
	// The reference data, query and run as Fill makes them: Fill on no
	// vacancies does exactly that.
	if err := synth.Fill(ctx, db, 0, seed); err != nil {
		return err
	}
	q, err := db.QueryByName(ctx, synth.QueryName)
	if err != nil {
		return err
	}
	runs, err := db.Runs(ctx, q.ID)
	if err != nil || len(runs) == 0 {
		return fmt.Errorf("the fill's run: %v", err)
	}
	runID := runs[0].ID
	const batch = 500 // Fill's page: every vacancy of one is first seen at the same time
	const load = 20000
	buf := make([]store.Vacancy, 0, load)
	for lo := 0; lo < n; lo += batch {
		page := buf[len(buf):]
		var closes []*time.Time
		for i := lo; i < min(n, lo+batch); i++ {
			v, c := synth.Vacancy(i, n, seed)
			page = append(page, v)
			closes = append(closes, c)
		}
		seen := page[0].FirstSeenAt
		for _, v := range page {
			if v.FirstSeenAt.After(seen) {
				seen = v.FirstSeenAt
			}
		}
		for k := range page {
			v := &page[k]
			v.FirstSeenAt, v.LastSeenAt = seen, seen
			if v.RawFull != nil {
				t := seen
				v.DetailFetchedAt = &t
			} else {
				v.DetailFetchedAt, v.KeySkills = nil, nil
			}
			if c := closes[k]; c != nil {
				at := *c
				if at.Before(seen) {
					at = seen.Add(12 * time.Hour)
				}
				day := at.Unix() / 86400
				closed := time.Unix(day*86400+12*3600, 0).UTC()
				v.ClosedAt, v.Archived = &closed, true
			} else {
				v.LastSeenAt = synth.End
			}
		}
		buf = buf[:len(buf)+len(page)]
		if len(buf) >= load-batch || lo+batch >= n {
			if err := db.CopyVacancies(ctx, q.ID, runID, buf); err != nil {
				return err
			}
			clear(buf)
			buf = buf[:0]
		}
	}
	fin := synth.End
	return db.FinishRun(ctx, runID, store.RunDone, "", &fin)
}
