package report

import (
	"fmt"
	"strings"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

// postingsSection shows who posts one job as copies in several areas.
func postingsSection(res *analytics.Result) (section, bool) {
	p := res.Postings
	if p == nil || p.Checked == 0 {
		return section{}, false
	}
	t := table{ID: "t-copies", Caption: "Массовые размещения по работодателям", Head: []th{
		{Label: "Работодатель"}, {Label: "Вакансий с зарплатой", Num: true},
		{Label: "Копий", Num: true, Tip: "вакансии, повторяющие другую того же работодателя: то же название и та же зарплата, другой город, публикация в пределах 3 дней"},
		{Label: "Доля копий", Num: true},
	}}
	for i, e := range p.ByEmployer {
		if i == 30 {
			t.Note = fmt.Sprintf("Показаны 30 из %s работодателей с копиями.", fmtInt(int64(len(p.ByEmployer))))
			break
		}
		t.Rows = append(t.Rows, []td{txt(e.Employer), cnt(e.Vacancies), cnt(e.Copies), num(e.Share, fmtPct(e.Share))})
	}
	if len(t.Rows) == 0 {
		t.Note = "Массовых размещений не найдено."
	}
	share := 0.0
	if p.Checked > 0 {
		share = float64(p.Copies) / float64(p.Checked)
	}
	intro := fmt.Sprintf("Массовое размещение — одна вакансия, опубликованная работодателем в нескольких городах: то же название (без учёта регистра и знаков), та же зарплата, публикации не дальше 3 дней друг от друга. Из %s вакансий с зарплатой и известным работодателем %s — копии (%s). ",
		fmtInt(int64(p.Checked)), fmtInt(int64(p.Copies)), fmtPct(share))
	if p.Unique {
		intro += fmt.Sprintf("Зарплатные показатели отчёта посчитаны по одной копии каждого размещения (--unique-postings): исключено %s копий.", fmtInt(int64(p.Dropped)))
	} else {
		intro += "Зарплатные показатели отчёта учитывают все копии; по одной копии — hhjobs report --unique-postings."
	}
	return section{ID: "copies", Title: "Массовые размещения", Intro: []string{intro}, Tables: []table{t}}, true
}

// notePostings says under every salary table whether copies count.
func notePostings(p *page, res *analytics.Result) {
	note := "Копии массовых размещений учтены (см. «Массовые размещения»)."
	if res.Postings != nil && res.Postings.Unique {
		note = "По одной копии каждого массового размещения (--unique-postings)."
	}
	for i := range p.Sections {
		for j := range p.Sections[i].Tables {
			t := &p.Sections[i].Tables[j]
			if !salaryTable(t) {
				continue
			}
			if t.Note != "" {
				t.Note += " "
			}
			t.Note += note
		}
	}
}

func salaryTable(t *table) bool {
	for _, h := range t.Head {
		if strings.HasPrefix(h.Label, "Медиана") {
			return true
		}
	}
	return false
}
