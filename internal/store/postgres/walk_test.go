package postgres

import (
	"encoding/binary"
	"errors"
	"slices"
	"testing"
	"time"
)

// arr encodes a one-dimensional text[] as the server sends it (nil elements: NULL).
func arr(elems ...*string) []byte {
	be := binary.BigEndian
	b := be.AppendUint32(nil, 1)
	b = be.AppendUint32(b, 0)
	b = be.AppendUint32(b, 25) // text
	b = be.AppendUint32(b, uint32(len(elems)))
	b = be.AppendUint32(b, 1)
	for _, e := range elems {
		if e == nil {
			b = be.AppendUint32(b, 0xffffffff)
			continue
		}
		b = be.AppendUint32(b, uint32(len(*e)))
		b = append(b, *e...)
	}
	return b
}

func sp(s string) *string { return &s }

func TestPgTextArray(t *testing.T) {
	empty := binary.BigEndian.AppendUint32(make([]byte, 0, 12), 0)
	empty = append(empty, 0, 0, 0, 0, 0, 0, 0, 25)
	full := arr(sp("Excel"), sp("1С: ЗУП"))
	tests := []struct {
		name    string
		in      []byte
		want    []string
		wantErr bool
	}{
		{"NULL", nil, nil, false},
		{"empty", empty, []string{}, false},
		{"two", full, []string{"Excel", "1С: ЗУП"}, false},
		{"null element", arr(sp("a"), nil), []string{"a", ""}, false},
		{"short header", []byte{0, 0, 0, 1}, nil, true},
		{"two dimensions", append(binary.BigEndian.AppendUint32(nil, 2), make([]byte, 24)...), nil, true},
		{"cut element", full[:len(full)-3], nil, true},
		{"count past the end", arr(sp("a"))[:20], nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pgTextArray(tt.in, newInterner())
			if (err != nil) != tt.wantErr || (err != nil && !errors.Is(err, errWire)) {
				t.Fatalf("err %v, want error %v (errWire)", err, tt.wantErr)
			}
			if !tt.wantErr && (!slices.Equal(got, tt.want) || (got == nil) != (tt.want == nil)) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestPgScalars(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 0, 0, 123456000, time.UTC)
	b := binary.BigEndian.AppendUint64(nil, uint64(at.UnixMicro()-pgEpoch))
	if got, err := pgTime(b); err != nil || !got.Equal(at) || got.Location() != time.UTC {
		t.Errorf("pgTime: %v %v, want %v UTC", got, err, at)
	}
	if got, err := pgTimePtr(nil); got != nil || err != nil {
		t.Errorf("pgTimePtr(NULL): %v %v", got, err)
	}
	if _, err := pgTime(b[:7]); !errors.Is(err, errWire) {
		t.Errorf("pgTime of 7 bytes: %v", err)
	}
	neg := int64(-42)
	if got, err := pgInt8(binary.BigEndian.AppendUint64(nil, uint64(neg))); err != nil || *got != -42 {
		t.Errorf("pgInt8: %v %v", got, err)
	}
	if got, err := pgBool([]byte{1}); err != nil || !*got {
		t.Errorf("pgBool: %v %v", got, err)
	}
	if _, err := pgBool([]byte{1, 0}); !errors.Is(err, errWire) {
		t.Errorf("pgBool of 2 bytes: %v", err)
	}
}

// Interned lists are shared values but never shared slices.
func TestInternerList(t *testing.T) {
	in := newInterner()
	a, b := in.list([]byte("ON_SITE,HYBRID")), in.list([]byte("ON_SITE,HYBRID"))
	a[0] = "changed"
	if b[0] != "ON_SITE" || len(b) != 2 {
		t.Errorf("second list %v: the first one's change leaked", b)
	}
	if in.list(nil) != nil || in.list([]byte("")) != nil {
		t.Error("an empty work_format must give nil")
	}
}
