package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// capture is a slog handler that keeps every record at every level.
type capture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (c *capture) Logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(lockedWriter{c}, &slog.HandlerOptions{Level: slog.Level(-100), AddSource: true}))
}

type lockedWriter struct{ c *capture }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.c.mu.Lock()
	defer w.c.mu.Unlock()
	return w.c.buf.Write(p)
}

func (c *capture) String() string { c.mu.Lock(); defer c.mu.Unlock(); return c.buf.String() }

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

type env struct {
	fake  *fakeHH
	srv   *httptest.Server
	c     *Client
	store *TokenStore
	log   *capture
}

func newEnv(t *testing.T) *env {
	t.Helper()
	f := newFakeHH()
	f.redirect = fmt.Sprintf("http://127.0.0.1:%d/callback", freePort(t))
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	lc := &capture{}
	c := &Client{HTTP: srv.Client(), APIBase: srv.URL, OAuthBase: srv.URL, ClientID: f.id, ClientSecret: f.secret,
		RedirectURI: f.redirect, UserAgent: "hhjobs-test/1.0 (t@example.com)", Now: f.Now, Log: lc.Logger()}
	return &env{fake: f, srv: srv, c: c, store: NewTokenStore(filepath.Join(t.TempDir(), "cfg")), log: lc}
}

// follow acts as the browser: GET the URL, following redirects, and return the final status.
func follow(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Errorf("browser GET: %v", err)
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "hhjobs")
	s := NewTokenStore(dir)
	got, err := s.Load()
	if err != nil || got.App != nil || got.User != nil {
		t.Fatalf("Load of a missing file = %v, %v", got, err)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	want := Tokens{App: &AppToken{AccessToken: "APP", ObtainedAt: now},
		User: &Token{AccessToken: "A", RefreshToken: "R", ExpiresAt: now.Add(time.Hour), ObtainedAt: now}}
	if err := s.Save(want); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(s.Path())
	di, _ := os.Stat(dir)
	if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
		t.Errorf("modes: file %o dir %o", fi.Mode().Perm(), di.Mode().Perm())
	}
	raw, _ := os.ReadFile(s.Path())
	var shape map[string]map[string]any
	if err := json.Unmarshal(raw, &shape); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"access_token", "obtained_at"} {
		if _, ok := shape["app"][k]; !ok {
			t.Errorf("app.%s missing in %s", k, raw)
		}
	}
	for _, k := range []string{"access_token", "refresh_token", "expires_at", "obtained_at"} {
		if _, ok := shape["user"][k]; !ok {
			t.Errorf("user.%s missing", k)
		}
	}
	got, err = s.Load()
	if err != nil || got.User.RefreshToken != "R" || !got.User.ExpiresAt.Equal(want.User.ExpiresAt) || got.App.AccessToken != "APP" {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	if err := os.Chmod(s.Path(), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = s.Load()
	var ie *InsecureFileError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "chmod 600 "+s.Path()) {
		t.Fatalf("Load of a 0644 file: %v", err)
	}
}

func TestRedaction(t *testing.T) {
	tok := Token{AccessToken: "ACCESS-SECRET", RefreshToken: "REFRESH-SECRET", ExpiresAt: time.Now()}
	app := AppToken{AccessToken: "APP-SECRET"}
	all := Tokens{App: &app, User: &tok}
	var out bytes.Buffer
	for _, v := range []any{tok, &tok, app, &app, all, &all} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			fmt.Fprintf(&out, verb+"\n", v)
		}
	}
	lg := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	lg.Debug("x", "tok", tok, "app", app, "all", all, "ptr", &tok)
	slog.New(slog.NewJSONHandler(&out, nil)).Info("x", "tok", tok, "app", &app, "all", all)
	for _, s := range []string{"ACCESS-SECRET", "REFRESH-SECRET", "APP-SECRET"} {
		if strings.Contains(out.String(), s) {
			t.Errorf("%s printed:\n%s", s, out.String())
		}
	}
}

