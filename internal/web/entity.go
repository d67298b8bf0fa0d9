package web

// The skill page (/skill?name=…) and the employer page (/employer?id=… or
// ?name=…): one subject seen through the overview's figures. Both take the
// filters of the overview and add their subject as one more filter, so
// their figures are the overview's for that filter (and cached with it).

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/filter"
	"github.com/hhjobs/hhjobs/internal/report"
)

// maxSubject bounds a skill or employer name in a URL: hh.ru's own are far
// shorter, and a longer one would only make a long cache key.
const maxSubject = 300

// entityTable is a table of the page, already formatted (ru-RU).
type entityTable struct {
	ID, Caption, Note string
	Head              []string
	Num               []bool
	Rows              [][]entityCell
}

type entityCell struct {
	S, Link string // Link: a dashboard URL ("" = plain text)
	Ext     bool   // Link leads to hh.ru
}

type entityKPI struct{ Label, Value, Sub string }

type entityPage struct {
	Header       header
	Kind         string // skill | employer
	Title        string
	Scope        string
	Lead         string
	Overview     string // the overview with the subject as a filter
	List         string // the vacancy list, likewise
	KPIs         []entityKPI
	Tables       []entityTable
	Empty        bool
	Trend        *trendChart
	TrendCaption string
}

// trendChart is a small column chart of a share by month (SVG drawn by the
// template; every figure is in its <title>, which report.js turns into a tooltip).
type trendChart struct {
	W, H int
	Bars []trendBar
	Axis []trendTick
}

type trendBar struct{ X, Y, W, H, LX, Label, Tip string }

type trendTick struct{ Y, Label string }

// subjectParam takes the one subject parameter of a page (required,
// non-empty, bounded) and refuses the filter that would say the same.
func subjectParam(v url.Values, name, sameFilter string) (string, error) {
	xs := v[name]
	if len(xs) != 1 || strings.TrimSpace(xs[0]) == "" {
		return "", badParam(name, "give exactly one non-empty value")
	}
	x := strings.TrimSpace(xs[0])
	if utf8.RuneCountInString(x) > maxSubject || !utf8.ValidString(x) {
		return "", badParam(name, "longer than %d characters or not UTF-8", maxSubject)
	}
	if v.Has(sameFilter) {
		return "", badParam(sameFilter, "this page's subject is given by %q; drop %q", name, sameFilter)
	}
	return x, nil
}

// without returns a copy of v without the keys drop.
func without(v url.Values, drop ...string) url.Values {
	out := url.Values{}
	for k, x := range v {
		if !slices.Contains(drop, k) {
			out[k] = slices.Clone(x)
		}
	}
	return out
}

// withFilter returns v without the page's own parameters and with
// filter=value added.
func withFilter(v url.Values, drop []string, filterName, value string) url.Values {
	out := without(v, drop...)
	out.Set(filterName, value)
	return out
}

// shownTable picks a table of the report by id, keeps the columns named in
// cols (in that order; the first is the label) and the first limit rows.
func shownTable(ts []report.Table, id, caption string, cols []string, limit int, link func(row int, label string) string) (entityTable, bool) {
	for _, t := range ts {
		if t.ID != id {
			continue
		}
		et := entityTable{ID: id, Caption: caption}
		var idx []int
		if cols == nil {
			cols = t.Head
		}
		for _, c := range cols {
			if i := slices.Index(t.Head, c); i >= 0 {
				idx = append(idx, i)
				et.Head = append(et.Head, c)
				et.Num = append(et.Num, t.Num[i])
			}
		}
		for r, row := range t.Shown {
			if r == limit {
				et.Note = fmt.Sprintf("Показаны первые %d строк из %d.", limit, len(t.Shown))
				break
			}
			var cells []entityCell
			for k, i := range idx {
				c := entityCell{S: row[i]}
				if k == 0 && link != nil {
					c.Link = link(r, plainLabel(row[i]))
				}
				cells = append(cells, c)
			}
			et.Rows = append(et.Rows, cells)
		}
		return et, len(et.Rows) > 0
	}
	return entityTable{}, false
}

// plainLabel drops the bidi isolates the report puts around a label.
func plainLabel(s string) string {
	return strings.TrimSuffix(strings.TrimPrefix(s, "\u2068"), "\u2069")
}

