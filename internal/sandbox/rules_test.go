package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestUserAgent(t *testing.T) {
	e := newEnv(t, Config{})
	tests := []struct {
		name string
		path string
		hdr  []string
		want string // "" = 200
	}{
		{"none", "/areas/1", []string{"User-Agent:"}, "bad_user_agent/unset"},
		{"none on token endpoint", "/token", []string{"User-Agent:"}, "bad_user_agent/unset"},
		{"ok", "/areas/1", nil, ""},
		{"HH-User-Agent alone", "/areas/1", []string{"User-Agent:", "HH-User-Agent: app/1 (a@b.example)"}, ""},
		{"blacklisted", "/vacancies", []string{"User-Agent: MyApp/1.0 (my-app-feedback@example.com)"}, "bad_user_agent/blacklisted"},
		{"blacklisted 2", "/dictionaries", []string{"User-Agent: api-test-agent"}, "bad_user_agent/blacklisted"},
		{"HH-User-Agent wins (good)", "/areas/1", []string{"User-Agent: api-test-agent", "HH-User-Agent: app/1 (a@b.example)"}, ""},
		{"HH-User-Agent wins (bad)", "/areas/1", []string{"HH-User-Agent: api-test-agent"}, "bad_user_agent/blacklisted"},
	}
	for _, tc := range tests {
		var r resp
		if tc.path == "/token" {
			r = e.do("POST", tc.path, url.Values{"grant_type": {"client_credentials"}}, tc.hdr...)
		} else {
			r = e.get(tc.path, tc.hdr...)
		}
		if tc.want == "" {
			if r.code != 200 {
				t.Errorf("%s: %d %s", tc.name, r.code, r.body)
			}
			continue
		}
		if r.code != 400 || r.errItem(t) != tc.want {
			t.Errorf("%s: %d %s, want %s", tc.name, r.code, r.body, tc.want)
		}
	}
	// admin endpoints need no UA and no token
	if r := e.get("/_sandbox/stats", "User-Agent:", "Authorization:"); r.code != 200 {
		t.Errorf("admin: %d", r.code)
	}
}

func TestAuthRules(t *testing.T) {
	e := newEnv(t, Config{})
	id := e.s.vacs[10].ids
	tests := []struct {
		path, auth string
		code       int
		want       string
	}{
		{"/vacancies", "", 403, "forbidden/"},
		{"/vacancies/" + id, "", 403, "forbidden/"},
		{"/vacancies", "Bearer nope", 403, "oauth/bad_authorization"},
		{"/vacancies", "Basic abc", 403, "oauth/bad_authorization"},
		{"/vacancies/" + id, "Bearer nope", 403, "oauth/bad_authorization"},
		{"/areas", "", 200, ""},
		{"/areas/113", "", 200, ""},
		{"/areas/countries", "", 200, ""},
		{"/dictionaries", "", 200, ""},
		{"/professional_roles", "", 200, ""},
		{"/industries", "", 200, ""},
		{"/dictionaries", "app", 200, ""},
		{"/dictionaries", "Bearer nope", 403, "oauth/bad_authorization"},
		{"/me", "", 403, "forbidden/"},
		{"/me", "app", 200, ""},
		{"/employers/" + e.s.vacs[0].emp.id, "", 200, ""},
		{"/employers/999999999999", "", 404, "not_found/"},
		{"/vacancies/1", "app", 404, "not_found/"},
		{"/areas/0", "", 404, "not_found/"},
		{"/nope", "", 404, "not_found/"},
	}
	for _, tc := range tests {
		var hdr []string
		switch tc.auth {
		case "":
			hdr = []string{"Authorization:"}
		case "app":
		default:
			hdr = []string{"Authorization: " + tc.auth}
		}
		r := e.get(tc.path, hdr...)
		if r.code != tc.code {
			t.Errorf("%s (%s): %d %s", tc.path, tc.auth, r.code, r.body)
			continue
		}
		if tc.want != "" && r.errItem(t) != tc.want {
			t.Errorf("%s (%s): %s, want %s", tc.path, tc.auth, r.body, tc.want)
		}
	}
}

