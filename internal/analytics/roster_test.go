package analytics

import (
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
)

func TestRosterMonthlyEquivalents(t *testing.T) {
	seen := time.Date(2025, 6, 5, 12, 0, 0, 0, time.UTC)
	v := func(mode string, amount int64) store.Vacancy {
		return store.Vacancy{ID: "1", SalaryFrom: &amount, SalaryCurrency: "RUR", SalaryMode: mode, SalaryGross: bp(true), FirstSeenAt: seen}
	}
	ro := func(days string, hours ...string) *store.Roster {
		r := &store.Roster{Hours: hours}
		if days != "" {
			r.Days = []string{days}
		}
		return r
	}
	for _, c := range []struct {
		name    string
		v       store.Vacancy
		r       *store.Roster
		monthly float64
		flags   Flag
	}{
		// 2/2: 30.4375 days × 2/4 = 15.21875 shifts; 5/2: 20.55 (164.4 h / 8 h).
		{"shift 2/2 × 12 h", v(ModeShift, 4000), ro("TWO_ON_TWO_OFF", "HOURS_12"), 4000 * 15.21875, 0},
		{"shift 5/2 × 8 h", v(ModeShift, 4000), ro("FIVE_ON_TWO_OFF", "HOURS_8"), 4000 * 20.55, 0},
		// 6/1 follows the calendar week: 20.55 × 6/5 = 24.66.
		{"shift 6/1", v(ModeShift, 3000), ro("SIX_ON_ONE_OFF"), 3000 * 24.66, 0},
		// 1/3 (a day on, three off): 30.4375 / 4 = 7.609375.
		{"shift 1/3 × 24 h", v(ModeShift, 8000), ro("ONE_ON_THREE_OFF", "HOURS_24"), 8000 * 7.609375, 0},
		{"shift, roster FLEXIBLE: 20.55 assumed", v(ModeShift, 3000), ro("FLEXIBLE"), 3000 * 20.55, FlagRosterAssumed},
		{"shift, two rosters: ambiguous", v(ModeShift, 3000), &store.Roster{Days: []string{"TWO_ON_TWO_OFF", "FIVE_ON_TWO_OFF"}}, 3000 * 20.55, FlagRosterAssumed},
		{"shift, no roster read", v(ModeShift, 3000), nil, 3000 * 20.55, FlagRosterAssumed},
		// Hourly: shifts × hours. 5/2 × 4 h part-time: 20.55 × 4 = 82.2 h — the month's real pay.
		{"hour 5/2 × 4 h", v(ModeHour, 500), ro("FIVE_ON_TWO_OFF", "HOURS_4"), 500 * 82.2, 0},
		{"hour 2/2 × 12 h", v(ModeHour, 500), ro("TWO_ON_TWO_OFF", "HOURS_12"), 500 * 15.21875 * 12, 0},
		{"hour 2/2, length unknown: 8 h", v(ModeHour, 500), ro("TWO_ON_TWO_OFF", "FLEXIBLE"), 500 * 15.21875 * 8, FlagRosterAssumed},
		{"hour 6 h, roster unknown: 5/2", v(ModeHour, 500), ro("OTHER", "HOURS_6"), 500 * 20.55 * 6, FlagRosterAssumed},
		{"hour, nothing known: full-time equivalent", v(ModeHour, 500), nil, 500 * 164.4, FlagRosterAssumed | FlagFTE},
		{"month ignores the roster", v(ModeMonth, 90000), ro("TWO_ON_TWO_OFF", "HOURS_12"), 90000, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := NormaliseRoster(c.v, c.r, testRates(), Options{})
			if !s.OK || !near(s.MonthlyRUR, c.monthly) || s.Flags != c.flags {
				t.Errorf("monthly %v flags %b, want %v flags %b", s.MonthlyRUR, s.Flags, c.monthly, c.flags)
			}
		})
	}
	// The brief's check: the same shift rate on 2/2 and on 5/2 gives months in the
	// ratio of their shifts a month (15.22 / 20.55 = 0.7406: 5/2's constant overstated 2/2 by 35 %).
	a := NormaliseRoster(v(ModeShift, 4000), ro("TWO_ON_TWO_OFF", "HOURS_12"), testRates(), Options{})
	b := NormaliseRoster(v(ModeShift, 4000), ro("FIVE_ON_TWO_OFF", "HOURS_8"), testRates(), Options{})
	if r := a.MonthlyRUR / b.MonthlyRUR; !near(r, 15.21875/20.55) {
		t.Errorf("2/2 : 5/2 = %v, want %v", r, 15.21875/20.55)
	}
}
