package cli

import (
	"strconv"
	"strings"
	"testing"
)

// collect --dry-run prints the plan of the whole market and saves nothing:
// no query, no run; --join with it is a usage error.
func TestCollectDryRun(t *testing.T) {
	sb, run := harvestEnv(t)
	if code, _, errOut := run("auth", "app"); code != 0 {
		t.Fatalf("auth app: %d %s", code, errOut)
	}
	code, out, errOut := run("collect", "--preset", "all", "--area", "113", "--name", "market", "--dry-run", "--rps", "4")
	if code != 0 {
		t.Fatalf("dry run: exit %d: %s", code, errOut)
	}
	truth := sb.Truth(map[string][]string{"area": {"113"}})
	for _, want := range []string{`plan of "market" (area=113)`, "found", "search requests", "at --rps 4", "nothing saved"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(out, " "+strconv.Itoa(len(truth))+"\n") {
		t.Errorf("dry run found is not the truth %d:\n%s", len(truth), out)
	}
	code, out, _ = run("status", "--json")
	if code != 0 || strings.Contains(out, "market") {
		t.Errorf("dry run saved a query: %s", out)
	}
	if code, _, errOut := run("collect", "--join", "1", "--dry-run"); code != ExitUsage || !strings.Contains(errOut, "--dry-run") {
		t.Errorf("--join --dry-run: exit %d %q, want 2 naming --dry-run", code, errOut)
	}
	if code, _, errOut := run("collect", "--preset", "nope", "--dry-run"); code != ExitUsage || !strings.Contains(errOut, "--preset") {
		t.Errorf("bad preset: exit %d %q", code, errOut)
	}
}
