package report

import (
	"fmt"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

// lifeMedian renders a group's median with its interval, or why it is withheld.
func lifeMedian(g analytics.LifetimeGroup) td {
	if g.MedianDays == nil {
		return td{S: g.Reason, Tip: g.Reason}
	}
	m := num(*g.MedianDays, fmtNum(*g.MedianDays, 1)+" ("+fmtCI(g.MedianCI95)+")")
	m.Tip = "95 % доверительный интервал в скобках"
	return m
}

// fmtCI renders [low, high] in days; a missing end is beyond the data.
func fmtCI(ci []*float64) string {
	end := func(p *float64, none string) string {
		if p == nil {
			return none
		}
		return fmtNum(*p, 1)
	}
	if len(ci) != 2 {
		return "—"
	}
	return end(ci[0], "—") + "–" + end(ci[1], "за окном")
}

// lifetimeKPI is the headline figure: the median with its interval, or the reason.
func lifetimeKPI(lt *analytics.Lifetime) kpi {
	if lt.MedianDays == nil {
		return kpi{"Медиана срока жизни", "—", lt.Reason}
	}
	return kpi{"Медиана срока жизни", fmtNum(*lt.MedianDays, 1) + nbsp + "дн.",
		"95 % ДИ " + fmtCI(lt.MedianCI95) + "; закрытий " + fmtInt(int64(lt.Closed)) + ", под риском " + fmtInt(int64(*lt.AtRiskAtMedian))}
}

func startName(g analytics.LifetimeGroup) string {
	if g.Start == analytics.StartInitialCreated {
		s := "создания вакансии (initial_created_at: переопубликация его не сбрасывает)"
		if g.StartOther > 0 {
			s += fmt.Sprintf("; у %s без полной версии — от published_at", fmtInt(int64(g.StartOther))+" "+plural(g.StartOther, "вакансии", "вакансий", "вакансий"))
		}
		return s
	}
	s := "публикации (published_at: полных версий с initial_created_at нет"
	if g.StartOther > 0 {
		s += fmt.Sprintf(" у большинства; у %s — от initial_created_at", fmtInt(int64(g.StartOther)))
	}
	return s + ")"
}

// lifetimeSection is the report's lifetime section: the same groups and
// figures as `stats --lifetime --by experience`.
func lifetimeSection(lt *analytics.Lifetime) section {
	var days []int
	var sv []float64
	for _, d := range lt.Curve {
		days = append(days, d.Day)
		sv = append(sv, d.S)
	}
	t := table{ID: "t-life", Caption: "Срок жизни по опыту (Каплан — Майер с отложенным входом)", Head: []th{
		{Label: "Опыт"}, {Label: "Вакансий", Num: true}, {Label: "Закрыто", Num: true},
		{Label: "Открыто", Num: true, Tip: "ещё открыты на конец окна: цензурированные наблюдения"},
		{Label: "Медиана, дн.", Num: true, Tip: "в скобках — 95 % доверительный интервал медианы: Брукмейер — Кроули, log(−log), дисперсия Гринвуда"},
		{Label: "Под риском", Num: true, Tip: "вакансий под риском на медиане"},
	}}
	for _, g := range append([]analytics.LifetimeGroup{lt.LifetimeGroup}, lt.ByExperience...) {
		m := lifeMedian(g)
		risk := td{S: "—", Num: true}
		if g.AtRiskAtMedian != nil {
			risk = cnt(*g.AtRiskAtMedian)
		}
		t.Rows = append(t.Rows, []td{txt(g.Label[0]), cnt(g.N), cnt(g.Closed), cnt(g.Censored), m, risk})
	}
	intro := []string{
		"Срок жизни считается от " + startName(lt.LifetimeGroup) + " до закрытия (closed_at: первая синхронизация, не нашедшая вакансию в выдаче).",
		"Окно наблюдения: с первого сбора " + fmtDateTime(lt.Window.From) + " до последней синхронизации " + fmtDateTime(lt.Window.To) +
			". Вакансии, закрывшиеся до первого сбора, не видны, а первый сбор находит уже «пожившие» вакансии; поэтому каждая входит в оценку только с момента, когда её впервые увидели (оценка Каплана — Майера с отложенным входом, левое усечение), а открытые на конец окна цензурированы.",
		fmt.Sprintf("Медиана — наименьшее t, при котором S(t) ≤ ½; её 95 %% доверительный интервал (в таблице — в скобках) — по Брукмейеру — Кроули. Медиана не указывается, если закрытий меньше %d или под риском на медиане меньше %d вакансий.",
			analytics.MinLifetimeClosures, analytics.MinAtRiskAtMedian),
	}
	if lt.NaiveClosedAvg > 0 {
		intro = append(intro, "Для сравнения: простое среднее от публикации до закрытия по одним закрытым вакансиям — "+fmtNum(lt.NaiveClosedAvg, 1)+nbsp+"дн.; оно смещено: долгоживущие вакансии ещё открыты, а закрывшиеся до первого сбора не видны.")
	}
	var median float64
	if lt.MedianDays != nil {
		median = *lt.MedianDays
	}
	return section{
		ID: "lifetime", Title: "Срок жизни вакансии", Intro: intro,
		Charts: []chart{stepChart("km-life", "Доля вакансий, ещё открытых через N дней", "кривая выживания Каплана — Майера с отложенным входом", days, sv, median, lt.MedianDays != nil)},
		Tables: []table{t},
	}
}
