package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

// openDB opens the test's database directly, to plant what older hhjobs
// versions (or another tool) could have stored.
func openDB(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), os.Getenv("HHJOBS_DB"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func authed(t *testing.T) func(args ...string) (int, string, string) {
	t.Helper()
	_, run := harvestEnv(t)
	if code, _, errOut := run("auth", "app"); code != 0 {
		t.Fatalf("auth app: %d %s", code, errOut)
	}
	return run
}

// A query saved with a value hh.ru refuses cannot exist: every filter is
// checked against the stored /dictionaries before it is saved.
func TestBadFilterIsNeverSaved(t *testing.T) {
	run := authed(t)
	for _, args := range [][]string{
		{"--experience", "senior"},
		{"--work-format", "office"},
		{"--employment-form", "FULLTIME"},
		{"--schedule", "nightly"},
		{"--search-field", "title"},
		{"--salary", "100000", "--currency", "XYZ"},
		{"--param", "label=bogus"},
		{"--param", "working_hours=HOURS_1"},
		{"--param", "salary=100k"},
		{"--param", "only_with_salary=yes"},
		{"--param", "employer_id=abc"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			full := append([]string{"collect", "--name", "bad", "--area", "1", "--rps", "0"}, args...)
			code, out, errOut := run(full...)
			if code != ExitUsage || out != "" || !strings.Contains(errOut, "want") {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 2 and the valid forms", code, out, errOut)
			}
			// The database, created by this collect, is gone again, or at least holds no such query.
			if code, _, errOut := run("query", "show", "bad"); code == 0 || !(strings.Contains(errOut, "no saved query") || strings.Contains(errOut, "no database")) {
				t.Errorf("the refused query exists: exit %d %q", code, errOut)
			}
		})
	}
	// Case and names are forgiven: the stored value is the id.
	if code, _, errOut := run("collect", "--name", "remote", "--area", "1", "--role", "96", "--work-format", "remote", "--experience", "От 1 года до 3 лет", "--rps", "0"); code != 0 {
		t.Fatalf("collect --work-format remote: exit %d %s", code, errOut)
	}
	q, err := openDB(t).QueryByName(context.Background(), "remote")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(q.Params["work_format"], ",") + " " + strings.Join(q.Params["experience"], ","); got != "REMOTE between1And3" {
		t.Errorf("stored work_format and experience %q, want REMOTE between1And3", got)
	}
}

// plantBad saves a query that hh.ru answers with 400 bad_argument (an
// industry it does not know: its form is right, so no local check stops it).
func plantBad(t *testing.T, name string) {
	t.Helper()
	plant(t, name, map[string][]string{"area": {"1"}, "professional_role": {"96"}, "industry": {"999999"}})
}

// plant saves a query directly, as an older hhjobs could have.
func plant(t *testing.T, name string, params map[string][]string) {
	t.Helper()
	st := openDB(t)
	if _, err := st.SaveQuery(context.Background(), store.Query{Name: name, Params: params}); err != nil {
		t.Fatal(err)
	}
	st.Close()
}

// A bad_argument fails the run for good, with a message saying how to fix
// the query; --replace with good filters then plans anew and completes.
func TestBadArgumentThenReplace(t *testing.T) {
	run := authed(t)
	plantBad(t, "bad")
	code, _, errOut := run("sync", "bad", "--rps", "0")
	if code != ExitError || !strings.Contains(errOut, "bad_argument") || !strings.Contains(errOut, "--replace") || strings.Contains(errOut, "rerun to retry") {
		t.Fatalf("sync of a bad query: exit %d %q; want 1 naming bad_argument and --replace, no 'rerun to retry'", code, errOut)
	}
	if last := lastLine(errOut); !strings.Contains(last, "industry") {
		t.Errorf("final line %q does not name the refused parameter", last)
	}
	st := openDB(t)
	q, _ := st.QueryByName(context.Background(), "bad")
	runs, _ := st.Runs(context.Background(), q.ID)
	if len(runs) != 1 || runs[0].Status != store.RunFailed {
		t.Fatalf("runs after a bad_argument: %+v, want one failed run", runs)
	}
	st.Close()

	code, _, errOut = run("collect", "--name", "bad", "--replace", "--area", "1", "--role", "96", "--industry", "7", "--rps", "0")
	if code != 0 || !strings.Contains(errOut, "abandoned its unfinished run 1") || !strings.Contains(errOut, "run 2 done") {
		t.Fatalf("collect --replace after a failed run: exit %d %q; want run 1 abandoned and run 2 done", code, errOut)
	}
	st = openDB(t)
	r1, err := st.GetRun(context.Background(), 1)
	if err != nil || r1.Status != store.RunAbandoned {
		t.Errorf("run 1 = %+v, %v; want abandoned", r1, err)
	}
	// The abandoned run is never resumed, nor joined.
	if code, _, errOut := run("collect", "--join", "1", "--rps", "0"); code != ExitUsage || !strings.Contains(errOut, "abandoned") {
		t.Errorf("--join of an abandoned run: exit %d %q", code, errOut)
	}
}

