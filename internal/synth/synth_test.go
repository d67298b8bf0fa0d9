package synth

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/hhjobs/hhjobs/internal/hhtime"
)

// The generators are pure functions: the same arguments give the same row,
// which is what lets the bench databases be reused across runs.
func TestDeterministic(t *testing.T) {
	for _, i := range []int{0, 1, 999, 4999} {
		a, ac := Vacancy(i, 5000, 7)
		b, bc := Vacancy(i, 5000, 7)
		if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(ac, bc) {
			t.Errorf("Vacancy(%d, 5000, 7) differs between calls", i)
		}
		if a.PublishedAt.Location() != hhtime.Moscow {
			t.Errorf("Vacancy(%d): published in %s, want Moscow time", i, a.PublishedAt.Location())
		}
	}
	same := 0
	for i := range 50 {
		a, _ := Vacancy(i, 50, 1)
		b, _ := Vacancy(i, 50, 2)
		if reflect.DeepEqual(a, b) {
			same++
		}
	}
	if same == 50 {
		t.Error("the seed changes nothing")
	}
}

func TestRows(t *testing.T) {
	for _, tc := range []struct {
		n, size int
	}{{0, 0}, {1, 1500}, {42, 2000}, {12345, 4000}} { // unpadded, an item is ~900 bytes
		it := Item(tc.n, tc.size)
		if !reflect.DeepEqual(it, Item(tc.n, tc.size)) {
			t.Errorf("Item(%d) differs between calls", tc.n)
		}
		if !json.Valid(it.RawItem) {
			t.Errorf("Item(%d): raw item is not JSON", tc.n)
		}
		// Padding brings the raw JSON to about size bytes (never far below).
		if tc.size > 0 && (len(it.RawItem) < tc.size*9/10 || len(it.RawItem) > tc.size*11/10) {
			t.Errorf("Item(%d, %d): raw item of %d bytes", tc.n, tc.size, len(it.RawItem))
		}
		f := Full(tc.n, tc.size)
		if f.ID != it.ID || len(f.KeySkills) != 5 || !json.Valid(f.RawFull) || f.RawItem != nil {
			t.Errorf("Full(%d): id %s, %d skills, raw full valid %v", tc.n, f.ID, len(f.KeySkills), json.Valid(f.RawFull))
		}
	}
}