var groupCols = []string{"Вакансий", "С зарплатой", "База n", "Медиана", "P25", "P75"}

func pctRU(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	return strings.Replace(strconv.FormatFloat(math.Round(x*1000)/10, 'f', 1, 64), ".", ",", 1) + "\u00a0%"
}

func signedPctRU(x float64) string {
	s := pctRU(x)
	if x > 0 {
		s = "+" + s
	} else if x < 0 {
		s = "−" + strings.TrimPrefix(s, "-")
	}
	return s
}

func (s *Server) entityHeader(page string, snap *Snapshot, req *request, v url.Values, hidden []option) header {
	h := s.header(page, snap, req, v)
	h.Action = "/" + page
	h.Hidden = hidden
	return h
}

func (s *Server) renderEntity(w http.ResponseWriter, r *http.Request, p *entityPage) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, "entity.html.tmpl", p); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(buf.Bytes())
}

// handleSkill: /skill?name=Excel&<filters>. Share, premium and trend come
// from the overview of the filters (the skill among all skills); the roles,
// employers and pay from the overview with skill=name added.
func (s *Server) handleSkill(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	if err := checkParams(v, "basis", "name"); err != nil {
		s.fail(w, r, err)
		return
	}
	name, err := subjectParam(v, "name", filter.ParamSkill)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	snap := s.snap.Load()
	base := without(v, "name")
	req, err := s.parse(r.Context(), snap, base)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sv := withFilter(v, []string{"name"}, filter.ParamSkill, name)
	all, err := s.overview(r.Context(), base)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	with, err := s.overview(r.Context(), sv)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key, _ := analytics.SkillKey(name)
	p := &entityPage{
		Kind: "skill", Title: "Навык «" + name + "»", Scope: req.flt.Describe(),
		Overview: sv.Encode(), List: sv.Encode(),
		Header: s.entityHeader("skill", snap, req, base, []option{{ID: "name", Name: name}}),
	}
	res := with.res
	var stat *analytics.SkillStat
	skBase := 0
	if sk := all.res.Skills; sk != nil {
		skBase = sk.Base
		for i := range sk.Top {
			if sk.Top[i].Key == key {
				stat = &sk.Top[i]
				p.Title = "Навык «" + sk.Top[i].Name + "»"
			}
		}
	}
	n := res.Total.Vacancies
	p.Empty = n == 0
	share := math.NaN()
	if skBase > 0 {
		share = float64(n) / float64(skBase)
	}
	p.KPIs = append(p.KPIs,
		entityKPI{"Вакансий с навыком", groupDigits(int64(n)), "открыто " + groupDigits(int64(res.Total.Open))},
		entityKPI{"Доля", pctRU(share), "от " + groupDigits(int64(skBase)) + " вакансий с загруженными навыками"})
	if stat != nil && stat.PremiumBase > 0 {
		sub := fmt.Sprintf("с навыком против без него в той же роли и опыте; n = %s", groupDigits(int64(stat.PremiumBase)))
		if ci := stat.PremiumCI95; ci != nil {
			sub += "; 95\u00a0% ДИ " + signedPctRU(ci[0]) + " … " + signedPctRU(ci[1])
		}
		p.KPIs = append(p.KPIs, entityKPI{"Премия к зарплате", signedPctRU(stat.Premium), sub})
	} else {
		p.KPIs = append(p.KPIs, entityKPI{"Премия к зарплате", "—", "мало зарплат с навыком и без него в одной роли при одном опыте"})
	}
	if stat != nil && stat.Recent.Share != nil && stat.Previous.Share != nil {
		p.KPIs = append(p.KPIs, entityKPI{"Доля за 28 дней", pctRU(*stat.Recent.Share),
			"за 28 дней до того — " + pctRU(*stat.Previous.Share) + " (n = " + groupDigits(int64(stat.Recent.Base)) + " и " + groupDigits(int64(stat.Previous.Base)) + ")"})
	}
	for i, k := range report.KPIs(res, with.meta) {
		if i >= 2 { // the pay and lifetime of vacancies with the skill
			p.KPIs = append(p.KPIs, entityKPI{k.Label, k.Value, k.Sub})
		}
	}
	if stat != nil && len(stat.Monthly) > 0 {
		p.Trend = monthlyShare(stat.Monthly)
		p.TrendCaption = "Доля вакансий с навыком по месяцам публикации (от вакансий месяца с загруженными навыками)"
		t := entityTable{ID: "t-skill-months", Caption: "Доля по месяцам", Head: []string{"Месяц", "С навыками", "С этим навыком", "Доля"}, Num: []bool{false, true, true, true}}
		for _, m := range stat.Monthly {
			t.Rows = append(t.Rows, []entityCell{{S: monthRU(m.Start)}, {S: groupDigits(int64(m.Base))}, {S: groupDigits(int64(m.Count))}, {S: pctRU(m.Share)}})
		}
		p.Tables = append(p.Tables, t)
	}
	if all.res.Skills != nil {
		t := entityTable{ID: "t-skill-premium", Caption: "Премия по ролям и опыту", Head: []string{"Роль", "Опыт", "n с навыком", "n без", "Медиана с", "Медиана без", "Премия"}, Num: []bool{false, false, true, true, true, true, true}}
		for _, pr := range all.res.Skills.Premiums {
			if k, _ := analytics.SkillKey(pr.Skill); k != key {
				continue
			}
			t.Rows = append(t.Rows, []entityCell{{S: pr.Role}, {S: pr.Experience}, {S: groupDigits(int64(pr.NWith))}, {S: groupDigits(int64(pr.NWithout))},
				{S: groupDigits(int64(math.Round(pr.MedianWith)))}, {S: groupDigits(int64(math.Round(pr.MedianWithout)))}, {S: signedPctRU(pr.Premium)}})
		}
		if len(t.Rows) > 0 {
			p.Tables = append(p.Tables, t)
		}
	}
	ts := report.Tables(res, with.meta)
	roleLink := func(_ int, label string) string {
		q := withFilter(sv, nil, filter.ParamRole, label)
		return "/?" + q.Encode()
	}
	if t, ok := shownTable(ts, "t-role", "Роли, которые его просят", append([]string{"Роль"}, groupCols...), 15, roleLink); ok {
		p.Tables = append(p.Tables, t)
	}
	// The employers table's rows are res.Employers.ByOpen in order: link
	// by id (a name may be shared; an anonymous employer has none).
	empLink := func(row int, _ string) string {
		if res.Employers == nil || row >= len(res.Employers.ByOpen) || res.Employers.ByOpen[row].Key[0] == "" {
			return ""
		}
		q := withFilter(base, nil, "id", res.Employers.ByOpen[row].Key[0])
		return "/employer?" + q.Encode()
	}
	if t, ok := shownTable(ts, "t-emp-open", "Работодатели, которые его просят", []string{"Работодатель", "Вакансий", "Открыто", "Медиана"}, 15, empLink); ok {
		p.Tables = append(p.Tables, t)
	}
	if t, ok := shownTable(ts, "t-region", "Регионы", append([]string{"Регион"}, groupCols[:4]...), 10, nil); ok {
		p.Tables = append(p.Tables, t)
	}
	s.renderEntity(w, r, p)
}

