package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --rps auto is the default: a collect adapts, then remembers the rate it
// settled at for this API base in rates.json (0600); a corrupt file is
// ignored with a debug line.
func TestRPSAutoRemembered(t *testing.T) {
	_, run := harvestEnv(t)
	if code, _, errOut := run("auth", "app"); code != 0 {
		t.Fatalf("auth app: %d %s", code, errOut)
	}
	path := filepath.Join(os.Getenv("HHJOBS_CONFIG_DIR"), RatesFile)
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run("--debug", "collect", "--name", "it", "--area", "113", "--role", "96", "--details", "all")
	if code != 0 {
		t.Fatalf("collect: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"remembered rates ignored: corrupt file", "adaptive rate", "adaptive rate remembered"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("debug output lacks %q: %s", want, tail(errOut))
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s mode %v, want 0600", path, fi.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	var m map[string]rateEntry
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("rates.json: %v: %s", err, b)
	}
	e, ok := m[os.Getenv("HH_API_BASE")]
	if !ok || e.RPS <= 4 {
		t.Fatalf("rates.json = %s; want the sandbox base with a rate raised above the start of 4", b)
	}
	// The next run starts from the remembered rate.
	code, _, errOut = run("--debug", "sync", "it", "--details", "none")
	if code != 0 {
		t.Fatalf("sync: exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "remembered=true") {
		t.Errorf("sync did not start from the remembered rate: %s", errOut)
	}
}

func tail(s string) string {
	if len(s) > 1500 {
		return s[len(s)-1500:]
	}
	return s
}
