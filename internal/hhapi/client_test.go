package hhapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// setup starts a test server over a ServeMux and a Client pointed at it
// (under a path prefix, to check BaseURL resolution).
func setup(t *testing.T) (*Client, *http.ServeMux) {
	t.Helper()
	mux := http.NewServeMux()
	outer := http.NewServeMux()
	outer.Handle("/api/", http.StripPrefix("/api", mux))
	srv := httptest.NewServer(outer)
	t.Cleanup(srv.Close)
	c, err := New(srv.URL+"/api", srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return c, mux
}

func testHeaders(t *testing.T, r *http.Request) {
	t.Helper()
	if r.Method != http.MethodGet {
		t.Errorf("method = %s, want GET", r.Method)
	}
	if got := r.Header.Get("Accept"); got != "application/json" {
		t.Errorf("Accept = %q", got)
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"ftp://api.hh.ru", "api.hh.ru", "/relative", "https://", "http://user:pw@host/", "::"} {
		if _, err := New(bad, nil); err == nil {
			t.Errorf("New(%q) succeeded", bad)
		} else if strings.Contains(err.Error(), "pw") {
			t.Errorf("New error leaks credentials: %v", err)
		}
	}
	c, err := New("", nil)
	if err != nil || c.BaseURL.String() != DefaultBaseURL {
		t.Fatalf("New(\"\") = %v, %v", c, err)
	}
	c, _ = New("http://127.0.0.1:8080/hh", nil)
	req, _ := c.NewRequest(t.Context(), http.MethodGet, "/vacancies/1", nil)
	if got := req.URL.String(); got != "http://127.0.0.1:8080/hh/vacancies/1" {
		t.Errorf("URL = %s", got)
	}
}

func TestSearchVacancies(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	msk := time.FixedZone("MSK", 3*3600)
	from := time.Date(2025, 11, 1, 10, 0, 0, 0, msk)
	to := from.Add(5 * time.Minute)
	mux.HandleFunc("/vacancies", func(w http.ResponseWriter, r *http.Request) {
		testHeaders(t, r)
		for _, s := range []string{"date_from=2025-11-01T10%3A00%3A00%2B0300", "date_to=2025-11-01T10%3A05%3A00%2B0300", "area=1&area=2", "professional_role=96&professional_role=124"} {
			if !strings.Contains(r.URL.RawQuery, s) {
				t.Errorf("raw query %q lacks %q", r.URL.RawQuery, s)
			}
		}
		want := url.Values{
			"text": {"go developer"}, "area": {"1", "2"}, "professional_role": {"96", "124"},
			"date_from": {"2025-11-01T10:00:00+0300"}, "date_to": {"2025-11-01T10:05:00+0300"},
			"no_magic": {"true"}, "order_by": {"publication_time"}, "page": {"3"}, "per_page": {"100"},
			"locale": {"EN"},
		}
		if diff := cmp.Diff(want, r.URL.Query()); diff != "" {
			t.Errorf("query (-want +got):\n%s", diff)
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		fmt.Fprint(w, `{"found":2,"pages":1,"page":3,"per_page":100,"items":[
			{"id":"1","name":"Go","area":{"id":"1","name":"Москва","url":"u"},"published_at":"2025-11-01T10:01:00+0300",
			 "salary_range":{"from":100000,"to":null,"currency":"RUR","gross":false,"mode":{"id":"MONTH","name":"За месяц"},"frequency":null},
			 "employer":{"id":null,"name":"Anon","trusted":false}},
			{"id":"2","name":"Go 2","area":{"id":"2","name":"СПб","url":"u"},"published_at":"2025-11-01T10:02:00+0300","salary_range":null}]}`)
	})
	page, err := c.SearchVacancies(t.Context(), SearchParams{
		Text: "go developer", Area: []string{"1", "2"}, ProfessionalRole: []string{"96", "124"},
		DateFrom: from, DateTo: to, NoMagic: true, OrderBy: "publication_time", Page: 3,
		Extra: url.Values{"locale": {"EN"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if page.Found != 2 || len(page.Items) != 2 || page.Page != 3 {
		t.Fatalf("page = %+v", page)
	}
	it := page.Items[0]
	if it.SalaryRange == nil || *it.SalaryRange.From != 100000 || it.SalaryRange.To != nil || it.SalaryRange.Frequency != nil || *it.SalaryRange.Gross {
		t.Errorf("salary_range = %+v", it.SalaryRange)
	}
	if it.Employer.ID != "" || it.Employer.Name != "Anon" {
		t.Errorf("employer = %+v", it.Employer)
	}
	if !it.PublishedAt.Equal(from.Add(time.Minute)) {
		t.Errorf("published_at = %v", it.PublishedAt)
	}
	if !strings.HasPrefix(string(it.Raw), `{"id":"1"`) || page.Items[1].SalaryRange != nil {
		t.Errorf("raw = %s", it.Raw)
	}
}

func TestResourceMethods(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	serve := func(path, body string) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			testHeaders(t, r)
			if r.URL.RawQuery != "" {
				t.Errorf("%s: unexpected query %q", path, r.URL.RawQuery)
			}
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, body)
		})
	}
	serve("/vacancies/8331228", `{"id":"8331228","name":"Секретарь","description":"<p>x</p>","key_skills":[{"name":"Go"}],"archived":false,"published_at":"2013-07-08T16:17:21+0400"}`)
	serve("/dictionaries", `{"currency":[{"code":"RUR","abbr":"₽","name":"Рубли","default":true,"rate":1,"in_use":true}],"experience":[{"id":"noExperience","name":"Нет опыта"}]}`)
	serve("/areas", `[{"id":"113","parent_id":null,"name":"Россия","areas":[{"id":"1","parent_id":"113","name":"Москва","areas":[]}]}]`)
	serve("/professional_roles", `{"categories":[{"id":"12","name":"HR","roles":[{"id":"38","name":"HRD"}]},{"id":"26","name":"Top","roles":[{"id":"38","name":"HRD"},{"id":"40","name":"Другое","is_default":true}]}]}`)
	serve("/industries", `[{"id":"7","name":"IT","industries":[{"id":"7.540","name":"Software"}]}]`)
	serve("/employers/1455", `{"id":"1455","name":"HeadHunter","type":"company","open_vacancies":19,"trusted":true,"area":{"id":"113","name":"Россия","url":"u"}}`)
	serve("/me", `{"auth_type":"application","is_applicant":false,"is_employer":false,"is_admin":false,"is_application":true}`)

	ctx := t.Context()
	v, err := c.Vacancy(ctx, "8331228")
	if err != nil || v.Name != "Секретарь" || v.KeySkills[0].Name != "Go" || v.PublishedAt.String() != "2013-07-08T16:17:21+0400" {
		t.Errorf("Vacancy = %+v, %v", v, err)
	}
	d, err := c.Dictionaries(ctx)
	if err != nil || d.Currency[0].Code != "RUR" || d.Experience[0].ID != "noExperience" || len(d.Raw) == 0 {
		t.Errorf("Dictionaries = %+v, %v", d, err)
	}
	areas, err := c.Areas(ctx)
	if err != nil || len(FlattenAreas(areas)) != 2 || *areas[0].Areas[0].ParentID != "113" {
		t.Errorf("Areas = %+v, %v", areas, err)
	}
	roles, err := c.ProfessionalRoles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Role{{ID: "38", Name: "HRD"}, {ID: "40", Name: "Другое", IsDefault: true}}, roles.Roles()); diff != "" {
		t.Errorf("Roles (-want +got):\n%s", diff)
	}
	ind, err := c.Industries(ctx)
	if err != nil || ind[0].Industries[0].ID != "7.540" {
		t.Errorf("Industries = %+v, %v", ind, err)
	}
	e, err := c.Employer(ctx, "1455")
	if err != nil || e.Name != "HeadHunter" || e.AreaID() != "113" || *e.OpenVacancies != 19 {
		t.Errorf("Employer = %+v, %v", e, err)
	}
	me, err := c.Me(ctx)
	want := &Me{AuthType: "application", IsApplication: true}
	if err != nil || !cmp.Equal(want, me, cmpIgnoreRaw) {
		t.Errorf("Me = %+v, %v", me, err)
	}
	if _, err := c.Vacancy(ctx, " "); err == nil {
		t.Error("Vacancy(\"\") succeeded")
	}
}

var cmpIgnoreRaw = cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Raw" }, cmp.Ignore())

func TestTypedErrors(t *testing.T) {
	t.Parallel()
	depthBody := `{"errors":
[
{"type": "bad_argument", "value": "page"},
{"type": "bad_argument", "value": "per_page"}],
"bad_arguments":
[
{"name": "page, per_page", "description": "you can't look up more than 2000 items in the list"}
],
"description": "you can't look up more than 2000 items in the list",
"bad_argument": "page, per_page"}`
	all := []error{ErrCaptcha, ErrForbidden, ErrNotFound, ErrRateLimited, ErrDepthLimit, ErrTokenExpired, ErrBadToken, ErrServer, ErrBadUserAgent, ErrBadArgument}
	tests := []struct {
		name   string
		status int
		body   string
		hdr    []string
		is     []error
		check  func(t *testing.T, err error)
		msgHas []string
	}{
		{name: "bad_argument", status: 400, body: `{"errors":[{"type":"bad_argument","value":"employer_id"}],"request_id":"rid-1"}`,
			is: []error{ErrBadArgument}, msgHas: []string{"400", "bad_argument=employer_id", "request_id rid-1"},
			check: func(t *testing.T, err error) {
				if got := BadArguments(err); !cmp.Equal(got, []string{"employer_id"}) {
					t.Errorf("BadArguments = %v", got)
				}
				if IsDepthLimit(err) {
					t.Error("IsDepthLimit")
				}
			}},
		{name: "depth limit", status: 400, body: depthBody, is: []error{ErrDepthLimit, ErrBadArgument}, msgHas: []string{"2000 items"},
			check: func(t *testing.T, err error) {
				if !IsDepthLimit(err) || !cmp.Equal(BadArguments(err), []string{"page", "per_page"}) {
					t.Errorf("IsDepthLimit=%v BadArguments=%v", IsDepthLimit(err), BadArguments(err))
				}
			}},
		{name: "bad user agent", status: 400, body: `{"errors":[{"type":"bad_user_agent","value":"blacklisted"}]}`, is: []error{ErrBadUserAgent},
			check: func(t *testing.T, err error) {
				if !IsBadUserAgent(err) {
					t.Error("IsBadUserAgent false")
				}
			}},
		{name: "oauth token_expired", status: 403, body: `{"errors":[{"type":"oauth","value":"token_expired"}]}`, is: []error{ErrTokenExpired},
			check: func(t *testing.T, err error) {
				if OAuthValue(err) != "token_expired" {
					t.Errorf("OAuthValue = %q", OAuthValue(err))
				}
			}},
		{name: "oauth bad_authorization", status: 403, body: `{"description":"Forbidden","errors":[{"value":"bad_authorization","type":"oauth"}],"request_id":"171137152671106baaeaa61bb1e94b7d"}`,
			is: []error{ErrBadToken}, msgHas: []string{"oauth=bad_authorization", "171137152671106baaeaa61bb1e94b7d"}},
		{name: "oauth token_revoked", status: 403, body: `{"errors":[{"type":"oauth","value":"token_revoked"}]}`, is: []error{ErrBadToken}},
		{name: "oauth user_auth_expected", status: 403, body: `{"errors":[{"type":"oauth","value":"user_auth_expected"}]}`,
			check: func(t *testing.T, err error) {
				if OAuthValue(err) != "user_auth_expected" {
					t.Errorf("OAuthValue = %q", OAuthValue(err))
				}
			}},
		{name: "captcha", status: 403, body: `{"errors":[{"type":"captcha_required","value":"captcha_required","captcha_url":"https://hh.ru/account/captcha?state=x","fallback_url":"https://hh.ru/fb"}]}`,
			is: []error{ErrCaptcha},
			check: func(t *testing.T, err error) {
				if u, ok := IsCaptcha(err); !ok || u != "https://hh.ru/account/captcha?state=x" {
					t.Errorf("IsCaptcha = %q, %v", u, ok)
				}
			}},
		{name: "forbidden", status: 403, body: `{"description":"Forbidden","errors":[{"type":"forbidden"}],"request_id":"r"}`, is: []error{ErrForbidden}},
		{name: "ddos-guard json", status: 403, body: `{"type":"forbidden"}`, hdr: []string{"Server", "ddos-guard"}, is: []error{ErrForbidden}, msgHas: []string{"ddos-guard"}},
		{name: "ddos-guard html", status: 403, body: "<!DOCTYPE html><html><title>DDoS-Guard</title></html>", hdr: []string{"Server", "ddos-guard", "Content-Type", "text/html"},
			is: []error{ErrForbidden}, msgHas: []string{"ddos-guard", "DDoS-Guard"},
			check: func(t *testing.T, err error) {
				var e *APIError
				if !errors.As(err, &e) || !strings.HasPrefix(string(e.Body), "<!DOCTYPE") || e.Server != "ddos-guard" {
					t.Errorf("APIError = %+v", e)
				}
			}},
		{name: "not found", status: 404, body: `{"errors":[{"type":"not_found"}]}`, is: []error{ErrNotFound}},
		{name: "429", status: 429, body: "", hdr: []string{"Retry-After", "7"}, is: []error{ErrRateLimited}, msgHas: []string{"429", "retry after 7s"},
			check: func(t *testing.T, err error) {
				var e *APIError
				if !errors.As(err, &e) || e.RetryAfter != 7*time.Second || !IsRateLimited(err) {
					t.Errorf("APIError = %+v", e)
				}
			}},
		{name: "502 json", status: 502, body: `{"errors":[{"type":"bad_gateway"}],"description":"Bad Gateway"}`, is: []error{ErrServer}},
		{name: "503 html", status: 503, body: "<html><body><h1>503 Service Temporarily Unavailable</h1>" + strings.Repeat("x", 3000) + "</body></html>",
			is: []error{ErrServer}, msgHas: []string{"503", "non-JSON body"},
			check: func(t *testing.T, err error) {
				var e *APIError
				if !errors.As(err, &e) || len(e.Body) != 1024 || !IsServerError(err) {
					t.Errorf("Body len = %d", len(e.Body))
				}
			}},
		{name: "500 empty", status: 500, is: []error{ErrServer}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mux := setup(t)
			mux.HandleFunc("/vacancies", func(w http.ResponseWriter, r *http.Request) {
				for i := 0; i+1 < len(tt.hdr); i += 2 {
					w.Header().Set(tt.hdr[i], tt.hdr[i+1])
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			req, _ := c.NewRequest(t.Context(), http.MethodGet, "vacancies", url.Values{"text": {"go"}, "client_secret": {"TOPSECRET"}})
			req.Header.Set("Authorization", "Bearer TOPTOKEN")
			_, err := c.Do(req, &SearchPage{})
			var e *APIError
			if !errors.As(err, &e) || e.StatusCode != tt.status {
				t.Fatalf("err = %#v, want *APIError %d", err, tt.status)
			}
			for _, s := range all {
				want := false
				for _, w := range tt.is {
					want = want || w == s
				}
				if got := errors.Is(err, s); got != want {
					t.Errorf("errors.Is(err, %q) = %v, want %v", s, got, want)
				}
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") || strings.Contains(msg, "TOPSECRET") || strings.Contains(msg, "TOPTOKEN") {
				t.Errorf("Error() not one safe line: %q", msg)
			}
			for _, s := range tt.msgHas {
				if !strings.Contains(msg, s) {
					t.Errorf("Error() = %q lacks %q", msg, s)
				}
			}
			if tt.check != nil {
				tt.check(t, err)
			}
			// Wrapped errors still classify.
			if len(tt.is) > 0 && !errors.Is(fmt.Errorf("fetch page 3: %w", err), tt.is[0]) {
				t.Error("wrapped error lost its kind")
			}
		})
	}
}

func TestNonJSON200(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/vacancies", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<html><body>Welcome to nginx!</body></html>")
	})
	mux.HandleFunc("/areas", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `[{"id": 113`)
	})
	_, err := c.SearchVacancies(t.Context(), SearchParams{Text: "go"})
	var de *DecodeError
	if !errors.As(err, &de) || de.ContentType != "text/html; charset=utf-8" || !strings.Contains(de.Snippet, "nginx") {
		t.Fatalf("err = %#v", err)
	}
	// The error states the facts; which setting to check is the CLI's to say.
	if msg := err.Error(); !strings.Contains(msg, "answered 200 with a non-JSON body (text/html") || strings.Contains(msg, "--api-base") || !strings.Contains(msg, "127.0.0.1") {
		t.Errorf("message = %q", msg)
	}
	if _, err = c.Areas(t.Context()); !errors.As(err, &de) || de.Err == nil {
		t.Errorf("truncated JSON err = %#v", err)
	}
}

