package hhapi

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSearchParamsValues(t *testing.T) {
	t.Parallel()
	salary := int64(150000)
	p := SearchParams{
		Text: "golang", SearchField: []string{"name", "description"}, ExcludedText: "php",
		Area: []string{"1", "2"}, ProfessionalRole: []string{"96"}, Industry: []string{"7.540"}, EmployerID: []string{"1455"},
		Experience: []string{"between1And3"}, EmploymentForm: []string{"FULL"}, WorkFormat: []string{"REMOTE", "HYBRID"},
		Schedule: []string{"remote"}, Employment: []string{"full"}, Salary: &salary, Currency: "RUR", OnlyWithSalary: true,
		Label: []string{"not_from_agency"}, DateFrom: time.Date(2025, 1, 2, 3, 4, 5, 0, time.FixedZone("", 3*3600)),
		DateTo: time.Date(2025, 1, 2, 4, 4, 5, 0, time.FixedZone("", -2*3600)), OrderBy: "publication_time", NoMagic: true,
		Page: 19, PerPage: 100, Extra: url.Values{"host": {"hh.kz"}},
	}
	enc := p.Values().Encode()
	for _, s := range []string{"date_from=2025-01-02T03%3A04%3A05%2B0300", "date_to=2025-01-02T04%3A04%3A05-0200",
		"area=1&area=2", "work_format=REMOTE&work_format=HYBRID", "search_field=name&search_field=description", "host=hh.kz",
		"no_magic=true", "only_with_salary=true", "salary=150000", "page=19", "per_page=100"} {
		if !strings.Contains(enc, s) {
			t.Errorf("%s lacks %s", enc, s)
		}
	}
	if strings.Contains(enc, "+") {
		t.Errorf("unescaped + in %s", enc)
	}
	q, _ := url.ParseQuery(enc)
	back, err := ParseSearchValues(q)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, back, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}

	// Defaults and the probe.
	if got := (SearchParams{}).Values().Encode(); got != "page=0&per_page=100" {
		t.Errorf("zero params = %s", got)
	}
	probe := SearchParams{Area: []string{"1"}, Probe: true}
	if got := probe.Values().Encode(); got != "area=1&page=0&per_page=0" {
		t.Errorf("probe = %s", got)
	}
	back, err = ParseSearchValues(probe.Values())
	if err != nil || !cmp.Equal(probe, back) {
		t.Errorf("probe round trip = %+v, %v", back, err)
	}
}

func TestParseSearchValues(t *testing.T) {
	t.Parallel()
	q, _ := url.ParseQuery("text=a&text=b&date_from=2025-01-02&only_with_salary=false&metro=1.2&period=7&per_page=20")
	p, err := ParseSearchValues(q)
	if err != nil {
		t.Fatal(err)
	}
	want := url.Values{"text": {"a", "b"}, "date_from": {"2025-01-02"}, "only_with_salary": {"false"}, "metro": {"1.2"}}
	if diff := cmp.Diff(want, p.Extra); diff != "" {
		t.Errorf("Extra (-want +got):\n%s", diff)
	}
	if p.Period != 7 || p.PerPage != 20 || p.Probe || !p.DateFrom.IsZero() {
		t.Errorf("p = %+v", p)
	}
	// Everything the user asked for is sent again.
	got := p.Values()
	for k, v := range q {
		if !cmp.Equal(got[k], v) {
			t.Errorf("%s: sent %v, asked %v", k, got[k], v)
		}
	}
	for _, bad := range []string{"salary=lots", "page=-1", "per_page=x", "no_magic=maybe", "date_to=yesterday 10am"} {
		q, _ := url.ParseQuery(bad)
		if _, err := ParseSearchValues(q); err == nil {
			t.Errorf("ParseSearchValues(%s) succeeded", bad)
		}
	}
}

func TestTime(t *testing.T) {
	t.Parallel()
	var v struct {
		A, B, C, D Time
	}
	if err := json.Unmarshal([]byte(`{"A":"2013-07-08T16:17:21+0400","B":"2013-07-08T12:17:21Z","C":null,"D":""}`), &v); err != nil {
		t.Fatal(err)
	}
	if !v.A.Equal(v.B.Time) || !v.C.IsZero() || !v.D.IsZero() {
		t.Errorf("decoded %+v", v)
	}
	out, _ := json.Marshal(v)
	if string(out) != `{"A":"2013-07-08T16:17:21+0400","B":"2013-07-08T12:17:21+0000","C":null,"D":null}` {
		t.Errorf("encoded %s", out)
	}
	if err := json.Unmarshal([]byte(`{"A":"08.07.2013"}`), &v); err == nil {
		t.Error("bad time accepted")
	}
	if err := json.Unmarshal([]byte(`{"A":123}`), &v); err == nil {
		t.Error("number accepted as time")
	}
}

func TestCompareModelledCatchesLoss(t *testing.T) {
	t.Parallel()
	var errs []string
	compareModelled("x", generic(t, []byte(`{"a":1,"b":"s","c":[1,2],"d":null}`)), generic(t, []byte(`{"a":2,"b":"s","c":[1],"d":false,"e":"new"}`)), &errs)
	if len(errs) != 4 {
		t.Errorf("errs = %q, want 4 (a, c, d, e)", errs)
	}
}
