package sandbox

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"
)

// authorize runs GET /oauth/authorize and returns the code.
func authorize(t *testing.T, e *env, redirect string) string {
	t.Helper()
	q := url.Values{"response_type": {"code"}, "client_id": {DefaultClientID}, "state": {"xyz"}}
	if redirect != "" {
		q.Set("redirect_uri", redirect)
	}
	r := e.get("/oauth/authorize?"+q.Encode(), "User-Agent:", "Authorization:")
	if r.code != 302 {
		t.Fatalf("authorize: %d %s", r.code, r.body)
	}
	loc, err := url.Parse(r.hdr.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultRedirectURI
	if redirect != "" {
		want = redirect
	}
	if !strings.HasPrefix(loc.String(), strings.SplitN(want, "?", 2)[0]) || loc.Query().Get("state") != "xyz" {
		t.Fatalf("authorize redirected to %s", loc)
	}
	return loc.Query().Get("code")
}

type tokenPair struct {
	Access    string `json:"access_token"`
	Type      string `json:"token_type"`
	ExpiresIn int64  `json:"expires_in"`
	Refresh   string `json:"refresh_token"`
}

func (e *env) token(form url.Values) (resp, tokenPair) {
	e.t.Helper()
	r := e.do("POST", "/token", form, "Authorization:")
	var p tokenPair
	if r.code == 200 {
		_ = json.Unmarshal(r.body, &p)
	}
	return r, p
}

func oauthErrOf(t *testing.T, r resp) string {
	t.Helper()
	var o struct {
		Error string `json:"error"`
		Desc  string `json:"error_description"`
	}
	if err := json.Unmarshal(r.body, &o); err != nil || o.Error == "" {
		t.Fatalf("not an oauth error (%d): %s", r.code, r.body)
	}
	return o.Error + "/" + o.Desc
}

func codeForm(code string) url.Values {
	return url.Values{"grant_type": {"authorization_code"}, "client_id": {DefaultClientID},
		"client_secret": {DefaultClientSecret}, "code": {code}}
}

func TestAuthorizeRedirectRules(t *testing.T) {
	e := newEnv(t, Config{})
	tests := []struct {
		redirect string
		ok       bool
	}{
		{"http://127.0.0.1:8765/callback", true},
		{"http://127.0.0.1:8765/callback/sub/path", true},
		{"http://127.0.0.1:8765/callback?lang=RU", true},
		{"https://127.0.0.1:8765/callback", false},   // scheme
		{"http://127.0.0.1:8766/callback", false},    // port
		{"http://127.0.0.1/callback", false},         // port dropped
		{"http://localhost:8765/callback", false},    // host
		{"http://127.0.0.1:8765/callbacks", false},   // other path
		{"http://127.0.0.1:8765/", false},            // shallower path
		{"http://evil.example:8765/callback", false}, // host
	}
	for _, tc := range tests {
		q := url.Values{"response_type": {"code"}, "client_id": {DefaultClientID}, "redirect_uri": {tc.redirect}}
		r := e.get("/oauth/authorize?"+q.Encode(), "Authorization:")
		if (r.code == 302) != tc.ok {
			t.Errorf("%s: got %d %s, want ok=%v", tc.redirect, r.code, r.body, tc.ok)
		}
	}
	// non-loopback registration: subdomain allowed, added port rejected
	e2 := newEnv(t, Config{RedirectURI: "http://example.com/oauth"})
	for redirect, ok := range map[string]bool{
		"http://www.example.com/oauth":              true,
		"http://example.com/oauth/sub/path?lang=RU": true,
		"http://www.example.com/oauth/sub?lang=RU":  true,
		"https://example.com/oauth":                 false,
		"http://example.org/oauth":                  false,
		"http://example.com/oauths":                 false,
		"http://example.com:8080/oauth":             false,
		"http://badexample.com/oauth":               false,
	} {
		q := url.Values{"response_type": {"code"}, "client_id": {DefaultClientID}, "redirect_uri": {redirect}}
		if r := e2.get("/oauth/authorize?" + q.Encode()); (r.code == 302) != ok {
			t.Errorf("%s: got %d, want ok=%v", redirect, r.code, ok)
		}
	}
	// bad client, bad response_type
	for _, q := range []string{"response_type=code&client_id=nope", "response_type=token&client_id=" + DefaultClientID, "client_id=" + DefaultClientID} {
		if r := e.get("/oauth/authorize?" + q); r.code != 400 {
			t.Errorf("%s: %d", q, r.code)
		}
	}
}

func TestAppToken(t *testing.T) {
	e := newEnv(t, Config{})
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {DefaultClientID}, "client_secret": {DefaultClientSecret}}
	r, p1 := e.token(form)
	if r.code != 200 || p1.Access == "" || p1.Type != "bearer" || strings.Contains(string(r.body), "expires_in") ||
		strings.Contains(string(r.body), "refresh_token") {
		t.Fatalf("app token: %d %s", r.code, r.body)
	}
	if r := e.get("/vacancies?per_page=1", "Authorization: Bearer "+p1.Access); r.code != 200 {
		t.Fatalf("app token rejected: %d %s", r.code, r.body)
	}
	// too early
	e.clock.Advance(4 * time.Minute)
	r, _ = e.token(form)
	if r.code != 403 || oauthErrOf(t, r) != "forbidden/app token refresh too early" {
		t.Fatalf("re-issue: %d %s", r.code, r.body)
	}
	// after the interval: new token, the old one is revoked
	e.clock.Advance(time.Minute + time.Second)
	r, p2 := e.token(form)
	if r.code != 200 || p2.Access == p1.Access {
		t.Fatalf("re-issue after 5m: %d %s", r.code, r.body)
	}
	if r := e.get("/vacancies?per_page=1", "Authorization: Bearer "+p1.Access); r.code != 403 || r.errItem(t) != "oauth/token_revoked" {
		t.Errorf("old app token: %d %s", r.code, r.body)
	}
	// app tokens never expire
	e.clock.Advance(365 * 24 * time.Hour)
	if r := e.get("/vacancies?per_page=1", "Authorization: Bearer "+p2.Access); r.code != 200 {
		t.Errorf("app token after a year: %d", r.code)
	}
	// wrong secret, wrong grant, wrong content type
	bad := url.Values{"grant_type": {"client_credentials"}, "client_id": {DefaultClientID}, "client_secret": {"x"}}
	if r, _ := e.token(bad); r.code != 400 || oauthErrOf(t, r) != "invalid_client/client_id or client_secret not found" {
		t.Errorf("bad secret: %d %s", r.code, r.body)
	}
	if r, _ := e.token(url.Values{"grant_type": {"password"}}); r.code != 400 || oauthErrOf(t, r) != "unsupported_grant_type/unsupported grant_type" {
		t.Errorf("bad grant: %d %s", r.code, r.body)
	}
	// /oauth/token works the same
	e.clock.Advance(time.Hour)
	if r := e.do("POST", "/oauth/token", form, "Authorization:"); r.code != 200 {
		t.Errorf("/oauth/token: %d %s", r.code, r.body)
	}
}

