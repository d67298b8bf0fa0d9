package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"maps"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/term"

	"github.com/hhjobs/hhjobs/internal/browsertest"
	"github.com/hhjobs/hhjobs/internal/export"
	"github.com/hhjobs/hhjobs/internal/sandbox"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

// sandboxEnv points the environment at a sandbox built from cfg and returns
// the database path and a runner of hhjobs commands.
func sandboxEnv(t *testing.T, cfg sandbox.Config) (sb *sandbox.Server, db string, run func(args ...string) (int, string, string)) {
	t.Helper()
	sb, err := sandbox.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	db = filepath.Join(dir, "hh.db")
	t.Setenv("HHJOBS_CONFIG_DIR", filepath.Join(dir, "config"))
	t.Setenv("HHJOBS_DB", db)
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
	return sb, db, run
}

// peakHeap runs fn while sampling the heap and returns the peak HeapAlloc
// above the heap before fn (after a GC).
func peakHeap(fn func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	if peak.Load() < base {
		return 0
	}
	return peak.Load() - base
}

// onTerminal runs hhjobs with stdout and stderr on a pseudo-terminal (or,
// where none can be opened, on buffers with the terminal flag forced) and
// returns the exit code and everything the terminal received.
func onTerminal(t *testing.T, args ...string) (int, []byte) {
	t.Helper()
	ptm, tty, err := openPTY()
	if err != nil {
		t.Logf("no pty (%v): forcing the terminal flag on buffers", err)
		ios, _, out, errOut := TestStreams()
		ios.SetTTY(true, true, false)
		code := Main(context.Background(), args, ios)
		return code, append(out.Bytes(), errOut.Bytes()...)
	}
	defer ptm.Close()
	var got bytes.Buffer
	done := make(chan struct{})
	go func() { io.Copy(&got, ptm); close(done) }() // ends with EIO once tty is closed
	ios := &IOStreams{In: strings.NewReader(""), Out: tty, Err: tty,
		outTTY: term.IsTerminal(int(tty.Fd())), errTTY: term.IsTerminal(int(tty.Fd()))}
	if !ios.outTTY {
		t.Fatal("the pty is not a terminal")
	}
	code := Main(context.Background(), args, ios)
	tty.Close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("pty reader did not finish")
	}
	return code, got.Bytes()
}

