package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hhjobs/hhjobs/internal/analytics/analyticstest"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

// filledEnv points HHJOBS_DB at a SQLite file with n generated vacancies and
// returns a runner of hhjobs commands (tty: stdout is a terminal).
func filledEnv(t *testing.T, n int) func(tty bool, args ...string) (int, string, string) {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "hh.db")
	ctx := context.Background()
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := analyticstest.Fill(ctx, s, n, 11); err != nil {
		t.Fatal(err)
	}
	s.Close()
	t.Setenv("HHJOBS_DB", db)
	t.Setenv("HHJOBS_CONFIG_DIR", filepath.Join(dir, "config"))
	return func(tty bool, args ...string) (int, string, string) {
		ios, _, out, errOut := TestStreams()
		ios.SetTTY(tty, false, false)
		code := Main(ctx, args, ios)
		return code, out.String(), errOut.String()
	}
}

func TestStatsCommand(t *testing.T) {
	run := filledEnv(t, 800)

	code, out, errOut := run(false, "stats", "--by", "experience")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0][:4], ",") != "experience_id,experience,vacancies,open" || recs[1][1] != "all" || len(recs) != 6 {
		t.Errorf("csv: %v", recs)
	}
	if recs[1][2] != "800" {
		t.Errorf("total row %v", recs[1])
	}
	if !strings.Contains(errOut, "800 vacancies") {
		t.Errorf("summary: %q", errOut)
	}

	code, out, _ = run(false, "stats", "--by", "role,experience,region", "--json", "--query", analyticstest.QueryName, "--net")
	if code != 0 {
		t.Fatalf("json exit %d", code)
	}
	var js struct {
		Basis     string `json:"basis"`
		Query     string `json:"query"`
		Total     struct{ Vacancies int }
		Groupings []struct {
			Dims   []string
			Groups []struct {
				Label  []string
				Salary struct{ N int }
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &js); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if js.Basis != "net" || js.Query != "hr" || js.Total.Vacancies != 800 || len(js.Groupings) != 1 || len(js.Groupings[0].Dims) != 3 || len(js.Groupings[0].Groups[0].Label) != 3 {
		t.Errorf("json: %+v", js)
	}

	code, out, _ = run(true, "stats", "--by", "region", "--since", "2026-03-01")
	if code != 0 || !strings.Contains(out, "MEDIAN") || !strings.Contains(out, "Москва") {
		t.Errorf("tty table: exit %d\n%s", code, out)
	}

	for _, bad := range [][]string{
		{"stats", "--by", "salary"},
		{"stats", "--by", "role;drop"},
		{"stats", "--query", "nope"},
		{"stats", "--since", "yesterday"},
	} {
		code, _, errOut := run(false, bad...)
		if code != ExitUsage {
			t.Errorf("%v: exit %d, want 2 (%s)", bad, code, errOut)
		}
		if bad[1] == "--by" && !strings.Contains(errOut, "role, experience, area, region, employer, work_format, employment_form") {
			t.Errorf("%v: no list of valid groupings: %s", bad, errOut)
		}
	}
}

func TestReportCommand(t *testing.T) {
	run := filledEnv(t, 600)
	dir := t.TempDir()
	t.Chdir(dir)
	code, out, errOut := run(false, "report")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	want := filepath.Join(dir, "hhjobs-report.html")
	if lines[len(lines)-1] != want {
		t.Errorf("last line %q, want %q", lines[len(lines)-1], want)
	}
	b, err := os.ReadFile(want)
	if err != nil || !strings.Contains(string(b), "Зарплаты по опыту") {
		t.Fatalf("report: %v", err)
	}
	code, out, _ = run(false, "report", "--out", filepath.Join(dir, "net.html"), "--net", "--query", "hr", "--since", "2026-02-01")
	if code != 0 || !strings.HasSuffix(strings.TrimSpace(out), "net.html") {
		t.Errorf("exit %d %q", code, out)
	}
	if code, _, errOut := run(false, "report", "--out", filepath.Join(dir, "missing", "r.html")); code != ExitError || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("unwritable: exit %d %q", code, errOut)
	}
}

func TestExportCommand(t *testing.T) {
	run := filledEnv(t, 300)
	code, out, errOut := run(false, "export", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.HasPrefix(out, "id,name,role_ids,") || strings.Count(out, "\n") < 301 {
		t.Errorf("csv: %.200q", out)
	}
	if !strings.Contains(errOut, "export: 300 vacancies rows to stdout") {
		t.Errorf("stderr %q", errOut)
	}
	dir := t.TempDir()
	pq := filepath.Join(dir, "v.parquet")
	if code, _, errOut := run(false, "export", "--format", "parquet", "--out", pq); code != 0 {
		t.Fatalf("parquet: %d %s", code, errOut)
	}
	if b, err := os.ReadFile(pq); err != nil || string(b[:4]) != "PAR1" {
		t.Fatalf("parquet file: %v", err)
	}
	code, out, _ = run(false, "export", "--format", "jsonl", "--table", "skills", "--query", "hr")
	if code != 0 || !strings.HasPrefix(out, `{"vacancy_id":`) {
		t.Errorf("skills jsonl: %d %.100q", code, out)
	}
	code, out, _ = run(false, "export", "--format", "jsonl")
	if code != 0 || strings.Contains(out, "+0300\"") || !strings.Contains(out, `"closed_at":null`) {
		t.Errorf("jsonl: %d", code)
	}

	code, _, errOut = run(false, "export", "--format", "csv", "--out", filepath.Join(dir, "no", "such", "x.csv"))
	if code != ExitError || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, "cannot write") {
		t.Errorf("unwritable: exit %d %q", code, errOut)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("left files: %v", ents)
	}
	for _, bad := range [][]string{
		{"export"},
		{"export", "--format", "xlsx"},
		{"export", "--format", "csv", "--table", "users"},
	} {
		if code, _, errOut := run(false, bad...); code != ExitUsage {
			t.Errorf("%v: exit %d %s", bad, code, errOut)
		}
	}
	if code, _, _ := run(true, "export", "--format", "parquet"); code != ExitUsage {
		t.Errorf("parquet to a terminal: exit %d", code)
	}
}
