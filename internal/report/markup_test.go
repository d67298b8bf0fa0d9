package report

import (
	"html/template"
	"strings"
	"testing"
)

// hostile are strings an employer could put in a title or a name.
var hostile = []string{
	"", "plain", `<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`,
	"a'b\"c&d+e<f>g", "nul\x00byte", "\u2067Казань\u2069 — «HR»", "=HYPERLINK(\"x\")",
	"&amp; already", "tab\tand\nnewline", "`backtick` =eq", "</title><script>x</script>",
}

// tableTemplate is how the page template wrote a table's body before
// table.Body: the reference Body must equal byte for byte.
var tableTemplate = template.Must(template.New("t").Parse(
	`<tbody>{{range .Rows}}<tr>{{range $i, $c := .}}<td data-label="{{(index $.Head $i).Label}}"{{if or .Num .Class}} class="{{if .Num}}n{{end}}{{if and .Num .Class}} {{end}}{{.Class}}"{{end}}{{if .V}} data-v="{{.V}}"{{end}}{{if .Tip}} title="{{.Tip}}"{{end}}>{{.S}}</td>{{end}}</tr>{{end}}</tbody>`))

// shapesTemplate is how the page template wrote a chart's elements
// before chart.Shapes (inside <svg>, as there).
var shapesTemplate = template.Must(template.New("c").Parse(
	`<svg xmlns="http://www.w3.org/2000/svg">` + `{{range .Lines}}<line x1="{{.X1}}" y1="{{.Y1}}" x2="{{.X2}}" y2="{{.Y2}}" class="{{.Class}}"/>{{end}}
{{range .Rects}}<rect x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" class="{{.Class}}">{{if .Tip}}<title>{{.Tip}}</title>{{end}}</rect>{{end}}
{{range .Paths}}<path d="{{.D}}" class="{{.Class}}"/>{{end}}
{{range .Circles}}<circle cx="{{.CX}}" cy="{{.CY}}" r="{{.R}}" class="{{.Class}}">{{if .Tip}}<title>{{.Tip}}</title>{{end}}</circle>{{end}}
{{range .Texts}}<text x="{{.X}}" y="{{.Y}}" text-anchor="{{.Anchor}}" class="{{.Class}}">{{if .Tip}}<title>{{.Tip}}</title>{{end}}{{if .Lines}}{{$x := .X}}{{$h := .LineH}}{{range $i, $l := .Lines}}<tspan x="{{$x}}"{{if $i}} dy="{{$h}}"{{end}}>{{$l}}</tspan>{{end}}{{else}}{{.S}}{{end}}</text>{{end}}
` + `</svg>`))

func TestChartShapesAsTemplate(t *testing.T) {
	for _, s := range hostile {
		c := chart{
			Lines:   []svgLine{{"0", "1.5", s, "4", s}, {"1", "2", "3", "4", "axis"}},
			Rects:   []svgRect{{"1", "2", "3", "4", s, s}, {"1", "2", "3", "4", "bar", ""}},
			Paths:   []svgPath{{"M0,0L" + s, s}},
			Circles: []svgCircle{{"1", "2", "3", s, s}, {"1", "2", "3", "dot", ""}},
			Texts: []svgText{
				{X: "1", Y: "2", Anchor: "end", Class: s, S: s, Tip: s},
				{X: "1", Y: "2", Anchor: "start", S: "ignored", Lines: []string{s, "вторая строка", s}, LineH: "12"},
				{X: "5", Y: "6", Anchor: s, S: s},
			},
		}
		var want strings.Builder
		if err := shapesTemplate.Execute(&want, c); err != nil {
			t.Fatal(err)
		}
		got := `<svg xmlns="http://www.w3.org/2000/svg">` + string(c.Shapes()) + "\n</svg>"
		if got != want.String() {
			t.Errorf("%q:\n got %s\nwant %s", s, got, want.String())
		}
	}
}

func TestTableBodyAsTemplate(t *testing.T) {
	for _, s := range hostile {
		tb := table{
			Head: []th{{Label: s}, {Label: "Медиана", Num: true}, {Label: "n"}},
			Rows: [][]td{
				{txt(s), num(150000, "150 000 ₽"), {S: s, V: s, Num: true, Class: s, Tip: s}},
				{{S: s, Class: "warn"}, {S: "—", Num: true}, {S: s, Tip: "подсказка " + s}},
			},
		}
		var want strings.Builder
		if err := tableTemplate.Execute(&want, tb); err != nil {
			t.Fatal(err)
		}
		if got := string(tb.Body()); got != want.String() {
			t.Errorf("%q:\n got %s\nwant %s", s, got, want.String())
		}
		if strings.Contains(string(tb.Body()), "<script>") || strings.Contains(string(tb.Body()), "<img") {
			t.Errorf("%q reaches the page unescaped: %s", s, tb.Body())
		}
	}
}
