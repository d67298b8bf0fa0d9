// Package export writes stored vacancies (and their key skills) as CSV, JSONL
// or Parquet for R, Python and BI tools, per DESIGN.md §4 and docs/export.md.
//
// Every timestamp is RFC 3339 with a colon in the offset, in Moscow time
// (hh.ru's own zone): 2025-06-10T12:00:00+03:00.
package export

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/store"
)

// Formats and tables (user words are matched against these lists).
var (
	Formats = []string{"csv", "jsonl", "parquet"}
	Tables  = []string{"vacancies", "skills"}
)

// Options select what Write writes.
type Options struct {
	Format string // csv | jsonl | parquet
	Table  string // vacancies (default) | skills
	Filter store.Filter
	CSV    CSVOptions        // csv only: Excel mode, raw text (cells.go)
	Salary analytics.Options // basis of salary_monthly_rur (gross unless Net)
}

// Columns are the CSV and Parquet columns of the vacancies table, in order.
var Columns = []string{
	"id", "name", "role_ids", "role_names", "area_id", "area_name", "region", "employer_id", "employer_name",
	"experience", "employment_form", "work_format", "schedule", "salary_from", "salary_to", "salary_currency",
	"salary_gross", "salary_mode", "salary_frequency", "salary_monthly_rur", "published_at", "first_seen_at",
	"last_seen_at", "closed_at", "archived",
}

// columnKinds marks the number columns of Columns (salary_from, salary_to,
// salary_monthly_rur): they are never neutralised and get a decimal comma in
// Excel mode.
var columnKinds = Kinds(len(Columns), 13, 14, 19)

// SkillColumns are the columns of the skills table.
var SkillColumns = []string{"vacancy_id", "skill"}

// ListSep joins multi-valued fields (roles, work formats) in CSV and Parquet.
const ListSep = ";"

// Row is one vacancy as a flat, typed row (the Parquet schema).
//
// A missing value is missing in every format: every string column but id is
// optional, and an empty string field (the ",optional" tag on a string) is
// written as null in Parquet as it is an empty cell in CSV, never "" in one
// and null in the other. Timestamps hold whole seconds, the
// precision of CSV and JSONL (RFC 3339 without fractions), so an instant
// reads the same in all three.
type Row struct {
	ID               string     `parquet:"id"`
	Name             string     `parquet:"name,optional"`
	RoleIDs          string     `parquet:"role_ids,optional"`
	RoleNames        string     `parquet:"role_names,optional"`
	AreaID           string     `parquet:"area_id,optional"`
	AreaName         string     `parquet:"area_name,optional"`
	Region           string     `parquet:"region,optional"`
	EmployerID       *string    `parquet:"employer_id,optional"`
	EmployerName     string     `parquet:"employer_name,optional"`
	Experience       *string    `parquet:"experience,optional"`
	EmploymentForm   *string    `parquet:"employment_form,optional"`
	WorkFormat       string     `parquet:"work_format,optional"`
	Schedule         *string    `parquet:"schedule,optional"`
	SalaryFrom       *int64     `parquet:"salary_from,optional"`
	SalaryTo         *int64     `parquet:"salary_to,optional"`
	SalaryCurrency   *string    `parquet:"salary_currency,optional"`
	SalaryGross      *bool      `parquet:"salary_gross,optional"`
	SalaryMode       *string    `parquet:"salary_mode,optional"`
	SalaryFrequency  *string    `parquet:"salary_frequency,optional"`
	SalaryMonthlyRUR *int64     `parquet:"salary_monthly_rur,optional"`
	PublishedAt      time.Time  `parquet:"published_at,timestamp(millisecond:utc)"`
	FirstSeenAt      time.Time  `parquet:"first_seen_at,timestamp(millisecond:utc)"`
	LastSeenAt       time.Time  `parquet:"last_seen_at,timestamp(millisecond:utc)"`
	ClosedAt         *time.Time `parquet:"closed_at,optional,timestamp(millisecond:utc)"`
	Archived         bool       `parquet:"archived"`
}

// SkillRow is one (vacancy, key skill) pair, the skill as hh.ru spelled it.
type SkillRow struct {
	VacancyID string `parquet:"vacancy_id"`
	Skill     string `parquet:"skill"`
}

// Time formats t as RFC 3339 in Moscow time ("" for the zero time).
func Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(analytics.MSK).Format(time.RFC3339)
}

// Write writes the table in the format to w and returns the number of rows.
func Write(ctx context.Context, s store.Store, w io.Writer, o Options) (int, error) {
	if o.Table == "" {
		o.Table = "vacancies"
	}
	switch o.Table {
	case "vacancies":
		return writeVacancies(ctx, s, w, o)
	case "skills":
		return writeSkills(ctx, s, w, o)
	}
	return 0, fmt.Errorf("unknown table %q: valid are %s", o.Table, strings.Join(Tables, ", "))
}

