package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStatsLifetime(t *testing.T) {
	run := filledEnv(t, 900)
	code, out, errOut := run(false, "stats", "--lifetime", "--by", "experience", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var js struct {
		Dims  []string
		Total struct {
			N, Closed, Censored int
			MedianDays          *float64   `json:"median_days"`
			MedianCI95          []*float64 `json:"median_ci95"`
			AtRisk              *int       `json:"at_risk_at_median"`
			Start               string
			Window              struct{ From, To string }
		}
		Groups []map[string]any
	}
	if err := json.Unmarshal([]byte(out), &js); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	tot := js.Total
	if tot.N != 900 || tot.Closed+tot.Censored != 900 || tot.MedianDays == nil || len(tot.MedianCI95) != 2 || tot.AtRisk == nil || tot.Start != "initial_created_at" {
		t.Fatalf("total %+v", tot)
	}
	for _, s := range []string{tot.Window.From, tot.Window.To} {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			t.Errorf("window: %v", err)
		}
	}
	if len(js.Groups) < 4 || js.Dims[0] != "experience" {
		t.Errorf("groups %v", js.Groups)
	}
	// A withheld group has null figures, never 0, and a reason.
	for _, g := range js.Groups {
		if g["median_days"] == nil && (g["reason"] == nil || g["median_ci95"] != nil || g["at_risk_at_median"] != nil) {
			t.Errorf("withheld group %v", g)
		}
	}

	// The report shows the same total median and closures.
	dir := t.TempDir()
	rep := filepath.Join(dir, "r.html")
	if code, _, errOut := run(false, "report", "--out", rep); code != 0 {
		t.Fatalf("report: %s", errOut)
	}
	b, err := os.ReadFile(rep)
	if err != nil {
		t.Fatal(err)
	}
	median := strings.ReplaceAll(strings.TrimSuffix(strings.TrimRight(fmtFloat1(*tot.MedianDays), "0"), "."), ".", ",")
	if !strings.Contains(string(b), "Медиана срока жизни") || !strings.Contains(string(b), median) {
		t.Errorf("report lacks the median %s", median)
	}

	code, out, _ = run(false, "stats", "--lifetime", "--by", "role,experience")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || strings.Join(recs[0], ",") != "role_id,role,experience_id,experience,n,closed,censored,median_days,ci95_low,ci95_high,at_risk_at_median,start,reason" || recs[1][1] != "all" {
		t.Errorf("csv: exit %d %v %v", code, err, recs[:1])
	}
	code, out, _ = run(true, "stats", "--lifetime")
	if code != 0 || !strings.Contains(out, "MEDIAN, DAYS") {
		t.Errorf("table: exit %d\n%s", code, out)
	}
}

func fmtFloat1(x float64) string { return strings.TrimSpace(strings.Replace(jsonNum(x), " ", "", -1)) }

func jsonNum(x float64) string {
	b, _ := json.Marshal(float64(int64(x*10+0.5)) / 10)
	return string(b)
}

func TestStatsRevisions(t *testing.T) {
	run := filledEnv(t, 300)
	code, out, errOut := run(false, "stats", "--revisions", "--by", "experience", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var js struct {
		Dims  []string
		Total map[string]any
	}
	if err := json.Unmarshal([]byte(out), &js); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for _, k := range []string{"seen_twice", "changed", "share", "changes", "up", "down", "median_change_pct", "median_days_to_change"} {
		if _, ok := js.Total[k]; !ok {
			t.Errorf("no %q in %v", k, js.Total)
		}
	}
	if code, _, errOut := run(false, "stats", "--revisions", "--lifetime"); code != ExitUsage || !strings.Contains(errOut, "--revisions") {
		t.Errorf("both tables: exit %d %q", code, errOut)
	}
}
