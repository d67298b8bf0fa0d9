package report

import (
	"math"
	"strconv"
)

// The page model: what a report page is made of (KPIs, sections of charts
// and tables, notes), as plain data. build fills it from a Result, one
// function per section (sections.go); the HTML template and the dashboard
// (internal/web, through Render, Tables and KPIs) render it.

type kpi struct{ Label, Value, Sub string }

type th struct {
	Label string
	Num   bool
	Tip   string
}

type td struct {
	S, V  string
	Num   bool
	Class string
	Tip   string
}

type table struct {
	ID      string
	Caption string
	Head    []th
	Rows    [][]td
	Note    string
}

type section struct {
	ID, Title string
	Intro     []string
	Charts    []chart
	Tables    []table
}

type page struct {
	Title     string
	Scope     string
	Generated string
	Basis     string
	KPIs      []kpi
	Sections  []section
	Method    []string
}

func num(v float64, s string) td {
	if math.IsNaN(v) {
		return td{S: "—", Num: true}
	}
	return td{S: s, V: strconv.FormatFloat(v, 'f', -1, 64), Num: true}
}

func cnt(n int) td { return num(float64(n), fmtInt(int64(n))) }

func txt(s string) td { return td{S: s} }
