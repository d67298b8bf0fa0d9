package report

import (
	"strings"
	"sync"
)

// Script returns the report's one script (table sorting, chart tooltips,
// legend toggles) as it appears inline in the report. The dashboard serves
// it from its own origin (/static/report.js) instead of inline, so its
// Content-Security-Policy needs no exception for inline script.
func Script() string {
	scriptOnce.Do(func() {
		b, err := assets.ReadFile("assets/report.html.tmpl")
		if err != nil {
			panic(err) // embedded at build time: cannot be missing
		}
		s := string(b)
		i := strings.Index(s, "<script>")
		j := strings.Index(s, "</script>")
		if i < 0 || j < i {
			panic("report template has no <script>")
		}
		script = s[i+len("<script>") : j]
	})
	return script
}

var (
	scriptOnce sync.Once
	script     string
)
