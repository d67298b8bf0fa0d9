package analytics

import (
	"fmt"
	"strings"
	"time"
)

// NDFL, the Russian personal income tax of a tax resident, as dated data
// (docs/methodology.md §1.1): a scale applies from its date until the next
// one's, so a change of the law is one more row. Brackets are of annual
// income in roubles; the tax of an income is the sum over brackets of the
// bracket's rate times the part of the income inside it.
type TaxBracket struct {
	UpTo float64 // upper bound of annual income in ₽ (0: no bound, the last bracket)
	Rate float64
}

// TaxScale is the scale in force from From (Moscow time) on.
type TaxScale struct {
	From     time.Time
	Brackets []TaxBracket
}

// NDFLScales are in ascending order of From. The first row covers all time before the second.
var NDFLScales = []TaxScale{
	{From: time.Time{}, Brackets: []TaxBracket{{Rate: 0.13}}},
	// Federal law 372-FZ of 23.11.2020: 15 % on income above 5 M ₽ from 2021.
	{From: time.Date(2021, 1, 1, 0, 0, 0, 0, MSK), Brackets: []TaxBracket{
		{UpTo: 5_000_000, Rate: 0.13},
		{Rate: 0.15},
	}},
	// Federal law 176-FZ of 12.07.2024: five brackets from 1 January 2025.
	{From: time.Date(2025, 1, 1, 0, 0, 0, 0, MSK), Brackets: []TaxBracket{
		{UpTo: 2_400_000, Rate: 0.13},
		{UpTo: 5_000_000, Rate: 0.15},
		{UpTo: 20_000_000, Rate: 0.18},
		{UpTo: 50_000_000, Rate: 0.20},
		{Rate: 0.22},
	}},
}

// ScaleOn returns the scale in force on t (the latest whose From ≤ t).
func ScaleOn(t time.Time) TaxScale {
	s := NDFLScales[0]
	for _, x := range NDFLScales[1:] {
		if !t.Before(x.From) {
			s = x
		}
	}
	return s
}

// Tax is the annual tax on an annual gross income g.
func (s TaxScale) Tax(g float64) float64 {
	var tax, lo float64
	for _, b := range s.Brackets {
		if b.UpTo == 0 || g <= b.UpTo {
			return tax + (g-lo)*b.Rate
		}
		tax += (b.UpTo - lo) * b.Rate
		lo = b.UpTo
	}
	return tax // unreachable with a last unbounded bracket
}

// NetMonthly is the monthly pay after tax of a monthly gross pay m, the
// year's income taken as 12·m (a resident paid the same every month).
func (s TaxScale) NetMonthly(m float64) float64 {
	return m - s.Tax(12*m)/12
}

// GrossMonthly inverts NetMonthly: the monthly gross pay whose pay after
// tax is n. Net income is increasing and piecewise linear in gross, so the
// bracket is the one whose net bounds hold 12·n.
func (s TaxScale) GrossMonthly(n float64) float64 {
	annual := 12 * n
	var lo, netLo float64
	for _, b := range s.Brackets {
		if b.UpTo != 0 {
			netHi := netLo + (b.UpTo-lo)*(1-b.Rate)
			if annual > netHi {
				lo, netLo = b.UpTo, netHi
				continue
			}
		}
		return (lo + (annual-netLo)/(1-b.Rate)) / 12
	}
	return n // unreachable with a last unbounded bracket
}

// Describe is the scale in Russian words: "13 % до 2,4 млн ₽, 15 % до 5 млн ₽, …" (annual income).
func (s TaxScale) Describe() string {
	out := ""
	for i, b := range s.Brackets {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%g %%", b.Rate*100)
		if b.UpTo != 0 {
			out += " до " + strings.Replace(fmt.Sprintf("%g", b.UpTo/1e6), ".", ",", 1) + " млн ₽"
		} else if i > 0 {
			out += " выше"
		}
	}
	return out
}