func TestSearchValidation(t *testing.T) {
	e := newEnv(t, Config{})
	tests := []struct {
		q    string
		want []string // bad_argument values; nil = 200
	}{
		{"per_page=100", nil},
		{"per_page=101", []string{"per_page"}},
		{"per_page=-1", []string{"per_page"}},
		{"per_page=x", []string{"per_page"}},
		{"page=-1", []string{"page"}},
		{"page=x", []string{"page"}},
		{"page=199&per_page=10", nil},
		{"page=19&per_page=100", nil},
		{"period=30", nil},
		{"period=31", []string{"period"}},
		{"period=0", []string{"period"}},
		{"period=x", []string{"period"}},
		{"period=3&date_from=2026-11-10", []string{"period"}},
		{"date_to=2026-11-10", []string{"date_to"}},
		{"date_from=2026-11-10", nil},
		{"date_from=2026-11-10T10:00:00%2B0300", nil},
		{"date_from=2026-11-10T10:00:00+0300", []string{"date_from"}}, // unencoded plus → space
		{"date_from=2026-11-10T10:00:00+0300&date_to=2026-11-11T10:00:00+0300", []string{"date_from", "date_to"}},
		{"date_from=2026-11-10T10:00:00%2B03:00", []string{"date_from"}},
		{"date_from=10.11.2026", []string{"date_from"}},
		{"date_from=2026-11-10&date_to=2026-11-10T10:00", []string{"date_to"}},
		{"order_by=publication_time", nil},
		{"order_by=salary_desc", nil},
		{"order_by=newest", []string{"order_by"}},
		{"order_by=distance", []string{"sort_point_lat", "sort_point_lng"}},
		{"area=1&area=2", nil},
		{"area=1,2", []string{"area"}},
		{"area=99999999", []string{"area"}},
		{"professional_role=118&professional_role=69", nil},
		{"professional_role=118,69", []string{"professional_role"}},
		{"professional_role=9999", []string{"professional_role"}},
		{"industry=7", nil},
		{"industry=7.540", nil},
		{"industry=7.99999", []string{"industry"}},
		{"experience=between1And3", nil},
		{"experience=between1and3", []string{"experience"}},
		{"employment=full", nil},
		{"employment=FULL", []string{"employment"}},
		{"employment_form=FULL", nil},
		{"employment_form=full", []string{"employment_form"}},
		{"schedule=remote", nil},
		{"schedule=REMOTE", []string{"schedule"}},
		{"work_format=REMOTE", nil},
		{"work_format=remote", []string{"work_format"}},
		{"work_schedule_by_days=FIVE_ON_TWO_OFF", nil},
		{"work_schedule_by_days=5/2", []string{"work_schedule_by_days"}},
		{"working_hours=HOURS_8", nil},
		{"working_hours=8", []string{"working_hours"}},
		{"employer_id=foo", []string{"employer_id"}},
		{"employer_id=1455", nil},
		{"salary=100000&currency=USD", nil},
		{"salary=abc", []string{"salary"}},
		{"currency=RUB&salary=1", []string{"currency"}},
		{"only_with_salary=yes", []string{"only_with_salary"}},
		{"label=with_salary", nil},
		{"label=nope", []string{"label"}},
		{"search_field=name&text=hr", nil},
		{"search_field=title&text=hr", []string{"search_field"}},
		{"top_lat=56", []string{"bottom_lat", "left_lng", "right_lng"}},
		{"pages=20&specialization=1&foo=bar", nil}, // unknown params are ignored
	}
	for _, tc := range tests {
		r := e.get("/vacancies?" + tc.q)
		if tc.want == nil {
			if r.code != 200 {
				t.Errorf("%s: %d %s", tc.q, r.code, r.body)
			}
			continue
		}
		if r.code != 400 {
			t.Errorf("%s: %d, want 400", tc.q, r.code)
			continue
		}
		var body errorsBody
		_ = json.Unmarshal(r.body, &body)
		var got []string
		for _, er := range body.Errors {
			if er.Type != "bad_argument" {
				t.Errorf("%s: error type %s", tc.q, er.Type)
			}
			got = append(got, er.Value)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: bad arguments %v, want %v", tc.q, got, tc.want)
		}
		if body.RequestID == "" {
			t.Errorf("%s: no request_id", tc.q)
		}
	}
}