// TestTokenErrorMessages covers every row of REFERENCE §3.5: each says what
// happened, keeps hh.ru's codes, and matches its sentinel. What to do about
// it is the CLI's to say (cli's TestExplainTokenErrors covers the same rows).
func TestTokenErrorMessages(t *testing.T) {
	rows := []struct {
		status     int
		code, desc string
		want       string // a phrase of what happened
		is         error
	}{
		{400, "invalid_request", "account not found", "does not know this client id/secret pair", ErrBadCredentials},
		{400, "invalid_request", "account is locked", "account is locked", ErrLoginRequired},
		{400, "invalid_request", "password invalidated", "requires a password reset", ErrLoginRequired},
		{400, "invalid_request", "login not verified", "not confirmed yet", ErrLoginRequired},
		{400, "invalid_request", "bad redirect url", "rejected the redirect URI", nil},
		{400, "invalid_request", "token is empty", "has no refresh token", ErrLoginRequired},
		{400, "invalid_request", "token not found", "does not know the stored refresh token", ErrLoginRequired},
		{400, "invalid_request", "code not found", "does not know this authorization code", ErrLoginRequired},
		{400, "invalid_client", "client_id or client_secret not found", "does not know this client id or secret", ErrBadCredentials},
		{400, "invalid_grant", "token has already been refreshed", "already used", ErrLoginRequired},
		{400, "invalid_grant", "token not expired", "has not expired yet", nil},
		{400, "invalid_grant", "token was revoked", "user token was revoked", ErrLoginRequired},
		{400, "invalid_grant", "bad token", "malformed", ErrLoginRequired},
		{400, "invalid_grant", "code has already been used", "code was already used", ErrLoginRequired},
		{400, "invalid_grant", "code expired", "code expired", ErrLoginRequired},
		{400, "invalid_grant", "code was revoke", "code was revoked", ErrLoginRequired},
		{400, "invalid_grant", "token deactivated", "deactivated", ErrLoginRequired},
		{400, "unsupported_grant_type", "unsupported grant_type", "does not support the grant type", nil},
		{403, "forbidden", "app token refresh too early", "only once per 5 minutes", ErrAppTokenTooEarly},
		// Unknown descriptions still say what happened.
		{400, "invalid_grant", "something new", "refused the user login", ErrLoginRequired},
		{500, "", "", "token endpoint failed (HTTP 500)", nil},
	}
	for _, r := range rows {
		t.Run(r.code+"/"+r.desc, func(t *testing.T) {
			body, _ := json.Marshal(map[string]string{"error": r.code, "error_description": r.desc})
			err := error(decodeTokenError(r.status, body))
			msg := err.Error()
			if !strings.Contains(msg, r.want) || strings.Contains(msg, "\n") {
				t.Errorf("message %q does not contain %q", msg, r.want)
			}
			if r.code != "" && !strings.Contains(msg, "[hh.ru: "+r.code+": "+r.desc+"]") {
				t.Errorf("message %q lacks hh.ru's codes", msg)
			}
			if strings.Contains(msg, "hhjobs auth") || strings.Contains(msg, "--api-base") {
				t.Errorf("message %q gives CLI advice; that is the edge's", msg)
			}
			for _, s := range []error{ErrLoginRequired, ErrBadCredentials, ErrAppTokenTooEarly} {
				if got := errors.Is(err, s); got != (s == r.is) {
					t.Errorf("errors.Is(%v) = %v", s, got)
				}
			}
		})
	}
}

func TestValidateRedirectURI(t *testing.T) {
	for raw, ok := range map[string]bool{
		"http://127.0.0.1:53682/callback": true,
		"http://localhost:8080/cb":        true,
		"http://127.0.0.1:8080":           true,
		"":                                false,
		"https://127.0.0.1:8080/cb":       false,
		"http://127.0.0.1/cb":             false,
		"http://example.com:8080/cb":      false,
		"http://0.0.0.0:8080/cb":          false,
		"http://127.0.0.1:0/cb":           false,
		"http://localhost:99999/cb":       false,
	} {
		_, err := ValidateRedirectURI(raw)
		if (err == nil) != ok {
			t.Errorf("%q: %v", raw, err)
		}
		if err != nil && (!errors.Is(err, ErrBadRedirectURI) || !strings.Contains(err.Error(), "dev.hh.ru")) {
			t.Errorf("%q: error %v", raw, err)
		}
	}
}