// handleEmployer: /employer?id=123 or ?name=… (exact, case ignored, as the
// employer filter), with the other filters.
func (s *Server) handleEmployer(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	if err := checkParams(v, "basis", "id", "name"); err != nil {
		s.fail(w, r, err)
		return
	}
	param := "id"
	if v.Has("name") {
		param = "name"
		if v.Has("id") {
			s.fail(w, r, badParam("id", "give the employer by id or by name, not both"))
			return
		}
	}
	who, err := subjectParam(v, param, filter.ParamEmployer)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if param == "id" && strings.Trim(who, "0123456789") != "" {
		s.fail(w, r, badParam("id", "%q: an employer id is digits (or use name=…)", who))
		return
	}
	snap := s.snap.Load()
	base := without(v, "id", "name")
	req, err := s.parse(r.Context(), snap, base)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ev := withFilter(v, []string{"id", "name"}, filter.ParamEmployer, who)
	with, err := s.overview(r.Context(), ev)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res := with.res
	title := who
	if g := res.Grouping(analytics.DimEmployer); g != nil && len(g.Groups) > 0 {
		title = g.Groups[0].Label[0]
	}
	p := &entityPage{
		Kind: "employer", Title: title, Scope: req.flt.Describe(),
		Overview: ev.Encode(), List: ev.Encode(), Empty: res.Total.Vacancies == 0,
		Header: s.entityHeader("employer", snap, req, base, []option{{ID: param, Name: who}}),
	}
	if param == "name" {
		p.Lead = "Работодатель по точному названию (без учёта регистра): все работодатели с таким названием вместе."
	}
	for _, k := range report.KPIs(res, with.meta) {
		p.KPIs = append(p.KPIs, entityKPI{k.Label, k.Value, k.Sub})
	}
	// The newest vacancies, each linking to hh.ru.
	lv := withFilter(ev, nil, paramPerPage, "20")
	if l, err := s.list(r.Context(), lv); err == nil {
		t := entityTable{ID: "t-emp-vacancies", Caption: "Последние вакансии", Head: []string{"Вакансия", "Город", "Опубликована", "Зарплата, ₽"}, Num: []bool{false, false, false, true}}
		for _, it := range l.Items {
			pay := "—"
			if it.MonthlyRUR != nil {
				pay = groupDigits(*it.MonthlyRUR)
			}
			name := it.Name
			if !it.Open {
				name += " (закрыта)"
			}
			t.Rows = append(t.Rows, []entityCell{{S: name, Link: it.AlternateURL, Ext: true}, {S: it.Area}, {S: it.PublishedAt.In(analytics.MSK).Format("02.01.2006")}, {S: pay}})
		}
		if l.Total > len(l.Items) {
			t.Note = fmt.Sprintf("Показаны %d из %s; весь список — «Вакансии».", len(l.Items), groupDigits(int64(l.Total)))
		}
		if len(t.Rows) > 0 {
			p.Tables = append(p.Tables, t)
		}
	} else {
		s.fail(w, r, err)
		return
	}
	ts := report.Tables(res, with.meta)
	if t, ok := shownTable(ts, "t-role", "Оплата по ролям", append([]string{"Роль"}, groupCols...), 20, nil); ok {
		p.Tables = append(p.Tables, t)
	}
	if t, ok := shownTable(ts, "t-grade", "Оплата по опыту", append([]string{"Опыт"}, groupCols...), 0, nil); ok {
		p.Tables = append(p.Tables, t)
	}
	skillLink := func(_ int, label string) string {
		q := withFilter(base, nil, "name", label)
		return "/skill?" + q.Encode()
	}
	if t, ok := shownTable(ts, "t-skills", "Навыки, которые он просит", []string{"Навык", "Вакансий", "Доля"}, 20, skillLink); ok {
		p.Tables = append(p.Tables, t)
	}
	if t, ok := shownTable(ts, "t-life", "Срок жизни вакансий по опыту", nil, 0, nil); ok {
		p.Tables = append(p.Tables, t)
	}
	s.renderEntity(w, r, p)
}