func TestDepthAndPaging(t *testing.T) {
	e := newEnv(t, Config{})
	for _, q := range []string{"page=20&per_page=100", "page=200&per_page=10", "page=2000&per_page=1", "page=100&per_page=20"} {
		r := e.get("/vacancies?" + q)
		if r.code != 400 || !bytes.Contains(r.body, []byte(depthMsg)) {
			t.Errorf("%s: %d %s", q, r.code, r.body)
		}
	}
	// per_page=0: found only; default per_page 20; pages capped at 2000/per_page
	_, sr := e.search("per_page=0")
	if sr.Found != len(e.s.Truth(nil)) || len(sr.Items) != 0 || sr.Found < 2000 {
		t.Errorf("probe: found %d items %d", sr.Found, len(sr.Items))
	}
	_, sr = e.search("")
	if sr.PerPage != 20 || len(sr.Items) != 20 || sr.Pages != 100 {
		t.Errorf("default page: per_page %d items %d pages %d", sr.PerPage, len(sr.Items), sr.Pages)
	}
	_, sr = e.search("per_page=30&professional_role=118&area=1")
	want := (min(sr.Found, 2000) + 29) / 30
	if sr.Pages != want {
		t.Errorf("pages %d, want %d (found %d)", sr.Pages, want, sr.Found)
	}
}

func TestDateRounding(t *testing.T) {
	e := newEnv(t, Config{})
	// a vacancy published off the 5-minute grid
	var v *vacancy
	for _, x := range e.s.vacs {
		if x.published%300 > 60 && x.published%300 < 240 {
			v = x
			break
		}
	}
	ts := time.Unix(v.published, 0).In(msk)
	f := func(t time.Time) string { return url.QueryEscape(t.Format(hhTimeLayout)) }
	has := func(q string) bool {
		t.Helper()
		vals, _ := url.ParseQuery(q)
		return slices.Contains(e.s.Truth(vals), v.ids)
	}
	tests := []struct {
		q    string
		want bool
	}{
		// date_from after the publication but in the same 5-minute bucket: rounded down → included
		{"date_from=" + f(ts.Add(30*time.Second)), true},
		{"date_from=" + f(ts.Add(5*time.Minute)), false},
		// date_to before the publication but in the same bucket: the bucket is inclusive
		{"date_from=" + f(ts.Add(-time.Hour)) + "&date_to=" + f(ts.Add(-30*time.Second)), true},
		{"date_from=" + f(ts.Add(-time.Hour)) + "&date_to=" + f(ts.Add(-5*time.Minute)), false},
		// both bounds in the bucket
		{"date_from=" + f(ts.Add(1*time.Second)) + "&date_to=" + f(ts.Add(1*time.Second)), true},
	}
	for _, tc := range tests {
		if got := has(tc.q); got != tc.want {
			t.Errorf("%s (published %s): %v, want %v", tc.q, ts.Format(hhTimeLayout), got, tc.want)
		}
	}
	// brute-force check of the window semantics on random bounds
	for i := 0; i < 20; i++ {
		from := e.clock.Now().Add(-time.Duration(i*7919) * time.Minute / 10).Add(-time.Duration(i*37) * time.Second)
		to := from.Add(time.Duration(1+i*13) * time.Minute)
		vals := url.Values{"date_from": {from.Format(hhTimeLayout)}, "date_to": {to.Format(hhTimeLayout)}}
		lo := from.Unix() - from.Unix()%300
		hi := to.Unix() - to.Unix()%300 + 300
		var want []string
		for _, x := range e.s.vacs {
			if x.published >= lo && x.published < hi {
				want = append(want, x.ids)
			}
		}
		sort.Strings(want)
		if got := e.s.Truth(vals); !slices.Equal(got, want) {
			t.Errorf("window %v..%v: %d ids, want %d", from, to, len(got), len(want))
		}
	}
	// YYYY-MM-DD is Moscow midnight
	day := ts.Format("2006-01-02")
	mid, _ := time.ParseInLocation("2006-01-02", day, msk)
	vals := url.Values{"date_from": {day}, "date_to": {ts.Format(hhTimeLayout)}}
	for _, id := range e.s.Truth(vals) {
		if x := e.s.byID[id]; x.published < mid.Unix() {
			t.Errorf("date_from=%s includes %s", day, fmtTime(x.published))
		}
	}
	// period
	vals = url.Values{"period": {"1"}}
	for _, id := range e.s.Truth(vals) {
		if x := e.s.byID[id]; x.published < e.clock.Now().Add(-24*time.Hour).Unix() {
			t.Errorf("period=1 includes %s", fmtTime(x.published))
		}
	}
}

