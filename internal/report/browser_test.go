package report

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hhjobs/hhjobs/internal/browsertest"
)

// TestReportInChromium opens a generated report in headless Chromium, checks
// that no script failed and that every chart drew something, sorts a table,
// and screenshots the page (copied to $HHJOBS_SCREENSHOT_DIR when set).
func TestReportInChromium(t *testing.T) {
	browsertest.Require(t)
	path := os.Getenv("HHJOBS_REPORT_FILE") // check an existing report instead (debugging)
	if path == "" {
		path = filledReport(t, 3000)
	}
	b := browsertest.New(t, browsertest.Options{Warnings: true})
	ctx := b.Ctx
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+path), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatal(err)
	}
	// Every chart container holds an SVG that has drawn shapes and has a size.
	bad, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("figure.chart")).filter(function(f){
		var s=f.querySelector("svg"); if(!s) return true;
		var r=s.getBoundingClientRect();
		return r.width<100 || r.height<50 || s.querySelectorAll("rect,path,circle,line").length===0;
	}).map(function(f){return f.id})`))
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Errorf("charts not rendered: %v", bad)
	}
	ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("figure.chart")).map(function(f){return f.id})`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range chartIDs {
		if os.Getenv("HHJOBS_REPORT_FILE") != "" {
			break
		}
		if !strings.Contains(strings.Join(ids, " "), want) {
			t.Errorf("chart %s absent in the browser (have %v)", want, ids)
		}
	}
	// Sorting: click "Вакансий" of the regions table twice (ascending, then descending).
	sorted, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){
		var t=document.getElementById("t-region"), th=t.tHead.rows[0].cells[1];
		th.click();
		var v=Array.from(t.tBodies[0].rows).map(function(r){return parseFloat(r.cells[1].getAttribute("data-v"))});
		for(var i=1;i<v.length;i++){ if(v[i-1]>v[i]) return false; }
		th.click();
		var w=Array.from(t.tBodies[0].rows).map(function(r){return parseFloat(r.cells[1].getAttribute("data-v"))});
		return v.length>1 && w[0]>=w[w.length-1];
	})()`))
	if err != nil || !sorted {
		t.Errorf("table sort: %v %v", sorted, err)
	}
	// The console capture works: a thrown error is seen.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`setTimeout(function(){ throw new Error("probe") }, 0)`)); err != nil {
		t.Fatal(err)
	}
	if !b.Expect("probe", 5*time.Second) {
		t.Errorf("console capture does not see exceptions: %q", b.Problems())
	}
	// Tables fit their box at a laptop's, a wide monitor's and a phone's
	// width: no column hidden behind a sideways scroll, and the page itself
	// does not scroll sideways. Each width is screenshotted.
	for _, w := range []int64{1280, 1920, 390} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900)); err != nil {
			t.Fatal(err)
		}
		over, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](overflowJS))
		if err != nil {
			t.Fatal(err)
		}
		if len(over) > 0 {
			t.Errorf("%d px: %d tables wider than their box: %v", w, len(over), over)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100 = PNG
		if err != nil {
			t.Fatal(err)
		}
		browsertest.SaveShot(t, fmt.Sprintf("report-%d.png", w), png)
	}
	b.CheckConsole(t)
}

// overflowJS lists the tables whose box scrolls sideways (scrollWidth over
// clientWidth), with both widths, and "page" when the document itself is
// wider than the window.
const overflowJS = `(function(){
	var out=[];
	document.querySelectorAll(".tw").forEach(function(b){
		if(b.scrollWidth>b.clientWidth+1){ var t=b.querySelector("table"); out.push((t&&t.id)+" "+b.scrollWidth+">"+b.clientWidth); }
	});
	if(document.documentElement.scrollWidth>window.innerWidth+1) out.push("page "+document.documentElement.scrollWidth+">"+window.innerWidth);
	return out;
})()`
