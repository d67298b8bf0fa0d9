package report

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

// formatSection: remote and hybrid work by week, work formats and employment forms.
func formatSection(res *analytics.Result, _ string) (section, bool) {
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
	return section{
		ID: "format", Title: "Удалённая работа и гибрид",
		Intro:  []string{"Доля вакансий недели, где среди форматов работы есть «Удалённо» или «Гибрид» (формат может быть не один). База — вакансии с указанным форматом."},
		Charts: []chart{lineChart("line-format", "Доля удалённых и гибридных вакансий по неделям", "неделя публикации (с понедельника); точка — при базе от 30 вакансий; * — неделя ещё не закончилась", xs, []series{remote, hybrid}, pct, 0)},
		Tables: []table{wfT,
			groupTable("t-wf", "Формат работы", []analytics.Dim{analytics.DimWorkFormat}, grouping(res, analytics.DimWorkFormat), 0),
			groupTable("t-ef", "Тип занятости", []analytics.Dim{analytics.DimEmploymentForm}, grouping(res, analytics.DimEmploymentForm), 0)},
	}, true
}

// trendsSection: publications and salaries by week and month.
func trendsSection(res *analytics.Result, basis string) (section, bool) {
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
	return section{
		ID: "trends", Title: "Динамика",
		Intro: []string{"Неделя — с понедельника по московскому времени, по дате публикации (published_at). Медиана недели показана при базе не меньше " + fmtInt(int64(res.Small.MinNMedian)) + " зарплат, квартили — не меньше " + fmtInt(int64(res.Small.MinNQuartiles)) + "."},
		Charts: []chart{
			columnChart("col-weeks", "Новые вакансии по неделям", "число опубликованных вакансий; * — неделя ещё не закончилась", wx, counts, ctips, fmtK2),
			lineChart("line-median", "Зарплата по неделям публикации", "₽ в месяц, "+basis, wx, []series{p75S, medS, p25S}, fmtK, 0),
		},
		Tables: []table{trT, moT},
	}, true
}

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