var monthsRU = []string{"янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"}

func monthRU(t time.Time) string {
	t = t.In(analytics.MSK)
	return monthsRU[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// monthlyShare draws the share by month as columns, the top of the axis
// rounded up to a whole percent.
func monthlyShare(ms []analytics.SharePoint) *trendChart {
	const W, H, left, right, top, bottom = 640.0, 220.0, 48.0, 630.0, 12.0, 190.0
	max := 0.0
	for _, m := range ms {
		max = math.Max(max, m.Share)
	}
	ceil := math.Ceil(max*100) / 100
	if ceil <= 0 {
		ceil = 0.01
	}
	c := &trendChart{W: int(W), H: int(H)}
	f := func(x float64) string { return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64) }
	for _, v := range []float64{0, ceil / 2, ceil} {
		c.Axis = append(c.Axis, trendTick{Y: f(bottom - v/ceil*(bottom-top)), Label: pctRU(v)})
	}
	bw := (right - left) / float64(len(ms))
	for i, m := range ms {
		h := m.Share / ceil * (bottom - top)
		x := left + bw*float64(i)
		c.Bars = append(c.Bars, trendBar{
			X: f(x + bw*0.15), Y: f(bottom - h), W: f(bw * 0.7), H: f(h), LX: f(x + bw/2), Label: monthRU(m.Start),
			Tip: fmt.Sprintf("%s: %s (%s из %s)", monthRU(m.Start), pctRU(m.Share), groupDigits(int64(m.Count)), groupDigits(int64(m.Base))),
		})
	}
	return c
}