func TestAuthorizationCodeAndRefresh(t *testing.T) {
	e := newEnv(t, Config{})
	code := authorize(t, e, "")
	r, p := e.token(codeForm(code))
	if r.code != 200 || p.ExpiresIn != 1209600 || p.Refresh == "" || p.Type != "bearer" {
		t.Fatalf("code exchange: %d %s", r.code, r.body)
	}
	// single use
	if r, _ := e.token(codeForm(code)); oauthErrOf(t, r) != "invalid_grant/code has already been used" || r.code != 400 {
		t.Errorf("reuse: %d %s", r.code, r.body)
	}
	if r, _ := e.token(codeForm("nope")); oauthErrOf(t, r) != "invalid_request/code not found" {
		t.Errorf("unknown code: %s", r.body)
	}
	// expiry
	c2 := authorize(t, e, "")
	e.clock.Advance(11 * time.Minute)
	if r, _ := e.token(codeForm(c2)); oauthErrOf(t, r) != "invalid_grant/code expired" {
		t.Errorf("expired code: %s", r.body)
	}
	// redirect_uri must be repeated exactly when given at authorize
	deep := DefaultRedirectURI + "/deeper"
	c3 := authorize(t, e, deep)
	f := codeForm(c3)
	f.Set("redirect_uri", DefaultRedirectURI)
	if r, _ := e.token(f); r.code != 400 {
		t.Errorf("redirect mismatch accepted: %s", r.body)
	}
	f.Set("redirect_uri", deep)
	if r, _ := e.token(f); r.code != 200 {
		t.Errorf("redirect repeated: %d %s", r.code, r.body)
	}
	// wrong client on code exchange
	c4 := authorize(t, e, "")
	f = codeForm(c4)
	f.Set("client_secret", "bad")
	if r, _ := e.token(f); oauthErrOf(t, r) != "invalid_client/client_id or client_secret not found" {
		t.Errorf("bad client: %s", r.body)
	}

	// the user token works for vacancies and /me
	user := "Authorization: Bearer " + p.Access
	if r := e.get("/vacancies?per_page=1", user); r.code != 200 {
		t.Errorf("user token: %d", r.code)
	}
	if r := e.get("/me", user); r.code != 200 || r.json(t)["auth_type"] != "employer" {
		t.Errorf("/me user: %s", r.body)
	}
	refresh := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {p.Refresh}}
	// refresh refused while valid
	if r, _ := e.token(refresh); r.code != 400 || oauthErrOf(t, r) != "invalid_grant/token not expired" {
		t.Errorf("early refresh: %d %s", r.code, r.body)
	}
	if r, _ := e.token(url.Values{"grant_type": {"refresh_token"}}); oauthErrOf(t, r) != "invalid_request/token is empty" {
		t.Errorf("empty refresh: %s", r.body)
	}
	if r, _ := e.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"nope"}}); oauthErrOf(t, r) != "invalid_request/token not found" {
		t.Errorf("unknown refresh: %s", r.body)
	}
	// expiry: API says token_expired
	e.clock.Advance(DefaultUserTokenTTL)
	if r := e.get("/vacancies?per_page=1", user); r.code != 403 || r.errItem(t) != "oauth/token_expired" {
		t.Errorf("expired user token: %d %s", r.code, r.body)
	}
	r, p2 := e.token(refresh)
	if r.code != 200 || p2.Access == p.Access || p2.Refresh == p.Refresh || p2.ExpiresIn != 1209600 {
		t.Fatalf("refresh: %d %s", r.code, r.body)
	}
	if r, _ := e.token(refresh); r.code != 400 || oauthErrOf(t, r) != "invalid_grant/token has already been refreshed" {
		t.Errorf("refresh reuse: %d %s", r.code, r.body)
	}
	if r := e.get("/vacancies?per_page=1", "Authorization: Bearer "+p2.Access); r.code != 200 {
		t.Errorf("refreshed token: %d", r.code)
	}
}

func TestRevoke(t *testing.T) {
	for _, path := range []string{"/oauth/token", "/token"} {
		e := newEnv(t, Config{})
		_, p := e.token(codeForm(authorize(t, e, "")))
		user := "Authorization: Bearer " + p.Access
		// app token cannot be revoked
		if r := e.do("DELETE", path, nil); r.code != 403 {
			t.Errorf("%s app token: %d", path, r.code)
		}
		if r := e.do("DELETE", path, nil, user); r.code != 204 {
			t.Fatalf("%s revoke: %d %s", path, r.code, r.body)
		}
		if r := e.get("/vacancies?per_page=1", user); r.code != 403 || r.errItem(t) != "oauth/token_revoked" {
			t.Errorf("%s revoked token: %d %s", path, r.code, r.body)
		}
		e.clock.Advance(DefaultUserTokenTTL + time.Hour)
		if r, _ := e.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {p.Refresh}}); r.code != 400 ||
			!strings.HasPrefix(oauthErrOf(t, r), "invalid_grant/") {
			t.Errorf("%s refresh after revoke: %d %s", path, r.code, r.body)
		}
	}
}
