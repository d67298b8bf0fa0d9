package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

// Roster is what a vacancy says about its working time: the ids of its
// work_schedule_by_days (FIVE_ON_TWO_OFF, TWO_ON_TWO_OFF, …) and
// working_hours (HOURS_8, HOURS_12, …), in API order.
type Roster struct {
	Days  []string
	Hours []string
}

// RosterReader is implemented by stores that can read rosters out of the
// raw JSON they keep (the search item, else the full vacancy). It is
// optional: analytics falls back to fixed assumptions without it. Rosters
// are read only for the few vacancies paid per shift or hour, so no column
// and no migration is needed for them.
type RosterReader interface {
	// Rosters returns the rosters of the vacancies with these ids (absent
	// from the map: unknown vacancy or no raw JSON).
	Rosters(ctx context.Context, ids []string) (map[string]Roster, error)
}

// RosterBatch is how many ids a store looks up per statement.
const RosterBatch = 500

// ParseRoster reads the two JSON arrays of {"id", "name"} objects as
// extracted from the raw JSON (either may be empty or the JSON null).
func ParseRoster(days, hours []byte) (Roster, error) {
	var r Roster
	for _, x := range []struct {
		src []byte
		dst *[]string
	}{{days, &r.Days}, {hours, &r.Hours}} {
		if len(x.src) == 0 {
			continue
		}
		var l []struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(x.src, &l); err != nil {
			return r, fmt.Errorf("roster %.40q: %w", x.src, err)
		}
		for _, e := range l {
			if e.ID != "" {
				*x.dst = append(*x.dst, e.ID)
			}
		}
	}
	return r, nil
}

// RosterFromRaw cuts the two arrays out of a vacancy's raw JSON (an API
// search item or full vacancy) without decoding the rest. A key followed by
// `":` cannot occur inside a JSON string (its quotes would be escaped), and
// neither key is nested in the API's objects, so the first match is the
// field; its value is decoded by encoding/json.
func RosterFromRaw(raw []byte) (Roster, error) {
	field := func(key string) []byte {
		i := bytes.Index(raw, []byte(`"`+key+`":`))
		if i < 0 {
			return nil
		}
		var v json.RawMessage
		if err := json.NewDecoder(bytes.NewReader(raw[i+len(key)+3:])).Decode(&v); err != nil {
			return []byte("!") // malformed: ParseRoster reports it
		}
		return v
	}
	return ParseRoster(field("work_schedule_by_days"), field("working_hours"))
}
