package cli

import (
	"database/sql"
	"os"
	"strings"
	"testing"
	"time"
)

// A query saved by an earlier hhjobs — its filters as the JSON object of
// hh.ru parameter names the queries table has always held — still syncs,
// and collect with the same filters recognises it as the same query.
func TestSyncQuerySavedInTheOldForm(t *testing.T) {
	_, run := harvestEnv(t)
	if code, _, errOut := run("auth", "app"); code != 0 {
		t.Fatalf("auth app: %d %s", code, errOut)
	}
	// A first collect creates the database and its reference data.
	if code, _, errOut := run("collect", "--name", "seed", "--area", "1", "--role", "96", "--rps", "0", "--details", "none"); code != 0 {
		t.Fatalf("collect: %d %s", code, errOut)
	}
	db, err := sql.Open("sqlite", "file:"+os.Getenv("HHJOBS_DB"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UnixMilli()
	// Written as SQL, not through the store: the bytes an old database holds.
	const old = `{"area":["113"],"experience":["between1And3"],"professional_role":["124","96"]}`
	if _, err := db.Exec(`INSERT INTO queries (name, params, created_at, updated_at) VALUES ('old', ?, ?, ?)`, old, now, now); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, _, errOut := run("sync", "old", "--rps", "0", "--details", "none")
	if code != 0 || !strings.Contains(errOut, "done") {
		t.Fatalf("sync of the old query: exit %d: %s", code, errOut)
	}
	// The same filters given as flags (the area by name) are the same query.
	code, _, errOut = run("collect", "--name", "old", "--area", "Россия", "--role", "124", "--role", "96",
		"--experience", "between1And3", "--rps", "0", "--details", "none")
	if code != 0 || strings.Contains(errOut, "other filters") {
		t.Fatalf("collect with the old query's filters: exit %d: %s", code, errOut)
	}
	db, err = sql.Open("sqlite", "file:"+os.Getenv("HHJOBS_DB")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var params string
	if err := db.QueryRow(`SELECT params FROM queries WHERE name = 'old'`).Scan(&params); err != nil {
		t.Fatal(err)
	}
	if params != old {
		t.Errorf("stored params %s, want them untouched: %s", params, old)
	}
}