// TestHostileData pushes the sandbox's hostile mode through collect → sync
// → stats (on a pty) → status → report (in Chromium) → every export, and
// checks each defence of docs/security.md.
func TestHostileData(t *testing.T) {
	if testing.Short() {
		t.Skip("hostile suite in -short mode")
	}
	const vacancies = 1500
	// The cost of a normal collect of the same data, for the memory check.
	_, _, runN := sandboxEnv(t, sandbox.Config{Seed: 5, Vacancies: vacancies, NoHardCells: true})
	if code, _, e := runN("auth", "app"); code != 0 {
		t.Fatal(e)
	}
	var codeN int
	var errN string
	normal := peakHeap(func() { codeN, _, errN = runN("collect", "--name", "h", "--area", "113", "--rps", "0") })
	if codeN != 0 {
		t.Fatalf("normal collect: %d %s", codeN, errN)
	}

	sb, db, run := sandboxEnv(t, sandbox.Config{Seed: 5, Vacancies: vacancies, NoHardCells: true, Hostile: true, HostileStall: 2 * time.Second})
	ids := sb.HostileIDs()

	t.Run("token error line", func(t *testing.T) {
		t.Setenv("HH_CLIENT_SECRET", sandbox.HostileTokenSecret)
		code, out := onTerminal(t, "auth", "app")
		if code != ExitError || bytes.IndexByte(out, 0x1b) >= 0 || !bytes.Contains(out, []byte(`\x1b]0;pwned`)) {
			t.Errorf("auth app with escapes in the token error: exit %d, terminal got %.2000q", code, out)
		}
	})
	if code, _, e := run("auth", "app"); code != 0 {
		t.Fatal(e)
	}

	var code int
	var errOut string
	hostile := peakHeap(func() { code, _, errOut = run("collect", "--name", "h", "--area", "113", "--rps", "0") })
	t.Logf("collect: exit %d\n%s", code, errOut)
	t.Logf("peak heap above the start: normal collect %d MiB, hostile collect %d MiB", normal>>20, hostile>>20)
	if hostile > normal+100<<20 {
		t.Errorf("the hostile collect cost %d MiB more heap than the normal one, want < 100 MiB", (hostile-normal)>>20)
	}
	if code != ExitError || !strings.Contains(errOut, "limit for a full vacancy") {
		t.Errorf("collect: exit %d, want 1 naming the size limit: %s", code, errOut)
	}
	if strings.IndexByte(errOut, 0x1b) >= 0 {
		t.Errorf("ESC in collect's stderr: %.2000q", errOut)
	}
	checkStored(t, sb, db, ids)
	t.Logf("sync: %v", func() string { _, _, e := run("sync", "h", "--rps", "0"); return e }())

	for _, by := range []string{"employer", "area", "role", "employer,area"} {
		code, out := onTerminal(t, "stats", "--by", by)
		if code != 0 || bytes.IndexByte(out, 0x1b) >= 0 || bytes.ContainsAny(out, "\u009b\u202e") {
			t.Errorf("stats --by %s on a terminal: exit %d, controls in %.2000q", by, code, out)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if n := len([]rune(line)); n > 400 {
				t.Errorf("stats --by %s: a line of %d runes", by, n)
			}
		}
	}
	if code, out := onTerminal(t, "status", "--slices"); bytes.IndexByte(out, 0x1b) >= 0 {
		t.Errorf("status on a terminal: exit %d, ESC in %.2000q", code, out)
	}
	// Not on a terminal, stats writes CSV: neutralised.
	code, out, e := run("stats", "--by", "employer")
	if code != 0 {
		t.Fatal(e)
	}
	checkCSV(t, "stats", []byte(out), ',', 2)
	code, out, e = run("stats", "--by", "employer", "--excel")
	if code != 0 || !strings.HasPrefix(out, "\uFEFF") {
		t.Fatalf("stats --excel: %d %.200q %s", code, out, e)
	}
	recs := checkCSV(t, "stats --excel", []byte(out), ';', 2)
	if share := recs[1][5]; recs[0][5] != "disclosure_share" || !strings.Contains(share, ",") {
		t.Errorf("stats --excel: disclosure_share %q, want a decimal comma", share)
	}

	// Reports and exports, created under umask 077: private files.
	dir := t.TempDir()
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	report := filepath.Join(dir, "report.html")
	if code, _, e := run("report", "--out", report); code != 0 {
		t.Fatalf("report: %s", e)
	}
	files := map[string][]string{
		"v.csv":     {"--format", "csv"},
		"s.csv":     {"--format", "csv", "--table", "skills"},
		"x.csv":     {"--format", "csv", "--excel"},
		"raw.csv":   {"--format", "csv", "--raw-text"},
		"v.jsonl":   {"--format", "jsonl"},
		"v.parquet": {"--format", "parquet"},
	}
	for name, args := range files {
		if code, _, e := run(append([]string{"export", "--out", filepath.Join(dir, name)}, args...)...); code != 0 {
			t.Fatalf("export %v: %s", args, e)
		}
	}
	syscall.Umask(old)
	for _, name := range append(slices.Collect(maps.Keys(files)), "report.html") {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s under umask 077: %v %v, want 0600", name, fi.Mode(), err)
		}
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	nums := []int{13, 14, 19} // salary_from, salary_to, salary_monthly_rur
	vrecs := checkCSV(t, "export csv", read("v.csv"), ',', -1, nums...)
	checkCSV(t, "export skills", read("s.csv"), ',', -1)
	checkCSV(t, "export --excel", read("x.csv"), ';', -1, nums...)
	// The quote is the only change, and only where needed.
	names := map[string]bool{}
	for _, r := range vrecs[1:] {
		names[r[1]] = true
	}
	for _, p := range sandbox.HostilePayloads {
		if !names[export.Neutralise(p)] {
			t.Errorf("title %q missing from the CSV (as %q)", p, export.Neutralise(p))
		}
	}
	// --raw-text keeps the payloads: the check above can fail.
	raw := string(read("raw.csv"))
	if !strings.Contains(raw, "\n=1+1,") && !strings.Contains(raw, ",=1+1,") {
		t.Errorf("--raw-text did not keep =1+1")
	}
	// JSONL keeps the full text: every payload and the megabyte title.
	jl := read("v.jsonl")
	found := 0
	for line := range bytes.Lines(jl) {
		var v struct{ ID, Name string }
		if err := json.Unmarshal(line, &v); err != nil {
			t.Fatal(err)
		}
		if i := slices.Index(ids.Payload, v.ID); i >= 0 {
			if i < len(sandbox.HostilePayloads) && v.Name != sandbox.HostilePayloads[i] {
				t.Errorf("jsonl: %s name %.80q", v.ID, v.Name)
			}
			if i == len(sandbox.HostilePayloads) && len(v.Name) < 1<<20-64 {
				t.Errorf("jsonl: the megabyte title is %d bytes", len(v.Name))
			}
			found++
		}
	}
	if found != len(ids.Payload) {
		t.Errorf("jsonl: %d of %d hostile vacancies", found, len(ids.Payload))
	}
	// An endless search page fails its query with the reason, and stores nothing.
	t.Run("endless search page", func(t *testing.T) {
		var code int
		var e string
		extra := peakHeap(func() { code, _, e = run("collect", "--name", "endless", "--text", "hostile-endless", "--rps", "0") })
		t.Logf("collect --text hostile-endless: exit %d, %d MiB peak heap: %.600s", code, extra>>20, e)
		if code != ExitError || !strings.Contains(e, "limit for a search page") || extra > 100<<20 {
			t.Errorf("exit %d, %d MiB: %.600s", code, extra>>20, e)
		}
		code, out, _ := run("status", "--json")
		if code != 0 || !strings.Contains(out, "1373") && !strings.Contains(out, `"name": "h"`) {
			t.Errorf("status after the failed query: %d %.600s", code, out)
		}
	})
	t.Run("report in Chromium", func(t *testing.T) {
		hostileReportInChromium(t, report)
	})
	t.Run("LibreOffice", func(t *testing.T) {
		libreOfficeComputesNothing(t, filepath.Join(dir, "v.csv"), filepath.Join(dir, "raw.csv"))
	})
}