// A saved query with a value the dictionaries refuse is not sent at all.
func TestSyncChecksSavedFilters(t *testing.T) {
	run := authed(t)
	if code, _, errOut := run("collect", "--name", "a", "--area", "1", "--role", "96", "--rps", "0"); code != 0 {
		t.Fatalf("collect: %d %s", code, errOut)
	}
	plant(t, "old", map[string][]string{"area": {"1"}, "experience": {"senior"}})
	code, _, errOut := run("sync", "old", "--rps", "0")
	if code != ExitError || !strings.Contains(errOut, "experience") || !strings.Contains(errOut, "nothing was sent") || !strings.Contains(errOut, "--replace") {
		t.Fatalf("sync of a query with a refused value: exit %d %q", code, errOut)
	}
	st := openDB(t)
	q, _ := st.QueryByName(context.Background(), "old")
	if runs, _ := st.Runs(context.Background(), q.ID); len(runs) != 0 {
		t.Errorf("a run was started for a query with a refused value: %+v", runs)
	}
}

// sync a b c with b failing syncs a and c, and exits 1 naming b.
func TestSyncGoesOnAfterAFailedQuery(t *testing.T) {
	run := authed(t)
	for _, q := range []struct{ name, area string }{{"a", "1"}, {"c", "2"}} {
		if code, _, errOut := run("collect", "--name", q.name, "--area", q.area, "--role", "96", "--rps", "0"); code != 0 {
			t.Fatalf("collect %s: %d %s", q.name, code, errOut)
		}
	}
	plantBad(t, "b")
	code, _, errOut := run("sync", "a", "b", "c", "--rps", "0")
	if code != ExitError {
		t.Fatalf("sync a b c: exit %d %q, want 1", code, errOut)
	}
	last := lastLine(errOut)
	if !strings.Contains(last, "1 of 3 queries failed: b (") || strings.Contains(last, "a (") {
		t.Errorf("final line %q, want it to name b alone", last)
	}
	ia, ib, ic := strings.Index(errOut, "\na: run "), strings.Index(errOut, "b: failed: "), strings.Index(errOut, "\nc: run ")
	if ia < 0 || ib < ia || ic < ib {
		t.Errorf("want a synced, b failed, then c synced: %s", errOut)
	}
	for _, name := range []string{"a", "c"} {
		st := openDB(t)
		q, _ := st.QueryByName(context.Background(), name)
		runs, _ := st.Runs(context.Background(), q.ID)
		st.Close()
		if len(runs) != 2 || runs[0].Status != store.RunDone {
			t.Errorf("%s: runs %+v, want a second run done", name, runs)
		}
	}
	// sync without names goes through all of them too.
	if code, _, errOut := run("sync", "--rps", "0"); code != ExitError || !strings.Contains(errOut, "c: run") || !strings.Contains(lastLine(errOut), "b (") {
		t.Errorf("sync of all: exit %d %q", code, errOut)
	}
}

