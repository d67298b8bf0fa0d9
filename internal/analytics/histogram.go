package analytics

import "math"

// The salary distribution (docs/methodology.md §2.3): the monthly salaries
// behind the total's median — normalised to monthly roubles on the report's
// basis, absolute outliers (and, with UniquePostings, copies) left out as
// everywhere, then the whole sample's 3·IQR fences (TrimIQR) — counted in
// bins of one width, so its n is the headline median's n.
//
// The width follows Freedman and Diaconis, h = 2·IQR·n^(−1/3), rounded up to
// a round amount (1, 2, 2.5 or 5 × 10ᵏ ₽) of at least MinBinWidth; when that
// gives more than MaxBins bins the next round amount is taken. Bins are
// [a, a + h) with a a multiple of h; the first holds the smallest salary.
// Below the small-sample rule of quartiles the histogram is withheld: its
// width rests on the IQR.
const (
	MinBinWidth = 1000
	MaxBins     = 60
)

// Bin is one bar of a histogram: Count salaries in [From, To).
type Bin struct {
	From  float64 `json:"from"`
	To    float64 `json:"to"`
	Count int     `json:"count"`
}

// Histogram is the distribution of the monthly salaries of the total.
type Histogram struct {
	N           int     `json:"n"`            // salaries in the bins
	Width       float64 `json:"width"`        // of every bin, ₽
	Bins        []Bin   `json:"bins"`         // empty when withheld
	OutliersAbs int     `json:"outliers_abs"` // outside [10 000, 5 000 000] ₽, not binned
	OutliersIQR int     `json:"outliers_iqr"` // outside the sample's 3·IQR fences, not binned
	Excluded    int     `json:"excluded"`     // disclosed without a monthly RUR (per shift of a fly-in fly-out, no rate)
	Withheld    bool    `json:"withheld"`     // N below the quartiles' small-sample rule
}

// histogramSection: Result.SalaryHistogram.
type histogramSection struct {
	env *Env
	all acc
}

func newHistogramSection(env *Env) Section {
	if env.cols != nil {
		return &fedHistogram{fed{env: env}}
	}
	return &histogramSection{env: env}
}

func (h *histogramSection) Observe(o *Seen)     { h.all.add(o.Open, o.Salary) }
func (h *histogramSection) Merge(other Section) { h.all.merge(&other.(*histogramSection).all) }

func (h *histogramSection) Finish(r *Result) {
	kept, outIQR := h.all.trim()
	out := &Histogram{N: len(kept), OutliersAbs: h.all.outliersAbs, OutliersIQR: outIQR, Excluded: h.all.excluded}
	h.all.vals = nil
	if out.N == 0 || out.N < h.env.Small.withDefaults().MinNQuartiles {
		out.Withheld = out.N > 0
		r.SalaryHistogram = out
		return
	}
	out.Width = binWidth(kept)
	out.Bins = binCounts(kept, out.Width)
	r.SalaryHistogram = out
}

// binWidth is the rounded Freedman–Diaconis width of sorted (see above).
func binWidth(sorted []float64) float64 {
	n := float64(len(sorted))
	iqr := Quantile(sorted, 0.75) - Quantile(sorted, 0.25)
	h := roundUp(math.Max(2*iqr/math.Cbrt(n), MinBinWidth))
	lo, hi := sorted[0], sorted[len(sorted)-1]
	for math.Floor(hi/h)-math.Floor(lo/h)+1 > MaxBins {
		h = roundUp(h * 1.0001) // the next round amount
	}
	return h
}

// roundUp is the smallest 1, 2, 2.5 or 5 × 10ᵏ not below x (x > 0).
func roundUp(x float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= x {
			return m * p
		}
	}
	return 10 * p
}

// binCounts counts sorted in bins [a, a+width) from the multiple of width
// at or below its smallest value to the bin holding its largest.
func binCounts(sorted []float64, width float64) []Bin {
	first, last := math.Floor(sorted[0]/width), math.Floor(sorted[len(sorted)-1]/width)
	bins := make([]Bin, int(last-first)+1)
	for i := range bins {
		bins[i].From = (first + float64(i)) * width
		bins[i].To = bins[i].From + width
	}
	for _, x := range sorted {
		bins[int(math.Floor(x/width)-first)].Count++
	}
	return bins
}