// page collects all ids of a query by paging it with per_page=100.
func (e *env) page(q string) ([]string, int) {
	e.t.Helper()
	var ids []string
	found := -1
	for p := 0; p < 20; p++ {
		r, sr := e.search(fmt.Sprintf("%s&per_page=100&page=%d", q, p))
		if sr == nil {
			e.t.Fatalf("%s: %d %s", q, r.code, r.body)
		}
		found = sr.Found
		for _, it := range sr.Items {
			ids = append(ids, it.ID)
		}
		if p+1 >= sr.Pages {
			break
		}
	}
	return ids, found
}

func TestTruthEqualsPaging(t *testing.T) {
	e := newEnv(t, Config{})
	queries := []string{
		"professional_role=118",
		"professional_role=69&professional_role=117",
		"area=2019",
		"area=1&experience=between3And6&order_by=publication_time",
		"area=113&only_with_salary=true&work_format=REMOTE",
		"text=подбор&order_by=salary_desc",
		"salary=100000&order_by=salary_asc&professional_role=118",
		"industry=7&employment_form=FULL",
		"label=with_address&schedule=fullDay",
	}
	for _, q := range queries {
		ids, found := e.page(q)
		vals, _ := url.ParseQuery(q)
		truth := e.s.Truth(vals)
		if found != len(truth) || found > 2000 || found == 0 {
			t.Errorf("%s: found %d, truth %d", q, found, len(truth))
		}
		sorted := slices.Clone(ids)
		sort.Strings(sorted)
		if len(slices.Compact(slices.Clone(sorted))) != len(ids) {
			t.Errorf("%s: duplicates across pages", q)
		}
		if !slices.Equal(sorted, truth) {
			t.Errorf("%s: paged %d ids != truth %d", q, len(ids), len(truth))
		}
	}
}

func TestOrderPublicationTime(t *testing.T) {
	e := newEnv(t, Config{})
	_, sr := e.search("order_by=publication_time&per_page=100&page=3")
	for i := 1; i < len(sr.Items); i++ {
		a, b := sr.Items[i-1], sr.Items[i]
		if a.PublishedAt < b.PublishedAt || (a.PublishedAt == b.PublishedAt && a.ID < b.ID) {
			t.Fatalf("order broken at %d: %s/%s then %s/%s", i, a.PublishedAt, a.ID, b.PublishedAt, b.ID)
		}
	}
	// relevance (default) differs from publication order but is stable
	_, r1 := e.search("per_page=50")
	_, r2 := e.search("per_page=50")
	_, p1 := e.search("per_page=50&order_by=publication_time")
	ids := func(sr *searchResult) string {
		var b strings.Builder
		for _, it := range sr.Items {
			b.WriteString(it.ID + " ")
		}
		return b.String()
	}
	if ids(r1) != ids(r2) {
		t.Error("relevance order not stable")
	}
	if ids(r1) == ids(p1) {
		t.Error("relevance order equals publication order")
	}
}

