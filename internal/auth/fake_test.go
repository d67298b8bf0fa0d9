package auth

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// fakeHH is a small hh.ru OAuth emulator for unit tests; the end-to-end tests
// use internal/sandbox. It enforces the documented rules (REFERENCE §3).
type fakeHH struct {
	mu          sync.Mutex
	now         time.Time
	id, secret  string
	redirect    string
	ttl         time.Duration
	appIssued   time.Time
	app         string
	codes       map[string]bool // code → used
	access      map[string]time.Time
	refresh     map[string]string // refresh → access
	usedRefresh map[string]bool
	revoked     map[string]bool
	n           int
	noSlashTok  bool // /token answers 404 (old deployments)
	Refreshes   atomic.Int64
	TokenReqs   atomic.Int64
}

func newFakeHH() *fakeHH {
	return &fakeHH{now: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), id: "cid", secret: "csecret-XYZ",
		ttl: 14 * 24 * time.Hour, codes: map[string]bool{}, access: map[string]time.Time{},
		refresh: map[string]string{}, usedRefresh: map[string]bool{}, revoked: map[string]bool{}}
}

func (f *fakeHH) Now() time.Time          { f.mu.Lock(); defer f.mu.Unlock(); return f.now }
func (f *fakeHH) Advance(d time.Duration) { f.mu.Lock(); f.now = f.now.Add(d); f.mu.Unlock() }

func (f *fakeHH) next(prefix string) string {
	f.n++
	return fmt.Sprintf("%s-%04dSECRETTOKEN", prefix, f.n)
}

func oauthErr(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

func apiOAuthErr(w http.ResponseWriter, value string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprintf(w, `{"errors":[{"type":"oauth","value":%q}],"request_id":"r1","description":"Forbidden"}`, value)
}

func (f *fakeHH) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case r.URL.Path == "/oauth/authorize":
		q := r.URL.Query()
		if q.Get("client_id") != f.id || q.Get("response_type") != "code" || q.Get("redirect_uri") != f.redirect {
			http.Error(w, "bad authorize request", 400)
			return
		}
		c := f.next("code")
		f.codes[c] = false
		v := url.Values{"code": {c}, "state": {q.Get("state")}}
		http.Redirect(w, r, f.redirect+"?"+v.Encode(), http.StatusFound)
	case (r.URL.Path == "/token" && !f.noSlashTok || r.URL.Path == "/oauth/token") && r.Method == http.MethodPost:
		f.TokenReqs.Add(1)
		_ = r.ParseForm()
		f.token(w, r.PostForm)
	case (r.URL.Path == "/token" && !f.noSlashTok || r.URL.Path == "/oauth/token") && r.Method == http.MethodDelete:
		tok, ok := f.bearer(w, r)
		if !ok {
			return
		}
		if tok == f.app {
			apiOAuthErr(w, "user_auth_expected")
			return
		}
		f.revoked[tok] = true
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/me":
		tok, ok := f.bearer(w, r)
		if !ok {
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if tok == f.app {
			fmt.Fprint(w, `{"auth_type":"application","is_applicant":false,"is_employer":false,"is_admin":false,"is_application":true}`)
			return
		}
		fmt.Fprint(w, `{"auth_type":"applicant","is_applicant":true,"is_employer":false,"is_admin":false,"is_application":false,"email":"me@example.com"}`)
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeHH) bearer(w http.ResponseWriter, r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) < 8 || h[:7] != "Bearer " {
		apiOAuthErr(w, "bad_authorization")
		return "", false
	}
	tok := h[7:]
	if tok == f.app && tok != "" {
		return tok, true
	}
	exp, ok := f.access[tok]
	switch {
	case !ok:
		apiOAuthErr(w, "bad_authorization")
		return "", false
	case f.revoked[tok]:
		apiOAuthErr(w, "token_revoked")
		return "", false
	case !f.now.Before(exp):
		apiOAuthErr(w, "token_expired")
		return "", false
	}
	return tok, true
}

func (f *fakeHH) pair(w http.ResponseWriter) {
	a, rt := f.next("access"), f.next("refresh")
	f.access[a] = f.now.Add(f.ttl)
	f.refresh[rt] = a
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": a, "token_type": "bearer",
		"expires_in": int(f.ttl / time.Second), "refresh_token": rt})
}

func (f *fakeHH) token(w http.ResponseWriter, form url.Values) {
	switch form.Get("grant_type") {
	case "client_credentials":
		if form.Get("client_id") != f.id || form.Get("client_secret") != f.secret {
			oauthErr(w, 400, "invalid_client", "client_id or client_secret not found")
			return
		}
		if !f.appIssued.IsZero() && f.now.Sub(f.appIssued) < 5*time.Minute {
			oauthErr(w, 403, "forbidden", "app token refresh too early")
			return
		}
		f.appIssued = f.now
		f.app = f.next("app")
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":%q,"token_type":"bearer"}`, f.app)
	case "authorization_code":
		if form.Get("client_id") != f.id || form.Get("client_secret") != f.secret {
			oauthErr(w, 400, "invalid_client", "client_id or client_secret not found")
			return
		}
		if form.Get("redirect_uri") != f.redirect {
			oauthErr(w, 400, "invalid_request", "bad redirect url")
			return
		}
		used, ok := f.codes[form.Get("code")]
		switch {
		case !ok:
			oauthErr(w, 400, "invalid_request", "code not found")
		case used:
			oauthErr(w, 400, "invalid_grant", "code has already been used")
		default:
			f.codes[form.Get("code")] = true
			f.pair(w)
		}
	case "refresh_token":
		rt := form.Get("refresh_token")
		a, ok := f.refresh[rt]
		switch {
		case rt == "":
			oauthErr(w, 400, "invalid_request", "token is empty")
		case !ok:
			oauthErr(w, 400, "invalid_request", "token not found")
		case f.usedRefresh[rt]:
			oauthErr(w, 400, "invalid_grant", "token has already been refreshed")
		case f.revoked[a]:
			oauthErr(w, 400, "invalid_grant", "token was revoked")
		case f.now.Before(f.access[a]):
			oauthErr(w, 400, "invalid_grant", "token not expired")
		default:
			f.Refreshes.Add(1)
			f.usedRefresh[rt] = true
			f.pair(w)
		}
	default:
		oauthErr(w, 400, "unsupported_grant_type", "unsupported grant_type")
	}
}
