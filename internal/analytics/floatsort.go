package analytics

import (
	"math"
	"slices"
)

// radixMin is the length from which sortFloats sorts by radix: below it
// slices.Sort is faster than clearing and summing the digit counts.
const radixMin = 1024

// sortFloats sorts xs in ascending order, exactly as slices.Sort does. The
// groups sort every group's salaries once per grouping and a lifetime
// estimate sorts 10⁵–10⁶ times, so a long sample is sorted by a
// least-significant-digit radix sort of its bits (a byte per pass, passes
// where every value has the same byte skipped): linear in len(xs) where
// slices.Sort compares n·log n times.
//
// The result is the same sequence: a float's bits, turned so that they
// compare as unsigned integers in the order of the floats, are unique to its
// value, except for NaN (which slices.Sort puts first) and ±0 (which compare
// equal): a sample holding either is left to slices.Sort. buf is scratch,
// grown when too short and returned for reuse (nil is fine).
func sortFloats(xs []float64, buf []uint64) []uint64 {
	n := len(xs)
	if n < radixMin {
		slices.Sort(xs)
		return buf
	}
	if cap(buf) < 2*n {
		buf = make([]uint64, 2*n)
	}
	keys, tmp := buf[:n], buf[n:2*n]
	var counts [8][256]int
	for i, x := range xs {
		if x != x || x == 0 {
			slices.Sort(xs)
			return buf
		}
		k := floatKey(x)
		keys[i] = k
		for d := range counts {
			counts[d][byte(k>>(8*d))]++
		}
	}
	for d := range counts {
		c := &counts[d]
		if c[byte(keys[0]>>(8*d))] == n {
			continue // every key has this digit: the pass would change nothing
		}
		sum := 0
		for b, m := range c {
			c[b], sum = sum, sum+m
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
	return buf
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
