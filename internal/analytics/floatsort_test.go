package analytics

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortFloats holds sortFloats to slices.Sort bit for bit, on samples long
// enough for the radix sort and on the ones it leaves to slices.Sort.
func TestSortFloats(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	gen := func(n int, f func() float64) []float64 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = f()
		}
		return xs
	}
	salary := func() float64 { return 10_000 + r.Float64()*4_990_000 }
	lifetime := func() float64 { return r.ExpFloat64() * 30 }
	round := func() float64 { return float64(r.IntN(200)) * 5000 }
	withNaN := gen(radixMin, salary)
	withNaN[7] = math.NaN()
	withZero := gen(radixMin, func() float64 { return r.NormFloat64() })
	withZero[3], withZero[9] = 0, math.Copysign(0, -1)
	var buf []uint64
	for _, tc := range []struct {
		name string
		xs   []float64
	}{
		{"empty", nil},
		{"short", gen(radixMin-1, salary)},
		{"salaries", gen(10_000, salary)},
		{"round amounts", gen(5000, round)},
		{"all equal", gen(radixMin, func() float64 { return 120_000 })},
		{"sorted", slices.Sorted(slices.Values(gen(3000, salary)))},
		{"reversed", func() []float64 {
			xs := slices.Sorted(slices.Values(gen(3000, salary)))
			slices.Reverse(xs)
			return xs
		}()},
		{"signs and infinities", append(gen(2000, func() float64 { return r.NormFloat64() * 1e6 }), math.Inf(1), math.Inf(-1), -5e-324, 5e-324)},
		{"lifetimes", gen(20_000, lifetime)},
		{"whole days: ties", gen(5000, func() float64 { return float64(r.IntN(40)) })},
		{"extremes", append(gen(3000, lifetime), math.SmallestNonzeroFloat64, -math.MaxFloat64, math.MaxFloat64)},
		{"NaN", withNaN},
		{"zeros", withZero},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, got := slices.Clone(tc.xs), slices.Clone(tc.xs)
			slices.Sort(want)
			buf = sortFloats(got, buf) // the scratch reused from case to case
			for i := range want {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) && !(math.IsNaN(got[i]) && math.IsNaN(want[i])) {
					t.Fatalf("at %d: %v, want %v", i, got[i], want[i])
				}
			}
		})
	}
}

func BenchmarkSortFloats(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{256, 1024, 10_000, 100_000} {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = 10_000 + r.Float64()*490_000
		}
		ys := make([]float64, n)
		b.Run(fmt.Sprint("radix/", n), func(b *testing.B) {
			for b.Loop() {
				copy(ys, xs)
				sortFloats(ys, nil)
			}
		})
		b.Run(fmt.Sprint("pdq/", n), func(b *testing.B) {
			for b.Loop() {
				copy(ys, xs)
				slices.Sort(ys)
			}
		})
	}
}
