package report

import "github.com/hhjobs/hhjobs/internal/analytics"

// gradeSection: salaries by required experience.
func gradeSection(res *analytics.Result, basis string) (section, bool) {
	exp := byExperience(grouping(res, analytics.DimExperience))
	return section{
		ID: "grade", Title: "Зарплаты по опыту",
		Intro:  []string{"Месячная зарплата в рублях, " + basis + ". Ящик — от P25 до P75, черта — медиана, усы — от P10 до P90. Выбросы исключены и посчитаны в таблице."},
		Charts: []chart{boxChart("box-grade", "Зарплата по требуемому опыту", "ящик P25–P75, черта — медиана, усы P10–P90", boxRows(exp, 1, 0))},
		Tables: []table{groupTable("t-grade", "Зарплаты по опыту", []analytics.Dim{analytics.DimExperience}, exp, 0)},
	}, true
}

// rolesSection: salaries by professional role.
func rolesSection(res *analytics.Result, _ string) (section, bool) {
	roles := grouping(res, analytics.DimRole)
	return section{
		ID: "roles", Title: "Зарплаты по ролям",
		Intro:  []string{"Вакансия с несколькими профессиональными ролями учитывается в каждой из них. На графике — роли с базой не меньше " + fmtInt(int64(res.Small.MinNQuartiles)) + " зарплат (от неё показываются квартили)."},
		Charts: []chart{boxChart("box-role", "Зарплата по профессиональной роли", "ящик P25–P75, черта — медиана, усы P10–P90", boxRows(roles, 5, 12))},
		Tables: []table{groupTable("t-role", "Роли", []analytics.Dim{analytics.DimRole}, roles, 100)},
	}, true
}

// comboSection: role × experience × region.
func comboSection(res *analytics.Result, _ string) (section, bool) {
	combo := grouping(res, analytics.DimRole, analytics.DimExperience, analytics.DimRegion)
	return section{
		ID: "combo", Title: "Роль × опыт × регион",
		Intro:  []string{"Маленькие группы дают неустойчивые медианы: смотрите на базу n."},
		Tables: []table{groupTable("t-combo", "Роль × опыт × регион", []analytics.Dim{analytics.DimRole, analytics.DimExperience, analytics.DimRegion}, combo, 150)},
	}, true
}