func TestConnectionRefused(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c, _ := New("http://"+addr+"/", nil)
	_, err = c.Areas(t.Context())
	var ue *UnreachableError
	if !errors.As(err, &ue) || !strings.Contains(ue.Base, addr) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("err = %v, want an *UnreachableError for %s wrapping ECONNREFUSED", err, addr)
	}
	if strings.Contains(err.Error(), "--api-base") {
		t.Errorf("err = %v: the CLI words the advice, not hhapi", err)
	}
}

func TestContextCanceled(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Me(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
}

func TestCheckResponseRedactsURL(t *testing.T) {
	t.Parallel()
	err := CheckResponse(fakeResponse(404, []byte(`{"errors":[{"type":"not_found"}]}`)))
	if strings.Contains(err.Error(), "SECRET") || !strings.Contains(err.Error(), "text=go") {
		t.Errorf("Error() = %q", err)
	}
	if CheckResponse(fakeResponse(204, nil)) != nil {
		t.Error("2xx is an error")
	}
}

func TestDecodeOAuthErrorFallback(t *testing.T) {
	t.Parallel()
	err := DecodeOAuthError(fakeResponse(403, []byte(`{"error":"forbidden","error_description":"app token refresh too early"}`)))
	var oe *OAuthError
	if !errors.As(err, &oe) || oe.StatusCode != 403 || oe.Code != "forbidden" {
		t.Errorf("err = %#v", err)
	}
	err = DecodeOAuthError(fakeResponse(502, []byte("<html>bad gateway</html>")))
	if !IsServerError(err) {
		t.Errorf("HTML 502 from token endpoint: %#v", err)
	}
	if DecodeOAuthError(fakeResponse(200, []byte(`{}`))) != nil {
		t.Error("2xx is an error")
	}
}