func TestFilters(t *testing.T) {
	e := newEnv(t, Config{})
	check := func(q string, pred func(v *vacancy) bool) {
		t.Helper()
		vals, _ := url.ParseQuery(q)
		got := e.s.Truth(vals)
		var want []string
		for _, v := range e.s.vacs {
			if !v.archived && !v.removed && pred(v) {
				want = append(want, v.ids)
			}
		}
		sort.Strings(want)
		if len(want) == 0 {
			t.Errorf("%s: empty expectation", q)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %d ids, want %d", q, len(got), len(want))
		}
	}
	check("text=Рекрутер", func(v *vacancy) bool {
		return containsTok(v.nameTok, "рекрутер") || containsTok(v.emp.nameTok, "рекрутер") || e.s.pool.has(v.desc, "рекрутер")
	})
	check("text=рекрутер&search_field=name", func(v *vacancy) bool { return containsTok(v.nameTok, "рекрутер") })
	check("text=подбор персонала&search_field=description", func(v *vacancy) bool {
		return e.s.pool.has(v.desc, "подбор") && e.s.pool.has(v.desc, "персонала")
	})
	check("professional_role=118&excluded_text=рекрутер,IT", func(v *vacancy) bool {
		return slices.Contains(v.roles, "118") && !e.s.textMatch(v, []string{"рекрутер"}, nil) && !e.s.textMatch(v, []string{"it"}, nil)
	})
	check("only_with_salary=true", func(v *vacancy) bool { return v.sal != nil })
	check("label=with_salary", func(v *vacancy) bool { return v.sal != nil })
	check("salary=150000", func(v *vacancy) bool {
		if v.sal == nil {
			return true // without only_with_salary, no-salary vacancies stay
		}
		return (v.sal.from == nil || v.sal.minRUR <= 150000.5) && (v.sal.to == nil || v.sal.maxRUR >= 149999.5)
	})
	check("salary=2000&currency=USD&only_with_salary=true", func(v *vacancy) bool {
		amt := 2000 / e.s.ref.currency["USD"]
		return v.sal != nil && (v.sal.from == nil || v.sal.minRUR <= amt+0.5) && (v.sal.to == nil || v.sal.maxRUR >= amt-0.5)
	})
	check("experience=noExperience&experience=moreThan6", func(v *vacancy) bool { return v.exp == "noExperience" || v.exp == "moreThan6" })
	check("work_format=HYBRID", func(v *vacancy) bool { return slices.Contains(v.workFormat, "HYBRID") })
	check("schedule=remote", func(v *vacancy) bool { return v.schedule == "remote" })
	check("employer_id="+e.s.vacs[5].emp.id, func(v *vacancy) bool { return v.emp.id == e.s.vacs[5].emp.id })
	check("area=40", func(v *vacancy) bool { return e.s.ref.inSubtree(e.s.ref.areas["40"], v.area) })
	// currencies: mostly RUR, KZT in Kazakhstan, BYR in Belarus
	cur := map[string]int{}
	for _, v := range e.s.vacs {
		if v.sal != nil {
			cur[v.sal.cur]++
		}
	}
	if cur["RUR"] < cur["KZT"]*5 || cur["KZT"] == 0 || cur["BYR"] == 0 || cur["USD"] == 0 {
		t.Errorf("currencies %v", cur)
	}
}