type rowMaker struct {
	basis   analytics.Options
	ctx     context.Context
	rosters store.RosterReader // nil: SHIFT and HOUR pay by the constants
	rates   *analytics.Rates
	areas   *analytics.AreaIndex
}

func newRowMaker(ctx context.Context, s store.Store) (*rowMaker, error) {
	rs, err := s.CurrencyRates(ctx)
	if err != nil {
		return nil, fmt.Errorf("currency rates: %w", err)
	}
	as, err := s.Areas(ctx)
	if err != nil {
		return nil, fmt.Errorf("areas: %w", err)
	}
	return &rowMaker{rates: analytics.NewRates(rs), areas: analytics.NewAreaIndex(as)}, nil
}

func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// row flattens v. salary_monthly_rur is the monthly point estimate (gross
// unless m.basis says net) of
// docs/methodology.md, rounded to the rouble (outliers included: they are
// computable; nil when not computable).
func (m *rowMaker) row(v store.Vacancy) Row {
	r := Row{
		ID: v.ID, Name: v.Name, AreaID: v.AreaID, AreaName: v.AreaName, EmployerID: optStr(v.EmployerID),
		EmployerName: v.EmployerName, Experience: optStr(v.ExperienceID), EmploymentForm: optStr(v.EmploymentFormID),
		WorkFormat: strings.Join(v.WorkFormat, ListSep), Schedule: optStr(v.ScheduleID),
		SalaryFrom: v.SalaryFrom, SalaryTo: v.SalaryTo, SalaryGross: v.SalaryGross,
		SalaryMode: optStr(v.SalaryMode), SalaryFrequency: optStr(v.SalaryFrequency),
		PublishedAt: v.PublishedAt.Truncate(time.Second), FirstSeenAt: v.FirstSeenAt.Truncate(time.Second),
		LastSeenAt: v.LastSeenAt.Truncate(time.Second), Archived: v.Archived,
	}
	if v.ClosedAt != nil {
		c := v.ClosedAt.Truncate(time.Second)
		r.ClosedAt = &c
	}
	if v.SalaryFrom != nil || v.SalaryTo != nil {
		r.SalaryCurrency = optStr(v.SalaryCurrency)
	}
	ids := make([]string, len(v.Roles))
	names := make([]string, len(v.Roles))
	for i, x := range v.Roles {
		ids[i], names[i] = x.ID, x.Name
	}
	r.RoleIDs, r.RoleNames = strings.Join(ids, ListSep), strings.Join(names, ListSep)
	if reg := m.areas.Region(v.AreaID); reg != "" {
		r.Region = m.areas.Name(reg)
		if r.Region == "" && reg == v.AreaID {
			r.Region = v.AreaName
		}
	}
	if s := m.salary(v); s.OK {
		x := int64(math.Round(s.MonthlyRUR))
		r.SalaryMonthlyRUR = &x
	}
	return r
}

func writeVacancies(ctx context.Context, s store.Store, w io.Writer, o Options) (int, error) {
	m, err := newRowMaker(ctx, s)
	if err != nil {
		return 0, err
	}
	m.basis = o.Salary
	m.withRosters(ctx, s)
	f := o.Filter
	f.Raw = o.Format == "jsonl"
	n := 0
	switch o.Format {
	case "csv":
		cw := NewCSVWriter(w, o.CSV)
		if err := cw.Write(Columns, nil); err != nil {
			return 0, err
		}
		rec := make([]string, len(Columns))
		err = s.EachVacancy(ctx, f, func(v store.Vacancy) error {
			csvRecord(rec, m.row(v))
			n++
			if err := cw.Write(rec, columnKinds); err != nil {
				return err
			}
			return ctx.Err()
		})
		if err != nil {
			return n, err
		}
		return n, cw.Flush()
	case "jsonl":
		err = s.EachVacancy(ctx, f, func(v store.Vacancy) error {
			b, err := jsonLine(v)
			if err != nil {
				return fmt.Errorf("vacancy %s: %w", v.ID, err)
			}
			n++
			if _, err := w.Write(append(b, '\n')); err != nil {
				return err
			}
			return ctx.Err()
		})
		return n, err
	case "parquet":
		pw := parquet.NewGenericWriter[Row](w, parquet.Compression(&zstd.Codec{}))
		buf := make([]Row, 0, 1024)
		flush := func() error {
			if len(buf) == 0 {
				return nil
			}
			_, err := pw.Write(buf)
			buf = buf[:0]
			return err
		}
		err = s.EachVacancy(ctx, f, func(v store.Vacancy) error {
			buf = append(buf, m.row(v))
			n++
			if len(buf) == cap(buf) {
				if err := flush(); err != nil {
					return err
				}
			}
			return ctx.Err()
		})
		if err == nil {
			err = flush()
		}
		if err != nil {
			return n, err
		}
		return n, pw.Close()
	}
	return 0, fmt.Errorf("unknown format %q: valid are %s", o.Format, strings.Join(Formats, ", "))
}

