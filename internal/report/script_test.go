package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

// TestScriptIsTheReportsScript: the script the dashboard serves is the one
// a rendered report holds inline, byte for byte.
func TestScriptIsTheReportsScript(t *testing.T) {
	var b bytes.Buffer
	if err := Render(&b, &analytics.Result{}, Meta{}); err != nil {
		t.Fatal(err)
	}
	js := Script()
	if !strings.Contains(b.String(), "<script>"+js+"</script>") || !strings.Contains(js, "aria-pressed") || !strings.Contains(js, "data-tip") {
		t.Errorf("Script() is not the report's inline script (%d bytes)", len(js))
	}
}