// sync --every keeps cycling through every query, the failing one included.
func TestSyncEveryCyclesThroughAll(t *testing.T) {
	run := authed(t)
	for _, q := range []struct{ name, area string }{{"a", "1"}, {"c", "2"}} {
		if code, _, errOut := run("collect", "--name", q.name, "--area", q.area, "--role", "96", "--rps", "0"); code != 0 {
			t.Fatalf("collect %s: %d %s", q.name, code, errOut)
		}
	}
	plantBad(t, "b")
	defer func(old time.Duration) { minEvery = old }(minEvery)
	minEvery = 50 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ios, _, _, errBuf := TestStreams()
	done := make(chan int, 1)
	go func() { done <- Main(ctx, []string{"sync", "--every", "50ms", "--rps", "0"}, ios) }()
	runsOf := func(st store.Store, name string) []store.Run {
		q, _ := st.QueryByName(context.Background(), name)
		rs, _ := st.Runs(context.Background(), q.ID)
		return rs
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		st, err := sqlite.Open(context.Background(), os.Getenv("HHJOBS_DB"))
		if err != nil {
			t.Fatal(err)
		}
		a, b, c := runsOf(st, "a"), runsOf(st, "b"), runsOf(st, "c")
		st.Close()
		if len(a) >= 3 && len(c) >= 3 && len(b) == 1 && b[0].Status == store.RunFailed {
			break // collect + two syncs of a and c, each past b's failed run (resumed, not re-planned)
		}
		if time.Now().After(deadline) {
			cancel()
			<-done
			t.Fatalf("after 60 s: a %d, b %d, c %d runs; stderr:\n%s", len(a), len(b), len(c), errBuf.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("sync --every did not stop on interrupt")
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// --join takes only an open run: not done, not abandoned, not superseded.
func TestJoinOnlyAnOpenRun(t *testing.T) {
	run := authed(t)
	if code, _, errOut := run("collect", "--name", "q", "--area", "1", "--role", "96", "--rps", "0"); code != 0 {
		t.Fatalf("collect: %d %s", code, errOut)
	}
	if code, _, errOut := run("collect", "--join", "1", "--rps", "0"); code != ExitUsage || !strings.Contains(errOut, "is done") {
		t.Errorf("--join of a done run: exit %d %q, want 2 saying it is done", code, errOut)
	}
	if code, _, errOut := run("sync", "q", "--rps", "0"); code != 0 {
		t.Fatalf("sync: %d %s", code, errOut)
	}
	st := openDB(t)
	if err := st.FinishRun(context.Background(), 1, store.RunStopped, "interrupted", nil); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if code, _, errOut := run("collect", "--join", "1", "--rps", "0"); code != ExitUsage || !strings.Contains(errOut, "superseded by run 2") {
		t.Errorf("--join of a superseded run: exit %d %q, want 2 naming run 2", code, errOut)
	}
}

// Read commands never create a database; an empty one gets a note.
func TestReadCommandsCreateNothing(t *testing.T) {
	run := authed(t)
	dir := t.TempDir()
	missing := filepath.Join(dir, "no", "such.db")
	for _, args := range [][]string{{"stats"}, {"report", "--out", filepath.Join(dir, "r.html")}, {"export", "--format", "csv", "--out", "-"},
		{"status"}, {"query", "list"}, {"sync"}, {"collect", "--join", "1"}} {
		for _, db := range []string{missing, filepath.Join(dir, "such.db")} {
			code, out, errOut := run(append([]string{"--db", db}, args...)...)
			if code != ExitError || out != "" || !strings.Contains(errOut, "no database at "+db) || !strings.Contains(errOut, "hhjobs collect") {
				t.Errorf("%v on a missing database: exit %d, stdout %q, stderr %q", args, code, out, errOut)
			}
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("read commands created files: %v", ents)
	}
	// A mistake in collect leaves no database behind either.
	fresh := filepath.Join(dir, "fresh.db")
	if code, _, _ := run("--db", fresh, "collect", "--area", "1", "--experience", "senior"); code != ExitUsage {
		t.Errorf("collect --experience senior: exit %d, want 2", code)
	}
	if code, _, _ := run("--db", fresh, "collect", "--area", "Нигдевск"); code != ExitUsage {
		t.Errorf("collect --area Нигдевск: exit %d, want 2", code)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("a refused collect left files: %v", ents)
	}
	// An empty database: the command works and says why it shows nothing.
	empty := filepath.Join(dir, "empty.db")
	st, err := sqlite.Open(context.Background(), empty)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if code, _, errOut := run("--db", empty, "stats"); code != 0 || !strings.Contains(errOut, "no vacancies yet") {
		t.Errorf("stats on an empty database: exit %d %q, want 0 and a note", code, errOut)
	}
}

func TestQueryCommands(t *testing.T) {
	run := authed(t)
	code, _, errOut := run("collect", "--area", "Москва", "--role", "118", "--rps", "0")
	if code != 0 || !strings.Contains(errOut, `saved query "role118-moskva"`) || !strings.Contains(errOut, "hhjobs sync role118-moskva") {
		t.Fatalf("collect without --name: exit %d %q, want the readable name role118-moskva and a sync hint", code, errOut)
	}
	// The same filters again find the same query; others get their own name.
	if code, _, errOut := run("collect", "--area", "1", "--role", "118", "--rps", "0"); code != 0 || !strings.Contains(errOut, "role118-moskva: run 2") {
		t.Errorf("same filters by id: exit %d %q, want run 2 of role118-moskva", code, errOut)
	}
	if code, _, errOut := run("collect", "--preset", "hr", "--area", "113", "--rps", "0"); code != 0 || !strings.Contains(errOut, `"hr-113"`) {
		t.Errorf("collect --preset hr --area 113: exit %d %q, want hr-113", code, errOut)
	}
	code, out, _ := run("query", "list")
	if code != 0 || !strings.Contains(out, "role118-moskva") || !strings.Contains(out, "2 done") || !strings.Contains(out, "hr-113") {
		t.Errorf("query list: %d\n%s", code, out)
	}
	code, out, _ = run("query", "show", "role118-moskva")
	if code != 0 || !strings.Contains(out, "professional_role = 118") || !strings.Contains(out, "\n1 ") {
		t.Errorf("query show: %d\n%s", code, out)
	}
	if code, _, errOut := run("query", "abandon", "role118-moskva"); code != 0 || !strings.Contains(errOut, "nothing to abandon") {
		t.Errorf("query abandon of a finished query: %d %q", code, errOut)
	}
	st := openDB(t)
	n, _ := st.CountVacancies(context.Background(), store.Filter{})
	st.Close()
	if code, _, errOut := run("query", "rm", "role118-moskva"); code != 0 || !strings.Contains(errOut, "removed query") {
		t.Fatalf("query rm: %d %q", code, errOut)
	}
	st = openDB(t)
	if after, _ := st.CountVacancies(context.Background(), store.Filter{}); after != n {
		t.Errorf("query rm changed the vacancies: %d -> %d", n, after)
	}
	if _, err := st.QueryByName(context.Background(), "role118-moskva"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("query still there after rm: %v", err)
	}
}

func TestAreasAndRoles(t *testing.T) {
	_, run := harvestEnv(t) // no token: the reference data is anonymous
	code, out, errOut := run("areas", "москва")
	if code != 0 || !strings.Contains(out, "1 ") || !strings.Contains(out, "Москва") || !strings.HasPrefix(strings.Split(out, "\n")[1], "1 ") {
		t.Fatalf("areas москва: exit %d %q\n%s", code, errOut, out)
	}
	code, out, _ = run("roles", "подбор")
	if code != 0 || !strings.Contains(out, "118") || !strings.Contains(out, "Специалист по подбору персонала") {
		t.Errorf("roles подбор: %d\n%s", code, out)
	}
	if code, out, errOut := run("areas", "Моксва"); code != ExitError || out != "" || !strings.Contains(errOut, "Москва (1)") {
		t.Errorf("areas Моксва: exit %d %q %q, want 1 suggesting Москва (1)", code, out, errOut)
	}
	if code, _, errOut := run("auth", "app"); code != 0 {
		t.Fatalf("auth app: %d %s", code, errOut)
	}
	// Suggestions go by name, never by digits that look alike.
	if code, _, errOut := run("collect", "--area", "99999999"); code != ExitUsage || strings.Contains(errOut, "«") || strings.Contains(errOut, "nearest") {
		t.Errorf("collect --area 99999999: exit %d %q, want no look-alike suggestion", code, errOut)
	}
	if code, _, errOut := run("collect", "--area", "санкт-петербур"); code != ExitUsage || !strings.Contains(errOut, "Санкт-Петербург (2)") {
		t.Errorf("collect --area санкт-петербур: exit %d %q, want Санкт-Петербург (2) first", code, errOut)
	}
}

func TestInterruptedMessage(t *testing.T) {
	for name, resumes := range map[string]bool{"collect": true, "sync": true, "export": false, "demo": false, "report": false, "stats": false} {
		msg := interruptedMessage(&cobra.Command{Use: name})
		if strings.Contains(msg, "resume") != resumes {
			t.Errorf("%s: %q (resume promised: %v, want %v)", name, msg, !resumes, resumes)
		}
	}
	// End to end: an export cut short promises no resume and leaves no file.
	run := authed(t)
	if code, _, errOut := run("collect", "--name", "q", "--area", "1", "--role", "96", "--rps", "0"); code != 0 {
		t.Fatalf("collect: %d %s", code, errOut)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(t.TempDir(), "v.csv")
	ios, _, _, errBuf := TestStreams()
	code := Main(ctx, []string{"export", "--format", "csv", "--out", out}, ios)
	if code != ExitError || strings.Contains(errBuf.String(), "resume") || !strings.Contains(errBuf.String(), "interrupted") {
		t.Errorf("interrupted export: exit %d %q, want 1, interrupted, no resume", code, errBuf.String())
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("an interrupted export left %s", out)
	}
}
