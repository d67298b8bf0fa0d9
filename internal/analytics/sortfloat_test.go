package analytics

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// sortFloats sorts as slices.Sort does, to the bit, by radix or not.
func TestSortFloats(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	gen := func(n int, f func() float64) []float64 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = f()
		}
		return xs
	}
	tests := []struct {
		name string
		xs   []float64
	}{
		{"empty", nil},
		{"short", []float64{3, 1, 2, 1}},
		{"just below the radix", gen(radixMin-1, func() float64 { return r.ExpFloat64() * 30 })},
		{"lifetimes", gen(20_000, func() float64 { return r.ExpFloat64() * 30 })},
		{"whole days: ties", gen(5000, func() float64 { return float64(r.IntN(40)) })},
		{"all equal", gen(3000, func() float64 { return 2.5 })},
		{"signs and infinities", gen(5000, func() float64 {
			switch r.IntN(20) {
			case 0:
				return math.Inf(-1)
			case 1:
				return math.Inf(1)
			case 2:
				return 0
			case 3:
				return math.SmallestNonzeroFloat64
			case 4:
				return -math.MaxFloat64
			}
			return r.NormFloat64() * 1e6
		})},
		{"already sorted", func() []float64 {
			xs := gen(4000, func() float64 { return r.Float64() })
			slices.Sort(xs)
			return xs
		}()},
	}
	var buf []uint64
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, got := slices.Clone(tt.xs), slices.Clone(tt.xs)
			slices.Sort(want)
			buf = sortFloats(got, buf)
			for i := range want {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("at %d: %v, want %v", i, got[i], want[i])
				}
			}
		})
	}
}
