package report

import "github.com/hhjobs/hhjobs/internal/analytics"

// rosterRows are the data-quality rows of pay per shift or hour: how many got
// their month from the vacancy's own roster, how many from constants, and
// how many are full-time equivalents.
func rosterRows(m analytics.SalaryMix) [][]td {
	base := m.RosterKnown + m.RosterAssumed + m.RosterFTE
	if base == 0 {
		return nil
	}
	return [][]td{
		{txt("За смену или час: месяц по графику вакансии"), cnt(m.RosterKnown), share(m.RosterKnown, base)},
		{txt("За смену или час: график не указан полностью (приняты 5/2 и 8 ч)"), cnt(m.RosterAssumed), share(m.RosterAssumed, base)},
		{txt("За час без графика: эквивалент полной ставки (164,4 ч)"), cnt(m.RosterFTE), share(m.RosterFTE, base)},
	}
}

// monthNote is the method list's line on monthly equivalents.
const monthNote = "Месяц: «за месяц» × 1; «за смену» × число смен в месяц по графику вакансии (work_schedule_by_days: 5/2 — 20,55 смены, " +
	"6/1 — 24,66, 2/2 и 3/3 — 15,22, 1/3 — 7,61; графики кратные неделе — по производственному календарю, остальные — подряд по 30,44 дня), " +
	"«за час» × смены × часы смены (working_hours). Без графика — 20,55 смены и 8 ч; «за час» совсем без графика — эквивалент полной ставки, 164,4 ч " +
	"(доли каждого случая — в разделе «Качество данных»). «За вахту» и «за услугу» в месячные показатели не входят и посчитаны отдельно."
