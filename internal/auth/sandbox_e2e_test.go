package auth_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/auth"
	"github.com/hhjobs/hhjobs/internal/sandbox"
)

// End-to-end tests against the hh.ru emulator.

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type sbox struct {
	clock     *clock
	srv       *httptest.Server
	cfg       sandbox.Config
	c         *auth.Client
	dir       string
	logs      *bytes.Buffer
	logMu     *sync.Mutex
	refreshes atomic.Int64 // POST token with grant_type=refresh_token
	tokenReqs atomic.Int64
}

type syncWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (s *sbox) log() *slog.Logger {
	return slog.New(slog.NewTextHandler(syncWriter{s.logMu, s.logs}, &slog.HandlerOptions{Level: slog.Level(-100)}))
}

func (s *sbox) logText() string { s.logMu.Lock(); defer s.logMu.Unlock(); return s.logs.String() }

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

const ttl = 2 * time.Hour

func newSandbox(t *testing.T) *sbox {
	t.Helper()
	s := &sbox{clock: &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}, logs: &bytes.Buffer{}, logMu: &sync.Mutex{}}
	s.cfg = sandbox.Config{Vacancies: 1, NoHardCells: true, Now: s.clock.Now,
		ClientID: "e2e-client", ClientSecret: "E2E-CLIENT-SECRET-0000",
		RedirectURI: fmt.Sprintf("http://127.0.0.1:%d/callback", freePort(t)), UserTokenTTL: ttl}
	sb, err := sandbox.New(s.cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "token") {
			s.tokenReqs.Add(1)
			if r.ParseForm() == nil && r.PostForm.Get("grant_type") == "refresh_token" {
				s.refreshes.Add(1)
			}
		}
		sb.ServeHTTP(w, r)
	}))
	t.Cleanup(s.srv.Close)
	s.c = &auth.Client{HTTP: s.srv.Client(), APIBase: s.srv.URL, OAuthBase: s.srv.URL, ClientID: s.cfg.ClientID,
		ClientSecret: s.cfg.ClientSecret, RedirectURI: s.cfg.RedirectURI, UserAgent: "hhjobs-e2e/1.0 (e2e@example.com)",
		Now: s.clock.Now, Log: s.log()}
	s.dir = filepath.Join(t.TempDir(), "config")
	return s
}

