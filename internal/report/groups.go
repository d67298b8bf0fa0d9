package report

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

// Tables and box plots of groups (GroupStats), shared by the sections.

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

func roundK(x float64) float64 { return math.Round(x/1000) * 1000 }

func med(g analytics.GroupStats) string {
	if !g.Salary.HasMedian() {
		return ""
	}
	return " · медиана " + fmtK(g.Salary.Median)
}

func fmtK2(v float64) string { return fmtNum(v, 0) }
