package sandbox

import (
	"crypto/rand"
	"encoding/base32"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

type tokenKind int

const (
	kindApp tokenKind = iota + 1
	kindUser
)

type token struct {
	access, refresh string
	kind            tokenKind
	expires         time.Time // user tokens only
	revoked         bool      // DELETE or app token re-issue
	refreshed       bool      // its refresh token was used
}

type authCode struct {
	redirect  string // redirect_uri given at authorize ("" if none)
	created   time.Time
	used      bool
	userIndex int
}

type authState struct {
	mu        sync.Mutex
	tokens    map[string]*token // by access token
	refresh   map[string]*token // by refresh token
	codes     map[string]*authCode
	lastApp   time.Time
	curApp    *token
	userCount int
}

func (a *authState) init() {
	a.tokens = map[string]*token{}
	a.refresh = map[string]*token{}
	a.codes = map[string]*authCode{}
}

func randToken() string {
	var b [40]byte
	_, _ = rand.Read(b[:])
	return strings.ToUpper(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// authenticate validates the Authorization header if present. It returns
// the token (nil when none was sent) or an oauth error value.
func (s *Server) authenticate(r *http.Request) (*token, string) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, ""
	}
	const pfx = "bearer "
	if len(h) <= len(pfx) || !strings.EqualFold(h[:len(pfx)], pfx) {
		return nil, "bad_authorization"
	}
	at := strings.TrimSpace(h[len(pfx):])
	s.auth.mu.Lock()
	defer s.auth.mu.Unlock()
	t := s.auth.tokens[at]
	switch {
	case t == nil:
		return nil, "bad_authorization"
	case t.revoked:
		return nil, "token_revoked"
	case t.kind == kindUser && !s.cfg.Now().Before(t.expires):
		return nil, "token_expired"
	}
	return t, ""
}

// MintAppToken returns a valid application token without the OAuth dance.
// It neither revokes other app tokens nor counts for the re-issue limit.
func (s *Server) MintAppToken() string {
	s.auth.mu.Lock()
	defer s.auth.mu.Unlock()
	t := &token{access: randToken(), kind: kindApp}
	s.auth.tokens[t.access] = t
	return t.access
}

type oauthErr struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

func (s *Server) oauthError(w http.ResponseWriter, r *http.Request, status int, code, desc string) {
	s.writeJSON(w, r, status, oauthErr{code, desc})
}

func (s *Server) serveOAuth(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/oauth/authorize" {
		s.handleAuthorize(w, r)
		return
	}
	switch r.Method {
	case http.MethodPost:
		s.handleToken(w, r)
	case http.MethodDelete:
		s.handleRevoke(w, r)
	default:
		s.writeErrors(w, r, http.StatusMethodNotAllowed, "Method Not Allowed", apiError{Type: "method_not_allowed"})
	}
}

// redirectAllowed applies REFERENCE §3.2 rule 2: same scheme; same host or
// a subdomain of it (exact host when the registered one is loopback); same
// port (none when none is registered); same or deeper path; extra query ok.
func redirectAllowed(registered, given string) bool {
	reg, err1 := url.Parse(registered)
	g, err2 := url.Parse(given)
	if err1 != nil || err2 != nil || g.Scheme == "" || g.Host == "" {
		return false
	}
	if !strings.EqualFold(reg.Scheme, g.Scheme) || reg.Port() != g.Port() {
		return false
	}
	rh, gh := strings.ToLower(reg.Hostname()), strings.ToLower(g.Hostname())
	if rh != gh {
		loop := rh == "localhost" || (net.ParseIP(rh) != nil && net.ParseIP(rh).IsLoopback())
		if loop || !strings.HasSuffix(gh, "."+rh) {
			return false
		}
	}
	rp := strings.TrimSuffix(reg.EscapedPath(), "/")
	gp := g.EscapedPath()
	if gp != rp && gp != rp+"/" && !strings.HasPrefix(gp, rp+"/") {
		return false
	}
	return true
}

