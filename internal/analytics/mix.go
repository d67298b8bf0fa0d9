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

func newMixSection(env *Env) Section {
	if env != nil && env.cols != nil && env.cols.mix {
		return &fedMix{fed{env: env}}
	}
	return &mixSection{m: SalaryMix{Modes: map[string]int{}, Currencies: map[string]int{}}}
}

func (x *mixSection) Observe(o *Seen) { x.m.add(NewMixKey(o.V, o.Salary), 1) }

// MixKey is what the salary mix reads of one vacancy and its normalised
// salary: vacancies with the same key count alike, so a store that keeps
// a key per row (the dashboard's snapshot) counts the mix by key.
type MixKey struct {
	Disclosed      bool
	OK             bool
	Fork           Fork
	Mode, Currency string
	Gross          int8 // −1 unknown, 0 net, 1 gross
	Flags          Flag
}

// NewMixKey is v's key as the salary mix reads it with s, v's salary normalised.
func NewMixKey(v *store.Vacancy, s Salary) MixKey {
	k := MixKey{Disclosed: s.Disclosed(), OK: s.OK, Fork: s.Fork, Mode: s.Mode, Currency: s.Currency, Gross: -1, Flags: s.Flags}
	if v.SalaryGross != nil {
		k.Gross = 0
		if *v.SalaryGross {
			k.Gross = 1
		}
	}
	if !k.Disclosed { // nothing else is read: one key for every undisclosed salary
		k = MixKey{Gross: -1}
	}
	return k
}

// MixCount is n vacancies with one MixKey.
type MixCount struct {
	MixKey
	N int
}

// add counts n vacancies of key k.
func (m *SalaryMix) add(k MixKey, n int) {
	m.Vacancies += n
	if !k.Disclosed {
		return
	}
	m.Disclosed += n
	switch k.Fork {
	case ForkBoth:
		m.ForkBoth += n
	case ForkFrom:
		m.ForkFromOnly += n
	case ForkTo:
		m.ForkToOnly += n
	}
	m.Modes[k.Mode] += n
	m.Currencies[k.Currency] += n
	switch k.Gross {
	case -1:
		m.GrossUnknown += n
	case 1:
		m.Gross += n
	default:
		m.Net += n
	}
	if k.OK {
		m.Normalised += n
	}
	f := k.Flags
	if f.Has(FlagExcludedMode) {
		m.ExcludedMode += n
	}
	if f.Has(FlagNoRate) {
		m.NoRate += n
	}
	if f.Has(FlagRateAfter) {
		m.RateAfter += n
	}
	if f.Has(FlagModeAssumed) {
		m.ModeAssumed += n
	}
	if f.Has(FlagTaxConverted) {
		m.TaxConverted += n
	}
	if f.Has(FlagOutlier) {
		m.OutliersAbs += n
	}
	m.countRoster(k, n)
}

// countRoster adds n salaries of key k to the roster counters of the salary mix.
func (m *SalaryMix) countRoster(k MixKey, n int) {
	if k.Mode != ModeShift && k.Mode != ModeHour || !k.OK {
		return
	}
	switch {
	case k.Flags.Has(FlagFTE):
		m.RosterFTE += n
	case k.Flags.Has(FlagRosterAssumed):
		m.RosterAssumed += n
	default:
		m.RosterKnown += n
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
