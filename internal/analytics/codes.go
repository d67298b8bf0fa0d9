package analytics

import "github.com/hhjobs/hhjobs/internal/store"

// A vacancy from the dashboard's snapshot carries store.Codes: its values
// numbered in the snapshot's dictionary, equal codes standing for equal
// values. What the sections derive from a value on every row (a group's
// id, a region, a skill spelling's entry, an employer's index among the
// mass postings) they then remember by its code in a slice, and the
// string is hashed once per distinct value instead of once per row. A
// vacancy without codes (from a database) takes the string path; the two
// give the same figures to the last byte (web.TestPartsGiveOneWalksFigures
// compares the snapshot's walk with the database's).

// memoMax bounds a codeMemo's slice: codes past it are looked up by their
// strings, as without codes.
const memoMax = 1 << 21

// codeMemo remembers a value per code; the zero value is empty.
type codeMemo[T any] struct{ slots []memoSlot[T] }

type memoSlot[T any] struct {
	v  T
	ok bool
}

func (m *codeMemo[T]) get(code int32) (T, bool) {
	if uint(code) < uint(len(m.slots)) {
		if sl := &m.slots[code]; sl.ok {
			return sl.v, true
		}
	}
	var zero T
	return zero, false
}

func (m *codeMemo[T]) put(code int32, v T) {
	if code < 0 || code >= memoMax {
		return
	}
	if int(code) >= len(m.slots) {
		n := min(max(int(code)+1, 2*len(m.slots), 64), memoMax)
		m.slots = append(m.slots, make([]memoSlot[T], n-len(m.slots))...)
	}
	m.slots[code] = memoSlot[T]{v, true}
}

// dimCodes returns the codes of v's values of Dims[i] in the order of
// dimSource.keys (region: the area's code, the region being the area's),
// one in *one for a single value; ok is false when the vacancy has no codes
// or the dimension's value is the "unknown" of an empty list.
func dimCodes(i int, c *store.Codes, one *[1]int32) (codes []int32, ok bool) {
	if c == nil {
		return nil, false
	}
	switch Dims[i] {
	case DimRole:
		return c.Roles, len(c.Roles) > 0
	case DimWorkFormat:
		return c.WorkFormat, len(c.WorkFormat) > 0
	case DimExperience:
		one[0] = c.Experience
	case DimArea, DimRegion:
		one[0] = c.Area
	case DimEmployer:
		one[0] = c.Employer
	case DimEmploymentForm:
		one[0] = c.EmploymentForm
	default:
		return nil, false
	}
	return one[:], true
}
