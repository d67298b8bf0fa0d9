package cli

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadInput runs every command with inputs a user gets wrong. Each must
// end with one clear line on stderr (plus the usage hint for exit 2),
// nothing on stdout, no half-written file, and the collected data untouched.
func TestBadInput(t *testing.T) {
	_, run := harvestEnv(t)
	if code, _, errOut := run("auth", "app"); code != 0 {
		t.Fatalf("auth app: %d %s", code, errOut)
	}
	if code, _, errOut := run("collect", "--name", "it", "--area", "1", "--role", "96", "--rps", "0"); code != 0 {
		t.Fatalf("collect: %d %s", code, errOut)
	}
	work := filepath.Dir(os.Getenv("HHJOBS_DB"))
	before := snapshot(t, run)

	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><body>Добро пожаловать</body></html>")
	}))
	t.Cleanup(html.Close)
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	fresh := func(name string) string { return filepath.Join(t.TempDir(), name) }
	// Paths of databases that must not exist after the command (issue 17).
	var mustNotExist []string
	absent := func(name string) string {
		p := fresh(name)
		mustNotExist = append(mustNotExist, p)
		return p
	}

	tests := []struct {
		name string
		args []string
		env  map[string]string
		code int
		want string
	}{
		// collect
		{"unknown role", []string{"collect", "--role", "99999"}, nil, ExitUsage, "unknown role"},
		{"unknown area", []string{"collect", "--area", "7777777"}, nil, ExitUsage, "unknown area"},
		{"dates in the wrong order", []string{"collect", "--date-from", "2026-11-20", "--date-to", "2026-11-10"}, nil, ExitUsage, "not before"},
		{"malformed date", []string{"collect", "--date-from", "20.11.2026"}, nil, ExitUsage, "YYYY-MM-DD"},
		{"period with dates", []string{"collect", "--period", "3", "--date-from", "2026-11-20"}, nil, ExitUsage, "--period"},
		{"period over 30 days", []string{"collect", "--period", "45"}, nil, ExitUsage, "1…30"},
		{"empty text", []string{"collect", "--text", ""}, nil, ExitUsage, "--text is empty"},
		{"per_page through --param", []string{"collect", "--param", "per_page=500"}, nil, ExitUsage, "paging"},
		{"malformed --param", []string{"collect", "--param", "novalue"}, nil, ExitUsage, "key=value"},
		{"bad --details", []string{"collect", "--details", "some"}, nil, ExitUsage, "--details"},
		{"negative --rps", []string{"collect", "--rps", "-1"}, nil, ExitUsage, "--rps"},
		{"zero --concurrency", []string{"collect", "--concurrency", "0"}, nil, ExitUsage, "--concurrency"},
		{"zero --max-outage", []string{"collect", "--max-outage", "0s"}, nil, ExitUsage, "--max-outage"},
		{"malformed --max-outage", []string{"sync", "--max-outage", "5"}, nil, ExitUsage, "--max-outage"},
		{"--source-addr not an IP", []string{"collect", "--area", "1", "--source-addr", "nope"}, nil, ExitUsage, "--source-addr"},
		{"--source-addr not of this machine", []string{"sync", "--source-addr", "203.0.113.7"}, nil, ExitUsage, "--source-addr"},
		{"--dry-run with --join", []string{"collect", "--join", "1", "--dry-run"}, nil, ExitUsage, "--dry-run"},
		{"currency without salary", []string{"collect", "--currency", "USD"}, nil, ExitUsage, "--salary"},
		{"unknown preset", []string{"collect", "--preset", "it"}, nil, ExitUsage, "preset"},
		{"saved name, other filters", []string{"collect", "--name", "it", "--area", "2"}, nil, ExitUsage, "--replace"},
		{"join with a name", []string{"collect", "--join", "1", "--name", "x"}, nil, ExitUsage, "--join"},
		{"join an unknown run", []string{"collect", "--join", "999"}, nil, ExitUsage, "no such run"},
		{"no user agent", []string{"collect", "--area", "1"}, map[string]string{"HH_USER_AGENT": ""}, ExitUsage, "User-Agent"},
		{"api base that does not answer", []string{"--db", fresh("x.db"), "--api-base", dead.URL, "collect", "--area", "1"}, nil, ExitError, "--api-base"},
		{"api base answering a web page", []string{"--db", fresh("y.db"), "--api-base", html.URL, "collect", "--area", "1"}, nil, ExitError, "--api-base"},
		{"bad api base URL", []string{"--api-base", "ftp://x", "status"}, nil, ExitUsage, "--api-base"},
		// sync, status
		{"sync an unknown query", []string{"sync", "nope"}, nil, ExitUsage, "no saved query"},
		{"sync every 10s", []string{"sync", "--every", "10s"}, nil, ExitUsage, "--every"},
		{"status of an unknown query", []string{"status", "nope"}, nil, ExitUsage, "no saved query"},
		// stats, report, export
		{"stats by an unknown column", []string{"stats", "--by", "salary"}, nil, ExitUsage, "--by"},
		{"stats since a bad date", []string{"stats", "--since", "yesterday"}, nil, ExitUsage, "--since"},
		{"report into a missing directory", []string{"report", "--out", filepath.Join(work, "missing", "r.html")}, nil, ExitError, "missing"},
		{"export without a format", []string{"export"}, nil, ExitUsage, "--format"},
		{"export to xml", []string{"export", "--format", "xml"}, nil, ExitUsage, "--format"},
		{"export an unknown table", []string{"export", "--format", "csv", "--table", "users"}, nil, ExitUsage, "--table"},
		{"export --excel without csv", []string{"export", "--format", "parquet", "--excel", "--out", fresh("v.parquet")}, nil, ExitUsage, "--excel applies to --format csv"},
		{"export --raw-text without csv", []string{"export", "--format", "jsonl", "--raw-text"}, nil, ExitUsage, "--raw-text applies to --format csv"},
		{"export to an unwritable path", []string{"export", "--format", "csv", "--out", filepath.Join(work, "missing", "v.csv")}, nil, ExitError, "cannot write"},
		// auth
		{"auth app without credentials", []string{"auth", "app", "--force"}, map[string]string{"HH_CLIENT_ID": "", "HH_CLIENT_SECRET": ""}, ExitUsage, "HH_CLIENT_ID"},
		{"login with a non-loopback redirect", []string{"auth", "login", "--no-browser"}, map[string]string{"HH_REDIRECT_URI": "https://example.com/cb"}, ExitUsage, "loopback"},
		// sandbox, demo
		{"sandbox fault rate over 1", []string{"sandbox", "--fault-rate", "2"}, nil, ExitUsage, "--fault-rate"},
		{"sandbox on a bad address", []string{"sandbox", "--addr", "256.0.0.1:1", "--vacancies", "100"}, nil, ExitError, "--addr"},
		{"demo with too few vacancies", []string{"demo", "--vacancies", "5"}, nil, ExitUsage, "--vacancies"},
		{"sandbox with a bad clock", []string{"sandbox", "--clock", "yesterday"}, nil, ExitUsage, "--clock"},
		{"stats --lifetime by an unknown column", []string{"stats", "--lifetime", "--by", "salary"}, nil, ExitUsage, "--by"},
		// databases and files
		{"db path is a directory", []string{"--db", t.TempDir(), "status"}, nil, ExitError, "directory"},
		{"db in a missing directory", []string{"--db", filepath.Join(work, "nope", "h.db"), "status"}, nil, ExitError, "does not exist"},
		{"not an SQLite file", []string{"--db", writeFile(t, "garbage.db", strings.Repeat("not a database ", 300), 0o600), "status"}, nil, ExitError, "not an SQLite database"},
		{"PostgreSQL that does not answer", []string{"--db", "postgres://hh:s3cr3t-pw@127.0.0.1:1/hh?connect_timeout=2", "status"}, nil, ExitError, "127.0.0.1:1"},
		// issue 17: every filter checked before anything is saved or sent
		{"experience not in /dictionaries", []string{"--db", absent("e.db"), "collect", "--area", "1", "--experience", "senior"}, nil, ExitUsage, "--experience \"senior\": want one of noExperience"},
		{"work format not in /dictionaries", []string{"collect", "--area", "1", "--work-format", "office"}, nil, ExitUsage, "--work-format"},
		{"employment form not in /dictionaries", []string{"collect", "--employment-form", "FULLTIME"}, nil, ExitUsage, "--employment-form"},
		{"schedule not in /dictionaries", []string{"collect", "--schedule", "nightly"}, nil, ExitUsage, "--schedule"},
		{"search field not in /dictionaries", []string{"collect", "--search-field", "title"}, nil, ExitUsage, "--search-field"},
		{"currency not in /dictionaries", []string{"collect", "--salary", "1000", "--currency", "XYZ"}, nil, ExitUsage, "--currency"},
		{"label through --param", []string{"collect", "--param", "label=bogus"}, nil, ExitUsage, "--param label=bogus: want one of"},
		{"salary through --param", []string{"collect", "--param", "salary=100k"}, nil, ExitUsage, "--param salary=100k"},
		{"boolean through --param", []string{"collect", "--param", "only_with_salary=yes"}, nil, ExitUsage, "true or false"},
		{"unknown area by name", []string{"--db", absent("a.db"), "collect", "--area", "Моксва"}, nil, ExitUsage, "Москва (1)"},
		{"unknown area id", []string{"collect", "--area", "99999999"}, nil, ExitUsage, "hhjobs areas"},
		{"--rps not a number", []string{"collect", "--rps", "fast"}, nil, ExitUsage, "--rps \"fast\": want auto or a number"},
		{"--salary not a number", []string{"collect", "--salary", "100k"}, nil, ExitUsage, "--salary \"100k\": want a whole amount"},
		{"--concurrency not a number", []string{"sync", "--concurrency", "many"}, nil, ExitUsage, "--concurrency \"many\": want a whole number"},
		{"--every not a duration", []string{"sync", "--every", "daily"}, nil, ExitUsage, "--every \"daily\": want a duration"},
		{"api base without a scheme", []string{"status"}, map[string]string{"HH_API_BASE": "127.0.0.1:8300"}, ExitUsage, "HH_API_BASE \"127.0.0.1:8300\": want an http:// or https:// URL, e.g. http://127.0.0.1:8300"},
		// issue 17: runs and queries
		{"join a done run", []string{"collect", "--join", "1"}, nil, ExitUsage, "only an unfinished run"},
		{"show an unknown query", []string{"query", "show", "nope"}, nil, ExitUsage, "no saved query"},
		{"remove an unknown query", []string{"query", "rm", "nope"}, nil, ExitUsage, "no saved query"},
		{"abandon an unknown query", []string{"query", "abandon", "nope"}, nil, ExitUsage, "no saved query"},
		{"query without a subcommand", []string{"query"}, nil, ExitUsage, "list, show NAME"},
		{"areas matching nothing", []string{"areas", "Zzyzx"}, nil, ExitError, "unknown area"},
		// issue 17: read commands never create a database
		{"stats on a missing database", []string{"--db", absent("s.db"), "stats"}, nil, ExitError, "no database at"},
		{"report on a missing database", []string{"--db", absent("r.db"), "report", "--out", filepath.Join(work, "r.html")}, nil, ExitError, "no database at"},
		{"export on a missing database", []string{"--db", absent("x.db"), "export", "--format", "csv", "--out", "-"}, nil, ExitError, "no database at"},
		{"status on a missing database", []string{"--db", absent("t.db"), "status"}, nil, ExitError, "no database at"},
		{"sync on a missing database", []string{"--db", absent("y.db"), "sync"}, nil, ExitError, "no database at"},
		{"MySQL database", []string{"--db", "mysql://u:pw@host/db", "stats"}, nil, ExitUsage, "unsupported database scheme \"mysql\""},
		{"api base that does not answer, fresh db", []string{"--db", absent("d.db"), "--api-base", dead.URL, "collect", "--area", "1"}, nil, ExitError, "--api-base"},
		{"unknown command", []string{"harvest"}, nil, ExitUsage, "unknown command"},
		{"unknown flag", []string{"collect", "--bogus"}, nil, ExitUsage, "unknown flag"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			code, out, errOut := run(tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, stderr %q; want exit %d with %q", code, errOut, tc.code, tc.want)
			}
			lines := strings.Split(strings.TrimRight(errOut, "\n"), "\n")
			want := 1
			if code == ExitUsage {
				want = 2 // the message, then "Run 'hhjobs --help' for usage."
			}
			if len(lines) != want {
				t.Errorf("stderr has %d lines, want %d: %q", len(lines), want, errOut)
			}
			if out != "" {
				t.Errorf("stdout is not empty on failure: %q", out)
			}
			if strings.Contains(errOut, "s3cr3t-pw") || strings.Contains(errOut, "SANDBOXCLIENTSECRET") {
				t.Errorf("a secret reached stderr: %q", errOut)
			}
			for _, p := range mustNotExist {
				if _, err := os.Stat(p); err == nil {
					t.Errorf("%s was created", p)
				}
			}
		})
	}

	// Files with secrets that others can read, and a config that is not JSON.
	cfgDir := os.Getenv("HHJOBS_CONFIG_DIR")
	tokens := filepath.Join(cfgDir, "tokens.json")
	if err := os.Chmod(tokens, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := run("collect", "--name", "it", "--area", "1", "--role", "96"); code != ExitError || !strings.Contains(errOut, "chmod 600") {
		t.Errorf("world-readable tokens.json: exit %d %q, want 1 saying chmod 600", code, errOut)
	}
	if err := os.Chmod(tokens, 0o600); err != nil {
		t.Fatal(err)
	}
	writeFileAt(t, filepath.Join(cfgDir, "config.json"), "{not json", 0o600)
	if code, _, errOut := run("status"); code != ExitError || !strings.Contains(errOut, "config.json") {
		t.Errorf("broken config.json: exit %d %q, want 1 naming the file", code, errOut)
	}
	os.Remove(filepath.Join(cfgDir, "config.json"))

	// Nothing half-written, nothing lost.
	if after := snapshot(t, run); after != before {
		t.Errorf("collected data changed: before %s, after %s", before, after)
	}
	_ = filepath.WalkDir(work, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", path)
		}
		return nil
	})
}

// snapshot summarises the stored data through `status --json`.
func snapshot(t *testing.T, run func(args ...string) (int, string, string)) string {
	t.Helper()
	code, out, errOut := run("status", "--json")
	if code != 0 {
		t.Fatalf("status: %d %s", code, errOut)
	}
	var st []StatusQuery
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, q := range st {
		fmt.Fprintf(&b, "%s:%d/%d runs %d;", q.Name, q.Vacancies, q.Open, q.Runs)
	}
	return b.String()
}

func writeFile(t *testing.T, name, content string, mode os.FileMode) string {
	t.Helper()
	return writeFileAt(t, filepath.Join(t.TempDir(), name), content, mode)
}

func writeFileAt(t *testing.T, path, content string, mode os.FileMode) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	return path
}
