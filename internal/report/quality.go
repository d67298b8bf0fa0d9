package report

import (
	"fmt"
	"slices"
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

func qualitySection(res *analytics.Result) section {
	m := res.Mix
	rows := [][]td{
		{txt("Вакансий всего"), cnt(m.Vacancies), txt("")},
		{txt("С указанной зарплатой"), cnt(m.Disclosed), num(m.DisclosureShare, fmtPct(m.DisclosureShare))},
		{txt("Вилка «от – до» (точка — середина)"), cnt(m.ForkBoth), share(m.ForkBoth, m.Disclosed)},
		{txt("Только «от» (точка — «от»)"), cnt(m.ForkFromOnly), share(m.ForkFromOnly, m.Disclosed)},
		{txt("Только «до» (точка — «до»)"), cnt(m.ForkToOnly), share(m.ForkToOnly, m.Disclosed)},
		{txt("До вычета налога (gross)"), cnt(m.Gross), share(m.Gross, m.Disclosed)},
		{txt("На руки (net)"), cnt(m.Net), share(m.Net, m.Disclosed)},
		{txt("Налог не указан (взято как есть)"), cnt(m.GrossUnknown), share(m.GrossUnknown, m.Disclosed)},
		{txt("Пересчитано gross ↔ net (НДФЛ по шкале на дату)"), cnt(m.TaxConverted), share(m.TaxConverted, m.Disclosed)},
		{txt("Приведено к месяцу и рублям"), cnt(m.Normalised), share(m.Normalised, m.Disclosed)},
		{txt("Исключено: за вахту или за услугу"), cnt(m.ExcludedMode), share(m.ExcludedMode, m.Disclosed)},
		{txt("Исключено: нет курса валюты"), cnt(m.NoRate), share(m.NoRate, m.Disclosed)},
		{txt("Курс взят с более поздней даты"), cnt(m.RateAfter), share(m.RateAfter, m.Disclosed)},
		{txt("Период не указан (принят месяц)"), cnt(m.ModeAssumed), share(m.ModeAssumed, m.Disclosed)},
		{txt("Выбросы по абсолютному порогу"), cnt(m.OutliersAbs), share(m.OutliersAbs, m.Disclosed)},
	}
	for _, k := range sortedKeys(m.Modes) {
		rows = append(rows, []td{txt("Период оплаты " + modeName(k)), cnt(m.Modes[k]), share(m.Modes[k], m.Disclosed)})
	}
	rows = append(rows, rosterRows(m)...)
	for _, k := range sortedKeys(m.Currencies) {
		rows = append(rows, []td{txt("Валюта " + k), cnt(m.Currencies[k]), share(m.Currencies[k], m.Disclosed)})
	}
	mix := table{ID: "t-mix", Caption: "Зарплаты: что указано и как приведено", Head: []th{{Label: "Показатель"}, {Label: "Вакансий", Num: true}, {Label: "Доля", Num: true}}, Rows: rows}
	s := section{ID: "quality", Title: "Качество данных", Tables: []table{mix}}
	if q := res.Quality; q != nil {
		last := "нет завершённых запусков"
		if q.LastSync != nil {
			last = fmtDateTime(*q.LastSync)
		}
		s.Intro = append(s.Intro,
			"Последняя синхронизация: "+last+".",
			fmt.Sprintf("Полные описания загружены у %s из %s вакансий; курсы валют: %s %s.", fmtInt(int64(q.WithDetails)), fmtInt(int64(q.Vacancies)), fmtInt(int64(len(q.RateDates))), plural(len(q.RateDates), "дата", "даты", "дат")))
		if q.TruncatedSlices > 0 {
			s.Intro = append(s.Intro, fmt.Sprintf("Внимание: %s %s последнего запуска упёрлись в предел hh.ru в 2000 результатов и не делятся дальше — часть вакансий в них не собрана (см. «найдено» и «сохранено»).",
				fmtInt(int64(q.TruncatedSlices)), plural(q.TruncatedSlices, "срез", "среза", "срезов")))
		}
		rt := table{ID: "t-runs", Caption: "Последний запуск каждого запроса", Head: []th{
			{Label: "Запрос"}, {Label: "Запуск", Num: true}, {Label: "Статус"}, {Label: "Начат"}, {Label: "Завершён"},
			{Label: "Срезов", Num: true}, {Label: "Обрезано", Num: true}, {Label: "Найдено в обрезанных", Num: true}, {Label: "Сохранено из них", Num: true},
			{Label: "С ошибкой", Num: true}, {Label: "Не завершено", Num: true},
		}}
		for _, r := range q.Runs {
			fin := "—"
			if r.FinishedAt != nil {
				fin = fmtDateTime(*r.FinishedAt)
			}
			rt.Rows = append(rt.Rows, []td{txt(r.Query), cnt(int(r.RunID)), txt(r.Status), {S: fmtDateTime(r.StartedAt), V: r.StartedAt.Format(time.RFC3339)}, txt(fin),
				cnt(r.Slices), cnt(r.Truncated), cnt(r.FoundTruncated), cnt(r.StoredTruncated), cnt(r.Failed), cnt(r.Unfinished)})
		}
		if len(rt.Rows) == 0 {
			rt.Note = "Запусков нет."
		}
		s.Tables = append(s.Tables, rt)
	}
	return s
}

func share(n, base int) td {
	if base == 0 {
		return td{S: "—", Num: true}
	}
	x := float64(n) / float64(base)
	return num(x, fmtPct(x))
}

func sortedKeys(m map[string]int) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func modeName(id string) string {
	switch id {
	case analytics.ModeMonth:
		return "«за месяц»"
	case analytics.ModeHour:
		return "«за час»"
	case analytics.ModeShift:
		return "«за смену»"
	case analytics.ModeFlyInFlyOut:
		return "«за вахту»"
	case analytics.ModeService:
		return "«за услугу»"
	}
	return id
}

func methodNotes(res *analytics.Result) []string {
	basis := "до вычета НДФЛ: зарплата «на руки» пересчитывается в сумму до вычета"
	if res.Basis == "net" {
		basis = "на руки: из зарплаты до вычета вычитается НДФЛ"
	}
	return []string{
		"Рубли: сумма / курс из /dictionaries (курс = единиц валюты за 1 ₽) на дату первого появления вакансии — последний сохранённый курс не позже этой даты, иначе самый ранний после неё.",
		monthNote,
		"Налог: " + basis + taxNote,
		"Вилка: «от – до» → середина, только «от» → «от», только «до» → «до»; доли каждого случая — в разделе «Качество данных».",
		"Выбросы: месячная сумма вне [10 000; 5 000 000] ₽ или вне [Q1 − 3·IQR; Q3 + 3·IQR] своей группы (в группах от 10 зарплат). Выбросы не удаляются: они исключены из медиан и посчитаны.",
		"Перцентили: линейная интерполяция между соседними порядковыми статистиками (тип 7, как в R и NumPy по умолчанию). Среднее — по тем же значениям без выбросов.",
		"Каждая цифра сопровождается базой n; доля «с зарплатой» — от всех вакансий группы.",
		smallSampleNote(res),
		"Подробно: docs/methodology.md.",
	}
}
