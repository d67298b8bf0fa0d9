package sandbox

import (
	"bufio"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func decode(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("bad JSON: %v: %.200s", err, b)
	}
	return v
}

// firstSample returns the first real full vacancy of the reference sample.
func firstSample(t *testing.T) any {
	t.Helper()
	f, err := os.Open(filepath.Join(sharedDir(t, "data"), "vacancies_it_sample_2025.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 8<<20)
	sc.Scan()
	return decode(t, sc.Bytes())
}

// TestShapes compares our answers with every example whose shape we
// emulate: key sets and JSON kinds, recursively.
func TestShapes(t *testing.T) {
	e := newEnv(t, Config{CaptchaAfter: 1000})
	// a vacancy with salary and address, for the richest shape
	var full, withAddr string
	for _, v := range e.s.vacs {
		if v.sal != nil && v.sal.from != nil && v.sal.to != nil && v.sal.freq != "" && v.addr != nil &&
			v.addr.Metro != nil && len(v.skills) > 0 && v.emp.id != "" && v.emp.logo != nil {
			full, withAddr = v.ids, v.ids
			break
		}
	}
	if full == "" {
		t.Fatal("no rich vacancy in dataset")
	}
	itemNullable := set(".items[].address", ".items[].department", ".items[].insider_interview",
		".items[].contacts", ".items[].response_url", ".items[].show_logo_in_search", ".arguments",
		".items[].employer.logo_urls", ".items[].address.metro")
	exampleOnly := set(".items[].counters", ".items[].sort_point_distance")
	pageResp, _ := e.search("per_page=100&order_by=publication_time")
	var page map[string]any
	_ = json.Unmarshal(pageResp.body, &page)
	// put a rich item first
	items := page["items"].([]any)
	for i, it := range items {
		if it.(map[string]any)["id"] == withAddr {
			items[0], items[i] = items[i], items[0]
		}
	}
	vacResp := e.get("/vacancies/" + full)

	// error bodies
	depth := e.get("/vacancies?page=20&per_page=100")
	badDate := e.get("/vacancies?date_from=2026-11-01T10:00:00+0300&date_to=2026-11-02T10:00:00+0300")
	noTok := e.get("/vacancies", "Authorization:")
	badTok := e.get("/vacancies", "Authorization: Bearer nope")
	notFound := e.get("/vacancies/1")
	badArg := e.get("/vacancies?employer_id=foo")

	cases := []struct {
		name    string
		example string
		got     any
		opts    shapeOpts
	}{
		{"search page", "spec_vacancies-search-page_2025.json", page,
			shapeOpts{nullable: itemNullable, skip: exampleOnly}},
		{"search envelope exact", "", nil, shapeOpts{}},
		{"full vacancy vs real sample", "", decode(t, vacResp.body),
			shapeOpts{exact: true, nullable: set(".address.metro", ".employer.logo_urls", ".show_logo_in_search",
				".code", ".department", ".insider_interview", ".test", ".branded_description", ".vacancy_constructor_template", ".age_restriction")}},
		{"area item", "spec_area-item.json", decode(t, e.get("/areas/40").body), shapeOpts{}},
		{"areas tree", "spec_areas-tree-slice.json", decode(t, e.get("/areas").body), shapeOpts{}},
		{"areas countries", "spec_areas-countries.json", decode(t, e.get("/areas/countries").body), shapeOpts{exact: true}},
		{"area prepositional", "repo_area-with-prepositional-case.json",
			decode(t, e.get("/areas/1?additional_case=prepositional").body), shapeOpts{}},
		{"dictionaries", "spec_dictionaries_2025.json", decode(t, e.get("/dictionaries").body), shapeOpts{}},
		{"industries", "spec_industries-slice.json", decode(t, e.get("/industries").body), shapeOpts{exact: true}},
		{"employer", "spec_employer.json", decode(t, e.get("/employers/"+e.s.vacs[0].emp.id).body),
			shapeOpts{exact: true, nullable: set(".branding", ".branded_description", ".logo_urls")}},
		{"me app", "", nil, shapeOpts{}},
		{"depth error", "issue98_error_depth-limit-2000.json", decode(t, depth.body), shapeOpts{exact: true, extra: set(".request_id")}},
		{"bad date error", "issue252_error_bad-date-argument.json", decode(t, badDate.body), shapeOpts{exact: true, extra: set(".request_id")}},
		{"forbidden", "issue819_error_forbidden-app-token.json", decode(t, noTok.body), shapeOpts{exact: true}},
		{"bad authorization", "issue819_error_oauth-bad-authorization.json", decode(t, badTok.body), shapeOpts{exact: true}},
		{"not found item", "repo_error_item-not-found.json", decode(t, notFound.body).(map[string]any)["errors"].([]any)[0], shapeOpts{exact: true}},
		{"bad argument item", "repo_error_item-bad-argument.json", decode(t, badArg.body).(map[string]any)["errors"].([]any)[0], shapeOpts{exact: true}},
		{"envelope", "repo_error_envelope-shape.json", decode(t, badArg.body), shapeOpts{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var want any
			switch c.name {
			case "full vacancy vs real sample":
				want = firstSample(t)
			case "search envelope exact":
				// the envelope has exactly the documented keys
				want = map[string]any{"items": []any{}, "found": 0.0, "pages": 0.0, "page": 0.0, "per_page": 0.0,
					"clusters": nil, "arguments": nil, "alternate_url": "", "fixes": nil, "suggests": nil}
				c.got = map[string]any{}
				for k, v := range page {
					if k != "items" {
						c.got.(map[string]any)[k] = v
					} else {
						c.got.(map[string]any)[k] = []any{}
					}
				}
				c.opts.exact = true
			case "me app":
				want = map[string]any{"auth_type": "", "is_applicant": false, "is_employer": false, "is_admin": false, "is_application": true}
				c.got = decode(t, e.get("/me").body)
				c.opts.exact = true
			default:
				want = loadExample(t, c.example)
			}
			for _, d := range compareShape("", want, c.got, c.opts) {
				t.Error(d)
			}
		})
	}
	// error bodies carry request_id equal to the header
	for _, r := range []resp{depth, badDate, noTok, badTok, notFound, badArg} {
		m := r.json(t)
		if m["request_id"] == nil || m["request_id"] != r.hdr.Get("X-Request-Id") {
			t.Errorf("request_id %v vs header %q", m["request_id"], r.hdr.Get("X-Request-Id"))
		}
	}
	// search items are the short form
	for _, it := range items {
		m := it.(map[string]any)
		for _, k := range []string{"description", "key_skills", "counters", "sort_point_distance"} {
			if _, ok := m[k]; ok {
				t.Errorf("search item has %q", k)
			}
		}
	}
}

func TestShapeExactBodies(t *testing.T) {
	e := newEnv(t, Config{})
	// depth error: exactly the example plus request_id
	want := loadExample(t, "issue98_error_depth-limit-2000.json").(map[string]any)
	r := e.get("/vacancies?page=20&per_page=100")
	got := r.json(t)
	if r.code != 400 {
		t.Fatalf("depth: %d", r.code)
	}
	want["request_id"] = got["request_id"]
	if a, b := mustJSON(want), mustJSON(got); a != b {
		t.Errorf("depth body:\n got %s\nwant %s", b, a)
	}
	// /me with an app token: exactly REFERENCE §3.7
	r = e.get("/me")
	if string(r.body) != `{"auth_type":"application","is_applicant":false,"is_employer":false,"is_admin":false,"is_application":true}` {
		t.Errorf("/me: %s", r.body)
	}
	// app token response: exactly the example's keys
	e.clock.Advance(time.Hour)
	r = e.do("POST", "/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {DefaultClientID}, "client_secret": {DefaultClientSecret}})
	for _, d := range compareShape("", loadExample(t, "repo_oauth_app-token-response.json"), decode(t, r.body), shapeOpts{exact: true}) {
		t.Error(d)
	}
	// user token response
	code := authorize(t, e, "")
	r = e.do("POST", "/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {DefaultClientID},
		"client_secret": {DefaultClientSecret}, "code": {code}})
	for _, d := range compareShape("", loadExample(t, "repo_oauth_user-token-response.json"), decode(t, r.body), shapeOpts{exact: true}) {
		t.Error(d)
	}
	if !strings.Contains(string(r.body), `"expires_in":1209600`) {
		t.Errorf("user token: %s", r.body)
	}
	// oauth error bodies
	r = e.do("POST", "/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"nope"}})
	for _, d := range compareShape("", loadExample(t, "issue580_oauth_error_token-already-refreshed.json"), decode(t, r.body), shapeOpts{exact: true}) {
		t.Error(d)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
