package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/postgres"
	"github.com/hhjobs/hhjobs/internal/store/postgres/pgtest"
)

// The query and run management of issue 17 on a shared PostgreSQL: a sync
// past a failed query, --replace, --join refusals, query rm.
func TestQueriesOnPostgres(t *testing.T) {
	dsn, _ := pgtest.FreshSchema(t)
	_, run := harvestEnv(t)
	t.Setenv("HHJOBS_DB", dsn)
	if code, _, errOut := run("auth", "app"); code != 0 {
		t.Fatalf("auth app: %d %s", code, errOut)
	}
	if code, _, errOut := run("status"); code != 0 || !strings.Contains(errOut, "no vacancies yet") {
		t.Errorf("status of an empty PostgreSQL: exit %d %q, want 0 and a note", code, errOut)
	}
	if code, _, errOut := run("collect", "--name", "a", "--area", "1", "--role", "96", "--rps", "0"); code != 0 {
		t.Fatalf("collect a: %d %s", code, errOut)
	}
	st, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveQuery(context.Background(), store.Query{Name: "b", Params: map[string][]string{"area": {"1"}, "industry": {"999999"}}}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	code, _, errOut := run("sync", "--rps", "0")
	if code != ExitError || !strings.Contains(lastLine(errOut), "1 of 2 queries failed: b (") || !strings.Contains(errOut, "a: run 2 done") {
		t.Fatalf("sync a b: exit %d %q, want a synced and b named", code, errOut)
	}
	if code, _, errOut := run("collect", "--name", "b", "--replace", "--area", "1", "--industry", "7", "--rps", "0"); code != 0 || !strings.Contains(errOut, "abandoned its unfinished run 3") {
		t.Fatalf("collect --replace: exit %d %q", code, errOut)
	}
	if code, _, errOut := run("collect", "--join", "3", "--rps", "0"); code != ExitUsage || !strings.Contains(errOut, "abandoned") {
		t.Errorf("--join of the abandoned run: exit %d %q", code, errOut)
	}
	if code, _, errOut := run("collect", "--join", "1", "--rps", "0"); code != ExitUsage || !strings.Contains(errOut, "is done") {
		t.Errorf("--join of a done run: exit %d %q", code, errOut)
	}
	if code, _, errOut := run("query", "rm", "b"); code != 0 {
		t.Fatalf("query rm b: %d %q", code, errOut)
	}
	code, out, _ := run("query", "list")
	if code != 0 || !strings.Contains(out, "a ") || strings.Contains(out, "\nb ") {
		t.Errorf("query list after rm: %d\n%s", code, out)
	}
}
