package report

import (
	"fmt"
	"slices"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

// employersSection: the employers with most open vacancies and the best paying.
func employersSection(res *analytics.Result, _ string) (section, bool) {
	er := res.Employers
	if er == nil {
		return section{}, false
	}
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
	return section{
		ID: "employers", Title: "Работодатели",
		Charts: []chart{hbarChart("bar-employers", "Топ работодателей по открытым вакансиям", "открытые вакансии", ebars, fmtK2)},
		Tables: []table{byOpen, byPay},
	}, true
}