func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		s.writeErrors(w, r, http.StatusMethodNotAllowed, "Method Not Allowed", apiError{Type: "method_not_allowed"})
		return
	}
	q := r.URL.Query()
	if q.Get("response_type") != "code" {
		s.oauthError(w, r, http.StatusBadRequest, "invalid_request", "response_type must be code")
		return
	}
	if q.Get("client_id") != s.cfg.ClientID {
		s.oauthError(w, r, http.StatusBadRequest, "invalid_client", "client_id or client_secret not found")
		return
	}
	redirect := s.cfg.RedirectURI
	given := q.Get("redirect_uri")
	if given != "" {
		if !redirectAllowed(s.cfg.RedirectURI, given) {
			s.oauthError(w, r, http.StatusBadRequest, "invalid_request", "bad redirect url")
			return
		}
		redirect = given
	}
	code := randToken()
	s.auth.mu.Lock()
	s.auth.userCount++
	s.auth.codes[code] = &authCode{redirect: given, created: s.cfg.Now(), userIndex: s.auth.userCount}
	s.auth.mu.Unlock()
	u, _ := url.Parse(redirect)
	rq := u.Query()
	rq.Set("code", code)
	if st := q.Get("state"); st != "" {
		rq.Set("state", st)
	}
	u.RawQuery = rq.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

type userTokenJSON struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
}

type appTokenJSON struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
}

func (s *Server) issueUser() *token {
	t := &token{access: randToken(), refresh: randToken(), kind: kindUser,
		expires: s.cfg.Now().Add(s.cfg.UserTokenTTL)}
	s.auth.tokens[t.access] = t
	s.auth.refresh[t.refresh] = t
	return t
}

func (s *Server) userTokenBody(t *token) userTokenJSON {
	return userTokenJSON{t.access, "bearer", int64(s.cfg.UserTokenTTL / time.Second), t.refresh}
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" {
		s.oauthError(w, r, http.StatusBadRequest, "invalid_request", "content type must be application/x-www-form-urlencoded")
		return
	}
	if err := r.ParseForm(); err != nil {
		s.oauthError(w, r, http.StatusBadRequest, "invalid_request", "bad request body")
		return
	}
	f := r.PostForm
	now := s.cfg.Now()
	clientOK := f.Get("client_id") == s.cfg.ClientID && f.Get("client_secret") == s.cfg.ClientSecret
	a := &s.auth
	a.mu.Lock()
	defer a.mu.Unlock()
	switch f.Get("grant_type") {
	case "client_credentials":
		if !clientOK {
			s.oauthError(w, r, http.StatusBadRequest, "invalid_client", "client_id or client_secret not found")
			return
		}
		if a.curApp != nil && now.Sub(a.lastApp) < s.cfg.AppTokenMinInterval {
			s.oauthError(w, r, http.StatusForbidden, "forbidden", "app token refresh too early")
			return
		}
		if a.curApp != nil {
			a.curApp.revoked = true
		}
		t := &token{access: randToken(), kind: kindApp}
		a.tokens[t.access] = t
		a.curApp, a.lastApp = t, now
		s.writeJSON(w, r, http.StatusOK, appTokenJSON{t.access, "bearer"})
	case "authorization_code":
		if !clientOK {
			s.oauthError(w, r, http.StatusBadRequest, "invalid_client", "client_id or client_secret not found")
			return
		}
		c := a.codes[f.Get("code")]
		switch {
		case c == nil:
			s.oauthError(w, r, http.StatusBadRequest, "invalid_request", "code not found")
			return
		case c.used:
			s.oauthError(w, r, http.StatusBadRequest, "invalid_grant", "code has already been used")
			return
		case now.Sub(c.created) > AuthCodeTTL:
			s.oauthError(w, r, http.StatusBadRequest, "invalid_grant", "code expired")
			return
		}
		ru := f.Get("redirect_uri")
		if (c.redirect != "" && ru != c.redirect) || (c.redirect == "" && ru != "" && !redirectAllowed(s.cfg.RedirectURI, ru)) {
			s.oauthError(w, r, http.StatusBadRequest, "invalid_request", "bad redirect url")
			return
		}
		c.used = true
		s.writeJSON(w, r, http.StatusOK, s.userTokenBody(s.issueUser()))
	case "refresh_token":
		if (f.Get("client_id") != "" || f.Get("client_secret") != "") && !clientOK {
			s.oauthError(w, r, http.StatusBadRequest, "invalid_client", "client_id or client_secret not found")
			return
		}
		rt := f.Get("refresh_token")
		t := a.refresh[rt]
		switch {
		case rt == "":
			s.oauthError(w, r, http.StatusBadRequest, "invalid_request", "token is empty")
		case t == nil:
			s.oauthError(w, r, http.StatusBadRequest, "invalid_request", "token not found")
		case t.refreshed:
			s.oauthError(w, r, http.StatusBadRequest, "invalid_grant", "token has already been refreshed")
		case t.revoked:
			s.oauthError(w, r, http.StatusBadRequest, "invalid_grant", "token was revoked")
		case now.Before(t.expires):
			s.oauthError(w, r, http.StatusBadRequest, "invalid_grant", "token not expired")
		default:
			t.refreshed = true
			s.writeJSON(w, r, http.StatusOK, s.userTokenBody(s.issueUser()))
		}
	default:
		s.oauthError(w, r, http.StatusBadRequest, "unsupported_grant_type", "unsupported grant_type")
	}
}

