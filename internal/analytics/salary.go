// Package analytics turns stored vacancies into HR analytics: salary
// normalisation, percentiles, groupings, skill demand and premiums, lifetimes
// (Kaplan-Meier) and trends. It reads the store only through EachVacancy and
// friends, in one streaming pass, and never loads raw JSON.
//
// Every rule (rates, monthly equivalents, tax, forks, outliers, percentiles)
// is documented in docs/methodology.md; the constants below are the numbers
// that page states.
package analytics

import (
	"sort"
	"strings"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
)

// The numbers of the methodology (docs/methodology.md).
const (
	// HoursPerMonth is the average monthly working time of a 40-hour week in
	// Russia: 1973 h a year (2024 production calendar) / 12 ≈ 164.4 h.
	HoursPerMonth = 164.4
	// ShiftsPerMonth assumes one 8-hour shift per working day: 164.4 / 8.
	ShiftsPerMonth = HoursPerMonth / 8
	// MinMonthlyRUR and MaxMonthlyRUR bound plausible monthly salaries; values
	// outside are flagged as outliers.
	MinMonthlyRUR = 10_000
	MaxMonthlyRUR = 5_000_000
	// IQRFence: within a group, values outside [Q1−k·IQR, Q3+k·IQR] are outliers.
	IQRFence = 3.0
	// MinGroupForIQR: the IQR rule is applied only to groups at least this big.
	MinGroupForIQR = 10
)

// Salary modes (dictionary salary_range_mode).
const (
	ModeMonth        = "MONTH"
	ModeShift        = "SHIFT"
	ModeHour         = "HOUR"
	ModeFlyInFlyOut  = "FLY_IN_FLY_OUT"
	ModeService      = "SERVICE"
	CurrencyRUR      = "RUR"
	currencyRUBAlias = "RUB"
)

// Fork says which ends of a salary fork were given.
type Fork string

// Fork kinds.
const (
	ForkNone Fork = ""
	ForkBoth Fork = "both"
	ForkFrom Fork = "from"
	ForkTo   Fork = "to"
)

// Flag records what normalisation did or could not do.
type Flag uint16

// Flags.
const (
	FlagNoSalary      Flag = 1 << iota // neither from nor to
	FlagExcludedMode                   // FLY_IN_FLY_OUT, SERVICE or an unknown mode: no monthly equivalent
	FlagNoRate                         // no stored rate for the currency
	FlagRateAfter                      // no rate on or before the date: the earliest later one was used
	FlagModeAssumed                    // no salary_range.mode (legacy salary): MONTH assumed
	FlagTaxUnknown                     // gross unknown: the amount is taken as already on the wanted basis
	FlagTaxConverted                   // gross → net or net → gross applied
	FlagOutlier                        // monthly RUR outside [MinMonthlyRUR, MaxMonthlyRUR]
	FlagRosterAssumed                  // SHIFT or HOUR without (all of) its roster: constants of roster.go used
	FlagFTE                            // HOUR with neither roster nor shift length: a full-time equivalent (164.4 h)
	FlagCopy                           // a copy of a mass posting, left out of salary figures (postings.go)
)

// Has reports whether f includes g.
func (f Flag) Has(g Flag) bool { return f&g != 0 }

// Options choose the salary basis.
type Options struct {
	// Net reports salaries after tax (NDFL deducted); the default is gross.
	Net bool
}

// Basis names the tax basis of o.
func (o Options) Basis() string {
	if o.Net {
		return "net"
	}
	return "gross"
}

// Salary is one vacancy's normalised salary.
type Salary struct {
	// OK: MonthlyRUR was computed (it may still be an outlier: see Flags).
	OK         bool
	MonthlyRUR float64
	Fork       Fork
	Mode       string // the mode used (MONTH when assumed)
	Currency   string
	Rate       float64   // units of Currency per 1 RUR (1 for RUR)
	RateDate   time.Time // date of the rate used (zero for RUR)
	Flags      Flag
}

// Usable reports whether the salary enters medians: computed and not an absolute outlier.
func (s Salary) Usable() bool { return s.OK && !s.Flags.Has(FlagOutlier) && !s.Flags.Has(FlagCopy) }

// Disclosed reports whether the vacancy published any salary.
func (s Salary) Disclosed() bool { return !s.Flags.Has(FlagNoSalary) }

// Rates looks up /dictionaries currency rates by date.
type Rates struct {
	byCode map[string][]datedRate
}

type datedRate struct {
	day  int64 // days since the Unix epoch (UTC)
	date time.Time
	rate float64
}

// NewRates indexes stored rates. Non-positive rates are ignored.
func NewRates(rs []store.CurrencyRate) *Rates {
	r := &Rates{byCode: map[string][]datedRate{}}
	for _, c := range rs {
		if c.Rate <= 0 {
			continue
		}
		code := strings.ToUpper(c.Code)
		r.byCode[code] = append(r.byCode[code], datedRate{day: dayNumber(c.Date), date: c.Date, rate: c.Rate})
	}
	for _, l := range r.byCode {
		sort.SliceStable(l, func(i, j int) bool { return l[i].day < l[j].day })
	}
	return r
}

