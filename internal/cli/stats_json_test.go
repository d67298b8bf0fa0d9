package cli

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The contract of docs/stats-json.md: an empty sample's figures are null
// (n stays 0), a small one's are null with the rule named, and every median
// shown carries its 95 % interval.
func TestStatsJSONNullsAndIntervals(t *testing.T) {
	run := filledEnv(t, 800)
	code, out, errOut := run(false, "stats", "--by", "role,experience,region", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var js struct {
		Small     map[string]int `json:"small_samples"`
		Groupings []struct {
			Groups []struct {
				Label  []string
				Salary map[string]any
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &js); err != nil {
		t.Fatal(err)
	}
	if js.Small["min_n_median"] != 10 || js.Small["min_n_quartiles"] != 30 {
		t.Errorf("small_samples %v", js.Small)
	}
	figures := []string{"mean", "min", "p10", "p25", "median", "p75", "p90", "max", "median_ci95"}
	var empty, small, shown int
	for _, g := range js.Groupings[0].Groups {
		s := g.Salary
		n := int(s["n"].(float64))
		for _, k := range append(figures, "withheld") {
			if _, ok := s[k]; !ok {
				t.Fatalf("%v: no key %q in %v", g.Label, k, s)
			}
		}
		switch {
		case n == 0:
			empty++
			for _, k := range append(figures, "withheld") {
				if s[k] != nil {
					t.Errorf("%v: n = 0 but %s = %v", g.Label, k, s[k])
				}
			}
		case n < 10:
			small++
			if s["median"] != nil || s["median_ci95"] != nil || s["p25"] != nil || s["withheld"] != "min_n_median=10" {
				t.Errorf("%v: n = %d shown: %v", g.Label, n, s)
			}
		default:
			shown++
			ci, ok := s["median_ci95"].([]any)
			med, _ := s["median"].(float64)
			if !ok || len(ci) != 2 || ci[0].(float64) > med || ci[1].(float64) < med {
				t.Errorf("%v: median %v without a CI around it: %v", g.Label, s["median"], s["median_ci95"])
			}
			if (n < 30) != (s["p25"] == nil) {
				t.Errorf("%v: n = %d, p25 = %v", g.Label, n, s["p25"])
			}
		}
	}
	if empty == 0 || small == 0 || shown == 0 {
		t.Errorf("the fixture should have every kind of group: empty %d, small %d, shown %d", empty, small, shown)
	}

	// The thresholds are flags; nonsense is a usage error.
	code, out, _ = run(false, "stats", "--by", "area", "--json", "--min-n-median", "1", "--min-n-quartiles", "1")
	if code != 0 || strings.Contains(out, `"withheld": "min_n`) {
		t.Errorf("lowered thresholds: exit %d, still withheld", code)
	}
	for _, bad := range [][]string{{"stats", "--min-n-median", "0"}, {"report", "--min-n-quartiles", "-1"}, {"report", "--min-n-rank", "0"}} {
		if code, _, errOut := run(false, bad...); code != ExitUsage || !strings.Contains(errOut, bad[1]) {
			t.Errorf("%v: exit %d %q", bad, code, errOut)
		}
	}
}

// --basis gross|net (and --net) on stats, report and export; the output names the basis.
func TestSalaryBasisFlags(t *testing.T) {
	run := filledEnv(t, 300)
	median := func(args ...string) (string, float64) {
		t.Helper()
		code, out, errOut := run(false, append([]string{"stats", "--by", "experience", "--json"}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d %s", args, code, errOut)
		}
		var js struct {
			Basis string
			Total struct{ Salary struct{ Median float64 } }
		}
		if err := json.Unmarshal([]byte(out), &js); err != nil {
			t.Fatal(err)
		}
		return js.Basis, js.Total.Salary.Median
	}
	b0, gross := median()
	b1, gross1 := median("--basis", "gross")
	b2, net := median("--basis", "net")
	b3, net3 := median("--net")
	if b0 != "gross" || b1 != "gross" || b2 != "net" || b3 != "net" || gross != gross1 || net != net3 || !(net < gross) {
		t.Errorf("bases %s %s %s %s, medians gross %v %v net %v %v", b0, b1, b2, b3, gross, gross1, net, net3)
	}
	_, gcsv, _ := run(false, "export", "--format", "csv")
	_, ncsv, _ := run(false, "export", "--format", "csv", "--basis", "net")
	if gcsv == ncsv || len(gcsv) == 0 {
		t.Error("export --basis net did not change salary_monthly_rur")
	}
	for _, bad := range [][]string{
		{"stats", "--basis", "after-tax"}, {"report", "--basis", "gross", "--net"}, {"export", "--format", "csv", "--basis", "NET"},
	} {
		if code, _, errOut := run(false, bad...); code != ExitUsage || !strings.Contains(errOut, "--basis") {
			t.Errorf("%v: exit %d %q", bad, code, errOut)
		}
	}
}

// --synonyms FILE (and skill_synonyms.txt in the config dir) extend the shipped skill groups.
func TestReportSynonymsFlag(t *testing.T) {
	run := filledEnv(t, 300)
	dir := t.TempDir()
	syn := filepath.Join(dir, "syn.txt")
	if err := os.WriteFile(syn, []byte("Электронные таблицы = Excel; MS Excel; Microsoft Excel\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "r.html")
	if code, _, errOut := run(false, "report", "--out", out, "--synonyms", syn); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(b), "Электронные таблицы") {
		t.Errorf("the user's group is not in the report: %v", err)
	}
	bad := filepath.Join(dir, "bad.html")
	for _, args := range [][]string{{"--synonyms", filepath.Join(dir, "missing.txt")}, {"--synonyms", out}} {
		code, _, errOut := run(false, append([]string{"report", "--out", bad}, args...)...)
		if code != ExitUsage || !strings.Contains(errOut, "--synonyms") {
			t.Errorf("%v: exit %d %q", args, code, errOut)
		}
		if _, err := os.Stat(bad); err == nil {
			t.Errorf("%v: a failing report wrote its file", args)
		}
	}
}

func TestStatsUniquePostings(t *testing.T) {
	run := filledEnv(t, 300)
	code, out, errOut := run(false, "stats", "--json", "--unique-postings")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var js struct {
		Postings *struct {
			Unique  bool `json:"unique_postings"`
			Checked int
		}
	}
	if err := json.Unmarshal([]byte(out), &js); err != nil || js.Postings == nil || !js.Postings.Unique || js.Postings.Checked == 0 {
		t.Errorf("postings %+v %v", js.Postings, err)
	}
	if _, _, errOut := run(false, "stats", "--unique-postings"); !strings.Contains(errOut, "--unique-postings") {
		t.Errorf("the CSV's summary does not say so: %q", errOut)
	}
	if _, out, _ := run(false, "stats", "--json"); strings.Contains(out, `"postings"`) {
		t.Error("postings without --unique-postings")
	}
}

// --open keeps the vacancies open at the end of the data, on stats, report and export.
func TestOpenFilter(t *testing.T) {
	run := filledEnv(t, 300)
	var all, open struct {
		Open  bool
		Total struct{ Vacancies, Open int }
	}
	_, out, _ := run(false, "stats", "--json")
	if err := json.Unmarshal([]byte(out), &all); err != nil {
		t.Fatal(err)
	}
	_, out, _ = run(false, "stats", "--json", "--open")
	if err := json.Unmarshal([]byte(out), &open); err != nil {
		t.Fatal(err)
	}
	if !open.Open || open.Total.Vacancies != all.Total.Open || open.Total.Open != all.Total.Open || all.Total.Open == all.Total.Vacancies {
		t.Errorf("all %+v, open %+v", all, open)
	}
	_, csvOut, _ := run(false, "export", "--format", "csv", "--open")
	recs, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	if err != nil || len(recs)-1 != all.Total.Open {
		t.Errorf("export --open: %d rows (%v), want %d", len(recs)-1, err, all.Total.Open)
	}
	dir := t.TempDir()
	if code, _, errOut := run(false, "report", "--open", "--out", filepath.Join(dir, "r.html")); code != 0 {
		t.Fatalf("report --open: exit %d %s", code, errOut)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "r.html")); !strings.Contains(string(b), "только открытые") {
		t.Error("the report does not say it shows open vacancies only")
	}
}

// salary_monthly_rur of a SHIFT vacancy follows its roster, as stats does.
func TestExportMonthlyByRoster(t *testing.T) {
	run := filledEnv(t, 1500)
	_, csvOut, _ := run(false, "export", "--format", "csv")
	_, jsonl, _ := run(false, "export", "--format", "jsonl")
	roster := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(jsonl), "\n") {
		var v struct {
			ID   string
			Days []struct{ ID string } `json:"work_schedule_by_days"`
		}
		if err := json.Unmarshal([]byte(line), &v); err == nil && len(v.Days) == 1 {
			roster[v.ID] = v.Days[0].ID
		}
	}
	recs, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, c := range recs[0] {
		col[c] = i
	}
	shifts := map[string]float64{"TWO_ON_TWO_OFF": 30.4375 / 2, "FIVE_ON_TWO_OFF": 20.55, "SIX_ON_ONE_OFF": 24.66}
	checked := 0
	for _, r := range recs[1:] {
		k, ok := shifts[roster[r[col["id"]]]]
		if r[col["salary_mode"]] != "SHIFT" || r[col["salary_currency"]] != "RUR" || r[col["salary_gross"]] != "true" || !ok || r[col["salary_from"]] == "" || r[col["salary_to"]] != "" {
			continue
		}
		from, _ := strconv.ParseFloat(r[col["salary_from"]], 64)
		got, _ := strconv.ParseFloat(r[col["salary_monthly_rur"]], 64)
		if want := math.Round(from * k); got != want {
			t.Errorf("%s (%s): salary_monthly_rur %v, want %v", r[col["id"]], roster[r[col["id"]]], got, want)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no SHIFT vacancy with a known roster in the fixture")
	}
}
