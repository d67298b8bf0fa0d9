// Package report renders analytics as one self-contained HTML file in
// Russian: charts, sortable tables, a data-quality section and the methodology.
//
// Charts are inline SVG computed in Go and written by html/template, not a
// JavaScript charting library. Why: the file needs no network and no 1 MB
// embedded script (ECharts), it renders with JavaScript off and prints well,
// the output is deterministic (testable without a browser), and every label
// passes through html/template's escaping. The only script is a few lines that
// sort the tables. Hovering a bar, box or point shows its exact figures (SVG <title>).
package report

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/microcosm-cc/bluemonday"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/export"
	"github.com/hhjobs/hhjobs/internal/store"
)

//go:embed assets/report.html.tmpl
var assets embed.FS

var tmpl = template.Must(template.New("report.html.tmpl").ParseFS(assets, "assets/report.html.tmpl"))

// ugc sanitises any HTML that comes from hh.ru before it is shown.
var ugc = bluemonday.UGCPolicy()

// SafeHH returns hh.ru HTML (a description, a snippet) sanitised by
// bluemonday's UGC policy, for display. Nothing else may reach the page unescaped.
// No page shows hh.ru HTML today (deadcode lists it); it is kept, with its
// test, as the one way a future view (vacancy descriptions in serve) may.
func SafeHH(s string) template.HTML {
	return template.HTML(ugc.Sanitize(s)) //nolint:gosec // sanitised above
}

// Meta describes what the report covers.
type Meta struct {
	Query string    // saved query name ("" = all vacancies)
	Since time.Time // publication lower bound (zero = none)
	// Filters describes the other filters in Russian ("" = none).
	Filters string
	// Coverage is what the data covers (scope.go); nil: not stated.
	Coverage *Coverage
}

// Generate computes the analytics of s and writes the report to path atomically.
func Generate(ctx context.Context, s store.Store, cfg analytics.Config, meta Meta, path string) error {
	res, err := analytics.Compute(ctx, s, cfg)
	if err != nil {
		return err
	}
	if res.Revisions, err = revisions(ctx, s, cfg); err != nil {
		return err
	}
	if err := withCoverage(ctx, s, cfg.Filter, &meta); err != nil { // scope.go
		return err
	}
	return export.AtomicWrite(path, func(w io.Writer) error { return Render(w, res, meta) })
}

// Render writes the report of res to w.
func Render(w io.Writer, res *analytics.Result, meta Meta) error {
	return tmpl.Execute(w, build(displayResult(res), meta)) // display.go: clipped, bidi-isolated labels
}

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

var groupHead = []th{
	{Label: "Вакансий", Num: true},
	{Label: "С зарплатой", Num: true, Tip: "доля вакансий, где указана зарплата"},
	{Label: "База n", Num: true, Tip: "число зарплат за медианой (после исключения выбросов)"},
	{Label: "P25", Num: true},
	{Label: "Медиана", Num: true},
	ciHead,
	{Label: "P75", Num: true},
	{Label: "Среднее", Num: true},
	{Label: "Выбросы", Num: true, Tip: "исключены из медиан: вне [10 000; 5 000 000] ₽ или вне Q1−3·IQR…Q3+3·IQR группы"},
}

func groupCells(g analytics.GroupStats) []td {
	n := g.Salary.N
	return []td{
		cnt(g.Vacancies), num(g.DisclosureShare, fmtPct(g.DisclosureShare)), cnt(n),
		quartileCell(g.Salary, g.Salary.P25), medianCell(g.Salary, g.Salary.Median), ciCell(g.Salary),
		quartileCell(g.Salary, g.Salary.P75), medianCell(g.Salary, g.Salary.Mean),
		cnt(g.OutliersAbs + g.OutliersIQR),
	}
}

func groupTable(id, caption string, dims []analytics.Dim, groups []analytics.GroupStats, limit int) table {
	t := table{ID: id, Caption: caption}
	for _, d := range dims {
		t.Head = append(t.Head, th{Label: analytics.DimTitle[d]})
	}
	t.Head = append(t.Head, groupHead...)
	for i, g := range groups {
		if limit > 0 && i == limit {
			t.Note = fmt.Sprintf("Показаны %s из %s групп (по числу вакансий); полный список — hhjobs stats.", fmtInt(int64(limit)), fmtInt(int64(len(groups))))
			break
		}
		var row []td
		for _, l := range g.Label {
			row = append(row, txt(l))
		}
		t.Rows = append(t.Rows, append(row, groupCells(g)...))
	}
	disclosureNote(&t, groups, limit)
	return t
}

