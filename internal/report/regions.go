package report

import (
	"fmt"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

// regionsSection: vacancies and salaries by region and by city.
func regionsSection(res *analytics.Result, _ string) (section, bool) {
	regions := grouping(res, analytics.DimRegion)
	var rbars []barRow
	for i, g := range regions {
		if i == 15 {
			break
		}
		rbars = append(rbars, barRow{Label: g.Label[0], V: float64(g.Vacancies), Value: fmtInt(int64(g.Vacancies)) + med(g),
			Tip: fmt.Sprintf("%s: %s вакансий, медиана %s (n = %s)", g.Label[0], fmtInt(int64(g.Vacancies)), shown(g.Salary.HasMedian(), fmtRub(g.Salary.Median)), fmtInt(int64(g.Salary.N)))})
	}
	return section{
		ID: "regions", Title: "Регионы и города",
		Intro:  []string{"Регион — верхний уровень справочника /areas под страной (Москва и Санкт-Петербург — сами себе регионы; город Казань → Республика Татарстан)."},
		Charts: []chart{hbarChart("bar-regions", "Вакансии по регионам", "число вакансий; в подписи — медианная зарплата", rbars, fmtK2)},
		Tables: []table{
			groupTable("t-region", "Регионы", []analytics.Dim{analytics.DimRegion}, regions, 100),
			groupTable("t-area", "Города (area вакансии)", []analytics.Dim{analytics.DimArea}, grouping(res, analytics.DimArea), 100),
		},
	}, true
}
