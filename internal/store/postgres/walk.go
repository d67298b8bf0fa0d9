package postgres

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/hhjobs/hhjobs/internal/store"
)

// chunk is how many vacancies one query of EachVacancy reads.
const chunk = 4000

// wcol is one column of the walk: its SQL and how its binary value (nil for
// NULL) goes into a Vacancy.
type wcol struct {
	sql string
	set func(v *store.Vacancy, b []byte) error
}

// walkCols are the columns the walk reads for f: the four every reader gets
// (id first: it is the keyset), then the parts f.Fields asks for.
func walkCols(f store.Filter, in *interner) []wcol {
	str := func(dst func(v *store.Vacancy) *string) func(*store.Vacancy, []byte) error {
		return func(v *store.Vacancy, b []byte) error { *dst(v) = in.str(b); return nil }
	}
	cols := []wcol{
		{"v.id", func(v *store.Vacancy, b []byte) error { v.ID = string(b); return nil }}, // unique: not interned
		{"v.published_at", func(v *store.Vacancy, b []byte) (err error) { v.PublishedAt, err = pgTime(b); return }},
		{"v.first_seen_at", func(v *store.Vacancy, b []byte) (err error) { v.FirstSeenAt, err = pgTime(b); return }},
		{"v.closed_at", func(v *store.Vacancy, b []byte) (err error) { v.ClosedAt, err = pgTimePtr(b); return }},
	}
	add := func(x store.Fields, cs ...wcol) {
		if f.Has(x) {
			cols = append(cols, cs...)
		}
	}
	add(store.FieldName, wcol{"v.name", str(func(v *store.Vacancy) *string { return &v.Name })})
	add(store.FieldArea,
		wcol{"v.area_id", str(func(v *store.Vacancy) *string { return &v.AreaID })},
		wcol{"v.area_name", str(func(v *store.Vacancy) *string { return &v.AreaName })})
	add(store.FieldEmployer,
		wcol{"v.employer_id", str(func(v *store.Vacancy) *string { return &v.EmployerID })},
		wcol{"v.employer_name", str(func(v *store.Vacancy) *string { return &v.EmployerName })})
	add(store.FieldRoles,
		// One array of id, name, id, name…: half the array headers to parse.
		wcol{"array_cat(v.role_ids, v.role_names)", func(v *store.Vacancy, b []byte) error {
			xs, err := pgTextArray(b, in)
			if err != nil || len(xs) == 0 {
				return err
			}
			n := len(xs) / 2
			v.Roles = make([]store.IDName, n)
			for i := range v.Roles {
				v.Roles[i] = store.IDName{ID: xs[i], Name: xs[n+i]}
			}
			return nil
		}})
	add(store.FieldTerms,
		wcol{"v.experience_id", str(func(v *store.Vacancy) *string { return &v.ExperienceID })},
		wcol{"v.employment_form_id", str(func(v *store.Vacancy) *string { return &v.EmploymentFormID })},
		wcol{"v.work_format", func(v *store.Vacancy, b []byte) error { v.WorkFormat = in.list(b); return nil }},
		wcol{"v.schedule_id", str(func(v *store.Vacancy) *string { return &v.ScheduleID })})
	add(store.FieldSalary,
		wcol{"v.salary_from", func(v *store.Vacancy, b []byte) (err error) { v.SalaryFrom, err = pgInt8(b); return }},
		wcol{"v.salary_to", func(v *store.Vacancy, b []byte) (err error) { v.SalaryTo, err = pgInt8(b); return }},
		wcol{"v.salary_currency", str(func(v *store.Vacancy) *string { return &v.SalaryCurrency })},
		wcol{"v.salary_gross", func(v *store.Vacancy, b []byte) (err error) { v.SalaryGross, err = pgBool(b); return }},
		wcol{"v.salary_mode", str(func(v *store.Vacancy) *string { return &v.SalaryMode })},
		wcol{"v.salary_frequency", str(func(v *store.Vacancy) *string { return &v.SalaryFrequency })})
	add(store.FieldCreated,
		wcol{"v.created_at", func(v *store.Vacancy, b []byte) (err error) { v.CreatedAt, err = pgTimePtr(b); return }},
		wcol{"v.initial_created_at", func(v *store.Vacancy, b []byte) (err error) { v.InitialCreatedAt, err = pgTimePtr(b); return }})
	// detail_fetched_at also decides whether KeySkills is nil or empty.
	if f.Has(store.FieldState) || f.Has(store.FieldSkills) {
		cols = append(cols, wcol{"v.detail_fetched_at", func(v *store.Vacancy, b []byte) (err error) {
			v.DetailFetchedAt, err = pgTimePtr(b)
			return
		}})
	}
	add(store.FieldState,
		wcol{"v.last_seen_at", func(v *store.Vacancy, b []byte) (err error) { v.LastSeenAt, err = pgTime(b); return }},
		wcol{"v.archived", func(v *store.Vacancy, b []byte) error {
			g, err := pgBool(b)
			v.Archived = g != nil && *g
			return err
		}})
	// After detail_fetched_at, which it needs.
	add(store.FieldSkills, wcol{"v.key_skills", func(v *store.Vacancy, b []byte) error {
		ks, err := pgTextArray(b, in)
		v.KeySkills = skillsOf(ks, v.DetailFetchedAt != nil)
		return err
	}})
	if f.Raw {
		cols = append(cols,
			wcol{"r.raw_item::text", func(v *store.Vacancy, b []byte) error { v.RawItem = rawCopy(b); return nil }},
			wcol{"r.raw_full::text", func(v *store.Vacancy, b []byte) error { v.RawFull = rawCopy(b); return nil }})
	}
	return cols
}

