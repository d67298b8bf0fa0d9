package web

import (
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
)

// A slab hands out the values the pointer fields of a walk's vacancies
// point to, and their key-skill lists, from chunks of many: a walk of a
// million rows makes hundreds of allocations instead of millions. A chunk
// is never reused, so a reader may keep a vacancy as long as it likes
// (holding its chunks), all but its Codes. Every walk of the snapshot has its own slab (one
// per goroutine).
type slab struct {
	times []time.Time
	ints  []int64
	bools []bool
	ks    []string
	// code is the codes of the vacancy being handed over, rewritten row
	// after row: valid during the walk's callback only (store.Codes).
	code store.Codes
	// fields are the parts the walk's filter asks for (store.Filter.Fields,
	// zero: all): `stats --by role` needs neither the instants nor the
	// key skills, which cost a vacancy most of its building.
	fields store.Fields
}

// has reports whether the walk asks for the parts in x.
func (sl *slab) has(x store.Fields) bool { return sl.fields == 0 || sl.fields&x == x }

// slabSize is the length of a chunk of a walk's slab (key skills: 4×).
const slabSize = 512

// carve returns the first element of *chunk and drops it from the chunk,
// starting a new chunk of size when it is empty.
func carve[T any](chunk *[]T, size int) *T {
	if len(*chunk) == 0 {
		*chunk = make([]T, size)
	}
	p := &(*chunk)[0]
	*chunk = (*chunk)[1:]
	return p
}

// strings returns a list of n key skills to fill: never nil, and its
// capacity its length, so that a reader's append copies it rather than
// writes over the next vacancy's skills.
func (sl *slab) strings(n int) []string {
	if n == 0 {
		return []string{}
	}
	if n > 4*slabSize {
		return make([]string, n)
	}
	if n > len(sl.ks) {
		sl.ks = make([]string, 4*slabSize)
	}
	ks := sl.ks[:n:n]
	sl.ks = sl.ks[n:]
	return ks
}
