package web_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hhjobs/hhjobs/internal/browsertest"
)

func digits(s string) int {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	n, _ := strconv.Atoi(b.String())
	return n
}

// TestDashboardInChromium opens the dashboard in headless Chromium, changes
// a filter in the form, checks that the figures shown are /api/stats's for
// the same URL, goes back, finds no console error (a CSP violation is one),
// and screenshots 1280×800 and 390×844 (copied to $HHJOBS_SCREENSHOT_DIR).
func TestDashboardInChromium(t *testing.T) {
	browsertest.Require(t)
	st := filled(t, 2000)
	_, hs := newServer(t, st)
	b := browsertest.New(t, browsertest.Options{Width: 1280, Height: 800, Timeout: 90 * time.Second})
	ctx := b.Ctx

	// shown reads the page's figures: vacancies and the salary base n.
	shown := func() (vac, n int) {
		t.Helper()
		kpis, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".kpi")).slice(0,3).map(function(k){return k.querySelector(".v").textContent+"|"+k.querySelector(".s").textContent})`))
		if err != nil || len(kpis) < 3 {
			t.Fatalf("kpis %v %v", kpis, err)
		}
		vac = digits(strings.Split(kpis[0], "|")[0])
		sub := strings.Split(kpis[2], "|")[1] // "n = 1 129, до вычета…"
		n = digits(strings.Split(sub, ",")[0])
		return vac, n
	}
	// api returns /api/stats's figures for the page's own URL.
	api := func() (vac, n int) {
		t.Helper()
		loc, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(loc)
		v := u.Query()
		v.Set("by", "role")
		_, body := get(t, hs.URL+"/api/stats?"+v.Encode())
		var js struct {
			Total struct {
				Vacancies int
				Salary    struct{ N int }
			}
		}
		if err := json.Unmarshal([]byte(body), &js); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		return js.Total.Vacancies, js.Total.Salary.N
	}
	waitURL := func(has string, want bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); ; {
			tctx, c := context.WithTimeout(ctx, 2*time.Second)
			loc, err := chromedp.Run(tctx, chromedp.Evaluate[string](`document.readyState === "complete" && document.querySelector("footer") ? location.href : ""`))
			c()
			if err == nil && loc != "" && strings.Contains(loc, has) == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("URL %q: waiting for %q = %v", loc, has, want)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(hs.URL+"/"), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}
	allVac, allN := shown()
	if v, n := api(); v != allVac || n != allN || allVac != 2000 {
		t.Errorf("overview shows %d vacancies (n %d), /api/stats %d (n %d)", allVac, allN, v, n)
	}
	// Change a filter from the keyboard: focus the select, pick the next
	// option (a change event, as the arrow keys give), the form applies it.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(function(){var s=document.querySelector("select[name=experience]");s.focus();s.selectedIndex=3;s.dispatchEvent(new Event("change",{bubbles:true}));})()`)); err != nil {
		t.Fatal(err)
	}
	waitURL("experience=between3And6", true)
	vac, n := shown()
	if av, an := api(); vac != av || n != an || vac == 0 || vac >= allVac {
		t.Errorf("filtered overview shows %d (n %d), /api/stats %d (n %d)", vac, n, av, an)
	}
	// A second filter, then back twice: each step shows its own figures.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(function(){var c=document.querySelector("input[name=open]");c.click();})()`)); err != nil {
		t.Fatal(err)
	}
	waitURL("open=true", true)
	if v2, n2 := shown(); func() bool { av, an := api(); return v2 != av || n2 != an }() {
		t.Errorf("open-only overview differs from /api/stats")
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`history.back()`)); err != nil { // the browser's back button
		t.Fatal(err)
	}
	waitURL("open=true", false)
	if v, nn := shown(); v != vac || nn != n {
		t.Errorf("back: shows %d (n %d), want %d (n %d)", v, nn, vac, n)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`history.back()`)); err != nil { // the browser's back button
		t.Fatal(err)
	}
	waitURL("experience=", false)
	if v, _ := shown(); v != allVac {
		t.Errorf("back to the start: %d vacancies, want %d", v, allVac)
	}
	// Every table got its CSV link (the script ran under the CSP).
	links, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("a.hj-csv").length`))
	if err != nil || links < 5 {
		t.Errorf("CSV links: %d %v", links, err)
	}

	shots := []struct {
		name, path string
		w, h       int64
	}{{"dashboard-1280x800.png", "/?area=1", 1280, 800}, {"dashboard-390x844.png", "/vacancies?sort=pay", 390, 844}, {"overview-390x844.png", "/", 390, 844}}
	for _, s := range shots {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(s.w, s.h), chromedp.Navigate(hs.URL+s.path), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		browsertest.SaveShot(t, s.name, png)
		// Nothing wider than the viewport but the scrolling table boxes.
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
		if err != nil || wide {
			t.Errorf("%s: the page scrolls sideways (%v)", s.name, err)
		}
	}
	time.Sleep(300 * time.Millisecond)
	b.CheckConsole(t)
}
