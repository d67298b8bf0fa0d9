package analytics

import (
	"strconv"
	"strings"

	"github.com/hhjobs/hhjobs/internal/store"
)

// Monthly equivalents of pay per shift and per hour from the vacancy's own
// roster (docs/methodology.md §1.2). Rosters whose cycle is the calendar
// week (5/2, 6/1, 4/3) follow the production calendar, holidays off: 5/2 is
// ShiftsPerMonth (20.55), the others scale it by their days a week. Other
// cycles run through holidays: a/(a+b) of the average month's 30.4375 days.
// WEEKEND is two days of each of the month's 4.35 weeks.

// DaysPerMonth is the average calendar month: 365.25 / 12.
const DaysPerMonth = 365.25 / 12

// RosterShifts are the shifts a month of each work_schedule_by_days id
// (FLEXIBLE and OTHER say nothing: the fallback applies).
var RosterShifts = map[string]float64{
	"FIVE_ON_TWO_OFF":    ShiftsPerMonth,
	"SIX_ON_ONE_OFF":     ShiftsPerMonth * 6 / 5,
	"FOUR_ON_THREE_OFF":  ShiftsPerMonth * 4 / 5,
	"TWO_ON_TWO_OFF":     DaysPerMonth * 2 / 4,
	"THREE_ON_THREE_OFF": DaysPerMonth * 3 / 6,
	"FOUR_ON_FOUR_OFF":   DaysPerMonth * 4 / 8,
	"FOUR_ON_TWO_OFF":    DaysPerMonth * 4 / 6,
	"THREE_ON_TWO_OFF":   DaysPerMonth * 3 / 5,
	"TWO_ON_ONE_OFF":     DaysPerMonth * 2 / 3,
	"ONE_ON_TWO_OFF":     DaysPerMonth * 1 / 3,
	"ONE_ON_THREE_OFF":   DaysPerMonth * 1 / 4,
	"WEEKEND":            DaysPerMonth * 2 / 7,
}

// rosterShifts is the shifts a month of r: known when r names exactly one
// roster with a rate (several rosters — "2/2 or 5/2" — are ambiguous).
func rosterShifts(r *store.Roster) (float64, bool) {
	if r == nil {
		return 0, false
	}
	var got float64
	n := 0
	for _, d := range r.Days {
		if s, ok := RosterShifts[d]; ok && s != got {
			got = s
			n++
		}
	}
	return got, n == 1
}

// rosterHours is the length of a shift in hours: HOURS_n, when r names exactly one.
func rosterHours(r *store.Roster) (float64, bool) {
	if r == nil {
		return 0, false
	}
	var got float64
	n := 0
	for _, h := range r.Hours {
		x, ok := strings.CutPrefix(h, "HOURS_")
		if !ok {
			continue
		}
		v, err := strconv.Atoi(x)
		if err != nil || v <= 0 || v > 24 {
			continue
		}
		if float64(v) != got {
			got = float64(v)
			n++
		}
	}
	return got, n == 1
}

// monthlyFactor is what a SHIFT or HOUR amount is multiplied by for a month,
// and the flags saying which assumptions filled the gaps:
//   - SHIFT: the roster's shifts a month, else ShiftsPerMonth;
//   - HOUR: shifts a month × hours a shift; a missing roster is 5/2, a missing
//     length 8 h, and with both missing the figure is the full-time
//     equivalent (HoursPerMonth), flagged as such.
func monthlyFactor(mode string, r *store.Roster) (float64, Flag) {
	shifts, okS := rosterShifts(r)
	if !okS {
		shifts = ShiftsPerMonth
	}
	if mode == ModeShift {
		if !okS {
			return shifts, FlagRosterAssumed
		}
		return shifts, 0
	}
	hours, okH := rosterHours(r)
	if !okH {
		hours = HoursPerMonth / ShiftsPerMonth
	}
	switch {
	case !okS && !okH:
		return HoursPerMonth, FlagRosterAssumed | FlagFTE
	case !okS || !okH:
		return shifts * hours, FlagRosterAssumed
	}
	return shifts * hours, 0
}
