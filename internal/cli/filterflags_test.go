package cli

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

// TestFilterFlags runs the one filter language through stats, export and
// report: each command keeps the same vacancies for the same flags.
func TestFilterFlags(t *testing.T) {
	run := filledEnv(t, 600)
	flags := []string{"--area", "Республика Татарстан,1", "--experience", "between1And3", "--work-format", "ON_SITE", "--until", "2026-04-10"}

	code, out, errOut := run(false, append([]string{"stats", "--by", "region", "--json"}, flags...)...)
	if code != 0 {
		t.Fatalf("stats: exit %d: %s", code, errOut)
	}
	var js struct {
		Filters map[string][]string
		Total   struct{ Vacancies int }
	}
	if err := json.Unmarshal([]byte(out), &js); err != nil {
		t.Fatal(err)
	}
	if js.Total.Vacancies == 0 || js.Filters["area"][0] != "Республика Татарстан,1" || js.Filters["until"][0] != "2026-04-10T23:59:59+03:00" {
		t.Fatalf("stats json: %+v", js)
	}

	code, out, errOut = run(false, append([]string{"export", "--format", "csv"}, flags...)...)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs)-1 != js.Total.Vacancies {
		t.Errorf("export kept %d rows, stats %d vacancies", len(recs)-1, js.Total.Vacancies)
	}
	for _, r := range recs[1:] {
		// region column: the name of the area's region
		if r[6] != "Москва" && r[6] != "Республика Татарстан" || r[9] != "between1And3" || !strings.Contains(r[11], "ON_SITE") || r[20] >= "2026-04-11" {
			t.Fatalf("export row outside the filter: %v", r)
		}
	}

	ids := map[string]bool{}
	for _, r := range recs[1:] {
		ids[r[0]] = true
	}
	code, out, errOut = run(false, append([]string{"export", "--format", "csv", "--table", "skills"}, flags...)...)
	if code != 0 {
		t.Fatalf("export skills: exit %d: %s", code, errOut)
	}
	srecs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(srecs) < 2 {
		t.Fatalf("skills: %v, %d rows", err, len(srecs))
	}
	for _, r := range srecs[1:] {
		if !ids[r[0]] {
			t.Fatalf("skills of %s, a vacancy outside the filter", r[0])
		}
	}

	out2 := t.TempDir() + "/r.html"
	code, _, errOut = run(false, append([]string{"report", "--out", out2}, flags...)...)
	if code != 0 {
		t.Fatalf("report: exit %d: %s", code, errOut)
	}

	for _, bad := range [][]string{
		{"stats", "--experience", "guru"},
		{"report", "--until", "soon"},
		{"export", "--format", "csv", "--work-format", "moon"},
		{"stats", "--area", "Атлантида"},
		{"stats", "--since", "2026-04-02", "--until", "2026-04-01"},
	} {
		code, _, errOut := run(false, bad...)
		flag := bad[len(bad)-2]
		if strings.HasPrefix(bad[len(bad)-2], "--since") {
			flag = "--until"
		}
		if code != ExitUsage || !strings.HasPrefix(errOut, "hhjobs: "+flag) && !strings.Contains(errOut, flag+":") {
			t.Errorf("%v: exit %d, stderr %q", bad, code, errOut)
		}
	}
}