func csvRecord(rec []string, r Row) {
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	num := func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	}
	b := func(p *bool) string {
		if p == nil {
			return ""
		}
		return strconv.FormatBool(*p)
	}
	closed := ""
	if r.ClosedAt != nil {
		closed = Time(*r.ClosedAt)
	}
	copy(rec, []string{
		r.ID, r.Name, r.RoleIDs, r.RoleNames, r.AreaID, r.AreaName, r.Region, str(r.EmployerID), r.EmployerName,
		str(r.Experience), str(r.EmploymentForm), r.WorkFormat, str(r.Schedule), num(r.SalaryFrom), num(r.SalaryTo),
		str(r.SalaryCurrency), b(r.SalaryGross), str(r.SalaryMode), str(r.SalaryFrequency), num(r.SalaryMonthlyRUR),
		Time(r.PublishedAt), Time(r.FirstSeenAt), Time(r.LastSeenAt), closed, strconv.FormatBool(r.Archived),
	})
}

// jsonLine is the API's own JSON of v (the full vacancy when details were
// fetched, else the search item) with hh's timestamps rewritten to RFC 3339,
// archived set to the stored flag, plus first_seen_at, last_seen_at and
// closed_at (null while open).
func jsonLine(v store.Vacancy) ([]byte, error) {
	var closed any
	if v.ClosedAt != nil {
		closed = Time(*v.ClosedAt)
	}
	// archived is the stored flag, as in CSV and Parquet: the API's JSON is
	// the last one fetched, and a vacancy that vanished (404) was closed by
	// hhjobs after it.
	extra := []any{"archived", v.Archived, "first_seen_at", Time(v.FirstSeenAt), "last_seen_at", Time(v.LastSeenAt), "closed_at", closed}
	raw := []byte(v.RawFull)
	if len(raw) == 0 {
		raw = v.RawItem
	}
	if len(raw) == 0 {
		// Neither form stored: the typed columns in the API's field names.
		b, err := json.Marshal(minimalJSON(v))
		if err != nil {
			return nil, err
		}
		raw = b
	}
	return RewriteJSON(raw, extra...)
}

func minimalJSON(v store.Vacancy) map[string]any {
	m := map[string]any{
		"id": v.ID, "name": v.Name, "area": map[string]string{"id": v.AreaID, "name": v.AreaName},
		"professional_roles": v.Roles, "published_at": Time(v.PublishedAt), "archived": v.Archived,
	}
	if v.EmployerName != "" || v.EmployerID != "" {
		m["employer"] = map[string]any{"id": optStr(v.EmployerID), "name": v.EmployerName}
	}
	if v.SalaryFrom != nil || v.SalaryTo != nil {
		m["salary_range"] = map[string]any{"from": v.SalaryFrom, "to": v.SalaryTo, "currency": v.SalaryCurrency,
			"gross": v.SalaryGross, "mode": map[string]string{"id": v.SalaryMode}}
	}
	return m
}

func writeSkills(ctx context.Context, s store.Store, w io.Writer, o Options) (int, error) {
	f := o.Filter
	f.Raw = false
	n := 0
	switch o.Format {
	case "csv":
		cw := NewCSVWriter(w, o.CSV)
		if err := cw.Write(SkillColumns, nil); err != nil {
			return 0, err
		}
		err := s.EachSkill(ctx, f, func(id, skill string) error {
			n++
			if err := cw.Write([]string{id, skill}, nil); err != nil {
				return err
			}
			return ctx.Err()
		})
		if err != nil {
			return n, err
		}
		return n, cw.Flush()
	case "jsonl":
		err := s.EachSkill(ctx, f, func(id, skill string) error {
			b, err := json.Marshal(SkillRowJSON{VacancyID: id, Skill: skill})
			if err != nil {
				return err
			}
			n++
			if _, err := w.Write(append(b, '\n')); err != nil {
				return err
			}
			return ctx.Err()
		})
		return n, err
	case "parquet":
		pw := parquet.NewGenericWriter[SkillRow](w, parquet.Compression(&zstd.Codec{}))
		buf := make([]SkillRow, 0, 4096)
		err := s.EachSkill(ctx, f, func(id, skill string) error {
			buf = append(buf, SkillRow{VacancyID: id, Skill: skill})
			n++
			if len(buf) == cap(buf) {
				_, err := pw.Write(buf)
				buf = buf[:0]
				if err != nil {
					return err
				}
			}
			return ctx.Err()
		})
		if err == nil && len(buf) > 0 {
			_, err = pw.Write(buf)
		}
		if err != nil {
			return n, err
		}
		return n, pw.Close()
	}
	return 0, fmt.Errorf("unknown format %q: valid are %s", o.Format, strings.Join(Formats, ", "))
}

// SkillRowJSON is a skills-table line of JSONL.
type SkillRowJSON struct {
	VacancyID string `json:"vacancy_id"`
	Skill     string `json:"skill"`
}
