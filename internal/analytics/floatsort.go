package analytics

import (
	"math"
	"slices"
)

// radixMin is the length from which sortFloats sorts by radix: below it
// slices.Sort is faster than clearing and summing the digit counts.
const radixMin = 1024

// sortFloats sorts xs in ascending order, exactly as slices.Sort does. The
// groups sort every group's salaries once per grouping, so a long sample is
// sorted by a least-significant-digit radix sort of its bits: linear in
// len(xs) where slices.Sort compares n·log n times.
//
// The result is the same sequence: a float's bits, turned so that they
// compare as unsigned integers in the order of the floats, are unique to its
// value, except for NaN (which slices.Sort puts first) and ±0 (which compare
// equal): a sample holding either is left to slices.Sort.
func sortFloats(xs []float64) {
	if len(xs) < radixMin {
		slices.Sort(xs)
		return
	}
	keys := make([]uint64, len(xs))
	var counts [8][256]int
	for i, x := range xs {
		if x != x || x == 0 {
			slices.Sort(xs)
			return
		}
		k := floatKey(x)
		keys[i] = k
		for d := range counts {
			counts[d][byte(k>>(8*d))]++
		}
	}
	tmp := make([]uint64, len(xs))
	for d := range counts {
		c := &counts[d]
		if c[byte(keys[0]>>(8*d))] == len(keys) {
			continue // every key has this digit: the pass would change nothing
		}
		sum := 0
		for b, n := range c {
			c[b], sum = sum, sum+n
		}
		for _, k := range keys {
			b := byte(k >> (8 * d))
			tmp[c[b]] = k
			c[b]++
		}
		keys, tmp = tmp, keys
	}
	for i, k := range keys {
		xs[i] = keyFloat(k)
	}
}

// floatKey maps x to an unsigned integer in the same order: a positive
// float's bits with the sign bit set, a negative float's bits inverted.
func floatKey(x float64) uint64 {
	k := math.Float64bits(x)
	if k>>63 != 0 {
		return ^k
	}
	return k | 1<<63
}

// keyFloat is the inverse of floatKey.
func keyFloat(k uint64) float64 {
	if k>>63 != 0 {
		return math.Float64frombits(k &^ (1 << 63))
	}
	return math.Float64frombits(^k)
}