func TestRegionAttached(t *testing.T) {
	e := newEnv(t, Config{Vacancies: 10000, NoHardCells: true})
	region := e.s.ref.areas["2019"]
	var attached []string
	for _, v := range e.s.vacs {
		if v.area == region {
			attached = append(attached, v.ids)
		}
	}
	if len(attached) == 0 {
		t.Fatal("no vacancy attached to the region node 2019")
	}
	all := e.s.Truth(url.Values{"area": {"2019"}})
	for _, id := range attached {
		if !slices.Contains(all, id) {
			t.Errorf("area=2019 misses region-attached %s", id)
		}
	}
	if len(all) <= len(attached) {
		t.Errorf("area=2019 has only region-attached vacancies")
	}
	// a city under the region never lists them; the union of the children
	// plus the attached ones is the region
	n := len(attached)
	for _, c := range region.Areas {
		ids := e.s.Truth(url.Values{"area": {c.ID}})
		for _, id := range attached {
			if slices.Contains(ids, id) {
				t.Errorf("area=%s lists region-attached %s", c.ID, id)
			}
		}
		n += len(ids)
	}
	if n != len(all) {
		t.Errorf("children+attached %d != region %d", n, len(all))
	}
	// Russia-wide: ~5% of regional vacancies sit on region nodes
	reg, onNode := 0, 0
	for _, v := range e.s.vacs {
		if v.area.parent != nil && v.area.parent.ID == "113" && v.area.ID != "1" && v.area.ID != "2" {
			reg++
			onNode++
		} else if v.area.parent != nil && v.area.parent.parent != nil && v.area.parent.parent.ID == "113" {
			reg++
		}
	}
	if share := float64(onNode) / float64(reg); share < 0.03 || share > 0.08 {
		t.Errorf("region-node share %.3f", share)
	}
}

func TestHardCells(t *testing.T) {
	if testing.Short() {
		t.Skip("default dataset")
	}
	s := defaultServer(t)
	ds, de := s.HardDay()
	q := url.Values{"professional_role": {HardDayRole}, "area": {HardDayArea},
		"date_from": {ds.Format(hhTimeLayout)}, "date_to": {de.Add(-5 * time.Minute).Format(hhTimeLayout)}}
	if n := len(s.Truth(q)); n <= 2000 {
		t.Errorf("hard day cell: %d vacancies on %s", n, ds.Format("2006-01-02"))
	}
	hs, he := s.HardHour()
	q = url.Values{"professional_role": {HardHourRole}, "area": {HardHourArea},
		"date_from": {hs.Format(hhTimeLayout)}, "date_to": {he.Add(-5 * time.Minute).Format(hhTimeLayout)}}
	if n := len(s.Truth(q)); n <= 2000 {
		t.Errorf("hard hour cell: %d vacancies in %s", n, hs)
	}
	for w := hs; w.Before(he); w = w.Add(5 * time.Minute) {
		q.Set("date_from", w.Format(hhTimeLayout))
		q.Set("date_to", w.Format(hhTimeLayout))
		if n := len(s.Truth(q)); n >= 2000 || n == 0 {
			t.Errorf("5-minute window %s: %d", w.Format("15:04"), n)
		}
	}
	// volumes: total ≈ 30000 + cells, each big HR role > 2000 over Russia
	if n := len(s.Truth(nil)); n < 33000 || n > 35000 {
		t.Errorf("total %d", n)
	}
	for _, r := range []string{"69", "117", "118"} {
		if n := len(s.Truth(url.Values{"professional_role": {r}, "area": {"113"}})); n <= 2000 {
			t.Errorf("role %s over Russia: %d", r, n)
		}
	}
	hr := len(s.Truth(url.Values{"professional_role": HRRoles}))
	if share := float64(hr) / float64(len(s.vacs)); share < 0.45 || share > 0.65 {
		t.Errorf("HR share %.2f", share)
	}
	multi := 0
	for _, v := range s.vacs {
		if len(v.roles) > 1 {
			multi++
		}
	}
	if multi == 0 {
		t.Error("no vacancy with 2 roles")
	}
}
