package report

import (
	"math"
	"strconv"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

// Cells of withheld and uncertain figures (docs/methodology.md §2.1): a
// figure whose base is below the small-sample rule is not shown but greyed
// («мало данных (n = 4)»), and the median's 95 % interval is a quiet column.

// few is a withheld figure: greyed, with its base; long says it in words
// (the median's cell), otherwise a dash with the reason as a tooltip.
func few(s analytics.Summary, long bool) td {
	label := "мало данных (n" + nbsp + "=" + nbsp + fmtInt(int64(s.N)) + ")"
	if long {
		return td{S: label, Num: true, Class: "few", V: "-1"}
	}
	return td{S: "—", Num: true, Class: "few", Tip: label, V: "-1"}
}

// median, quartile and ciCell show a Summary's figures, dashes for an empty
// sample and greyed cells for withheld ones.
func medianCell(s analytics.Summary, v float64) td {
	switch {
	case s.N == 0:
		return td{S: "—", Num: true}
	case !s.HasMedian():
		return few(s, true)
	}
	c := num(v, fmtRub(v))
	if s.HasCI {
		c.Tip = "95 % доверительный интервал медианы: " + fmtRub(s.CI95[0]) + " – " + fmtRub(s.CI95[1])
	}
	return c
}

func quartileCell(s analytics.Summary, v float64) td {
	switch {
	case s.N == 0:
		return td{S: "—", Num: true}
	case !s.HasQuartiles():
		return few(s, false)
	}
	return num(v, fmtRub(v))
}

func ciCell(s analytics.Summary) td {
	if !s.HasMedian() || !s.HasCI {
		return td{Num: true, Class: "ci"}
	}
	lo, hi := s.CI95[0], s.CI95[1]
	return td{S: fmtThousands(lo) + "–" + fmtThousands(hi) + nbsp + "тыс.", V: strconv.FormatFloat(lo, 'f', 0, 64), Num: true, Class: "ci",
		Tip: "95 % доверительный интервал медианы (порядковые статистики): " + fmtRub(lo) + " – " + fmtRub(hi)}
}

var ciHead = th{Label: "ДИ 95 %", Num: true, Tip: "95-процентный доверительный интервал медианы, тыс. ₽, без предположений о распределении (порядковые статистики, биномиальное правило)"}

// chartFigures are the median and quartiles of s for a chart: NaN (no point)
// where a figure is withheld.
func chartFigures(s analytics.Summary) (med, p25, p75 float64) {
	med, p25, p75 = math.NaN(), math.NaN(), math.NaN()
	if s.HasMedian() {
		med = s.Median
	}
	if s.HasQuartiles() {
		p25, p75 = s.P25, s.P75
	}
	return med, p25, p75
}

// shown is s when ok, else a dash.
func shown(ok bool, s string) string {
	if !ok {
		return "—"
	}
	return s
}

// ciSub is the median's interval for a KPI's subline.
func ciSub(s analytics.Summary) string {
	if !s.HasMedian() || !s.HasCI {
		return ""
	}
	return "; 95 % ДИ " + fmtK(roundK(s.CI95[0])) + " – " + fmtK(roundK(s.CI95[1]))
}

// fmtThousands is a compact amount in thousands of roubles: 98, 1 250, 12,5.
func fmtThousands(x float64) string {
	k := x / 1000
	if k < 20 {
		return fmtNum(k, 1)
	}
	return fmtNum(k, 0)
}

// smallSampleNote states the rules of §2.1 of the methodology for the report's method list.
func smallSampleNote(res *analytics.Result) string {
	r := res.Small
	return "Малые выборки: медиана, среднее и её 95 % доверительный интервал показываются от n = " + fmtInt(int64(r.MinNMedian)) +
		" зарплат, квартили (P10–P90) — от n = " + fmtInt(int64(r.MinNQuartiles)) + "; ниже — «мало данных». Интервал медианы — по порядковым статистикам " +
		"(биномиальное правило, без предположений о распределении). Рейтинги работодателей по оплате и премии за навыки — только по группам от n = " +
		fmtInt(int64(r.MinNRank)) + ", работодатели упорядочены по нижней границе интервала."
}