func TestIssueAppToken(t *testing.T) {
	for _, old := range []bool{false, true} {
		t.Run(fmt.Sprintf("oldEndpoint=%v", old), func(t *testing.T) {
			e := newEnv(t)
			e.fake.noSlashTok = old
			tok, err := e.c.IssueAppToken(context.Background())
			if err != nil || tok.AccessToken == "" || !tok.ObtainedAt.Equal(e.fake.Now()) {
				t.Fatalf("IssueAppToken = %v, %v", tok.AccessToken, err)
			}
			e.fake.Advance(time.Minute)
			_, err = e.c.IssueAppToken(context.Background())
			if !errors.Is(err, ErrAppTokenTooEarly) || !strings.Contains(err.Error(), "once per 5 minutes") {
				t.Fatalf("second IssueAppToken: %v", err)
			}
			e.fake.Advance(5 * time.Minute)
			if _, err := e.c.IssueAppToken(context.Background()); err != nil {
				t.Fatal(err)
			}
			bad := *e.c
			bad.ClientSecret = "wrong"
			if _, err := bad.IssueAppToken(context.Background()); !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("wrong secret: %v", err)
			}
			bad.ClientSecret = ""
			if _, err := bad.IssueAppToken(context.Background()); !errors.Is(err, ErrNoCredentials) {
				t.Fatalf("no secret: %v", err)
			}
		})
	}
}

func TestAppTransport(t *testing.T) {
	e := newEnv(t)
	app, err := e.c.IssueAppToken(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: &Transport{Base: e.srv.Client().Transport, Source: &AppSource{Store: e.store}}}
	if _, err := hc.Get(e.srv.URL + "/me"); !errors.Is(err, ErrNoAppToken) {
		t.Fatalf("without a stored token: %v", err)
	}
	if err := e.store.Save(Tokens{App: &app}); err != nil {
		t.Fatal(err)
	}
	hc = &http.Client{Transport: &Transport{Base: e.srv.Client().Transport, Source: &AppSource{Store: e.store}}}
	resp, err := hc.Get(e.srv.URL + "/me")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /me: %v %v", resp, err)
	}
	resp.Body.Close()
	// Re-issued elsewhere: the stored token is now invalid.
	e.fake.Advance(6 * time.Minute)
	if _, err := e.c.IssueAppToken(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, err = hc.Get(e.srv.URL + "/me")
	if ae := (*AuthError)(nil); !errors.Is(err, ErrAppTokenInvalid) || !errors.As(err, &ae) || !ae.App {
		t.Fatalf("revoked app token: %v", err)
	}
}

func login(t *testing.T, e *env, flow *LoginFlow) (Token, error) {
	t.Helper()
	if flow == nil {
		flow = &LoginFlow{}
	}
	flow.Client = e.c
	flow.Log = e.log.Logger()
	if flow.Timeout == 0 {
		flow.Timeout = 10 * time.Second
	}
	if flow.OpenBrowser == nil && flow.In == nil {
		flow.OpenBrowser = func(u string) error {
			go follow(t, u)
			return nil
		}
	}
	return flow.Run(context.Background())
}

