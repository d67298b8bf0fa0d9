package analytics

import "github.com/hhjobs/hhjobs/internal/store"

// SalaryMix says how the published salaries looked and what normalisation did.
type SalaryMix struct {
	Vacancies       int            `json:"vacancies"`
	Disclosed       int            `json:"disclosed"`
	DisclosureShare float64        `json:"disclosure_share"`
	ForkBoth        int            `json:"fork_both"`
	ForkFromOnly    int            `json:"fork_from_only"`
	ForkToOnly      int            `json:"fork_to_only"`
	Modes           map[string]int `json:"modes"`
	Currencies      map[string]int `json:"currencies"`
	Gross           int            `json:"gross"`
	Net             int            `json:"net"`
	GrossUnknown    int            `json:"gross_unknown"`
	Normalised      int            `json:"normalised"`    // got a monthly RUR value
	ExcludedMode    int            `json:"excluded_mode"` // FLY_IN_FLY_OUT, SERVICE, unknown modes
	NoRate          int            `json:"no_rate"`
	RateAfter       int            `json:"rate_after"`
	ModeAssumed     int            `json:"mode_assumed"`
	TaxConverted    int            `json:"tax_converted"`
	OutliersAbs     int            `json:"outliers_abs"`
	// Pay per shift or hour turned into a month (roster.go): with the vacancy's
	// own roster, with constants filling a gap, or as a full-time equivalent.
	RosterKnown   int `json:"roster_known"`
	RosterAssumed int `json:"roster_assumed"`
	RosterFTE     int `json:"roster_fte"`
}

// mixSection counts the salary mix (Result.Mix).
type mixSection struct{ m SalaryMix }

func newMixSection(*Env) Section {
	return &mixSection{m: SalaryMix{Modes: map[string]int{}, Currencies: map[string]int{}}}
}

func (x *mixSection) Observe(o *Seen) { x.m.add(o.V, o.Salary) }

func (m *SalaryMix) add(v *store.Vacancy, s Salary) {
	m.Vacancies++
	if !s.Disclosed() {
		return
	}
	m.Disclosed++
	switch s.Fork {
	case ForkBoth:
		m.ForkBoth++
	case ForkFrom:
		m.ForkFromOnly++
	case ForkTo:
		m.ForkToOnly++
	}
	m.Modes[s.Mode]++
	m.Currencies[s.Currency]++
	switch {
	case v.SalaryGross == nil:
		m.GrossUnknown++
	case *v.SalaryGross:
		m.Gross++
	default:
		m.Net++
	}
	if s.OK {
		m.Normalised++
	}
	if s.Flags.Has(FlagExcludedMode) {
		m.ExcludedMode++
	}
	if s.Flags.Has(FlagNoRate) {
		m.NoRate++
	}
	if s.Flags.Has(FlagRateAfter) {
		m.RateAfter++
	}
	if s.Flags.Has(FlagModeAssumed) {
		m.ModeAssumed++
	}
	if s.Flags.Has(FlagTaxConverted) {
		m.TaxConverted++
	}
	if s.Flags.Has(FlagOutlier) {
		m.OutliersAbs++
	}
	m.countRoster(s)
}

// countRoster adds s to the roster counters of the salary mix.
func (m *SalaryMix) countRoster(s Salary) {
	if s.Mode != ModeShift && s.Mode != ModeHour || !s.OK {
		return
	}
	switch {
	case s.Flags.Has(FlagFTE):
		m.RosterFTE++
	case s.Flags.Has(FlagRosterAssumed):
		m.RosterAssumed++
	default:
		m.RosterKnown++
	}
}

func (x *mixSection) Merge(other Section) {
	a, b := &x.m, &other.(*mixSection).m
	for _, f := range [][2]*int{
		{&a.Vacancies, &b.Vacancies}, {&a.Disclosed, &b.Disclosed}, {&a.ForkBoth, &b.ForkBoth},
		{&a.ForkFromOnly, &b.ForkFromOnly}, {&a.ForkToOnly, &b.ForkToOnly}, {&a.Gross, &b.Gross}, {&a.Net, &b.Net},
		{&a.GrossUnknown, &b.GrossUnknown}, {&a.Normalised, &b.Normalised}, {&a.ExcludedMode, &b.ExcludedMode},
		{&a.NoRate, &b.NoRate}, {&a.RateAfter, &b.RateAfter}, {&a.ModeAssumed, &b.ModeAssumed},
		{&a.TaxConverted, &b.TaxConverted}, {&a.OutliersAbs, &b.OutliersAbs}, {&a.RosterKnown, &b.RosterKnown},
		{&a.RosterAssumed, &b.RosterAssumed}, {&a.RosterFTE, &b.RosterFTE},
	} {
		*f[0] += *f[1]
	}
	for k, n := range b.Modes {
		a.Modes[k] += n
	}
	for k, n := range b.Currencies {
		a.Currencies[k] += n
	}
}

func (x *mixSection) Finish(r *Result) {
	r.Mix = x.m
	if r.Mix.Vacancies > 0 {
		r.Mix.DisclosureShare = float64(r.Mix.Disclosed) / float64(r.Mix.Vacancies)
	}
}
