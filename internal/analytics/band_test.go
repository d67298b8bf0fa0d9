package analytics

import (
	"math"
	"math/rand/v2"
	"testing"
)

// bandReachesHalf answers as band does: on Kaplan-Meier walks, on random
// points, and on points placed at every distance from the bound, down to
// the margin where band itself decides.
func TestBandReachesHalfIsBands(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	check := func(t *testing.T, s, gw float64) {
		t.Helper()
		lo, hi := bandReachesHalf(s, gw)
		wlo, whi := bandExact(s, gw)
		if lo != wlo || hi != whi {
			t.Fatalf("s=%v gw=%v: (%v, %v), band says (%v, %v)", s, gw, lo, hi, wlo, whi)
		}
	}
	tests := []struct {
		name  string
		point func() (s, gw float64)
	}{
		{"special values", func() (float64, float64) {
			ss := []float64{0, 1, 0.5, bandLimit, math.Nextafter(bandLimit, 1), 1e-300, 1 - 1e-16}
			gws := []float64{0, math.Inf(1), 1e-300, 1e-12, 0.3, 1e12}
			return ss[r.IntN(len(ss))], gws[r.IntN(len(gws))]
		}},
		{"random", func() (float64, float64) {
			return r.Float64(), math.Pow(10, -8+10*r.Float64())
		}},
		{"near the bound of the lower end", func() (float64, float64) {
			return nearBound(r, 1)
		}},
		{"near the bound of the upper end", func() (float64, float64) {
			return nearBound(r, -1)
		}},
		{"near the bound with S near 1 (large powers)", func() (float64, float64) {
			for {
				ls := math.Log(math.Exp(-math.Pow(10, -9+8*r.Float64())))
				q := lnNegLnLimit - math.Log(-ls)
				x := q + math.Copysign(math.Pow(10, -16+12*r.Float64()), r.Float64()-0.5)
				if x > 0 && x <= bandMaxX+1 {
					se := x / z95
					return math.Exp(ls), (se * ls) * (se * ls)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 200_000 {
				s, gw := tt.point()
				check(t, s, gw)
			}
		})
	}
	t.Run("walks", func(t *testing.T) {
		for _, n := range []int{10, 100, 1000, 100_000} {
			s, gw := 1.0, 0.0
			for k := n; k > 1; k-- { // one closure a time, nobody censored
				s *= 1 - 1/float64(k)
				gw += 1 / float64(k*(k-1))
				check(t, s, gw)
			}
		}
	})
}

// nearBound is a point whose x = sign·1.96·se lies at a random distance
// (10⁻¹⁶ to 1) from bandReachesHalf's bound q.
func nearBound(r *rand.Rand, sign float64) (s, gw float64) {
	for {
		s = 0.05 + 0.9*r.Float64()
		ls := math.Log(s)
		q := lnNegLnLimit - math.Log(-ls)
		x := q + math.Copysign(math.Pow(10, -16+16*r.Float64()), r.Float64()-0.5)
		if sign*x <= 0 {
			continue // this end's x has the other sign
		}
		se := sign * x / z95
		return s, (se * ls) * (se * ls)
	}
}
