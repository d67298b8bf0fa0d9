package analytics

import (
	"encoding/json"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
)

// Small-sample defaults (docs/methodology.md §2.1): below MinNMedian salaries
// a group shows no median (nor mean, nor CI), below MinNQuartiles no
// quartiles or other quantiles, and rankings (employers by pay, skill
// premiums) take only groups of at least MinNRank salaries.
const (
	DefaultMinNMedian    = 10
	DefaultMinNQuartiles = 30
	DefaultMinNRank      = 20
)

// Thresholds are the small-sample rules; zero fields take the defaults.
type Thresholds struct {
	MinNMedian    int
	MinNQuartiles int
}

func (t Thresholds) withDefaults() Thresholds {
	if t.MinNMedian <= 0 {
		t.MinNMedian = DefaultMinNMedian
	}
	if t.MinNQuartiles <= 0 {
		t.MinNQuartiles = DefaultMinNQuartiles
	}
	return t
}

// MedianCIRanks returns the 1-based ranks (l, u) of the order statistics that
// bound a distribution-free confidence interval of the median with coverage
// of at least conf: [x(l), x(u)] with u = n − l + 1 and l the largest rank
// with P(B ≤ l−1) ≤ (1−conf)/2, B ~ Binomial(n, ½) (Conover, Practical
// Nonparametric Statistics, §3.2; Hollander & Wolfe). ok is false when even
// [x(1), x(n)] covers less than conf (n ≤ 5 for 95 %).
//
// The ranks are remembered (see ciRanks): every summary asks for them, the
// exact sums below cost many exponentials for a large n, and the same n
// recur over the groupings of a view and over the views of the dashboard.
func MedianCIRanks(n int, conf float64) (l, u int, ok bool) {
	if n <= 0 {
		return 0, 0, false
	}
	k := ciKey{n, conf}
	if l, ok := ciRanks.Load(k); ok {
		return ranksOf(n, l.(int))
	}
	l = medianCILower(n, conf)
	if ciRanksLen.Add(1) <= ciRanksMax {
		ciRanks.Store(k, l)
	}
	return ranksOf(n, l)
}

// ciRanks maps a ciKey to the lower rank of its interval (0: none); at most
// ciRanksMax of them are stored (a few MB), so a long-running dashboard does
// not grow it without bound.
var (
	ciRanks    sync.Map
	ciRanksLen atomic.Int64
)

const ciRanksMax = 1 << 16

type ciKey struct {
	n    int
	conf float64
}

func ranksOf(n, l int) (int, int, bool) {
	if l == 0 {
		return 0, 0, false
	}
	return l, n - l + 1, true
}

// medianCILower is the lower rank l of MedianCIRanks, 0 when there is no
// interval (n ≥ 1).
func medianCILower(n int, conf float64) int {
	alpha := (1 - conf) / 2
	// Start from the normal approximation and settle on the exact rank.
	k := int(math.Floor(float64(n)/2-1.959964*math.Sqrt(float64(n))/2)) + 1
	k = max(1, min(k, (n+1)/2))
	// The search asks for P(B ≤ k−1) again at the end, and each value costs
	// O(√n) terms: cdf keeps the last two it computed.
	last := [2]struct {
		m int
		p float64
	}{{-1, 0}, {-1, 0}}
	cdf := func(m int) float64 {
		for _, e := range last {
			if e.m == m {
				return e.p
			}
		}
		p := binomHalfCDF(n, m)
		last[0], last[1].m, last[1].p = last[1], m, p
		return p
	}
	for k > 1 && cdf(k-1) > alpha {
		k--
	}
	for k < (n+1)/2 && cdf(k) <= alpha {
		k++
	}
	if cdf(k-1) > alpha {
		return 0
	}
	return k
}

// binomHalfCDF is P(B ≤ m) for B ~ Binomial(n, ½), summed exactly downwards
// from m (for m < n/2 the terms fall off fast, so large n stays cheap).
func binomHalfCDF(n, m int) float64 {
	if m < 0 {
		return 0
	}
	if m >= n {
		return 1
	}
	ln := lgamma(float64(n+1)) - float64(n)*math.Ln2
	var sum float64
	for j := m; j >= 0; j-- {
		t := math.Exp(ln - lgamma(float64(j+1)) - lgamma(float64(n-j+1)))
		sum += t
		if t < sum*1e-17 {
			break
		}
	}
	return sum
}

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// setCI fills the median's 95 % interval from the sorted sample behind s.
func (s *Summary) setCI(sorted []float64) {
	l, u, ok := MedianCIRanks(len(sorted), 0.95)
	if !ok {
		return
	}
	s.CI95 = [2]float64{sorted[l-1], sorted[u-1]}
	s.HasCI = true
}

// Withhold blanks the figures whose base is below t's thresholds and names
// the rule in s.Withheld (the JSON then has null for them). An empty sample
// has nothing to withhold: its figures are null because there are none.
func (s *Summary) Withhold(t Thresholds) {
	t = t.withDefaults()
	if s.N == 0 {
		return
	}
	if s.N < t.MinNQuartiles {
		s.QuantilesWithheld = true
		s.Min, s.P10, s.P25, s.P75, s.P90, s.Max = 0, 0, 0, 0, 0, 0
		s.Withheld = fmt.Sprintf("min_n_quartiles=%d", t.MinNQuartiles)
	}
	if s.N < t.MinNMedian {
		s.MedianWithheld = true
		s.Median, s.Mean, s.CI95, s.HasCI = 0, 0, [2]float64{}, false
		s.Withheld = fmt.Sprintf("min_n_median=%d", t.MinNMedian)
	}
}

// HasMedian reports whether the median (and mean) may be shown.
func (s Summary) HasMedian() bool { return s.N > 0 && !s.MedianWithheld }

// HasQuartiles reports whether the quantiles (P10…P90, min, max) may be shown.
func (s Summary) HasQuartiles() bool { return s.N > 0 && !s.QuantilesWithheld }

// MarshalJSON writes the contract of docs/stats-json.md: a figure of an empty
// sample or a withheld one is null, never 0.
func (s Summary) MarshalJSON() ([]byte, error) {
	fig := func(v float64, ok bool) *float64 {
		if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		return &v
	}
	med, q := s.HasMedian(), s.HasQuartiles()
	out := struct {
		N        int         `json:"n"`
		Mean     *float64    `json:"mean"`
		Min      *float64    `json:"min"`
		P10      *float64    `json:"p10"`
		P25      *float64    `json:"p25"`
		Median   *float64    `json:"median"`
		P75      *float64    `json:"p75"`
		P90      *float64    `json:"p90"`
		Max      *float64    `json:"max"`
		CI       *[2]float64 `json:"median_ci95"`
		Withheld *string     `json:"withheld"`
	}{
		N: s.N, Mean: fig(s.Mean, med), Min: fig(s.Min, q), P10: fig(s.P10, q), P25: fig(s.P25, q),
		Median: fig(s.Median, med), P75: fig(s.P75, q), P90: fig(s.P90, q), Max: fig(s.Max, q),
	}
	if med && s.HasCI {
		ci := s.CI95
		out.CI = &ci
	}
	if s.Withheld != "" {
		w := s.Withheld
		out.Withheld = &w
	}
	return json.Marshal(out)
}