func dayNumber(t time.Time) int64 {
	u := t.UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// Lookup returns the rate of code for the day of on: the latest stored rate
// on or before that day, else the earliest after it (after = true). RUR is
// always 1. ok is false when no rate of code is stored.
func (r *Rates) Lookup(code string, on time.Time) (rate float64, date time.Time, after, ok bool) {
	code = strings.ToUpper(code)
	if code == CurrencyRUR || code == currencyRUBAlias || code == "" {
		return 1, time.Time{}, false, true
	}
	if r == nil {
		return 0, time.Time{}, false, false
	}
	l := r.byCode[code]
	if len(l) == 0 {
		return 0, time.Time{}, false, false
	}
	d := dayNumber(on)
	i := sort.Search(len(l), func(i int) bool { return l[i].day > d }) // first after d
	if i == 0 {
		return l[0].rate, l[0].date, true, true
	}
	return l[i-1].rate, l[i-1].date, false, true
}

// Normalise turns v's published salary into a monthly amount in roubles on
// the basis opt asks for (docs/methodology.md §1):
//
//  1. point estimate of the fork: both → midpoint, from only → from, to only → to;
//  2. roubles: amount / rate, the rate of the vacancy's first_seen_at date
//     (latest on or before, else earliest after);
//  3. monthly: MONTH ×1; SHIFT × the roster's shifts a month, HOUR × its
//     shifts × hours (roster.go; without a roster SHIFT ×20.55, HOUR ×164.4,
//     the full-time equivalent); FLY_IN_FLY_OUT, SERVICE and
//     unknown modes get no monthly equivalent; a missing mode means MONTH;
//  4. tax: gross ↔ net by the NDFL scale of the same date (tax.go: a resident,
//     12 × the monthly amount a year; 13 % before 2021, 13/15 % until 2025, 13–22 % since),
//     applied to the rouble amount whatever the currency; unknown gross is left as is;
//  5. outlier flag when the result is outside [10 000, 5 000 000].
func Normalise(v store.Vacancy, rates *Rates, opt Options) Salary {
	return NormaliseRoster(v, nil, rates, opt)
}

// NormaliseRoster is Normalise with the vacancy's roster (nil: unknown), which
// turns SHIFT and HOUR pay into the month that roster gives (roster.go).
func NormaliseRoster(v store.Vacancy, roster *store.Roster, rates *Rates, opt Options) Salary {
	var s Salary
	from, to := positive(v.SalaryFrom), positive(v.SalaryTo)
	var point float64
	switch {
	case from != nil && to != nil:
		s.Fork = ForkBoth
		point = (float64(*from) + float64(*to)) / 2
	case from != nil:
		s.Fork = ForkFrom
		point = float64(*from)
	case to != nil:
		s.Fork = ForkTo
		point = float64(*to)
	default:
		s.Flags |= FlagNoSalary
		return s
	}
	s.Currency = strings.ToUpper(v.SalaryCurrency)
	if s.Currency == "" || s.Currency == currencyRUBAlias {
		s.Currency = CurrencyRUR
	}
	s.Mode = strings.ToUpper(v.SalaryMode)
	if s.Mode == "" {
		s.Mode = ModeMonth
		s.Flags |= FlagModeAssumed
	}
	var factor float64
	switch s.Mode {
	case ModeMonth:
		factor = 1
	case ModeHour, ModeShift:
		var f Flag
		factor, f = monthlyFactor(s.Mode, roster)
		s.Flags |= f
	default:
		s.Flags |= FlagExcludedMode
		return s
	}
	seen := v.FirstSeenAt
	if seen.IsZero() {
		seen = v.PublishedAt
	}
	rate, date, after, ok := rates.Lookup(s.Currency, seen)
	if !ok {
		s.Flags |= FlagNoRate
		return s
	}
	if after {
		s.Flags |= FlagRateAfter
	}
	s.Rate, s.RateDate = rate, date
	m := point / rate * factor
	switch {
	case v.SalaryGross == nil:
		s.Flags |= FlagTaxUnknown
	case *v.SalaryGross && opt.Net:
		m = ScaleOn(seen).NetMonthly(m)
		s.Flags |= FlagTaxConverted
	case !*v.SalaryGross && !opt.Net:
		m = ScaleOn(seen).GrossMonthly(m)
		s.Flags |= FlagTaxConverted
	}
	s.OK = true
	s.MonthlyRUR = m
	if m < MinMonthlyRUR || m > MaxMonthlyRUR {
		s.Flags |= FlagOutlier
	}
	return s
}

func positive(p *int64) *int64 {
	if p == nil || *p <= 0 {
		return nil
	}
	return p
}
