package report

import (
	"fmt"
	"math"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

// histogramSection: the distribution of monthly salaries (analytics/histogram.go).
func histogramSection(res *analytics.Result, basis string) (section, bool) {
	h := res.SalaryHistogram
	if h == nil {
		return section{}, false
	}
	const id, title = "hist-salary", "Распределение месячных зарплат"
	intro := []string{
		fmt.Sprintf("Месячные зарплаты в рублях, %s, — те же, что за медианой в заголовке отчёта: n = %s. Ширина столбца — правило Фридмана — Диакониса 2·IQR·n^(−1/3), округлённое вверх до круглой суммы (1; 2; 2,5 или 5 × 10ᵏ ₽, не меньше %s, не больше %d столбцов); столбец — от своей левой границы включительно до правой.",
			basis, fmtInt(int64(h.N)), fmtRub(analytics.MinBinWidth), analytics.MaxBins),
		fmt.Sprintf("Не показаны и посчитаны: %s вне [10 000; 5 000 000] ₽, %s вне Q1 − 3·IQR…Q3 + 3·IQR всей выборки, %s без месячного эквивалента (вахта, услуга, нет курса валюты).",
			fmtInt(int64(h.OutliersAbs)), fmtInt(int64(h.OutliersIQR)), fmtInt(int64(h.Excluded))),
	}
	caption := "число зарплат в столбце; черта — медиана"
	t := table{ID: "t-hist", Caption: "Распределение зарплат", Head: []th{
		{Label: "От, ₽", Num: true}, {Label: "До, ₽", Num: true, Tip: "не включая"}, {Label: "Зарплат", Num: true}, {Label: "Доля", Num: true},
	}}
	var ch chart
	switch {
	case h.Withheld:
		few := "мало данных (n" + nbsp + "=" + nbsp + fmtInt(int64(h.N)) + "): распределение строится от n" + nbsp + "=" + nbsp + fmtInt(int64(res.Small.MinNQuartiles))
		ch = withheldChart(id, title, caption, few)
		t.Note = few + "."
	default:
		med := math.NaN()
		if res.Total.Salary.HasMedian() {
			med = res.Total.Salary.Median
		}
		ch = histChart(id, title, fmt.Sprintf("столбец — %s; %s; n = %s", fmtRub(h.Width), caption, fmtInt(int64(h.N))), h.Bins, h.N, med)
		for _, b := range h.Bins {
			s := float64(b.Count) / float64(h.N)
			t.Rows = append(t.Rows, []td{num(b.From, fmtInt(int64(b.From))), num(b.To, fmtInt(int64(b.To))), cnt(b.Count), num(s, fmtPct(s))})
		}
	}
	return section{ID: "distribution", Title: "Распределение зарплат", Intro: intro, Charts: []chart{ch}, Tables: []table{t}}, true
}
