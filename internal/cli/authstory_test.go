package cli

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/auth"
	"github.com/hhjobs/hhjobs/internal/sandbox"
)

// TestAuthOneStory: hh.ru stops accepting the stored application token (it
// was re-issued elsewhere, which revokes it). auth status and the collect
// that stops on it give the same advice, 'auth app --force' follows it
// (asking hh.ru first, it re-issues), and the next collect resumes.
func TestAuthOneStory(t *testing.T) {
	sb, err := sandbox.New(sandbox.Config{Seed: 3, Vacancies: 800, NoHardCells: true, AppTokenMinInterval: time.Nanosecond})
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
	run := func(args ...string) (int, string) {
		ios, _, _, errOut := TestStreams()
		return Main(context.Background(), args, ios), errOut.String()
	}
	lastLine := func(s string) string {
		lines := strings.Split(strings.TrimSpace(s), "\n")
		return lines[len(lines)-1]
	}
	if code, errOut := run("auth", "app"); code != 0 {
		t.Fatalf("auth app: %s", errOut)
	}
	if code, errOut := run("collect", "--name", "q", "--area", "113", "--rps", "0"); code != 0 {
		t.Fatalf("first collect: %s", errOut)
	}
	// Re-issued elsewhere: hh.ru revokes the stored one.
	if code, errOut := run("--config-dir", filepath.Join(dir, "elsewhere"), "auth", "app"); code != 0 {
		t.Fatalf("auth app elsewhere: %s", errOut)
	}
	advice := auth.ErrAppTokenInvalid.Error()

	code, status := run("auth", "status")
	if code != 0 || !strings.Contains(status, advice) {
		t.Errorf("auth status: exit %d, want the advice %q:\n%s", code, advice, status)
	}
	code, errOut := run("sync", "q", "--rps", "0")
	last := lastLine(errOut)
	if code != ExitError || !strings.Contains(last, "stopped") || !strings.Contains(last, advice) {
		t.Errorf("sync on a rejected token: exit %d, final line %q; want it stopped with %q", code, last, advice)
	}
	if strings.Contains(errOut, "still works") {
		t.Errorf("collect contradicts auth status:\n%s", errOut)
	}

	code, errOut = run("auth", "app", "--force")
	if code != 0 || !strings.Contains(errOut, "obtained and saved") {
		t.Fatalf("auth app --force after hh.ru rejected the token: exit %d\n%s", code, errOut)
	}
	if code, status = run("auth", "status"); code != 0 || strings.Contains(status, "rejected") {
		t.Errorf("auth status after re-issue: exit %d\n%s", code, status)
	}
	code, errOut = run("sync", "q", "--rps", "0")
	if code != 0 || !strings.Contains(errOut, "run 2 resumed") || !strings.Contains(errOut, "run 2 done") {
		t.Errorf("sync after the re-issue: exit %d, want run 2 resumed and done:\n%s", code, errOut)
	}
}