// browse plays the browser: GET u following redirects into the loopback listener.
func browse(u string) (int, string, error) {
	resp, err := http.Get(u)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

func (s *sbox) login(t *testing.T, open func(string) error) (auth.Token, error) {
	t.Helper()
	if open == nil {
		open = func(u string) error { go browse(u); return nil }
	}
	flow := &auth.LoginFlow{Client: s.c, OpenBrowser: open, Out: io.Discard, Timeout: 10 * time.Second, Log: s.log()}
	return flow.Run(context.Background())
}

func (s *sbox) loggedIn(t *testing.T) auth.Token {
	t.Helper()
	tok, err := s.login(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := auth.NewTokenStore(s.dir).Update(context.Background(), func(ts *auth.Tokens) error { ts.User = &tok; return nil }); err != nil {
		t.Fatal(err)
	}
	return tok
}

func me(t *testing.T, hc *http.Client, base string) string {
	t.Helper()
	resp, err := hc.Get(base + "/me")
	if err != nil {
		t.Fatalf("GET /me: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /me: %d %s", resp.StatusCode, b)
	}
	return string(b)
}

func TestSandboxAppToken(t *testing.T) {
	s := newSandbox(t)
	ctx := context.Background()
	st := auth.NewTokenStore(s.dir)
	app, err := s.c.IssueAppToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Save(auth.Tokens{App: &app}); err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: &auth.Transport{Base: s.srv.Client().Transport, Source: &auth.AppSource{Store: st}}}
	if body := me(t, hc, s.srv.URL); !strings.Contains(body, `"auth_type":"application"`) {
		t.Errorf("/me with the app token: %s", body)
	}
	m, err := s.c.Me(ctx, app.AccessToken)
	if err != nil || m.Kind() != "application" {
		t.Errorf("Me = %v, %v", m.Kind(), err)
	}
	s.clock.Advance(4 * time.Minute)
	_, err = s.c.IssueAppToken(ctx)
	if !errors.Is(err, auth.ErrAppTokenTooEarly) || !strings.Contains(err.Error(), "once per 5 minutes") {
		t.Fatalf("early re-issue: %v", err)
	}
	// The stored token still works after the refused re-issue.
	me(t, hc, s.srv.URL)
	s.clock.Advance(2 * time.Minute)
	if _, err := s.c.IssueAppToken(ctx); err != nil { // elsewhere: revokes ours
		t.Fatal(err)
	}
	_, err = hc.Get(s.srv.URL + "/me")
	if ae := (*auth.AuthError)(nil); !errors.Is(err, auth.ErrAppTokenInvalid) || !errors.As(err, &ae) || !ae.App {
		t.Fatalf("revoked app token: %v", err)
	}
}

func TestSandboxLogin(t *testing.T) {
	s := newSandbox(t)
	var wrongStatus int
	var wrongBody string
	tok, err := s.login(t, func(u string) error {
		pu, _ := url.Parse(u)
		q := pu.Query()
		if q.Get("redirect_uri") != s.cfg.RedirectURI || q.Get("client_id") != s.cfg.ClientID || q.Get("response_type") != "code" || len(q.Get("state")) < 20 {
			t.Errorf("authorize URL %s", u)
		}
		q.Set("state", "attacker")
		pu.RawQuery = q.Encode()
		var err error
		wrongStatus, wrongBody, err = browse(pu.String())
		if err != nil {
			t.Error(err)
		}
		go browse(u)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if wrongStatus != http.StatusBadRequest || !strings.Contains(wrongBody, "state does not match") {
		t.Errorf("wrong state: %d %s", wrongStatus, wrongBody)
	}
	if !tok.ExpiresAt.Equal(s.clock.Now().Add(ttl)) || tok.RefreshToken == "" {
		t.Errorf("token expiry %v", tok.ExpiresAt)
	}
	m, err := s.c.Me(context.Background(), tok.AccessToken)
	if err != nil || !strings.HasPrefix(m.Kind(), "user") {
		t.Errorf("Me = %q, %v", m.Kind(), err)
	}

	// Code reuse: capture a code without a listener and exchange it twice.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(s.c.AuthCodeURL("st"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	code := loc.Query().Get("code")
	if _, err := s.c.Exchange(context.Background(), code); err != nil {
		t.Fatal(err)
	}
	_, err = s.c.Exchange(context.Background(), code)
	if !errors.Is(err, auth.ErrLoginRequired) || !strings.Contains(err.Error(), "this authorization code was already used") {
		t.Fatalf("code reuse: %v", err)
	}
}

func TestSandboxRefreshMidRun(t *testing.T) {
	for _, localClock := range []bool{true, false} {
		t.Run(fmt.Sprintf("localClockKnows=%v", localClock), func(t *testing.T) {
			s := newSandbox(t)
			first := s.loggedIn(t)
			now := s.clock.Now
			if !localClock {
				frozen := s.clock.Now()
				now = func() time.Time { return frozen } // only hh.ru sees the expiry: 403 token_expired
			}
			src := &auth.UserSource{Store: auth.NewTokenStore(s.dir), Client: s.c, Now: now, Log: s.log()}
			hc := &http.Client{Transport: &auth.Transport{Base: s.srv.Client().Transport, Source: src}}
			me(t, hc, s.srv.URL)
			s.clock.Advance(ttl + time.Minute)
			me(t, hc, s.srv.URL) // expired mid-run: refreshed, request continues
			me(t, hc, s.srv.URL)
			if n := s.refreshes.Load(); n != 1 {
				t.Errorf("%d refresh requests, want 1", n)
			}
			stored, err := auth.NewTokenStore(s.dir).Load()
			if err != nil {
				t.Fatal(err)
			}
			if stored.User.RefreshToken == first.RefreshToken || !stored.User.RefreshedAt.Equal(s.clock.Now()) ||
				!stored.User.ExpiresAt.Equal(s.clock.Now().Add(ttl)) {
				t.Errorf("stored pair not rotated: %v", stored.User.LogValue())
			}
		})
	}
}

func TestSandboxTwoProcesses(t *testing.T) {
	s := newSandbox(t)
	s.loggedIn(t)
	s.clock.Advance(ttl + time.Minute)
	var wg sync.WaitGroup
	var start sync.WaitGroup
	start.Add(1)
	errs := make([]error, 2)
	for i := range 2 {
		// Two "processes": independent stores and sources over one directory.
		src := &auth.UserSource{Store: auth.NewTokenStore(s.dir), Client: s.c, Now: s.clock.Now}
		hc := &http.Client{Transport: &auth.Transport{Base: s.srv.Client().Transport, Source: src}}
		wg.Add(1)
		go func() {
			defer wg.Done()
			start.Wait()
			for range 3 {
				resp, err := hc.Get(s.srv.URL + "/me")
				if err != nil {
					errs[i] = err
					return
				}
				resp.Body.Close()
				if resp.StatusCode != 200 {
					errs[i] = fmt.Errorf("status %d", resp.StatusCode)
					return
				}
			}
		}()
	}
	start.Done()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("process %d: %v", i, err)
		}
	}
	if n := s.refreshes.Load(); n != 1 {
		t.Errorf("%d refresh requests reached hh.ru, want exactly 1", n)
	}
}

// TestSandboxTokenErrors drives the token-endpoint errors the emulator can
// produce and checks each message says what to do (the full §3.5 table is in
// TestTokenErrorMessages).
func TestSandboxTokenErrors(t *testing.T) {
	s := newSandbox(t)
	ctx := context.Background()
	tok := s.loggedIn(t)
	check := func(name string, err error, want string) {
		t.Helper()
		var te *auth.TokenError
		if !errors.As(err, &te) || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v (want %q)", name, err, want)
		}
	}
	bad := *s.c
	bad.ClientSecret = "wrong"
	_, err := bad.IssueAppToken(ctx)
	check("invalid_client", err, "does not know this client id or secret")
	_, err = s.c.Exchange(ctx, "NOSUCHCODE")
	check("code not found", err, "does not know this authorization code")
	_, err = s.c.Refresh(ctx, tok.RefreshToken)
	check("token not expired", err, "has not expired yet")
	_, err = s.c.Refresh(ctx, "NOSUCHREFRESH")
	check("token not found", err, "does not know the stored refresh token")
	_, err = s.c.Refresh(ctx, "")
	check("token is empty", err, "has no refresh token")
	s.clock.Advance(ttl + time.Second)
	if _, err := s.c.Refresh(ctx, tok.RefreshToken); err != nil {
		t.Fatal(err)
	}
	_, err = s.c.Refresh(ctx, tok.RefreshToken)
	check("already refreshed", err, "already used")
	// A source whose store still holds the burned pair ends with ErrLoginRequired.
	_, err = (&auth.UserSource{Store: auth.NewTokenStore(s.dir), Client: s.c, Now: s.clock.Now}).AccessToken(ctx)
	if !errors.Is(err, auth.ErrLoginRequired) {
		t.Errorf("burned pair: %v", err)
	}
	if _, err := s.c.IssueAppToken(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = s.c.IssueAppToken(ctx)
	check("too early", err, "only once per 5 minutes")
}

func TestSandboxRevoke(t *testing.T) {
	s := newSandbox(t)
	tok := s.loggedIn(t)
	s.clock.Advance(ttl + time.Minute) // revoke after expiry: refreshed first, then revoked
	st := auth.NewTokenStore(s.dir)
	src := &auth.UserSource{Store: st, Client: s.c, Now: s.clock.Now}
	hc := &http.Client{Transport: &auth.Transport{Base: s.srv.Client().Transport, Source: src}}
	if err := s.c.RevokeVia(context.Background(), hc); err != nil {
		t.Fatal(err)
	}
	stored, _ := st.Load()
	_, err := s.c.Me(context.Background(), stored.User.AccessToken)
	if !errors.Is(err, auth.ErrLoginRequired) {
		t.Fatalf("revoked token still accepted: %v", err)
	}
	_, err = s.c.Refresh(context.Background(), stored.User.RefreshToken)
	if !errors.Is(err, auth.ErrLoginRequired) {
		t.Fatalf("refresh after revoke: %v", err)
	}
	if err := s.c.Revoke(context.Background(), tok.AccessToken); err == nil {
		t.Error("revoking an expired, refreshed token succeeded")
	}
}

// TestSandboxNoSecretsInLog runs every flow with a logger that keeps
// everything and looks for the client secret and every token.
func TestSandboxNoSecretsInLog(t *testing.T) {
	s := newSandbox(t)
	ctx := context.Background()
	app, err := s.c.IssueAppToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, e1 := s.c.IssueAppToken(ctx)
	tok := s.loggedIn(t)
	s.clock.Advance(ttl + time.Minute)
	src := &auth.UserSource{Store: auth.NewTokenStore(s.dir), Client: s.c, Now: s.clock.Now, Log: s.log()}
	nt, err := src.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, e2 := s.c.Refresh(ctx, tok.RefreshToken)
	e3 := s.c.Revoke(ctx, nt.AccessToken)
	s.log().Debug("tokens", "app", app, "user", tok, "new", &nt)
	text := s.logText() + fmt.Sprint(e1, e2, e3, app, tok, nt)
	if !strings.Contains(s.logText(), "grant_type=refresh_token") {
		t.Fatalf("log is empty? %s", s.logText())
	}
	for _, secret := range []string{s.cfg.ClientSecret, app.AccessToken, tok.AccessToken, tok.RefreshToken, nt.AccessToken, nt.RefreshToken} {
		if strings.Contains(text, secret) {
			t.Errorf("a secret reached the log or an error: %q", secret)
		}
	}
}