func TestLoginFlow(t *testing.T) {
	e := newEnv(t)
	var out bytes.Buffer
	var wrong, wrongBody string
	tok, err := login(t, e, &LoginFlow{Out: &out, OpenBrowser: func(u string) error {
		// First a forged callback with a wrong state, then the real one.
		pu, _ := url.Parse(u)
		q := pu.Query()
		q.Set("state", "forged")
		pu.RawQuery = q.Encode()
		st, body := follow(t, pu.String())
		wrong, wrongBody = fmt.Sprint(st), body
		go follow(t, u)
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if wrong != "400" || !strings.Contains(wrongBody, "state does not match") {
		t.Errorf("wrong state answered %s %q", wrong, wrongBody)
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" || !tok.ExpiresAt.Equal(e.fake.Now().Add(e.fake.ttl)) || tok.ObtainedAt.IsZero() {
		t.Errorf("token: %+v", tok.LogValue())
	}
	if !strings.Contains(out.String(), e.srv.URL+"/oauth/authorize?") {
		t.Errorf("URL not printed: %s", out.String())
	}
	// The listener is gone after the valid callback.
	if _, err := http.Get(e.c.RedirectURI); err == nil {
		t.Error("listener still answers after the login")
	}
}

func TestLoginFlowDenied(t *testing.T) {
	e := newEnv(t)
	_, err := login(t, e, &LoginFlow{OpenBrowser: func(u string) error {
		pu, _ := url.Parse(u)
		go follow(t, e.c.RedirectURI+"?error=access_denied&state="+url.QueryEscape(pu.Query().Get("state")))
		return nil
	}})
	if !errors.Is(err, ErrAccessDenied) {
		t.Fatalf("denied: %v", err)
	}
}

func TestLoginFlowTimeout(t *testing.T) {
	e := newEnv(t)
	_, err := login(t, e, &LoginFlow{Timeout: 200 * time.Millisecond, OpenBrowser: func(string) error { return errors.New("no display") }})
	if !errors.Is(err, ErrLoginTimeout) {
		t.Fatalf("timeout: %v", err)
	}
}

func TestLoginFlowPasted(t *testing.T) {
	for _, mode := range []string{"url", "code"} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t)
			pr, pw := io.Pipe()
			defer pw.Close()
			var out bytes.Buffer
			var mu sync.Mutex
			flow := &LoginFlow{In: pr, Out: &lockedBuf{&mu, &out}}
			flow.Listening = func(string) {}
			done := make(chan struct{})
			var tok Token
			var err error
			go func() { tok, err = login(t, e, flow); close(done) }()
			// Wait for the URL, then play the browser without reaching the listener.
			var authURL string
			for authURL == "" {
				time.Sleep(10 * time.Millisecond)
				mu.Lock()
				for _, l := range strings.Split(out.String(), "\n") {
					if strings.Contains(l, "/oauth/authorize?") {
						authURL = strings.TrimSpace(l)
					}
				}
				mu.Unlock()
			}
			noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, gerr := noFollow.Get(authURL)
			if gerr != nil {
				t.Fatal(gerr)
			}
			resp.Body.Close()
			loc := resp.Header.Get("Location")
			fmt.Fprintln(pw, "garbage with spaces")
			fmt.Fprintln(pw, strings.Replace(loc, "state=", "state=x", 1))
			if mode == "url" {
				fmt.Fprintln(pw, loc)
			} else {
				lu, _ := url.Parse(loc)
				fmt.Fprintln(pw, lu.Query().Get("code"))
			}
			<-done
			if err != nil || tok.AccessToken == "" {
				t.Fatalf("pasted %s: %v", mode, err)
			}
			mu.Lock()
			defer mu.Unlock()
			if !strings.Contains(out.String(), "state does not match") || !strings.Contains(out.String(), "does not look like a code") {
				t.Errorf("output: %s", out.String())
			}
		})
	}
}