func boxRows(groups []analytics.GroupStats, minN, limit int) []boxRow {
	var rows []boxRow
	for _, g := range groups {
		s := g.Salary
		if s.N < minN || !s.HasQuartiles() {
			continue
		}
		rows = append(rows, boxRow{
			Label: strings.Join(g.Label, " · "), Sub: "n = " + fmtInt(int64(s.N)),
			P10: s.P10, P25: s.P25, Med: s.Median, P75: s.P75, P90: s.P90,
			Tip: fmt.Sprintf("%s: медиана %s; P25–P75 %s – %s; P10–P90 %s – %s; n = %s",
				strings.Join(g.Label, " · "), fmtRub(s.Median), fmtRub(s.P25), fmtRub(s.P75), fmtRub(s.P10), fmtRub(s.P90), fmtInt(int64(s.N))) + ciSub(s),
		})
		if limit > 0 && len(rows) == limit {
			break
		}
	}
	return rows
}

func grouping(res *analytics.Result, dims ...analytics.Dim) []analytics.GroupStats {
	if g := res.Grouping(dims...); g != nil {
		return g.Groups
	}
	return nil
}

// byExperience orders grades naturally (no experience → more than 6 years).
func byExperience(gs []analytics.GroupStats) []analytics.GroupStats {
	out := slices.Clone(gs)
	rank := func(g analytics.GroupStats) int {
		if i := slices.Index(analytics.ExperienceOrder, g.Key[0]); i >= 0 {
			return i
		}
		return 99
	}
	slices.SortStableFunc(out, func(a, b analytics.GroupStats) int { return rank(a) - rank(b) })
	return out
}

