package report

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

// premiumCell is a premium with its 95 % interval in the tooltip.
func premiumCell(p float64, ci *[2]float64) td {
	c := num(p, fmtSignedPct(p))
	if ci != nil {
		c.Tip = "95 % доверительный интервал: " + fmtSignedPct(ci[0]) + " … " + fmtSignedPct(ci[1])
		if ci[0] <= 0 && ci[1] >= 0 {
			c.Tip += " — включает ноль: премия не отличима от нуля"
		}
	}
	return c
}

// premiumTable ranks the role × experience cells by the lower bound of the
// premium's interval: a cell's lucky median does not top the list.
func premiumTable(cells []analytics.SkillPremium) table {
	t := table{ID: "t-premium", Caption: "Премия за навык внутри роли и опыта (по нижней границе 95 % ДИ)", Head: []th{
		{Label: "Навык"}, {Label: "Роль"}, {Label: "Опыт"}, {Label: "n с навыком", Num: true}, {Label: "n без", Num: true},
		{Label: "Медиана с навыком", Num: true}, {Label: "Медиана без", Num: true}, {Label: "Премия", Num: true},
		{Label: "ДИ 95 %", Num: true, Tip: "приближённый 95 % доверительный интервал премии (стандартные ошибки медиан по порядковым статистикам, дельта-метод)"},
	}}
	cells = slices.Clone(cells)
	slices.SortStableFunc(cells, func(a, b analytics.SkillPremium) int { return cmp.Compare(b.CI95[0], a.CI95[0]) })
	for _, pr := range cells {
		ci := pr.CI95
		t.Rows = append(t.Rows, []td{txt(pr.Skill), txt(pr.Role), txt(pr.Experience), cnt(pr.NWith), cnt(pr.NWithout),
			num(pr.MedianWith, fmtRub(pr.MedianWith)), num(pr.MedianWithout, fmtRub(pr.MedianWithout)), premiumCell(pr.Premium, &ci),
			{S: fmtSignedPct(ci[0]) + " … " + fmtSignedPct(ci[1]), V: strconv.FormatFloat(ci[0], 'f', -1, 64), Num: true, Class: "ci"}})
	}
	return t
}