func rawCopy(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}

// internMax bounds each interner's table: past it, values are allocated
// per row again (a walk over free-text titles must not keep them all).
const internMax = 1 << 16

// interner hands out one string per distinct value. A million rows repeat
// a few thousand areas, employers, roles, currencies and skills; one
// allocation per value instead of one per row is most of the walk's
// garbage. Only the caller's goroutine (WalkChunks' conv) uses it.
type interner struct {
	strs  map[string]string
	lists map[string][]string
}

func newInterner() *interner {
	return &interner{strs: map[string]string{}, lists: map[string][]string{}}
}

func (in *interner) str(b []byte) string {
	if s, ok := in.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(in.strs) < internMax {
		in.strs[s] = s
	}
	return s
}

// list is splitList of b, each vacancy with its own slice (a caller may
// append to it) over interned strings.
func (in *interner) list(b []byte) []string {
	xs, ok := in.lists[string(b)]
	if !ok {
		xs = store.SplitList(string(b))
		if len(in.lists) < internMax {
			in.lists[string(b)] = xs
		}
	}
	if xs == nil {
		return nil
	}
	return append([]string(nil), xs...)
}

// wrow is one row of the walk as the server sent it: every column's bytes
// back to back in buf, column i in buf[offs[i]:offs[i+1]], NULL where bit i
// of nulls is set. The reader only copies; decoding runs on the caller's
// goroutine.
type wrow struct {
	buf   []byte
	offs  []int
	nulls uint64
}

func (r *wrow) col(i int) []byte {
	if r.nulls&(1<<i) != 0 {
		return nil
	}
	return r.buf[r.offs[i]:r.offs[i+1]:r.offs[i+1]]
}

