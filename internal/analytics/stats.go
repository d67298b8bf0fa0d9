package analytics

import (
	"math"
	"slices"
	"sync"
)

// Quantile returns the p-quantile (0 ≤ p ≤ 1) of sorted by linear
// interpolation between closest ranks (Hyndman & Fan type 7, the default of
// R and NumPy): h = (n−1)·p, q = x[⌊h⌋] + (h−⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
// sorted must be in ascending order. An empty slice gives NaN.
func Quantile(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	if p <= 0 {
		return sorted[0]
	}
	if p >= 1 {
		return sorted[n-1]
	}
	h := float64(n-1) * p
	lo := int(math.Floor(h))
	if lo+1 >= n {
		return sorted[n-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// Summary describes a sample of monthly salaries. N is its size (the base of
// every figure); the quantiles are type 7 (see Quantile). An empty sample has
// N = 0 and zeros elsewhere (check N, or HasMedian and HasQuartiles, before
// showing a figure; its JSON, ci.go, writes null for what may not be shown).
type Summary struct {
	N      int     `json:"n"`
	Mean   float64 `json:"mean"`
	Min    float64 `json:"min"`
	P10    float64 `json:"p10"`
	P25    float64 `json:"p25"`
	Median float64 `json:"median"`
	P75    float64 `json:"p75"`
	P90    float64 `json:"p90"`
	Max    float64 `json:"max"`
	// CI95 is the distribution-free 95 % interval of the median (HasCI: the
	// sample is big enough for one, n ≥ 6); see MedianCIRanks.
	CI95  [2]float64 `json:"-"`
	HasCI bool       `json:"-"`
	// Withheld names the small-sample rule that blanked figures (Withhold).
	Withheld          string `json:"-"`
	MedianWithheld    bool   `json:"-"`
	QuantilesWithheld bool   `json:"-"`
}

// Summarise sorts xs in place and describes it. The sections summarise
// what TrimIQR kept, already sorted (summariseSorted); tests describe
// samples with this (deadcode lists it).
func Summarise(xs []float64) Summary {
	slices.Sort(xs)
	return summariseSorted(xs)
}

// summariseSorted is Summarise of xs already in ascending order (what
// TrimIQR keeps).
func summariseSorted(xs []float64) Summary {
	s := Summary{N: len(xs)}
	if len(xs) == 0 {
		return s
	}
	var sum float64
	for _, x := range xs {
		sum += x
	}
	s.Mean = sum / float64(len(xs))
	s.Min, s.Max = xs[0], xs[len(xs)-1]
	s.P10 = Quantile(xs, 0.10)
	s.P25 = Quantile(xs, 0.25)
	s.Median = Quantile(xs, 0.5)
	s.P75 = Quantile(xs, 0.75)
	s.P90 = Quantile(xs, 0.90)
	s.setCI(xs)
	return s
}

// TrimIQR sorts xs in place and splits off the values outside
// [Q1 − IQRFence·IQR, Q3 + IQRFence·IQR] when len(xs) ≥ MinGroupForIQR.
// It returns the kept values (a sub-slice of xs) and the number dropped.
func TrimIQR(xs []float64) (kept []float64, outliers int) {
	if len(xs) < radixMin {
		sortFloats(xs, nil) // no scratch
		return trimSortedIQR(xs)
	}
	// The scratch of the radix sort from a pool: a view sorts every group
	// of every grouping, and fresh scratch per group was a tenth of a
	// dashboard view's allocations, which under serve's memory limit cost
	// collections.
	bp, _ := sortScratch.Get().(*[]uint64)
	if bp == nil {
		bp = new([]uint64)
	}
	*bp = sortFloats(xs, *bp)
	sortScratch.Put(bp)
	return trimSortedIQR(xs)
}

// sortScratch holds *[]uint64 scratch of sortFloats.
var sortScratch sync.Pool

// trimSortedIQR is TrimIQR of xs already sorted.
func trimSortedIQR(xs []float64) (kept []float64, outliers int) {
	if len(xs) < MinGroupForIQR {
		return xs, 0
	}
	q1, q3 := Quantile(xs, 0.25), Quantile(xs, 0.75)
	iqr := q3 - q1
	lo, hi := q1-IQRFence*iqr, q3+IQRFence*iqr
	i := 0
	for i < len(xs) && xs[i] < lo {
		i++
	}
	j := len(xs)
	for j > i && xs[j-1] > hi {
		j--
	}
	return xs[i:j], i + len(xs) - j
}
