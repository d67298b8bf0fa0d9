package web

import (
	"math"
	"time"
)

// How a row holds its instants and salary bounds in half the bytes
// without losing any: the common value in 32 bits in the row, the rest
// aside in the snapshot.
//
// An instant other than the publication is a sec32, whole seconds since
// secBase (2000 to 2136). The nanoseconds past the second go to the
// instant's column of Snapshot.sub, made at the first instant of that kind
// that has any (hh.ru's instants are whole seconds; the collector's own,
// first seen, last seen, closed and details fetched, keep the
// milliseconds SQLite and the microseconds PostgreSQL store). An instant
// out of the range is secWide, its nanoseconds in Snapshot.wide.
//
// A salary bound is an int32; salWide sends one that does not fit to
// Snapshot.wide.
//
// A schedule, salary currency, mode or frequency is a term8, an index of
// Snapshot.terms (dictionary codes); past its 255th value, termWide sends
// the dictionary code to Snapshot.wide.

// sec32 is an instant in whole seconds since secBase, or nilTime, or secWide.
type sec32 uint32

const (
	nilTime  sec32 = math.MaxUint32     // absent
	secWide  sec32 = math.MaxUint32 - 1 // in Snapshot.wide
	secBase        = 946684800          // 2000-01-01T00:00:00Z
	nanoNone       = math.MinInt64      // nano's absent instant

	salNone = math.MinInt32 // no bound
	salWide = math.MaxInt32 // in Snapshot.wide
)

// wideField names what a row holds in 32 bits: an instant (an index of
// Snapshot.sub) or a salary bound.
type wideField uint8

const (
	instCreated wideField = iota
	instInitial
	instFirst
	instLast
	instClosed
	instDetail
	instants   // the number of instants
	salaryFrom = instants
	salaryTo   = instants + 1
	termSched  = instants + 2
	termCur    = instants + 3
	termMode   = instants + 4
	termFreq   = instants + 5
)

// term8 is an index of Snapshot.terms, or termWide.
type term8 uint8

const termWide term8 = math.MaxUint8 // in Snapshot.wide

// wideKey is field k of row i in Snapshot.wide.
type wideKey struct {
	i int32
	k wideField
}

// instant encodes instant k of the row being built.
func (b *builder) instant(k wideField, t *time.Time) sec32 {
	i := len(b.s.rows)
	n := nano(t)
	if n == nanoNone {
		b.sub(k, i, 0)
		return nilTime
	}
	sec, frac := n/1e9, n%1e9 // n < 0 (before 1970) is out of the range
	if sec < secBase || sec-secBase >= int64(secWide) {
		b.s.wide[wideKey{int32(i), k}] = n
		b.sub(k, i, 0)
		return secWide
	}
	b.sub(k, i, uint32(frac))
	return sec32(sec - secBase)
}

// sub appends the nanoseconds past the second of instant k of row i to its
// column, which it makes, with zeros for the rows before, at the first
// that are not zero.
func (b *builder) sub(k wideField, i int, frac uint32) {
	col := &b.s.sub[k]
	if *col == nil {
		if frac == 0 {
			return
		}
		*col = make([]uint32, i, max(cap(b.s.rows), i+1))
	}
	*col = append(*col, frac)
}

// salary encodes salary bound k of the row being built.
func (b *builder) salary(k wideField, x *int64) int32 {
	switch {
	case x == nil:
		return salNone
	case *x > salNone && *x < salWide:
		return int32(*x)
	}
	b.s.wide[wideKey{int32(len(b.s.rows)), k}] = *x
	return salWide
}

// nanos decodes instant k of row i, c its code (not nilTime), to UnixNano.
func (s *Snapshot) nanos(i int, k wideField, c sec32) int64 {
	if c == secWide {
		return s.wide[wideKey{int32(i), k}]
	}
	n := (secBase + int64(c)) * 1e9
	if col := s.sub[k]; col != nil {
		n += int64(col[i])
	}
	return n
}

// salary decodes salary bound k of row i, c its code (not salNone).
func (s *Snapshot) salary(i int, k wideField, c int32) int64 {
	if c == salWide {
		return s.wide[wideKey{int32(i), k}]
	}
	return int64(c)
}

// term encodes term k of the row being built.
func (b *builder) term(k wideField, v string) term8 {
	if t, ok := b.termIx[v]; ok {
		return t
	}
	code := b.str(v)
	if len(b.s.terms) == int(termWide) {
		b.s.wide[wideKey{int32(len(b.s.rows)), k}] = int64(code)
		return termWide
	}
	t := term8(len(b.s.terms))
	b.s.terms = append(b.s.terms, code)
	b.termIx[v] = t
	return t
}

// term decodes term k of row i, t its code, to a dictionary code.
func (s *Snapshot) term(i int, k wideField, t term8) int32 {
	if t == termWide {
		return int32(s.wide[wideKey{int32(i), k}])
	}
	return s.terms[t]
}
