package analytics

import (
	"math"
	"slices"
)

// radixMin is the length from which sortFloats sorts by radix: below it a
// comparison sort is as fast and needs no buffer.
const radixMin = 512

// sortFloats sorts xs in increasing order. Long slices go through a
// least-significant-digit radix sort (a byte per pass, passes where every
// value has the same byte skipped) on the floats' bits made order-preserving:
// on the 10⁵–10⁶ times of a lifetime estimate that is several times cheaper
// than slices.Sort. The result is the same sequence of values as
// slices.Sort's — a sorted multiset is unique — except that of a −0 and a +0,
// equal as floats, the −0 comes first, and that NaNs (never lifetimes) come
// after +Inf instead of first. buf is scratch, grown when too short and
// returned for reuse.
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
		k := orderedBits(x)
		keys[i] = k
		for d := range counts {
			counts[d][byte(k>>(8*d))]++
		}
	}
	for d := range counts {
		c := &counts[d]
		shift := 8 * uint(d)
		if c[byte(keys[0]>>shift)] == n {
			continue // the same byte everywhere: the pass would change nothing
		}
		pos := 0
		for b, m := range c {
			c[b], pos = pos, pos+m
		}
		for _, k := range keys {
			b := byte(k >> shift)
			tmp[c[b]] = k
			c[b]++
		}
		keys, tmp = tmp, keys
	}
	for i, k := range keys {
		xs[i] = fromOrderedBits(k)
	}
	return buf
}

// orderedBits maps a float to a uint64 in the same order: the sign bit set
// for positive floats, every bit flipped for negative ones (so that larger
// magnitudes come first).
func orderedBits(x float64) uint64 {
	b := math.Float64bits(x)
	if b>>63 != 0 {
		return ^b
	}
	return b | 1<<63
}

func fromOrderedBits(k uint64) float64 {
	if k>>63 != 0 {
		return math.Float64frombits(k &^ (1 << 63))
	}
	return math.Float64frombits(^k)
}
