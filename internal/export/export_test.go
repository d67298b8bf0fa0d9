package export

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/hhjobs/hhjobs/internal/analytics/analyticstest"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/fixture"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

func TestFixTime(t *testing.T) {
	for in, want := range map[string]string{
		"2025-06-10T12:00:00+0300":        "2025-06-10T12:00:00+03:00",
		"2025-06-10T12:00:00.123-0430":    "2025-06-10T12:00:00.123-04:30",
		"2025-06-10T12:00:00+03:00":       "2025-06-10T12:00:00+03:00",
		"Опыт с 2025-06-10T12:00:00+0300": "Опыт с 2025-06-10T12:00:00+0300",
		"2025-06-10":                      "2025-06-10",
	} {
		if got := FixTime(in); got != want {
			t.Errorf("FixTime(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRewriteJSON(t *testing.T) {
	raw := `{"id":"1","b":[1,2.50,{"published_at":"2025-06-10T12:00:00+0300"}],"a":{"x":null,"y":true,"created_at":"2025-06-10T12:00:00+0300"},` +
		`"d":"<p>Go & SQL \"2025-06-10T12:00:00+0300\"</p>","n":12345678901234567890,"e":[],"o":{}}`
	got, err := RewriteJSON([]byte(raw), "first_seen_at", "2025-06-11T00:00:00+03:00", "closed_at", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"1","b":[1,2.50,{"published_at":"2025-06-10T12:00:00+03:00"}],"a":{"x":null,"y":true,"created_at":"2025-06-10T12:00:00+03:00"},` +
		`"d":"<p>Go & SQL \"2025-06-10T12:00:00+0300\"</p>","n":12345678901234567890,"e":[],"o":{},"first_seen_at":"2025-06-11T00:00:00+03:00","closed_at":null}`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if _, err := RewriteJSON([]byte(`[1]`)); err == nil {
		t.Error("array accepted")
	}
	if _, err := RewriteJSON([]byte(`{"a":`)); err == nil {
		t.Error("truncated accepted")
	}
	if got, _ := RewriteJSON([]byte(`{}`), "k", 1); string(got) != `{"k":1}` {
		t.Errorf("empty object: %s", got)
	}
	// A member that extra sets takes its value in place (whatever the old
	// value's shape); the same name deeper down is left alone.
	got, err = RewriteJSON([]byte(`{"archived":false,"x":{"archived":false},"y":[1,{"a":[2]}],"z":1}`), "y", "new", "archived", true, "closed_at", "c")
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"archived":true,"x":{"archived":false},"y":"new","z":1,"closed_at":"c"}`; string(got) != want {
		t.Errorf("set in place:\n got %s\nwant %s", got, want)
	}
	if _, err := RewriteJSON([]byte(`{"archived":[1,`), "archived", true); err == nil {
		t.Error("truncated replaced value accepted")
	}
}

func openFilled(t *testing.T, n int) store.Store {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := analyticstest.Fill(ctx, db, n, 7); err != nil {
		t.Fatal(err)
	}
	return db
}

var hhStamp = regexp.MustCompile(`\d{2}:\d{2}:\d{2}[+-]\d{4}\b`)
var rfcStamp = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:00$`)

func TestExportFormats(t *testing.T) {
	ctx := context.Background()
	const n = 400
	s := openFilled(t, n)

	t.Run("csv", func(t *testing.T) {
		var buf bytes.Buffer
		got, err := Write(ctx, s, &buf, Options{Format: "csv"})
		if err != nil || got != n {
			t.Fatalf("rows %d err %v", got, err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != n+1 || strings.Join(recs[0], ",") != strings.Join(Columns, ",") || recs[0][0] != "id" {
			t.Fatalf("header %v, %d records", recs[0], len(recs))
		}
		col := map[string]int{}
		for i, c := range recs[0] {
			col[c] = i
		}
		var monthly, closed, open, regionRollup int
		for _, r := range recs[1:] {
			for _, c := range []string{"published_at", "first_seen_at", "last_seen_at"} {
				if !rfcStamp.MatchString(r[col[c]]) {
					t.Fatalf("%s = %q", c, r[col[c]])
				}
			}
			if r[col["closed_at"]] != "" {
				closed++
				if !rfcStamp.MatchString(r[col["closed_at"]]) {
					t.Fatalf("closed_at = %q", r[col["closed_at"]])
				}
			} else {
				open++
			}
			if r[col["salary_monthly_rur"]] != "" {
				monthly++
			}
			if r[col["area_name"]] == "Казань" && r[col["region"]] == "Республика Татарстан" {
				regionRollup++
			}
		}
		if monthly == 0 || closed == 0 || open == 0 || regionRollup == 0 {
			t.Errorf("monthly %d closed %d open %d region %d", monthly, closed, open, regionRollup)
		}
	})

	t.Run("jsonl", func(t *testing.T) {
		var buf bytes.Buffer
		got, err := Write(ctx, s, &buf, Options{Format: "jsonl"})
		if err != nil || got != n {
			t.Fatalf("rows %d err %v", got, err)
		}
		if m := hhStamp.Find(buf.Bytes()); m != nil {
			t.Fatalf("hh timestamp left: %s", m)
		}
		sc := bufio.NewScanner(&buf)
		sc.Buffer(nil, 1<<20)
		lines, withSkills, nullClosed := 0, 0, 0
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Fatalf("line %d: %v", lines, err)
			}
			lines++
			for _, k := range []string{"published_at", "first_seen_at", "last_seen_at"} {
				if s, _ := m[k].(string); !rfcStamp.MatchString(s) {
					t.Fatalf("%s = %v", k, m[k])
				}
			}
			if c, ok := m["closed_at"]; !ok {
				t.Fatal("no closed_at")
			} else if c == nil {
				nullClosed++
			}
			if _, ok := m["key_skills"]; ok {
				withSkills++
				if s, _ := m["initial_created_at"].(string); !rfcStamp.MatchString(s) {
					t.Fatalf("initial_created_at = %v", m["initial_created_at"])
				}
			}
		}
		if lines != n || withSkills == 0 || withSkills == n || nullClosed == 0 {
			t.Errorf("lines %d full %d open %d", lines, withSkills, nullClosed)
		}
	})

	t.Run("parquet", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "v.parquet")
		var rows int
		err := AtomicWrite(path, func(w io.Writer) error {
			var err error
			rows, err = Write(ctx, s, w, Options{Format: "parquet"})
			return err
		})
		if err != nil || rows != n {
			t.Fatalf("rows %d err %v", rows, err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		st, _ := f.Stat()
		pf, err := parquet.OpenFile(f, st.Size())
		if err != nil {
			t.Fatal(err)
		}
		if pf.NumRows() != n {
			t.Fatalf("NumRows %d", pf.NumRows())
		}
		fields := pf.Schema().Fields()
		if fields[0].Name() != "id" || len(fields) != len(Columns) {
			t.Fatalf("fields %v", pf.Schema())
		}
		byName := map[string]parquet.Field{}
		for i, fl := range fields {
			if fl.Name() != Columns[i] {
				t.Errorf("column %d = %s, want %s", i, fl.Name(), Columns[i])
			}
			byName[fl.Name()] = fl
		}
		for _, c := range []string{"published_at", "first_seen_at", "last_seen_at", "closed_at"} {
			lt := byName[c].Type().LogicalType()
			ts, ok := lt.Value.(*format.TimestampType)
			if !ok || !ts.IsAdjustedToUTC {
				t.Errorf("%s logical type %v", c, lt)
			} else if _, ms := ts.Unit.Value.(*format.MilliSeconds); !ms {
				t.Errorf("%s unit %v", c, &ts.Unit)
			}
		}
		for _, c := range []string{"salary_from", "salary_to", "salary_monthly_rur"} {
			fl := byName[c]
			if fl.Type().Kind() != parquet.Int64 || !fl.Optional() {
				t.Errorf("%s: kind %v optional %v", c, fl.Type().Kind(), fl.Optional())
			}
		}
		if byName["salary_gross"].Type().Kind() != parquet.Boolean || byName["archived"].Type().Kind() != parquet.Boolean {
			t.Error("booleans are not BOOLEAN")
		}
		if lt := byName["name"].Type().LogicalType(); lt == nil || lt.Value == nil || lt.Value.String() != (&format.StringType{}).String() {
			t.Errorf("name logical type %v", lt)
		}
		r := parquet.NewGenericReader[Row](pf)
		got := make([]Row, n)
		if k, err := r.Read(got); k != n || (err != nil && !errors.Is(err, io.EOF)) {
			t.Fatalf("read %d %v", k, err)
		}
		v, err := s.GetVacancy(ctx, got[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got[0].PublishedAt.Equal(v.PublishedAt.Truncate(time.Second)) || (got[0].SalaryFrom == nil) != (v.SalaryFrom == nil) {
			t.Errorf("round trip %+v vs %+v", got[0], v)
		}
	})

	t.Run("skills", func(t *testing.T) {
		for _, f := range Formats {
			var buf bytes.Buffer
			got, err := Write(ctx, s, &buf, Options{Format: f, Table: "skills"})
			if err != nil || got == 0 {
				t.Fatalf("%s: rows %d err %v", f, got, err)
			}
			if f == "csv" && !strings.HasPrefix(buf.String(), "vacancy_id,skill\n") {
				t.Errorf("csv header: %q", buf.String()[:30])
			}
		}
	})

	t.Run("filter", func(t *testing.T) {
		var buf bytes.Buffer
		got, err := Write(ctx, s, &buf, Options{Format: "csv", Filter: store.Filter{OpenOnly: true}})
		if err != nil || got == 0 || got >= n {
			t.Fatalf("open only: %d %v", got, err)
		}
	})
}

func TestAtomicWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("interrupted")
	err := AtomicWrite(path, func(w io.Writer) error {
		io.WriteString(w, "half")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("old file replaced: %q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("temp file left: %v", ents)
	}
	if err := AtomicWrite(path, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("got %q", b)
	}
	err = AtomicWrite(filepath.Join(dir, "no", "such", "dir", "x.csv"), func(io.Writer) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "cannot write "+filepath.Join(dir, "no", "such", "dir", "x.csv")) || strings.Contains(err.Error(), ".tmp-") {
		t.Errorf("err = %v", err)
	}
}

// Timestamps carry whole seconds in every format, also where the store has
// milliseconds (an observation time from the local clock).
func TestTimestampPrecision(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	seen := fixture.Base.Add(456 * time.Millisecond) // …:00.579
	if err := db.SaveDetails(ctx, 0, []store.Vacancy{fixture.Full(1, 0)}, seen); err != nil {
		t.Fatal(err)
	}
	want := seen.Truncate(time.Second)
	var pq bytes.Buffer
	if _, err := Write(ctx, db, &pq, Options{Format: "parquet"}); err != nil {
		t.Fatal(err)
	}
	rows, err := parquet.Read[Row](bytes.NewReader(pq.Bytes()), int64(pq.Len()))
	if err != nil || len(rows) != 1 {
		t.Fatalf("parquet: %d rows, %v", len(rows), err)
	}
	if !rows[0].FirstSeenAt.Equal(want) || !rows[0].LastSeenAt.Equal(want) {
		t.Errorf("parquet first/last seen %v %v, want %v", rows[0].FirstSeenAt, rows[0].LastSeenAt, want)
	}
	for _, f := range []string{"csv", "jsonl"} {
		var buf bytes.Buffer
		if _, err := Write(ctx, db, &buf, Options{Format: f}); err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(buf.String(), Time(want)); got != 2 {
			t.Errorf("%s: %q appears %d times, want 2 (first and last seen):\n%s", f, Time(want), got, buf.String())
		}
	}
}
