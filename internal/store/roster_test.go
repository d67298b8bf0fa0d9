package store

import (
	"slices"
	"testing"
)

func TestParseRoster(t *testing.T) {
	for _, c := range []struct {
		days, hours string
		want        Roster
		err         bool
	}{
		{`[{"id":"TWO_ON_TWO_OFF","name":"2/2"}]`, `[{"id":"HOURS_12","name":"12 часов"}]`, Roster{Days: []string{"TWO_ON_TWO_OFF"}, Hours: []string{"HOURS_12"}}, false},
		{`null`, ``, Roster{}, false},
		{`[]`, `[{"id":"HOURS_4"},{"id":"HOURS_6"}]`, Roster{Hours: []string{"HOURS_4", "HOURS_6"}}, false},
		{`{"id":"x"}`, ``, Roster{}, true},
	} {
		got, err := ParseRoster([]byte(c.days), []byte(c.hours))
		if (err != nil) != c.err || !slices.Equal(got.Days, c.want.Days) || !slices.Equal(got.Hours, c.want.Hours) {
			t.Errorf("%s %s: %+v %v", c.days, c.hours, got, err)
		}
	}
}

func TestRosterFromRaw(t *testing.T) {
	raw := []byte(`{"id":"1","snippet":{"requirement":"\"working_hours\": fake"},"work_schedule_by_days":[{"id":"TWO_ON_TWO_OFF","name":"2/2"}],` +
		`"working_hours": [ {"id": "HOURS_12", "name": "12 часов"} ],"name":"x"}`)
	r, err := RosterFromRaw(raw)
	if err != nil || !slices.Equal(r.Days, []string{"TWO_ON_TWO_OFF"}) || !slices.Equal(r.Hours, []string{"HOURS_12"}) {
		t.Errorf("%+v %v", r, err)
	}
	if r, err := RosterFromRaw([]byte(`{"id":"2"}`)); err != nil || r.Days != nil || r.Hours != nil {
		t.Errorf("no fields: %+v %v", r, err)
	}
	if _, err := RosterFromRaw([]byte(`{"working_hours":[{"id":`)); err == nil {
		t.Error("truncated JSON accepted")
	}
}
