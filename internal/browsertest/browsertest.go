// Package browsertest is the one headless-Chromium set-up of the browser
// tests (report, web, cli): the same flags, a private profile, a deadline and
// the page's console captured. It imports testing: _test.go files only.
package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Chromium is where Debian's chromium package puts the browser.
const Chromium = "/usr/bin/chromium"

// ScreenshotDirEnv names a directory screenshots are copied to (for a look).
const ScreenshotDirEnv = "HHJOBS_SCREENSHOT_DIR"

// Options shape the browser; zero fields take the defaults.
type Options struct {
	Width, Height int           // window size (default 1400×1000)
	Timeout       time.Duration // for the whole test (default 60 s)
	// Warnings counts console warnings as problems too (the report has
	// none; the dashboard's fetches may warn).
	Warnings bool
}

// Browser is a started headless Chromium; Ctx drives it (chromedp.Do/Run).
type Browser struct {
	Ctx context.Context

	mu       sync.Mutex
	problems []string
}

// Require skips t when Chromium is not installed or in -short mode: call it
// before costly set-up (New calls it too).
func Require(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(Chromium); err != nil {
		t.Skip("no Chromium at " + Chromium + " (apt-get install -y chromium)")
	}
	if testing.Short() {
		t.Skip("browser test in -short mode")
	}
}

// New starts Chromium (after Require), subscribes to its console and stops
// it when t ends. Options.Timeout runs from here.
func New(t testing.TB, o Options) *Browser {
	t.Helper()
	Require(t)
	if o.Width == 0 || o.Height == 0 {
		o.Width, o.Height = 1400, 1000
	}
	if o.Timeout == 0 {
		o.Timeout = 60 * time.Second
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(Chromium), chromedp.NoSandbox, chromedp.DisableGPU,
		// No traffic of its own: the test's requests are the only ones.
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(o.Width, o.Height),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, o.Timeout)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	b := &Browser{Ctx: ctx}
	// Start the browser, then subscribe to the console before any page loads.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == "error" || m.Type == "assert" || o.Warnings && m.Type == "warning" {
				b.mu.Lock()
				b.problems = append(b.problems, m.String())
				b.mu.Unlock()
			}
		}
	}()
	return b
}

// Problems returns the console errors (and exceptions) seen so far.
func (b *Browser) Problems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.problems...)
}

// Expect waits up to d for a problem containing sub and takes it off the
// list: a test proves the console capture works by throwing on purpose.
func (b *Browser) Expect(sub string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		b.mu.Lock()
		for i, p := range b.problems {
			if strings.Contains(p, sub) {
				b.problems = append(b.problems[:i], b.problems[i+1:]...)
				b.mu.Unlock()
				return true
			}
		}
		b.mu.Unlock()
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// CheckConsole fails t for every console problem seen.
func (b *Browser) CheckConsole(t testing.TB) {
	t.Helper()
	if p := b.Problems(); len(p) > 0 {
		t.Errorf("console errors: %q", p)
	}
}

// SaveShot writes a screenshot into t's temporary directory and, when
// $HHJOBS_SCREENSHOT_DIR is set, there too.
func SaveShot(t testing.TB, name string, png []byte) {
	t.Helper()
	dirs := []string{t.TempDir()}
	if dir := os.Getenv(ScreenshotDirEnv); dir != "" {
		dirs = append(dirs, dir)
	}
	for _, dir := range dirs {
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
