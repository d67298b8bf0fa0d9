package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

// TestStatusSlicesShowWhy: the planner's notes moved from a slice's params
// into store.Slice.Plan, but status --slices still shows why a slice exists
// as its _why parameter (README), in the text and the JSON form.
func TestStatusSlicesShowWhy(t *testing.T) {
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
	r, err := s.CreateRun(ctx, store.Run{QueryID: q.ID, Status: store.RunDone, StartedAt: time.Now(), UpperBound: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddSlices(ctx, r.ID, []store.Slice{{State: store.SliceDone, Found: 7,
		Params: map[string][]string{"area": {"1"}}, Plan: store.SlicePlan{Why: "area: found 9 > 5; 2 areas listed"}}}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// Compared without white space: the JSON is indented.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"status", "--slices"}, "_why=area%3A+found+9+%3E+5%3B+2+areas+listed&area=1"},
		{[]string{"status", "--json"}, `"_why":["area:found9\u003e5;2areaslisted"],"area":["1"]`},
	} {
		ios, _, out, errOut := TestStreams()
		code := Main(ctx, tc.args, ios)
		if got := strings.Join(strings.Fields(out.String()), ""); code != 0 || !strings.Contains(got, tc.want) {
			t.Errorf("%v: exit %d, want %s in:\n%s%s", tc.args, code, tc.want, out, errOut)
		}
	}
}
