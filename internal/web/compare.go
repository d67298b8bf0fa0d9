package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"

	"github.com/hhjobs/hhjobs/internal/report"
)

// compareTables are the report tables the comparison puts side by side,
// each cut to its first rows.
var compareTables = []string{"t-grade", "t-region", "t-wf", "t-skills"}

const compareRows = 12

type compareSide struct {
	Name, Scope, Query string
	KPIs               []report.KPI
	Tables             []report.Table
}

// handleCompare shows two filter sets side by side: /compare?a.area=1&b.area=2.
// Each side takes the filters and basis with its prefix ("a." or "b.").
func (s *Server) handleCompare(w http.ResponseWriter, r *http.Request) {
	sides := map[string]url.Values{"a": {}, "b": {}}
	for k, x := range r.URL.Query() {
		side, name, ok := strings.Cut(k, ".")
		if !ok || sides[side] == nil {
			s.fail(w, r, badParam(k, "unknown parameter (here: a.FILTER and b.FILTER, e.g. a.area=1&b.area=2)"))
			return
		}
		sides[side][name] = x
	}
	snap := s.snap.Load()
	data := struct {
		A, B  header
		Self  string
		Sides []compareSide
	}{Self: r.URL.RawQuery}
	for _, side := range []string{"a", "b"} {
		v := sides[side]
		if err := checkParams(v, "basis"); err != nil {
			s.fail(w, r, prefixed(side, err))
			return
		}
		req, err := s.parse(r.Context(), snap, v)
		if err != nil {
			s.fail(w, r, prefixed(side, err))
			return
		}
		vw, err := s.overview(r.Context(), v)
		if err != nil {
			s.fail(w, r, prefixed(side, err))
			return
		}
		h := s.header("compare", snap, req, v)
		h.Prefix, h.Action = side+".", "/compare"
		cs := compareSide{Name: strings.ToUpper(side), Scope: req.flt.Describe(), Query: req.key, KPIs: report.KPIs(vw.res, vw.meta)}
		if req.spec.Open {
			cs.Scope = strings.TrimPrefix(cs.Scope+"; только открытые", "; ")
		}
		if !req.spec.Since.IsZero() {
			cs.Scope = strings.TrimPrefix(cs.Scope+"; опубликованные с "+req.spec.Since.Format("02.01.2006"), "; ")
		}
		if cs.Scope == "" {
			cs.Scope = "все вакансии"
		}
		if req.spec.Query != "" {
			cs.Scope = "запрос «" + req.spec.Query + "»; " + cs.Scope
		}
		for _, t := range report.Tables(vw.res, vw.meta) {
			for _, id := range compareTables {
				if t.ID == id {
					t.Shown = t.Shown[:min(len(t.Shown), compareRows)]
					cs.Tables = append(cs.Tables, t)
				}
			}
		}
		if side == "a" {
			data.A = h
		} else {
			data.B = h
		}
		data.Sides = append(data.Sides, cs)
	}
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, "compare.html.tmpl", data); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(buf.Bytes())
}

// prefixed names a bad parameter by its side ("a.role: …").
func prefixed(side string, err error) error {
	msg := err.Error()
	if p, rest, ok := strings.Cut(msg, ": "); ok && !strings.Contains(p, " ") {
		return &badRequest{side + "." + p + ": " + rest}
	}
	return err
}