// checkStored: every vacancy of the truth is stored, with the full hostile
// text in the store; only the broken full vacancies lack details.
func checkStored(t *testing.T, sb *sandbox.Server, db string, ids sandbox.HostileIDs) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got := map[string]store.Vacancy{}
	err = st.EachVacancy(ctx, store.Filter{Raw: true}, func(v store.Vacancy) error { got[v.ID] = v; return nil })
	if err != nil {
		t.Fatal(err)
	}
	truth := sb.Truth(map[string][]string{"area": {"113"}})
	for _, id := range truth {
		if _, ok := got[id]; !ok {
			t.Errorf("vacancy %s not stored", id)
		}
	}
	for i, id := range ids.Payload {
		v := got[id]
		if v.DetailFetchedAt == nil {
			t.Errorf("payload vacancy %s: no details", id)
		}
		if i < len(sandbox.HostilePayloads) {
			p := sandbox.HostilePayloads[i]
			if v.Name != p || v.EmployerName != p || v.AreaName != p || !slices.Contains(v.KeySkills, p) {
				t.Errorf("vacancy %s: stored %.80q / %.80q / %.80q / %.200q, want the payload %q", id, v.Name, v.EmployerName, v.AreaName, v.KeySkills, p)
			}
		}
	}
	for _, id := range []string{ids.Huge, ids.Endless, ids.ErrorBody} {
		if v, ok := got[id]; !ok || v.DetailFetchedAt != nil {
			t.Errorf("broken vacancy %s: stored %v, details %v", id, ok, v.DetailFetchedAt)
		}
	}
	if v := got[ids.Stalled]; v.DetailFetchedAt == nil {
		t.Errorf("the stalled (but complete) vacancy %s has no details", ids.Stalled)
	}
	t.Logf("stored %d vacancies (truth %d)", len(got), len(truth))
}

