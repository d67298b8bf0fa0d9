package hhapi

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/hhjobs/hhjobs/internal/hhtime"
)

// TimeLayout is hh.ru's timestamp format (hhtime.Layout), e.g.
// 2013-07-08T16:17:21+0400. time.RFC3339 does not parse it.
const TimeLayout = hhtime.Layout

// Moscow is the offset hh.ru prints its timestamps in (hhtime.Moscow).
var Moscow = hhtime.Moscow

// Time is a timestamp that decodes hh.ru's format (and RFC 3339) and encodes
// back in hh.ru's format. JSON null and "" decode to the zero Time, and the
// zero Time encodes as null.
type Time struct{ time.Time }

// ParseTime parses hh.ru's layout, RFC 3339 (with or without fractions) and
// a bare date (midnight UTC).
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{TimeLayout, time.RFC3339Nano, "2006-01-02T15:04:05.999999999-0700", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("hhapi: cannot parse time %q (want %s or RFC 3339)", s, TimeLayout)
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		t.Time = time.Time{}
		return nil
	}
	s, err := strconv.Unquote(string(b))
	if err != nil {
		return fmt.Errorf("hhapi: time must be a JSON string, got %s", b)
	}
	if s == "" {
		t.Time = time.Time{}
		return nil
	}
	v, err := ParseTime(s)
	if err != nil {
		return err
	}
	t.Time = v
	return nil
}

// MarshalJSON implements json.Marshaler.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	b := make([]byte, 0, len(TimeLayout)+2)
	b = append(b, '"')
	b = t.AppendFormat(b, TimeLayout)
	return append(b, '"'), nil
}

// String formats t in hh.ru's layout ("" for the zero time).
func (t Time) String() string {
	if t.IsZero() {
		return ""
	}
	return t.Format(TimeLayout)
}

// LooseBool is a bool that also accepts the strings "true"/"false" (one of
// hh.ru's documentation samples sends "archived": "false") and null (false).
type LooseBool bool

// UnmarshalJSON implements json.Unmarshaler.
func (b *LooseBool) UnmarshalJSON(data []byte) error {
	s := string(bytes.Trim(data, `"`))
	switch s {
	case "true", "1":
		*b = true
	case "false", "0", "null", "":
		*b = false
	default:
		return fmt.Errorf("hhapi: cannot decode %s as a boolean", data)
	}
	return nil
}
