package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

// skillsSection: skill demand, its trend and premiums.
func skillsSection(res *analytics.Result, _ string) (section, bool) {
	sk := res.Skills
	if sk == nil {
		return section{}, false
	}
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
	return section{
		ID: "skills", Title: "Востребованные навыки", Intro: intro,
		Charts: []chart{hbarChart("bar-skills", "Топ-20 навыков по доле вакансий", "доля вакансий с загруженными навыками", bars, func(v float64) string { return fmtNum(v*100, 0) + nbsp + "%" })},
		Tables: []table{skT, prT},
	}, true
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
