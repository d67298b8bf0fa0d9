package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// dataKeyed are the objects whose keys are data (hh.ru ids, URL
// parameters, skill spellings), not field names.
var dataKeyed = map[string]bool{"modes": true, "currencies": true, "spellings": true, "params": true}

// jsonKeys collects every field name in a decoded JSON value.
func jsonKeys(v any, into map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			into[k] = true
			if !dataKeyed[k] {
				jsonKeys(e, into)
			}
		}
	case []any:
		for _, e := range x {
			jsonKeys(e, into)
		}
	}
}

// TestCollectPrintsRunIDFirstAndStatusJSONIsSnakeCase: the run id comes
// before any search (a team joins it while it runs), and status --json has
// no CamelCase key (it had Requests429).
func TestCollectPrintsRunIDFirstAndStatusJSONIsSnakeCase(t *testing.T) {
	_, run := harvestEnv(t)
	if code, _, errOut := run("auth", "app"); code != 0 {
		t.Fatalf("auth app: %d %s", code, errOut)
	}
	code, _, errOut := run("collect", "--name", "it", "--area", "113", "--role", "96", "--rps", "0")
	if code != 0 {
		t.Fatalf("collect: %d %s", code, errOut)
	}
	start, done := strings.Index(errOut, "it: run 1 started"), strings.Index(errOut, "it: run 1 done")
	if start < 0 || done < 0 || start > done || !strings.Contains(errOut, "--join 1") {
		t.Errorf("want 'run 1 started' with the --join hint before the summary:\n%s", errOut)
	}
	code, out, errOut := run("status", "--json", "--slices")
	if code != 0 {
		t.Fatalf("status: %d %s", code, errOut)
	}
	var v any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	jsonKeys(v, keys)
	for _, want := range []string{"requests_429", "failed_by_cause", "stored"} {
		if !keys[want] {
			t.Errorf("status --json lacks %q", want)
		}
	}
	for k := range keys {
		if !snakeCase.MatchString(k) {
			t.Errorf("status --json key %q is not snake_case", k)
		}
	}
	var st []StatusQuery
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	if r := st[0].LastRun; r.Stored != st[0].Vacancies || r.Stored != r.Found {
		t.Errorf("stored %d, found %d, %d vacancies in the store: want all equal", r.Stored, r.Found, st[0].Vacancies)
	}
}

