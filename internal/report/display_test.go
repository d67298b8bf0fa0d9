package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/browsertest"
	"github.com/hhjobs/hhjobs/internal/safetext"
	"github.com/hhjobs/hhjobs/internal/store"
)

func TestDisplayLabel(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Москва", fsi + "Москва" + pdi},
		{"ООО \u202eабв 123\u202c", fsi + "ООО абв 123" + pdi},
		{strings.Repeat("я", 100), fsi + strings.Repeat("я", safetext.DisplayLimit-1) + "…" + pdi},
	} {
		if got := displayLabel(c.in); got != c.want {
			t.Errorf("displayLabel(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := short(displayLabel(strings.Repeat("я", 50)), 27); !strings.HasSuffix(got, "…"+pdi) {
		t.Errorf("short lost the closing isolate: %q", got)
	}
}

// hostileVacancies are vacancies whose texts are attacks on the reader of
// the report: a 5 MB employer name, a 20,000-character title and role, a
// right-to-left override next to figures, markup and zero-width characters.
func hostileVacancies(now time.Time) []store.Vacancy {
	huge := strings.Repeat("Ж", 5<<20/2) // 5 MB of two-byte runes
	long := strings.Repeat("W", 20000)
	var vs []store.Vacancy
	for i, name := range []string{huge, long, "Рога \u202eи копыта 1234\u202c", `<img src=x onerror="window.pwned=1">`, "Zero\u200bWidth\u200dCo"} {
		for j := range 6 {
			from := int64(80000 + 10000*j + 1000*i)
			v := store.Vacancy{ID: string(rune('a'+i)) + string(rune('0'+j)), Name: name, EmployerID: string(rune('a' + i)), EmployerName: name,
				AreaID: "1", AreaName: name, Roles: []store.IDName{{ID: "118", Name: name}}, SalaryFrom: &from, SalaryCurrency: "RUR",
				PublishedAt: now.Add(-time.Duration(i*24+j) * time.Hour), FirstSeenAt: now, LastSeenAt: now, KeySkills: []string{name, "Go"}, DetailFetchedAt: &now}
			vs = append(vs, v)
		}
	}
	return vs
}

func renderHostile(t *testing.T) (string, uint64) {
	t.Helper()
	now := time.Date(2025, 6, 2, 10, 0, 0, 0, analytics.MSK)
	res, err := analytics.Compute(context.Background(), &fakeStore{vs: hostileVacancies(now)}, analytics.Config{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if err := Render(&buf, res, Meta{}); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	return buf.String(), after.TotalAlloc - before.TotalAlloc
}

// TestRenderBoundsHostileLabels: the report of hostile names is small, holds
// no run of a name longer than the display limit and no bidi override, and
// rendering it allocates a few MB, not gigabytes.
func TestRenderBoundsHostileLabels(t *testing.T) {
	out, alloc := renderHostile(t)
	t.Logf("report %d KiB, Render allocated %d MiB", len(out)>>10, alloc>>20)
	if alloc > 64<<20 {
		t.Errorf("Render allocated %d MiB for one absurd name", alloc>>20)
	}
	if len(out) > 2<<20 {
		t.Errorf("report is %d bytes", len(out))
	}
	for _, re := range []string{`Ж{81,}`, `W{81,}`} {
		if m := regexp.MustCompile(re).FindString(out); m != "" {
			t.Errorf("a label of %d runes in the report", len([]rune(m)))
		}
	}
	if strings.ContainsAny(out, "\u202e\u202c") {
		t.Error("bidi override reached the report")
	}
	if !strings.Contains(out, fsi+"Рога и копыта 1234"+pdi) {
		t.Error("the label is not isolated")
	}
	if strings.Contains(out, "<img src=x") {
		t.Error("markup not escaped")
	}
}

// TestHostileReportInChromium: the hostile report runs no script from the
// data and is no wider than the window.
func TestHostileReportInChromium(t *testing.T) {
	browsertest.Require(t)
	out, _ := renderHostile(t)
	path := filepath.Join(t.TempDir(), "hostile.html")
	if err := os.WriteFile(path, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	pwned, width, err := openInChromium(t, path)
	if err != nil {
		t.Fatal(err)
	}
	if pwned {
		t.Error("a script from the data ran")
	}
	if width > 1400 {
		t.Errorf("page is %d px wide in a 1400 px window", width)
	}
}

// openInChromium loads path and reports whether window.pwned was set and
// the document's scroll width.
func openInChromium(t *testing.T, path string) (pwned bool, width int, err error) {
	ctx := browsertest.New(t, browsertest.Options{}).Ctx
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+path), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		return false, 0, err
	}
	time.Sleep(200 * time.Millisecond) // let any onerror handler fire
	if pwned, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`window.pwned===1`)); err != nil {
		return false, 0, err
	}
	width, err = chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	return pwned, width, err
}
