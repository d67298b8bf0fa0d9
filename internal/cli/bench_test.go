package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestBenchUsage(t *testing.T) {
	t.Setenv("HHJOBS_CONFIG_DIR", t.TempDir())
	for _, args := range [][]string{
		{"bench", "everything"},
		{"bench", "harvest", "store"},
		{"bench", "--rps", "0"},
		{"bench", "--vacancies", "0"},
		{"bench", "--concurrency", "100"},
		{"bench", "--publish", "-1"},
		{"bench", "--latency", "-1s"},
		{"bench", "--analytics-vacancies", "-1"},
	} {
		r := runMain(t, "", args...)
		if r.code != ExitUsage {
			t.Errorf("%v: exit %d, want %d (stderr %q)", args, r.code, ExitUsage, r.err)
		}
	}
}

func TestBenchStoreJSON(t *testing.T) {
	t.Setenv("HHJOBS_CONFIG_DIR", t.TempDir())
	r := runMain(t, "", "bench", "store", "--store-vacancies", "300", "--analytics-vacancies", "500", "--json", "--dir", t.TempDir())
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var rep struct {
		Harvest *json.RawMessage `json:"harvest"`
		Store   *struct {
			Vacancies int     `json:"vacancies"`
			NewRate   float64 `json:"new_per_s"`
		} `json:"store"`
		Analytics *struct {
			Vacancies int `json:"vacancies"`
			Stats     struct {
				ElapsedS float64 `json:"elapsed_s"`
			} `json:"stats"`
		} `json:"analytics"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	if rep.Harvest != nil || rep.Store == nil || rep.Store.Vacancies != 300 || rep.Store.NewRate <= 0 ||
		rep.Analytics == nil || rep.Analytics.Vacancies != 500 || rep.Analytics.Stats.ElapsedS <= 0 {
		t.Errorf("report %s", r.stdout)
	}
	if !strings.Contains(r.err, "bench: ") {
		t.Errorf("no progress on stderr: %q", r.err)
	}
}