type lockedBuf struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func TestCodeReuse(t *testing.T) {
	e := newEnv(t)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(e.c.AuthCodeURL("s1"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	lu, _ := url.Parse(resp.Header.Get("Location"))
	code := lu.Query().Get("code")
	if _, err := e.c.Exchange(context.Background(), code); err != nil {
		t.Fatal(err)
	}
	_, err = e.c.Exchange(context.Background(), code)
	if !errors.Is(err, ErrLoginRequired) || !strings.Contains(err.Error(), "already used") {
		t.Fatalf("code reuse: %v", err)
	}
}

// loggedIn logs in through the flow and stores the pair.
func loggedIn(t *testing.T, e *env) Token {
	t.Helper()
	tok, err := login(t, e, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.Update(context.Background(), func(ts *Tokens) error { ts.User = &tok; return nil }); err != nil {
		t.Fatal(err)
	}
	return tok
}

func get(t *testing.T, hc *http.Client, u string) {
	t.Helper()
	resp, err := hc.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, b)
	}
}

func TestUserRefresh(t *testing.T) {
	for _, localClock := range []bool{true, false} {
		t.Run(fmt.Sprintf("localClockKnows=%v", localClock), func(t *testing.T) {
			e := newEnv(t)
			first := loggedIn(t, e)
			now := e.fake.Now
			if !localClock {
				frozen := e.fake.Now()
				now = func() time.Time { return frozen } // only hh.ru knows the token expired: 403 token_expired
			}
			src := &UserSource{Store: e.store, Client: e.c, Now: now, Log: e.log.Logger()}
			hc := &http.Client{Transport: &Transport{Base: e.srv.Client().Transport, Source: src}}
			get(t, hc, e.srv.URL+"/me")
			e.fake.Advance(e.fake.ttl + time.Second)
			get(t, hc, e.srv.URL+"/me")
			get(t, hc, e.srv.URL+"/me")
			if n := e.fake.Refreshes.Load(); n != 1 {
				t.Errorf("%d refreshes, want 1", n)
			}
			st, _ := e.store.Load()
			if st.User.AccessToken == first.AccessToken || st.User.RefreshToken == first.RefreshToken ||
				!st.User.ObtainedAt.Equal(first.ObtainedAt) || st.User.RefreshedAt.IsZero() {
				t.Errorf("stored pair not rotated: %v", st.User.LogValue())
			}
		})
	}
}

func TestUserRefreshRace(t *testing.T) {
	e := newEnv(t)
	loggedIn(t, e)
	e.fake.Advance(e.fake.ttl + time.Second)
	const procs = 4
	var wg sync.WaitGroup
	errs := make([]error, procs)
	toks := make([]string, procs)
	for i := range procs {
		// Independent store and source per "process", same directory.
		src := &UserSource{Store: NewTokenStore(e.store.Dir), Client: e.c, Now: e.fake.Now}
		wg.Add(1)
		go func() {
			defer wg.Done()
			toks[i], errs[i] = src.AccessToken(context.Background())
		}()
	}
	wg.Wait()
	for i := range procs {
		if errs[i] != nil || toks[i] != toks[0] {
			t.Errorf("process %d: %v (same token: %v)", i, errs[i], toks[i] == toks[0])
		}
	}
	if n := e.fake.Refreshes.Load(); n != 1 {
		t.Errorf("%d refresh requests, want exactly 1", n)
	}
}

func TestUserRefreshBurned(t *testing.T) {
	e := newEnv(t)
	tok := loggedIn(t, e)
	e.fake.Advance(e.fake.ttl + time.Second)
	// Someone used the refresh token but the new pair never reached our store.
	if _, err := e.c.Refresh(context.Background(), tok.RefreshToken); err != nil {
		t.Fatal(err)
	}
	src := &UserSource{Store: e.store, Client: e.c, Now: e.fake.Now}
	_, err := src.AccessToken(context.Background())
	if !errors.Is(err, ErrLoginRequired) || !strings.Contains(err.Error(), "already used") {
		t.Fatalf("burned refresh token: %v", err)
	}
	if _, err := (&UserSource{Store: NewTokenStore(t.TempDir()), Client: e.c}).AccessToken(context.Background()); !errors.Is(err, ErrNotLoggedIn) {
		t.Fatalf("empty store: %v", err)
	}
}

func TestRevoke(t *testing.T) {
	for _, old := range []bool{false, true} {
		e := newEnv(t)
		e.fake.noSlashTok = old
		tok := loggedIn(t, e)
		if err := e.c.Revoke(context.Background(), tok.AccessToken); err != nil {
			t.Fatal(err)
		}
		_, err := e.c.Me(context.Background(), tok.AccessToken)
		var ae *AuthError
		if !errors.As(err, &ae) || ae.Value != "token_revoked" || !errors.Is(err, ErrLoginRequired) {
			t.Fatalf("after revoke: %v", err)
		}
	}
}

// TestNoSecretsLogged runs every flow with a debug logger and checks the log.
func TestNoSecretsLogged(t *testing.T) {
	e := newEnv(t)
	app, err := e.c.IssueAppToken(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, _ = e.c.IssueAppToken(context.Background()) // too early: error path
	tok := loggedIn(t, e)
	e.fake.Advance(e.fake.ttl + time.Second)
	src := &UserSource{Store: e.store, Client: e.c, Now: e.fake.Now, Log: e.log.Logger()}
	nt, err := src.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_ = e.c.Revoke(context.Background(), nt.AccessToken)
	_, err = e.c.Refresh(context.Background(), tok.RefreshToken) // burned: error path
	log := e.log.String()
	if !strings.Contains(log, "grant_type") {
		t.Fatalf("nothing logged: %s", log)
	}
	for _, s := range []string{e.fake.secret, app.AccessToken, tok.AccessToken, tok.RefreshToken, nt.AccessToken, nt.RefreshToken, "code-"} {
		if strings.Contains(log, s) || strings.Contains(fmt.Sprint(err), s) {
			t.Errorf("secret %q in the log or error", s)
		}
	}
}