func TestShownStatus(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) *time.Time { t := now.Add(-d); return &t }
	later := now.Add(time.Minute)
	run := store.Run{Status: store.RunRunning}
	tests := []struct {
		name   string
		run    store.Run
		slices []store.Slice
		want   string
	}{
		{"held slice with a live lease", run, []store.Slice{{State: store.SliceClaimed, LeaseUntil: &later, UpdatedAt: now}}, store.RunRunning},
		{"every held slice outlived its lease", run, []store.Slice{
			{State: store.SliceClaimed, LeaseUntil: ago(time.Minute), UpdatedAt: *ago(3 * time.Minute)},
			{State: store.SliceDone, UpdatedAt: *ago(3 * time.Minute)}}, RunInterrupted},
		{"pending slices nobody claimed for a lease", run, []store.Slice{
			{State: store.SlicePending, UpdatedAt: *ago(5 * time.Minute)}}, RunInterrupted},
		{"pending slice just released", run, []store.Slice{
			{State: store.SlicePending, UpdatedAt: *ago(time.Second)}}, store.RunRunning},
		{"details phase: nothing held", run, []store.Slice{{State: store.SliceDone, UpdatedAt: *ago(time.Hour)}}, store.RunRunning},
		{"done stays done", store.Run{Status: store.RunDone}, []store.Slice{{State: store.SliceClaimed, LeaseUntil: ago(time.Hour)}}, store.RunDone},
	}
	for _, tt := range tests {
		if got := shownStatus(tt.run, tt.slices, now, harvestLease); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestStatusSummarisesFailedSlices: 40 slices failed for one cause and 2 for
// another give two lines, not 42; --slices lists them all.
func TestStatusSummarisesFailedSlices(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "hh.db")
	t.Setenv("HHJOBS_DB", db)
	t.Setenv("HHJOBS_CONFIG_DIR", filepath.Join(dir, "config"))
	ctx := context.Background()
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	q, err := s.SaveQuery(ctx, store.Query{Name: "q", Params: map[string][]string{"area": {"113"}}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.CreateRun(ctx, store.Run{QueryID: q.ID, Status: store.RunFailed, StartedAt: time.Now(), UpperBound: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	var sl []store.Slice
	for i := range 42 {
		cause := "the API did not answer (connection refused)"
		if i%21 == 0 {
			cause = "HTTP 503 Service Unavailable"
		}
		sl = append(sl, store.Slice{State: store.SliceFailed, Found: -1, Error: cause,
			Params: map[string][]string{"area": {"113"}, "professional_role": {string(rune('a' + i%26))}}})
	}
	if _, err := s.AddSlices(ctx, r.ID, sl); err != nil {
		t.Fatal(err)
	}
	s.Close()
	ios, _, out, errOut := TestStreams()
	if code := Main(ctx, []string{"status"}, ios); code != 0 {
		t.Fatalf("status: %d %s", code, errOut)
	}
	for _, want := range []string{"q: 40 failed slices: the API did not answer (connection refused)", "q: 2 failed slices: HTTP 503", "q: 0 truncated slices, 42 failed slices", "--slices"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out.String(), "\n"); n > 8 {
		t.Errorf("status printed %d lines for 42 failed slices:\n%s", n, out)
	}
	ios, _, out, _ = TestStreams()
	if code := Main(ctx, []string{"status", "--slices"}, ios); code != 0 || strings.Count(out.String(), ": slice ") != 42 {
		t.Errorf("status --slices: exit %d, want 42 slice lines:\n%s", code, out)
	}
}

// TestJSONOutputsAreSnakeCase: every key of stats --json and auth status
// --json is snake_case, like status --json.
func TestJSONOutputsAreSnakeCase(t *testing.T) {
	run := filledEnv(t, 300)
	for _, args := range [][]string{
		{"stats", "--json", "--by", "experience"},
		{"auth", "status", "--json"},
		{"status", "--json"},
	} {
		code, out, errOut := run(false, args...)
		if code != 0 {
			t.Errorf("%v: exit %d: %s", args, code, errOut)
			continue
		}
		var v any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Errorf("%v: not JSON: %v", args, err)
			continue
		}
		keys := map[string]bool{}
		jsonKeys(v, keys)
		for k := range keys {
			if !snakeCase.MatchString(k) {
				t.Errorf("%v: key %q is not snake_case", args, k)
			}
		}
	}
}

// TestSyncAgainstAGoneAPI: the API base stops answering. The sync stops at
// once; its final line names the cause (no URL), the log has one warning,
// and status summarises the failed slice by that cause.
func TestSyncAgainstAGoneAPI(t *testing.T) {
	_, run := harvestEnv(t)
	if code, _, errOut := run("auth", "app"); code != 0 {
		t.Fatalf("auth app: %d %s", code, errOut)
	}
	if code, _, errOut := run("collect", "--name", "it", "--area", "113", "--role", "96", "--rps", "0"); code != 0 {
		t.Fatalf("collect: %d %s", code, errOut)
	}
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	t.Setenv("HH_API_BASE", dead.URL)
	code, _, errOut := run("sync", "it", "--rps", "0")
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	last := lines[len(lines)-1]
	if code != ExitError || !strings.HasPrefix(last, "hhjobs: run 2 stopped: the API could not be reached (connection refused)") ||
		!strings.Contains(last, "--api-base") || strings.Contains(last, "127.0.0.1") {
		t.Errorf("exit %d, final line %q", code, last)
	}
	if n := strings.Count(errOut, "level=WARN"); n != 1 {
		t.Errorf("%d warnings, want 1:\n%s", n, errOut)
	}
	code, out, _ := run("status", "it")
	if code != 0 || !strings.Contains(out, "it: 1 failed slice: the API could not be reached (connection refused)") || !strings.Contains(out, "stopped") {
		t.Errorf("status: exit %d\n%s", code, out)
	}
}