func build(res *analytics.Result, meta Meta) page {
	p := page{
		Title:     "Вакансии hh.ru: зарплаты, навыки, спрос",
		Generated: fmtDateTime(res.GeneratedAt),
	}
	p.Scope = scopeLine(res.Filter.OpenOnly, meta) // scope.go
	if res.Basis == "net" {
		p.Basis = "на руки (после НДФЛ: прогрессивная шкала с 2025 г.)"
	} else {
		p.Basis = "до вычета НДФЛ (gross; «на руки» пересчитано по прогрессивной шкале)"
	}
	t := res.Total
	p.KPIs = []kpi{
		{"Вакансий", fmtInt(int64(t.Vacancies)), "открыто " + fmtInt(int64(t.Open))},
		{"Зарплата указана", fmtPct(t.DisclosureShare), fmtInt(int64(t.Disclosed)) + " из " + fmtInt(int64(t.Vacancies))},
		{"Медиана, ₽ в месяц", shown(t.Salary.HasMedian(), fmtRub(t.Salary.Median)), "n = " + fmtInt(int64(t.Salary.N)) + ", " + p.Basis + ciSub(t.Salary)},
		{"P25 – P75", shown(t.Salary.HasQuartiles(), fmtK(roundK(t.Salary.P25))+" – "+fmtK(roundK(t.Salary.P75))), "межквартильный размах"},
	}
	if lt := res.Lifetime; lt != nil && lt.N > 0 {
		p.KPIs = append(p.KPIs, lifetimeKPI(lt))
	}

	// Salaries by grade.
	exp := byExperience(grouping(res, analytics.DimExperience))
	p.Sections = append(p.Sections, section{
		ID: "grade", Title: "Зарплаты по опыту",
		Intro:  []string{"Месячная зарплата в рублях, " + p.Basis + ". Ящик — от P25 до P75, черта — медиана, усы — от P10 до P90. Выбросы исключены и посчитаны в таблице."},
		Charts: []chart{boxChart("box-grade", "Зарплата по требуемому опыту", "ящик P25–P75, черта — медиана, усы P10–P90", boxRows(exp, 1, 0))},
		Tables: []table{groupTable("t-grade", "Зарплаты по опыту", []analytics.Dim{analytics.DimExperience}, exp, 0)},
	})
	roles := grouping(res, analytics.DimRole)
	p.Sections = append(p.Sections, section{
		ID: "roles", Title: "Зарплаты по ролям",
		Intro:  []string{"Вакансия с несколькими профессиональными ролями учитывается в каждой из них. На графике — роли с базой не меньше " + fmtInt(int64(res.Small.MinNQuartiles)) + " зарплат (от неё показываются квартили)."},
		Charts: []chart{boxChart("box-role", "Зарплата по профессиональной роли", "ящик P25–P75, черта — медиана, усы P10–P90", boxRows(roles, 5, 12))},
		Tables: []table{groupTable("t-role", "Роли", []analytics.Dim{analytics.DimRole}, roles, 100)},
	})

	// Skills.
	if sk := res.Skills; sk != nil {
		var bars []barRow
		skT := table{ID: "t-skills", Caption: "Навыки", Head: []th{
			{Label: "Навык"}, {Label: "Вакансий", Num: true}, {Label: "Доля", Num: true},
			windowHead,
			{Label: "Премия", Num: true, Tip: "медиана с навыком / без навыка − 1 внутри той же роли и того же опыта, среднее по таким группам с весом n; в подсказке — 95 % доверительный интервал"},
			{Label: "База премии n", Num: true},
		}}
		for i, s := range sk.Top {
			if i < 20 {
				bars = append(bars, barRow{Label: s.Name, V: s.Share, Value: fmtPct(s.Share),
					Tip: fmt.Sprintf("%s: %s вакансий из %s", s.Name, fmtInt(int64(s.Vacancies)), fmtInt(int64(sk.Base)))})
			}
			ch := windowChange(s)
			prem := td{S: "—", Num: true}
			if s.PremiumBase > 0 {
				prem = premiumCell(s.Premium, s.PremiumCI95)
			}
			name := txt(s.Name)
			name.Tip = spellingsTip + spellings(s.Spellings)
			skT.Rows = append(skT.Rows, []td{name, cnt(s.Vacancies), num(s.Share, fmtPct(s.Share)), ch, prem, cnt(s.PremiumBase)})
		}
		intro := []string{fmt.Sprintf("Доля — от %s %s, у которых загружено полное описание (ключевые навыки есть только в нём). Написания сведены: регистр, ё/е, кириллица/латиница в «1С», дефисы, точки и пробелы по краям, группы синонимов (MS Excel = Excel, Adaptation = Адаптация персонала; свои группы — hhjobs report --synonyms); наведите на навык, чтобы увидеть исходные написания.",
			fmtInt(int64(sk.Base)), plural(sk.Base, "вакансии", "вакансий", "вакансий"))}
		prT := premiumTable(sk.Premiums)
		if len(prT.Rows) == 0 {
			prT.Note = "Недостаточно данных: нужны не меньше " + fmtInt(int64(res.Small.MinNRank)) + " зарплат с навыком и столько же без него в одной роли при одном требуемом опыте."
		}
		p.Sections = append(p.Sections, section{
			ID: "skills", Title: "Востребованные навыки", Intro: intro,
			Charts: []chart{hbarChart("bar-skills", "Топ-20 навыков по доле вакансий", "доля вакансий с загруженными навыками", bars, func(v float64) string { return fmtNum(v*100, 0) + nbsp + "%" })},
			Tables: []table{skT, prT},
		})
	}

	// Regions.
	regions := grouping(res, analytics.DimRegion)
	var rbars []barRow
	for i, g := range regions {
		if i == 15 {
			break
		}
		rbars = append(rbars, barRow{Label: g.Label[0], V: float64(g.Vacancies), Value: fmtInt(int64(g.Vacancies)) + med(g),
			Tip: fmt.Sprintf("%s: %s вакансий, медиана %s (n = %s)", g.Label[0], fmtInt(int64(g.Vacancies)), shown(g.Salary.HasMedian(), fmtRub(g.Salary.Median)), fmtInt(int64(g.Salary.N)))})
	}
	p.Sections = append(p.Sections, section{
		ID: "regions", Title: "Регионы и города",
		Intro:  []string{"Регион — верхний уровень справочника /areas под страной (Москва и Санкт-Петербург — сами себе регионы; город Казань → Республика Татарстан)."},
		Charts: []chart{hbarChart("bar-regions", "Вакансии по регионам", "число вакансий; в подписи — медианная зарплата", rbars, fmtK2)},
		Tables: []table{
			groupTable("t-region", "Регионы", []analytics.Dim{analytics.DimRegion}, regions, 100),
			groupTable("t-area", "Города (area вакансии)", []analytics.Dim{analytics.DimArea}, grouping(res, analytics.DimArea), 100),
		},
	})

	// Employers.
	if er := res.Employers; er != nil {
		var ebars []barRow
		for i, g := range er.ByOpen {
			if i == 15 || g.Open == 0 {
				break
			}
			ebars = append(ebars, barRow{Label: g.Label[0], V: float64(g.Open), Value: fmtInt(int64(g.Open)), Tip: fmt.Sprintf("%s: %s открытых вакансий", g.Label[0], fmtInt(int64(g.Open)))})
		}
		byOpen := groupTable("t-emp-open", "Работодатели по числу открытых вакансий", []analytics.Dim{analytics.DimEmployer}, er.ByOpen, 0)
		byOpen.Head = slices.Insert(byOpen.Head, 1, th{Label: "Открыто", Num: true})
		for i, g := range er.ByOpen {
			byOpen.Rows[i] = slices.Insert(byOpen.Rows[i], 1, cnt(g.Open))
		}
		byPay := groupTable("t-emp-pay", "Работодатели по уровню оплаты: база n ≥ "+fmtInt(int64(res.Small.MinNRank))+", порядок — по нижней границе 95 % ДИ медианы", []analytics.Dim{analytics.DimEmployer}, er.ByPay, 0)
		p.Sections = append(p.Sections, section{
			ID: "employers", Title: "Работодатели",
			Charts: []chart{hbarChart("bar-employers", "Топ работодателей по открытым вакансиям", "открытые вакансии", ebars, fmtK2)},
			Tables: []table{byOpen, byPay},
		})
	}

	// Work format over time.
	var xs []string
	var remote, hybrid series
	remote = series{Name: "Удалённо", Class: "s1"}
	hybrid = series{Name: "Гибрид", Class: "s2"}
	wfT := table{ID: "t-wf-weeks", Caption: "Формат работы по неделям публикации", Head: []th{
		{Label: "Неделя с"}, {Label: "База n", Num: true, Tip: "вакансии недели с указанным форматом"}, {Label: "Удалённо", Num: true}, {Label: "Гибрид", Num: true},
	}}
	for _, w := range res.Weekly {
		if w.Published == 0 {
			continue
		}
		xs = append(xs, weekLabel(w, res.GeneratedAt))
		r, h := math.NaN(), math.NaN()
		if w.WorkFormatBase >= minShareBase {
			r, h = w.RemoteShare, w.HybridShare
		}
		remote.V = append(remote.V, r)
		hybrid.V = append(hybrid.V, h)
		remote.Tips = append(remote.Tips, fmt.Sprintf("неделя с %s: удалённо %s (n = %s)", fmtDate(w.Start), fmtPct(w.RemoteShare), fmtInt(int64(w.WorkFormatBase))))
		hybrid.Tips = append(hybrid.Tips, fmt.Sprintf("неделя с %s: гибрид %s (n = %s)", fmtDate(w.Start), fmtPct(w.HybridShare), fmtInt(int64(w.WorkFormatBase))))
		wfT.Rows = append(wfT.Rows, []td{{S: fmtDate(w.Start), V: w.Start.Format(time.DateOnly)}, cnt(w.WorkFormatBase), num(w.RemoteShare, fmtPct(w.RemoteShare)), num(w.HybridShare, fmtPct(w.HybridShare))})
	}
	pct := func(v float64) string { return fmtNum(v*100, 0) + nbsp + "%" }
	p.Sections = append(p.Sections, section{
		ID: "format", Title: "Удалённая работа и гибрид",
		Intro:  []string{"Доля вакансий недели, где среди форматов работы есть «Удалённо» или «Гибрид» (формат может быть не один). База — вакансии с указанным форматом."},
		Charts: []chart{lineChart("line-format", "Доля удалённых и гибридных вакансий по неделям", "неделя публикации (с понедельника); точка — при базе от 30 вакансий; * — неделя ещё не закончилась", xs, []series{remote, hybrid}, pct, 0)},
		Tables: []table{wfT,
			groupTable("t-wf", "Формат работы", []analytics.Dim{analytics.DimWorkFormat}, grouping(res, analytics.DimWorkFormat), 0),
			groupTable("t-ef", "Тип занятости", []analytics.Dim{analytics.DimEmploymentForm}, grouping(res, analytics.DimEmploymentForm), 0)},
	})

	// Trends.
	var wx []string
	var counts []float64
	var ctips []string
	medS := series{Name: "Медиана", Class: "s1"}
	p25S := series{Name: "P25", Class: "s3"}
	p75S := series{Name: "P75", Class: "s2"}
	for _, w := range res.Weekly {
		if w.Published == 0 {
			continue
		}
		wx = append(wx, weekLabel(w, res.GeneratedAt))
		counts = append(counts, float64(w.Published))
		ctips = append(ctips, fmt.Sprintf("неделя с %s: %s новых вакансий, закрыто %s", fmtDate(w.Start), fmtInt(int64(w.Published)), fmtInt(int64(w.Closed))))
		m, a, b := chartFigures(w.Salary)
		medS.V, p25S.V, p75S.V = append(medS.V, m), append(p25S.V, a), append(p75S.V, b)
		tip := fmt.Sprintf("неделя с %s: медиана %s, P25 %s, P75 %s (n = %s)", fmtDate(w.Start), fmtRub(m), fmtRub(a), fmtRub(b), fmtInt(int64(w.Salary.N)))
		medS.Tips, p25S.Tips, p75S.Tips = append(medS.Tips, tip), append(p25S.Tips, tip), append(p75S.Tips, tip)
	}
	trT := periodTable("t-weeks", "По неделям публикации", "Неделя с", res.Weekly, res.GeneratedAt)
	moT := periodTable("t-months", "По месяцам публикации", "Месяц", res.Monthly, res.GeneratedAt)
	p.Sections = append(p.Sections, section{
		ID: "trends", Title: "Динамика",
		Intro: []string{"Неделя — с понедельника по московскому времени, по дате публикации (published_at). Медиана недели показана при базе не меньше " + fmtInt(int64(res.Small.MinNMedian)) + " зарплат, квартили — не меньше " + fmtInt(int64(res.Small.MinNQuartiles)) + "."},
		Charts: []chart{
			columnChart("col-weeks", "Новые вакансии по неделям", "число опубликованных вакансий; * — неделя ещё не закончилась", wx, counts, ctips, fmtK2),
			lineChart("line-median", "Зарплата по неделям публикации", "₽ в месяц, "+p.Basis, wx, []series{p75S, medS, p25S}, fmtK, 0),
		},
		Tables: []table{trT, moT},
	})

	// Lifetime.
	if lt := res.Lifetime; lt != nil {
		p.Sections = append(p.Sections, lifetimeSection(lt))
	}

	if len(res.Revisions) > 0 {
		p.Sections = append(p.Sections, revisionSection(res.Revisions))
	}

	// Combinations.
	combo := grouping(res, analytics.DimRole, analytics.DimExperience, analytics.DimRegion)
	p.Sections = append(p.Sections, section{
		ID: "combo", Title: "Роль × опыт × регион",
		Intro:  []string{"Маленькие группы дают неустойчивые медианы: смотрите на базу n."},
		Tables: []table{groupTable("t-combo", "Роль × опыт × регион", []analytics.Dim{analytics.DimRole, analytics.DimExperience, analytics.DimRegion}, combo, 150)},
	})

	if s, ok := postingsSection(res); ok {
		p.Sections = append(p.Sections, s)
	}
	p.Sections = append(p.Sections, qualitySection(res))
	notePostings(&p, res)
	p.Method = methodNotes(res)
	return p
}

