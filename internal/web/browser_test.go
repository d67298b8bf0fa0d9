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

	// Legend toggles: a click hides a series, Enter on the focused button
	// shows it again; aria-pressed follows.
	toggled, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){
		var b=document.querySelector("#line-format button.toggle"); if(!b) return "no toggle";
		b.click();
		var line=document.querySelector("#line-format .line."+b.getAttribute("data-series"));
		var hidden=getComputedStyle(line).display==="none";
		b.focus();
		return b.getAttribute("aria-pressed")+" "+hidden+" "+(document.activeElement===b);
	})()`))
	if err != nil || toggled != "false true true" {
		t.Errorf("legend toggle by click: %q %v", toggled, err)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	if back, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#line-format button.toggle").getAttribute("aria-pressed")`)); err != nil || back != "true" {
		t.Errorf("legend toggle by Enter: %q %v", back, err)
	}
	// A tooltip shows a bar's figures at once, as visible text.
	tip, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){
		var r=document.querySelector("#bar-regions rect[data-tip]"); if(!r) return "";
		var b=r.getBoundingClientRect();
		r.dispatchEvent(new PointerEvent("pointermove",{bubbles:true,clientX:b.left+2,clientY:b.top+2}));
		var t=document.getElementById("chart-tip");
		return t.hidden?"":t.textContent;
	})()`))
	if err != nil || !strings.Contains(tip, "вакансий") {
		t.Errorf("tooltip: %q %v", tip, err)
	}
	// No table of the overview is wider than its box at 1280 px.
	over, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".tw")).filter(function(b){return b.scrollWidth>b.clientWidth+1}).map(function(b){return b.querySelector("table").id})`))
	if err != nil || len(over) > 0 {
		t.Errorf("tables wider than their box at 1280 px: %v %v", over, err)
	}
	// The skills table links to the skill's page; it opens with its figures.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector("#t-skills a[href^='/skill?']").click()`)); err != nil {
		t.Fatal(err)
	}
	waitURL("/skill?", true)
	if h, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("h1").textContent+"|"+document.querySelectorAll(".hj-kpis div").length+"|"+!!document.getElementById("t-role")`)); err != nil || !strings.HasPrefix(h, "Навык «") || !strings.HasSuffix(h, "|true") {
		t.Errorf("skill page: %q %v", h, err)
	}
	// Its employers link to the employer's page.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector("#t-emp-open a[href^='/employer?']").click()`)); err != nil {
		t.Fatal(err)
	}
	waitURL("/employer?", true)
	if h, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("h1").textContent+"|"+!!document.getElementById("t-emp-vacancies")`)); err != nil || !strings.HasSuffix(h, "|true") {
		t.Errorf("employer page: %q %v", h, err)
	}
	// A filter given by name shows in its select.
	if err := chromedp.Do(ctx, chromedp.Navigate(hs.URL+"/?area="+url.QueryEscape("Москва")), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}
	if sel, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){var s=document.querySelector("select[name=area]");return s.options[s.selectedIndex].textContent})()`)); err != nil || sel != "Москва" {
		t.Errorf("?area=Москва: the select shows %q %v", sel, err)
	}

	shots := []struct {
		name, path string
		w, h       int64
	}{{"dashboard-1280x800.png", "/?area=1", 1280, 800}, {"dashboard-390x844.png", "/vacancies?sort=pay", 390, 844}, {"overview-390x844.png", "/", 390, 844},
		{"skill-390x844.png", "/skill?name=Excel", 390, 844}, {"employer-1280x800.png", "/employer?name=" + url.QueryEscape(firstEmployer(t, hs.URL)), 1280, 800}}
	for _, s := range shots {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(s.w, s.h), chromedp.Navigate(hs.URL+s.path), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		browsertest.SaveShot(t, s.name, png)
		// Nothing wider than the viewport, and no report table wider than its box.
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1 || Array.from(document.querySelectorAll(".tw")).some(function(b){return b.scrollWidth>b.clientWidth+1})`))
		if err != nil || wide {
			t.Errorf("%s: the page or a table scrolls sideways (%v)", s.name, err)
		}
	}
	time.Sleep(300 * time.Millisecond)
	b.CheckConsole(t)
}

// firstEmployer is the name of an employer of the list's first page.
func firstEmployer(t *testing.T, base string) string {
	t.Helper()
	_, body := get(t, base+"/api/vacancies?per_page=20")
	var l struct {
		Items []struct {
			Employer   string `json:"employer"`
			EmployerID string `json:"employer_id"`
		}
	}
	if err := json.Unmarshal([]byte(body), &l); err != nil {
		t.Fatal(err)
	}
	for _, it := range l.Items {
		if it.EmployerID != "" {
			return it.Employer
		}
	}
	t.Fatal("no named employer")
	return ""
}
