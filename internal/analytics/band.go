package analytics

import "math"

// band is the pointwise 95 % band of S on the log(−log S) scale.
func band(s, gw float64) (lo, hi float64) {
	switch {
	case math.IsInf(gw, 1):
		// The last one at risk ended: S = 0 with no variance estimate (R gives
		// NA); the band is uninformative, so it never closes the interval.
		return 0, 1
	case s >= 1:
		return 1, 1
	}
	se := math.Sqrt(gw) / math.Abs(math.Log(s))
	return math.Pow(s, math.Exp(z95*se)), math.Pow(s, math.Exp(-z95*se))
}

// bandLimit: an end of the median's interval is where an end of the band
// first falls to it.
const bandLimit = 0.5 + MedianTol

// lnNegLnLimit is log(−log bandLimit), the bound of bandReachesHalf.
var lnNegLnLimit = math.Log(-math.Log(bandLimit))

const (
	// bandMargin is how clearly bandReachesHalf's comparison must come out
	// to be trusted.
	bandMargin = 1e-6
	// bandMaxX bounds 1.96·se where bandReachesHalf trusts its comparison
	// (exp(19) ≈ 1.8·10⁸).
	bandMaxX = 19.0
)

// bandReachesHalf reports whether the lower and the upper ends of band(s, gw)
// are at most bandLimit — band's answer, mostly without its two powers and
// two exponentials, the costliest part of a lifetime estimate.
//
// For 0 < s < 1 and 0 < c < 1, s^exp(x) ≤ c ⇔ exp(x)·log s ≤ log c ⇔
// x ≥ q = log(−log c) − log(−log s). So the lower end (x = 1.96·se) and the
// upper one (x = −1.96·se) are decided by comparing x with q, one more
// logarithm. The comparison is trusted only when x clears q by bandMargin;
// closer than that (or with x beyond bandMaxX, or s and gw outside the
// plain case), band decides. bandMargin is far above the rounding errors of
// either computation on this scale: math.Pow raises by repeated squaring,
// whose relative error grows to about exponent·2⁻⁵³, below 2·10⁻⁸ for
// x ≤ bandMaxX, and the logarithms and exp add a few ulps; near the bound
// that is the error on x too (divided by |log c| ≈ 0.69; measured: at most
// 6·10⁻⁹, with S as close to 1 as 1 − 10⁻⁹, where the powers are largest).
// So where the comparison is trusted, it is that of band's results.
func bandReachesHalf(s, gw float64) (lo, hi bool) {
	if !(s > 0 && s < 1) || !(gw > 0) || math.IsInf(gw, 1) {
		return bandExact(s, gw)
	}
	ls := math.Log(s)
	x := z95 * (math.Sqrt(gw) / math.Abs(ls)) // bit for bit band's z95*se
	if !(x <= bandMaxX) {
		return bandExact(s, gw)
	}
	q := lnNegLnLimit - math.Log(-ls)
	lo, okLo := clearly(x - q)
	hi, okHi := clearly(-x - q)
	if !okLo || !okHi {
		return bandExact(s, gw)
	}
	return lo, hi
}

// clearly is whether dist is positive, when it is by more than bandMargin.
func clearly(dist float64) (positive, ok bool) {
	switch {
	case dist > bandMargin:
		return true, true
	case dist < -bandMargin:
		return false, true
	}
	return false, false
}

// bandExact compares band's ends with bandLimit.
func bandExact(s, gw float64) (lo, hi bool) {
	l, h := band(s, gw)
	return l <= bandLimit, h <= bandLimit
}