// EachVacancy streams the filtered vacancies in id order, chunk by chunk
// (keyset pagination on id inside one REPEATABLE READ, READ ONLY
// transaction, so the walk sees one snapshot). It reads only the columns
// f.Fields asks for, in the binary protocol, as raw bytes: vacancies holds
// its roles and skills as arrays and its raw JSON elsewhere (schema 4), so a
// chunk is one range scan of one narrow table, and pgx's per-value scanning
// would cost more than the server's work.
func (db *DB) EachVacancy(ctx context.Context, f store.Filter, fn func(store.Vacancy) error) error {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("each vacancy: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // read-only
	// At most 64 columns: wrow.nulls is a bit set.
	cols := walkCols(f, newInterner())
	list := make([]string, len(cols))
	for i, c := range cols {
		list[i] = c.sql
	}
	from := `vacancies v`
	if f.Raw {
		from += ` LEFT JOIN vacancy_raw r ON r.id = v.id`
	}
	cond, args := where(f, 2)
	q := `SELECT ` + strings.Join(list, ", ") + ` FROM ` + from + ` WHERE v.id > $1 AND ` + cond +
		` ORDER BY v.id LIMIT ` + strconv.Itoa(chunk)
	qargs := append([]any{pgx.QueryResultFormats{pgx.BinaryFormatCode}, ""}, args...)
	return store.WalkChunks(ctx, chunk, func(after string, buf []wrow) ([]wrow, string, error) {
		qargs[1] = after
		rows, err := tx.Query(ctx, q, qargs...)
		if err != nil {
			return nil, "", fmt.Errorf("each vacancy: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			if len(buf) < cap(buf) {
				buf = buf[:len(buf)+1] // reuses the recycled row's buffers
			} else {
				buf = append(buf, wrow{})
			}
			r := &buf[len(buf)-1]
			r.buf, r.offs, r.nulls = r.buf[:0], append(r.offs[:0], 0), 0
			for i, b := range rows.RawValues() {
				if b == nil {
					r.nulls |= 1 << i
				}
				r.buf = append(r.buf, b...)
				r.offs = append(r.offs, len(r.buf))
			}
		}
		if err := rows.Err(); err != nil {
			return nil, "", fmt.Errorf("each vacancy: %w", err)
		}
		if len(buf) == 0 {
			return buf, "", nil
		}
		return buf, string(buf[len(buf)-1].col(0)), nil
	}, func(r *wrow) (store.Vacancy, error) {
		var v store.Vacancy
		if len(r.offs) != len(cols)+1 {
			return v, fmt.Errorf("each vacancy: %d columns, want %d", len(r.offs)-1, len(cols))
		}
		for i := range cols {
			if err := cols[i].set(&v, r.col(i)); err != nil {
				return v, fmt.Errorf("each vacancy: column %s: %w", cols[i].sql, err)
			}
		}
		return v, nil
	}, fn)
}

// Binary wire formats of the column types the walk reads.

var errWire = errors.New("unexpected binary value")

// pgEpoch is PostgreSQL's timestamp zero, 2000-01-01 UTC, in Unix microseconds.
const pgEpoch = 946684800_000_000

func pgTime(b []byte) (time.Time, error) {
	if len(b) != 8 {
		return time.Time{}, fmt.Errorf("timestamptz of %d bytes: %w", len(b), errWire)
	}
	return time.UnixMicro(int64(binary.BigEndian.Uint64(b)) + pgEpoch).UTC(), nil
}

func pgTimePtr(b []byte) (*time.Time, error) {
	if b == nil {
		return nil, nil
	}
	t, err := pgTime(b)
	return &t, err
}

func pgInt8(b []byte) (*int64, error) {
	if b == nil {
		return nil, nil
	}
	if len(b) != 8 {
		return nil, fmt.Errorf("int8 of %d bytes: %w", len(b), errWire)
	}
	x := int64(binary.BigEndian.Uint64(b))
	return &x, nil
}

func pgBool(b []byte) (*bool, error) {
	if b == nil {
		return nil, nil
	}
	if len(b) != 1 {
		return nil, fmt.Errorf("bool of %d bytes: %w", len(b), errWire)
	}
	x := b[0] != 0
	return &x, nil
}

// pgTextArray decodes a one-dimensional text[] (nil for NULL, empty for
// '{}'): ndim, has-null flag, element type, then per dimension its length
// and lower bound, then each element as a length (-1: NULL) and its bytes.
func pgTextArray(b []byte, in *interner) ([]string, error) {
	if b == nil {
		return nil, nil
	}
	if len(b) < 12 {
		return nil, fmt.Errorf("text[] of %d bytes: %w", len(b), errWire)
	}
	ndim := binary.BigEndian.Uint32(b)
	if ndim == 0 {
		return []string{}, nil
	}
	if ndim != 1 || len(b) < 20 {
		return nil, fmt.Errorf("text[] with %d dimensions: %w", ndim, errWire)
	}
	n := int(int32(binary.BigEndian.Uint32(b[12:])))
	b = b[20:]
	if n < 0 || n > len(b)/4 {
		return nil, fmt.Errorf("text[] of %d elements: %w", n, errWire)
	}
	out := make([]string, n)
	for i := range out {
		if len(b) < 4 {
			return nil, fmt.Errorf("text[] cut short: %w", errWire)
		}
		l := int(int32(binary.BigEndian.Uint32(b)))
		b = b[4:]
		if l < 0 {
			continue // a NULL element: the columns never hold one
		}
		if l > len(b) {
			return nil, fmt.Errorf("text[] element of %d bytes: %w", l, errWire)
		}
		out[i] = in.str(b[:l])
		b = b[l:]
	}
	return out, nil
}