// checkCSV: no text cell a spreadsheet would evaluate. Number columns
// (from index firstNum on, and nums) are exempt: they hold numbers.
func checkCSV(t *testing.T, name string, b []byte, comma rune, firstNum int, nums ...int) [][]string {
	t.Helper()
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma = comma
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, rec := range recs {
		for j, c := range rec {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) && (firstNum < 0 || j < firstNum) && !slices.Contains(nums, j) {
				t.Errorf("%s: cell %.80q would be evaluated", name, c)
			}
		}
	}
	return recs
}

// hostileReportInChromium: the report of hostile data runs no script from
// it and is no wider than the window.
func hostileReportInChromium(t *testing.T, path string) {
	ctx := browsertest.New(t, browsertest.Options{}).Ctx
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+path), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // let any onerror handler fire
	pwned, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.pwned===1`))
	if err != nil || pwned {
		t.Errorf("a script from the data ran: %v %v", pwned, err)
	}
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || width > 1400 {
		t.Errorf("report is %d px wide in a 1400 px window (%v)", width, err)
	}
	// The employer payloads are in the page as text.
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil || !strings.Contains(text, `<script>window.pwned=1</script>`) {
		t.Errorf("payload text not shown as text (%v)", err)
	}
}

// libreOfficeComputesNothing converts the exported CSV with Debian's
// LibreOffice (where installed) and checks that every title comes back as
// the text that went in; the raw CSV shows that Calc would compute it.
func libreOfficeComputesNothing(t *testing.T, safe, raw string) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("no LibreOffice (apt-get install -y libreoffice-calc-nogui)")
	}
	convert := func(in string) [][]string {
		out := t.TempDir()
		cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+t.TempDir(), "--infilter=CSV:44,34,76,1",
			"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false", "--outdir", out, in)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("soffice: %v\n%s", err, b)
		}
		f, err := os.Open(filepath.Join(out, filepath.Base(in)))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		r := csv.NewReader(f)
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	titles := func(path string) map[string]bool {
		b, _ := os.ReadFile(path)
		recs, _ := csv.NewReader(bytes.NewReader(b)).ReadAll()
		m := map[string]bool{}
		for _, r := range recs[1:] {
			m[r[1]] = true
		}
		return m
	}
	in := titles(safe)
	for _, r := range convert(safe)[1:] {
		// Calc cuts a cell at 32,767 characters (the 1 MB title).
		if len(r) > 1 && len(r[1]) < 32000 && !in[r[1]] && !in[strings.ReplaceAll(r[1], "\n", "\r")] {
			t.Errorf("LibreOffice turned a title into %.80q", r[1])
		}
	}
	computed := 0
	for _, r := range convert(raw)[1:] {
		if len(r) > 1 && (r[1] == "2" || r[1] == "0" || r[1] == "Apply") {
			computed++
		}
	}
	if computed == 0 {
		t.Error("LibreOffice computed nothing even from the raw CSV: the check cannot fail")
	}
	t.Logf("LibreOffice computed %d raw titles and none of the neutralised ones", computed)
}