func roundK(x float64) float64 { return math.Round(x/1000) * 1000 }

func med(g analytics.GroupStats) string {
	if !g.Salary.HasMedian() {
		return ""
	}
	return " · медиана " + fmtK(g.Salary.Median)
}

func fmtK2(v float64) string { return fmtNum(v, 0) }

// minShareBase is the smallest base a weekly share is plotted on.
const minShareBase = 30

// weekLabel is dd.mm of the week's Monday, starred while the week is not over.
func weekLabel(p analytics.Period, now time.Time) string {
	l := p.Start.Format("02.01")
	if p.Start.AddDate(0, 0, 7).After(now) {
		l += "*"
	}
	return l
}

func spellings(m map[string]int) string {
	type kv struct {
		k string
		v int
	}
	var l []kv
	for k, v := range m {
		l = append(l, kv{k, v})
	}
	slices.SortFunc(l, func(a, b kv) int {
		if a.v != b.v {
			return b.v - a.v
		}
		return strings.Compare(a.k, b.k)
	})
	var s []string
	for i, x := range l {
		if i == 5 {
			s = append(s, "…")
			break
		}
		s = append(s, "«"+x.k+"» "+fmtInt(int64(x.v)))
	}
	return strings.Join(s, ", ")
}

func periodTable(id, caption, first string, ps []analytics.Period, now time.Time) table {
	t := table{ID: id, Caption: caption, Head: []th{
		{Label: first}, {Label: "Опубликовано", Num: true}, {Label: "Закрыто", Num: true}, {Label: "С зарплатой", Num: true},
		{Label: "База n", Num: true}, {Label: "P25", Num: true}, {Label: "Медиана", Num: true}, ciHead, {Label: "P75", Num: true},
	}}
	for _, p := range ps {
		share := math.NaN()
		if p.Published > 0 {
			share = float64(p.Disclosed) / float64(p.Published)
		}
		n, s := p.Salary.N, p.Salary
		label := fmtDate(p.Start)
		if id == "t-months" {
			label = monthName(p.Start)
		}
		label += unfinishedMark(id, p.Start, now)
		t.Rows = append(t.Rows, []td{{S: label, V: p.Start.Format(time.DateOnly)}, cnt(p.Published), cnt(p.Closed),
			num(share, fmtPct(share)), cnt(n), quartileCell(s, s.P25), medianCell(s, s.Median), ciCell(s), quartileCell(s, s.P75)})
	}
	noteUnfinished(&t)
	return t
}

