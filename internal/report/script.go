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
		// From a rendered page, not the template's text: html/template
		// drops comments inside a script, and what is served must be
		// exactly what a report holds.
		var b strings.Builder
		if err := tmpl.Execute(&b, page{}); err != nil {
			panic(err) // the embedded template renders an empty page
		}
		s := b.String()
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
