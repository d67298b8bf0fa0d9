package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/sandbox"
)

// harvestEnv points the environment at a sandbox with data and returns a runner.
func harvestEnv(t *testing.T) (sb *sandbox.Server, run func(args ...string) (code int, stdout, stderr string)) {
	t.Helper()
	sb, err := sandbox.New(sandbox.Config{Seed: 2, Vacancies: 1500, NoHardCells: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	t.Setenv("HHJOBS_CONFIG_DIR", filepath.Join(dir, "config"))
	t.Setenv("HHJOBS_DB", filepath.Join(dir, "hh.db"))
	t.Setenv("HH_API_BASE", srv.URL)
	t.Setenv("HH_OAUTH_BASE", srv.URL)
	t.Setenv("HH_USER_AGENT", "hhjobs-test/1.0 (test@example.com)")
	t.Setenv("HH_CLIENT_ID", sandbox.DefaultClientID)
	t.Setenv("HH_CLIENT_SECRET", sandbox.DefaultClientSecret)
	t.Setenv("HH_REDIRECT_URI", "")
	run = func(args ...string) (int, string, string) {
		ios, _, out, errOut := TestStreams()
		code := Main(context.Background(), args, ios)
		return code, out.String(), errOut.String()
	}
	return sb, run
}

func TestCollectSyncStatus(t *testing.T) {
	sb, run := harvestEnv(t)
	if code, _, errOut := run("collect", "--area", "113", "--rps", "0"); code != ExitError || !strings.Contains(errOut, "hhjobs auth app") {
		t.Fatalf("collect without a token: exit %d, %q; want 1 and a hint to run 'hhjobs auth app'", code, errOut)
	}
	if code, _, errOut := run("auth", "app"); code != 0 {
		t.Fatalf("auth app: %d %s", code, errOut)
	}
	code, _, errOut := run("collect", "--name", "ru-it", "--area", "113", "--role", "96,124", "--rps", "0")
	if code != 0 {
		t.Fatalf("collect: exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "run 1 done") {
		t.Errorf("collect summary missing: %s", errOut)
	}
	code, out, errOut := run("status", "--json")
	if code != 0 {
		t.Fatalf("status: %d %s", code, errOut)
	}
	var st []StatusQuery
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("status --json is not JSON: %v\n%s", err, out)
	}
	truth := sb.Truth(map[string][]string{"area": {"113"}, "professional_role": {"96", "124"}})
	if len(st) != 1 || st[0].Name != "ru-it" || st[0].Open != len(truth) || st[0].LastRun == nil || st[0].LastRun.Status != "done" {
		t.Fatalf("status = %+v, want ru-it with %d open vacancies and a done run", st, len(truth))
	}
	if st[0].LastRun.Found != len(truth) || st[0].LastRun.Counters.New != int64(len(truth)) {
		t.Errorf("last run found %d new %d, want %d", st[0].LastRun.Found, st[0].LastRun.Counters.New, len(truth))
	}

	// Same name, other filters: refused unless --replace.
	if code, _, errOut := run("collect", "--name", "ru-it", "--area", "1", "--rps", "0"); code != ExitUsage || !strings.Contains(errOut, "--replace") {
		t.Errorf("collect with changed filters: exit %d %q, want 2 mentioning --replace", code, errOut)
	}
	// Sync: nothing changed, so nothing new.
	if code, _, errOut := run("sync", "ru-it", "--rps", "0"); code != 0 || !strings.Contains(errOut, "0 new") {
		t.Errorf("sync: exit %d: %s", code, errOut)
	}
	code, out, _ = run("status")
	if code != 0 || !strings.Contains(out, "ru-it") || !strings.Contains(out, "QUERY") {
		t.Errorf("status table: %d\n%s", code, out)
	}
}

func TestSandboxCommandFirstLine(t *testing.T) {
	ios, _, _, _ := TestStreams()
	pr, pw := io.Pipe()
	ios.Out = pw
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- Main(ctx, []string{"sandbox", "--addr", "127.0.0.1:0", "--vacancies", "200"}, ios) }()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(line, "listening http://127.0.0.1:") {
		t.Errorf("first stdout line %q, want 'listening http://127.0.0.1:PORT'", line)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("sandbox exited %d after interrupt", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sandbox did not stop on interrupt")
	}
}
