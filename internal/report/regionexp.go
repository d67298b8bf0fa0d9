package report

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

// gridRegions is how many regions the region × experience chart shows (the table has them all).
const gridRegions = 12

// gridExperience are the grades as the grid's short column headings.
var gridExperience = map[string]string{
	"noExperience": "Нет опыта", "between1And3": "1–3 года", "between3And6": "3–6 лет", "moreThan6": "Более 6 лет",
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// regionExperienceSection: the median salary by region × required
// experience as a grid (analytics/regionexp.go), withheld cells as in the table.
func regionExperienceSection(res *analytics.Result, _ string) (section, bool) {
	g := res.RegionExperience
	if g == nil {
		return section{}, false
	}
	// Regions by their vacancies (the sum over their cells), experience in its natural order.
	type region struct {
		key, label string
		vacancies  int
	}
	var regions []region
	at := map[string]int{}
	cell := map[[2]string]analytics.GroupStats{}
	var exps []string
	for _, gs := range g.Groups {
		i, ok := at[gs.Key[0]]
		if !ok {
			i = len(regions)
			at[gs.Key[0]] = i
			regions = append(regions, region{key: gs.Key[0], label: gs.Label[0]})
		}
		regions[i].vacancies += gs.Vacancies
		cell[[2]string{gs.Key[0], gs.Key[1]}] = gs
		if !slices.Contains(exps, gs.Key[1]) {
			exps = append(exps, gs.Key[1])
		}
	}
	slices.SortStableFunc(regions, func(a, b region) int { return cmp.Compare(b.vacancies, a.vacancies) })
	rank := func(id string) int {
		if i := slices.Index(analytics.ExperienceOrder, id); i >= 0 {
			return i
		}
		return len(analytics.ExperienceOrder)
	}
	slices.SortStableFunc(exps, func(a, b string) int { return cmp.Compare(rank(a), rank(b)) })
	var cols, full []string
	for _, e := range exps {
		cols, full = append(cols, or(gridExperience[e], analytics.Unknown)), append(full, or(analytics.ExperienceNames[e], analytics.Unknown))
	}
	var rows []string
	var cells [][]gridCell
	for i, r := range regions {
		if i == gridRegions {
			break
		}
		rows = append(rows, r.label)
		row := make([]gridCell, len(exps))
		for j, e := range exps {
			gs, ok := cell[[2]string{r.key, e}]
			s := gs.Salary
			where := r.label + " · " + full[j]
			base := "n" + nbsp + "=" + nbsp + fmtInt(int64(s.N))
			switch {
			case !ok || s.N == 0:
				row[j] = gridCell{Empty: true, Tip: where + ": зарплат нет"}
			case !s.HasMedian():
				row[j] = gridCell{Few: true, Sub: base, Tip: fmt.Sprintf("%s: мало данных (n = %s; медиана — от n = %s)", where, fmtInt(int64(s.N)), fmtInt(int64(res.Small.MinNMedian)))}
			default:
				row[j] = gridCell{V: s.Median, Value: fmtK(roundK(s.Median)), Sub: base,
					Tip: fmt.Sprintf("%s: медиана %s, n = %s%s", where, fmtRub(s.Median), fmtInt(int64(s.N)), ciSub(s))}
			}
		}
		cells = append(cells, row)
	}
	caption := fmt.Sprintf("медиана, ₽ в месяц, и база n; %d регионов с наибольшим числом вакансий; «мало данных» — n < %s", min(len(regions), gridRegions), fmtInt(int64(res.Small.MinNMedian)))
	return section{
		ID: "region-experience", Title: "Зарплата: регион × опыт",
		Intro: []string{"Медиана месячной зарплаты в каждом сочетании региона и требуемого опыта, под ней — база n (зарплаты без выбросов). Медиана показывается от n = " +
			fmtInt(int64(res.Small.MinNMedian)) + ", квартили — от n = " + fmtInt(int64(res.Small.MinNQuartiles)) + "; ячейки меньше — «мало данных», как в таблицах. Полосы всех ячеек — в одном масштабе."},
		Charts: []chart{gridChart("grid-region-exp", "Медиана зарплаты по регионам и опыту", caption, rows, cols, cells)},
		Tables: []table{groupTable("t-region-exp", "Регион × опыт", analytics.RegionExperienceDims, g.Groups, 150)},
	}, true
}