// handleRevoke is DELETE /oauth/token and DELETE /token: valid user token
// only; the access and refresh tokens both die.
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	t, e := s.authenticate(r)
	switch {
	case e != "":
		s.writeErrors(w, r, http.StatusForbidden, "Forbidden", apiError{Type: "oauth", Value: e})
	case t == nil:
		s.writeErrors(w, r, http.StatusForbidden, "Forbidden", apiError{Type: "forbidden"})
	case t.kind != kindUser:
		s.writeErrors(w, r, http.StatusForbidden, "Forbidden", apiError{Type: "oauth", Value: "user_auth_expected"})
	default:
		s.auth.mu.Lock()
		t.revoked = true
		s.auth.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}
}

type meAppJSON struct {
	AuthType      string `json:"auth_type"`
	IsApplicant   bool   `json:"is_applicant"`
	IsEmployer    bool   `json:"is_employer"`
	IsAdmin       bool   `json:"is_admin"`
	IsApplication bool   `json:"is_application"`
}

type meEmployerJSON struct {
	AuthType      string  `json:"auth_type"`
	IsApplicant   bool    `json:"is_applicant"`
	IsEmployer    bool    `json:"is_employer"`
	IsAdmin       bool    `json:"is_admin"`
	IsApplication bool    `json:"is_application"`
	ID            string  `json:"id"`
	IsAnonymous   bool    `json:"is_anonymous"`
	Email         string  `json:"email"`
	FirstName     string  `json:"first_name"`
	LastName      string  `json:"last_name"`
	MiddleName    *string `json:"middle_name"`
	Phone         *string `json:"phone"`
	Employer      struct {
		ID        string `json:"id"`
		Name      string `json:"name"`
		ManagerID string `json:"manager_id"`
	} `json:"employer"`
	ManagerSettingsURL string `json:"manager_settings_url"`
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request, t *token) {
	if t == nil {
		s.writeErrors(w, r, http.StatusForbidden, "Forbidden", apiError{Type: "forbidden"})
		return
	}
	if t.kind == kindApp {
		s.writeJSON(w, r, http.StatusOK, meAppJSON{AuthType: "application", IsApplication: true})
		return
	}
	b := meEmployerJSON{AuthType: "employer", IsEmployer: true, ID: "77001", Email: "hr@sandbox.example",
		FirstName: "Анна", LastName: "Петрова", ManagerSettingsURL: apiBase + "/employers/1455/managers/77001/settings"}
	b.Employer.ID, b.Employer.Name, b.Employer.ManagerID = "1455", "HeadHunter", "77001"
	s.writeJSON(w, r, http.StatusOK, b)
}