var months = []string{"январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"}

func monthName(t time.Time) string {
	t = t.In(analytics.MSK)
	return months[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

func qualitySection(res *analytics.Result) section {
	m := res.Mix
	rows := [][]td{
		{txt("Вакансий всего"), cnt(m.Vacancies), txt("")},
		{txt("С указанной зарплатой"), cnt(m.Disclosed), num(m.DisclosureShare, fmtPct(m.DisclosureShare))},
		{txt("Вилка «от – до» (точка — середина)"), cnt(m.ForkBoth), share(m.ForkBoth, m.Disclosed)},
		{txt("Только «от» (точка — «от»)"), cnt(m.ForkFromOnly), share(m.ForkFromOnly, m.Disclosed)},
		{txt("Только «до» (точка — «до»)"), cnt(m.ForkToOnly), share(m.ForkToOnly, m.Disclosed)},
		{txt("До вычета налога (gross)"), cnt(m.Gross), share(m.Gross, m.Disclosed)},
		{txt("На руки (net)"), cnt(m.Net), share(m.Net, m.Disclosed)},
		{txt("Налог не указан (взято как есть)"), cnt(m.GrossUnknown), share(m.GrossUnknown, m.Disclosed)},
		{txt("Пересчитано gross ↔ net (НДФЛ по шкале на дату)"), cnt(m.TaxConverted), share(m.TaxConverted, m.Disclosed)},
		{txt("Приведено к месяцу и рублям"), cnt(m.Normalised), share(m.Normalised, m.Disclosed)},
		{txt("Исключено: за вахту или за услугу"), cnt(m.ExcludedMode), share(m.ExcludedMode, m.Disclosed)},
		{txt("Исключено: нет курса валюты"), cnt(m.NoRate), share(m.NoRate, m.Disclosed)},
		{txt("Курс взят с более поздней даты"), cnt(m.RateAfter), share(m.RateAfter, m.Disclosed)},
		{txt("Период не указан (принят месяц)"), cnt(m.ModeAssumed), share(m.ModeAssumed, m.Disclosed)},
		{txt("Выбросы по абсолютному порогу"), cnt(m.OutliersAbs), share(m.OutliersAbs, m.Disclosed)},
	}
	for _, k := range sortedKeys(m.Modes) {
		rows = append(rows, []td{txt("Период оплаты " + modeName(k)), cnt(m.Modes[k]), share(m.Modes[k], m.Disclosed)})
	}
	rows = append(rows, rosterRows(m)...)
	for _, k := range sortedKeys(m.Currencies) {
		rows = append(rows, []td{txt("Валюта " + k), cnt(m.Currencies[k]), share(m.Currencies[k], m.Disclosed)})
	}
	mix := table{ID: "t-mix", Caption: "Зарплаты: что указано и как приведено", Head: []th{{Label: "Показатель"}, {Label: "Вакансий", Num: true}, {Label: "Доля", Num: true}}, Rows: rows}
	s := section{ID: "quality", Title: "Качество данных", Tables: []table{mix}}
	if q := res.Quality; q != nil {
		last := "нет завершённых запусков"
		if q.LastSync != nil {
			last = fmtDateTime(*q.LastSync)
		}
		s.Intro = append(s.Intro,
			"Последняя синхронизация: "+last+".",
			fmt.Sprintf("Полные описания загружены у %s из %s вакансий; курсы валют: %s %s.", fmtInt(int64(q.WithDetails)), fmtInt(int64(q.Vacancies)), fmtInt(int64(len(q.RateDates))), plural(len(q.RateDates), "дата", "даты", "дат")))
		if q.TruncatedSlices > 0 {
			s.Intro = append(s.Intro, fmt.Sprintf("Внимание: %s %s последнего запуска упёрлись в предел hh.ru в 2000 результатов и не делятся дальше — часть вакансий в них не собрана (см. «найдено» и «сохранено»).",
				fmtInt(int64(q.TruncatedSlices)), plural(q.TruncatedSlices, "срез", "среза", "срезов")))
		}
		rt := table{ID: "t-runs", Caption: "Последний запуск каждого запроса", Head: []th{
			{Label: "Запрос"}, {Label: "Запуск", Num: true}, {Label: "Статус"}, {Label: "Начат"}, {Label: "Завершён"},
			{Label: "Срезов", Num: true}, {Label: "Обрезано", Num: true}, {Label: "Найдено в обрезанных", Num: true}, {Label: "Сохранено из них", Num: true},
			{Label: "С ошибкой", Num: true}, {Label: "Не завершено", Num: true},
		}}
		for _, r := range q.Runs {
			fin := "—"
			if r.FinishedAt != nil {
				fin = fmtDateTime(*r.FinishedAt)
			}
			rt.Rows = append(rt.Rows, []td{txt(r.Query), cnt(int(r.RunID)), txt(r.Status), {S: fmtDateTime(r.StartedAt), V: r.StartedAt.Format(time.RFC3339)}, txt(fin),
				cnt(r.Slices), cnt(r.Truncated), cnt(r.FoundTruncated), cnt(r.StoredTruncated), cnt(r.Failed), cnt(r.Unfinished)})
		}
		if len(rt.Rows) == 0 {
			rt.Note = "Запусков нет."
		}
		s.Tables = append(s.Tables, rt)
	}
	return s
}

func share(n, base int) td {
	if base == 0 {
		return td{S: "—", Num: true}
	}
	x := float64(n) / float64(base)
	return num(x, fmtPct(x))
}

func sortedKeys(m map[string]int) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func modeName(id string) string {
	switch id {
	case analytics.ModeMonth:
		return "«за месяц»"
	case analytics.ModeHour:
		return "«за час»"
	case analytics.ModeShift:
		return "«за смену»"
	case analytics.ModeFlyInFlyOut:
		return "«за вахту»"
	case analytics.ModeService:
		return "«за услугу»"
	}
	return id
}

func methodNotes(res *analytics.Result) []string {
	basis := "до вычета НДФЛ: зарплата «на руки» пересчитывается в сумму до вычета"
	if res.Basis == "net" {
		basis = "на руки: из зарплаты до вычета вычитается НДФЛ"
	}
	return []string{
		"Рубли: сумма / курс из /dictionaries (курс = единиц валюты за 1 ₽) на дату первого появления вакансии — последний сохранённый курс не позже этой даты, иначе самый ранний после неё.",
		monthNote,
		"Налог: " + basis + taxNote,
		"Вилка: «от – до» → середина, только «от» → «от», только «до» → «до»; доли каждого случая — в разделе «Качество данных».",
		"Выбросы: месячная сумма вне [10 000; 5 000 000] ₽ или вне [Q1 − 3·IQR; Q3 + 3·IQR] своей группы (в группах от 10 зарплат). Выбросы не удаляются: они исключены из медиан и посчитаны.",
		"Перцентили: линейная интерполяция между соседними порядковыми статистиками (тип 7, как в R и NumPy по умолчанию). Среднее — по тем же значениям без выбросов.",
		"Каждая цифра сопровождается базой n; доля «с зарплатой» — от всех вакансий группы.",
		smallSampleNote(res),
		"Подробно: docs/methodology.md.",
	}
}
