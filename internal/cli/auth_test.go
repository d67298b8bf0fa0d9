package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/auth"
	"github.com/hhjobs/hhjobs/internal/sandbox"
)

type authSandbox struct {
	srv       *httptest.Server
	cfg       sandbox.Config
	dir       string
	tokenReqs atomic.Int64
}

func freeLoopbackPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// newAuthSandbox starts the emulator and points the environment at it.
func newAuthSandbox(t *testing.T) *authSandbox {
	t.Helper()
	s := &authSandbox{cfg: sandbox.Config{Vacancies: 1, NoHardCells: true, ClientID: "cli-client",
		ClientSecret: "CLI-CLIENT-SECRET-123456", RedirectURI: fmt.Sprintf("http://127.0.0.1:%d/callback", freeLoopbackPort(t))}}
	sb, err := sandbox.New(s.cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "token") {
			s.tokenReqs.Add(1)
		}
		sb.ServeHTTP(w, r)
	}))
	t.Cleanup(s.srv.Close)
	s.dir = filepath.Join(t.TempDir(), "config")
	t.Setenv("HHJOBS_CONFIG_DIR", s.dir)
	t.Setenv("HH_API_BASE", s.srv.URL)
	t.Setenv("HH_OAUTH_BASE", s.srv.URL)
	t.Setenv("HH_USER_AGENT", "hhjobs-test/1.0 (test@example.com)")
	t.Setenv("HH_CLIENT_ID", s.cfg.ClientID)
	t.Setenv("HH_CLIENT_SECRET", s.cfg.ClientSecret)
	t.Setenv("HH_REDIRECT_URI", s.cfg.RedirectURI)
	return s
}

type run struct {
	code        int
	stdout, err string
}

func runMain(t *testing.T, stdin string, args ...string) run {
	t.Helper()
	ios, in, out, errOut := TestStreams()
	in.WriteString(stdin)
	code := Main(context.Background(), args, ios)
	return run{code, out.String(), errOut.String()}
}

func (s *authSandbox) tokens(t *testing.T) auth.Tokens {
	t.Helper()
	toks, err := auth.NewTokenStore(s.dir).Load()
	if err != nil {
		t.Fatal(err)
	}
	return toks
}

// code gets an authorization code as a browser would, without a listener.
func (s *authSandbox) code(t *testing.T) string {
	t.Helper()
	c := &auth.Client{OAuthBase: s.srv.URL, ClientID: s.cfg.ClientID, RedirectURI: s.cfg.RedirectURI}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(c.AuthCodeURL("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	u, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || u.Query().Get("code") == "" {
		t.Fatalf("authorize redirect %q: %v", resp.Header.Get("Location"), err)
	}
	return u.Query().Get("code")
}

func TestAuthApp(t *testing.T) {
	s := newAuthSandbox(t)
	r := runMain(t, "", "auth", "app")
	if r.code != 0 || !strings.Contains(r.err, "Application token obtained and saved") {
		t.Fatalf("auth app: %+v", r)
	}
	first := s.tokens(t).App
	if first == nil || first.AccessToken == "" {
		t.Fatal("no app token stored")
	}
	fi, _ := os.Stat(filepath.Join(s.dir, auth.TokensFile))
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("tokens.json mode %o", fi.Mode().Perm())
	}
	n := s.tokenReqs.Load()

	// Second run: keeps the token, exit 0, no token request.
	r = runMain(t, "", "auth", "app")
	if r.code != 0 || !strings.Contains(r.err, "already stored") || !strings.Contains(r.err, "keeping it") {
		t.Fatalf("second auth app: %+v", r)
	}
	if s.tokenReqs.Load() != n {
		t.Errorf("second auth app sent a token request")
	}

	// --force asks hh.ru first: it accepts the token, so it is kept.
	r = runMain(t, "", "auth", "app", "--force")
	if r.code != 0 || !strings.Contains(r.err, "hh.ru accepts the stored application token") || !strings.Contains(r.err, "--force --force") {
		t.Fatalf("--force with a working token: %+v", r)
	}
	if s.tokenReqs.Load() != n || s.tokens(t).App.AccessToken != first.AccessToken {
		t.Errorf("--force with a working token sent a token request or replaced it")
	}
	// --force --force within 5 minutes: refused locally with a clear message.
	r = runMain(t, "", "auth", "app", "--force", "--force")
	if r.code != ExitError || !strings.Contains(r.err, "once per 5 minutes") || strings.Contains(r.err, "still works") {
		t.Fatalf("early --force --force: %+v", r)
	}
	if s.tokenReqs.Load() != n {
		t.Errorf("early --force --force sent a token request")
	}

	// Issued elsewhere (no local record): hh.ru refuses, and the message says what to do.
	other := filepath.Join(t.TempDir(), "other")
	r = runMain(t, "", "--config-dir", other, "auth", "app")
	if r.code != ExitError || !strings.Contains(r.err, "once per 5 minutes") || !strings.Contains(r.err, "wait a few minutes") {
		t.Fatalf("server-side too early: %+v", r)
	}

	// --force after 5 minutes re-issues: pretend the stored one is old.
	toks := s.tokens(t)
	toks.App.ObtainedAt = time.Now().Add(-6 * time.Minute)
	if err := auth.NewTokenStore(s.dir).Save(toks); err != nil {
		t.Fatal(err)
	}
	// The emulator's own clock still says "too early", so only the local rule is checked here.
	r = runMain(t, "", "auth", "app", "--force", "--force")
	if s.tokenReqs.Load() != n+2 || r.code != ExitError || !strings.Contains(r.err, "wait a few minutes") {
		t.Fatalf("--force after the local interval should ask hh.ru: %+v", r)
	}
	if s.tokens(t).App.AccessToken != first.AccessToken {
		t.Error("a refused re-issue replaced the stored token")
	}
}

func TestAuthAppSaveCredentials(t *testing.T) {
	s := newAuthSandbox(t)
	r := runMain(t, "", "auth", "app", "--save-credentials")
	if r.code != 0 || !strings.Contains(r.err, "saved to") {
		t.Fatalf("%+v", r)
	}
	path := filepath.Join(s.dir, auth.ConfigFile)
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("config.json: %v %v", fi, err)
	}
	cfg, err := auth.LoadConfig(s.dir)
	if err != nil || cfg.ClientID != s.cfg.ClientID || cfg.ClientSecret != s.cfg.ClientSecret || cfg.RedirectURI != s.cfg.RedirectURI {
		t.Fatalf("config: %v", err)
	}
	// Later runs work from config.json alone.
	t.Setenv("HH_CLIENT_ID", "")
	t.Setenv("HH_CLIENT_SECRET", "")
	r = runMain(t, "", "auth", "status")
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
}

func TestAuthUsageErrors(t *testing.T) {
	newAuthSandbox(t)
	t.Setenv("HH_CLIENT_SECRET", "")
	r := runMain(t, "", "auth", "app")
	if r.code != ExitUsage || !strings.Contains(r.err, "HH_CLIENT_ID") || !strings.Contains(r.err, "HH_CLIENT_SECRET") {
		t.Fatalf("missing secret: %+v", r)
	}
	t.Setenv("HH_CLIENT_SECRET", "x")
	for _, bad := range []string{"", "https://example.com/cb", "http://127.0.0.1/callback"} {
		t.Setenv("HH_REDIRECT_URI", bad)
		r = runMain(t, "", "auth", "login")
		if r.code != ExitUsage || !strings.Contains(r.err, "dev.hh.ru") || !strings.Contains(r.err, "127.0.0.1:PORT") && bad != "" {
			t.Errorf("redirect %q: %+v", bad, r)
		}
	}
	t.Setenv("HH_REDIRECT_URI", "http://127.0.0.1:1234/cb")
	r = runMain(t, "", "auth", "login", "--timeout", "0s")
	if r.code != ExitUsage {
		t.Errorf("--timeout 0: %+v", r)
	}
	t.Setenv("HH_USER_AGENT", "")
	r = runMain(t, "", "auth", "app")
	if r.code != ExitUsage || !strings.Contains(r.err, "User-Agent") {
		t.Errorf("no UA: %+v", r)
	}
}

func TestAuthLoginPasted(t *testing.T) {
	s := newAuthSandbox(t)
	code := s.code(t)
	r := runMain(t, code+"\n", "auth", "login", "--no-browser", "--timeout", "20s")
	if r.code != 0 || !strings.Contains(r.err, "Logged in to hh.ru") || !strings.Contains(r.err, "/oauth/authorize?") {
		t.Fatalf("login: %+v", r)
	}
	u := s.tokens(t).User
	if u == nil || u.RefreshToken == "" || time.Until(u.ExpiresAt) < 13*24*time.Hour {
		t.Fatalf("stored user token: %v", u)
	}
	// The same code again: hh.ru refuses, the message says what to do.
	r = runMain(t, code+"\n", "auth", "login", "--no-browser", "--timeout", "20s")
	if r.code != ExitError || !strings.Contains(r.err, "already used: run 'hhjobs auth login' again") {
		t.Fatalf("code reuse: %+v", r)
	}
}

func TestAuthStatusAndLogout(t *testing.T) {
	s := newAuthSandbox(t)
	r := runMain(t, "", "auth", "status", "--json")
	var st AuthStatus
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &st) != nil || st.App != nil || st.User != nil {
		t.Fatalf("empty status: %+v", r)
	}
	if r := runMain(t, "", "auth", "app"); r.code != 0 {
		t.Fatal(r)
	}
	if r := runMain(t, s.code(t)+"\n", "auth", "login", "--no-browser"); r.code != 0 {
		t.Fatal(r)
	}
	r = runMain(t, "", "auth", "status", "--json")
	st = AuthStatus{}
	if err := json.Unmarshal([]byte(r.stdout), &st); r.code != 0 || err != nil {
		t.Fatalf("status --json: %+v %v", r, err)
	}
	if !st.Checked || st.App == nil || st.App.Kind != "application" || st.App.Valid == nil || !*st.App.Valid ||
		st.User == nil || !strings.HasPrefix(st.User.Kind, "user") || st.User.Expired || st.User.ExpiresAt.IsZero() {
		t.Errorf("status: %s", r.stdout)
	}
	r = runMain(t, "", "auth", "status")
	if r.code != 0 || r.stdout != "" || !strings.Contains(r.err, "Application token: stored") || !strings.Contains(r.err, "hh.ru says: user") {
		t.Errorf("status: %+v", r)
	}

	// hh.ru unreachable: local information still shown.
	r = runMain(t, "", "--api-base", "http://127.0.0.1:1", "auth", "status")
	if r.code != 0 || !strings.Contains(r.err, "could not reach hh.ru") || !strings.Contains(r.err, "User token: stored") {
		t.Errorf("offline status: %+v", r)
	}

	user := s.tokens(t).User
	r = runMain(t, "", "auth", "logout")
	if r.code != 0 || !strings.Contains(r.err, "revoked") || !strings.Contains(r.err, "application token is kept") {
		t.Fatalf("logout: %+v", r)
	}
	c := &auth.Client{APIBase: s.srv.URL, UserAgent: "t"}
	if _, err := c.Me(context.Background(), user.AccessToken); err == nil {
		t.Error("the user token still works after logout")
	}
	toks := s.tokens(t)
	if toks.User != nil || toks.App == nil {
		t.Errorf("after logout: user %v app %v", toks.User != nil, toks.App != nil)
	}
	r = runMain(t, "", "auth", "logout")
	if r.code != 0 || !strings.Contains(r.err, "nothing to do") {
		t.Errorf("second logout: %+v", r)
	}
	r = runMain(t, "", "auth", "logout", "--all")
	if r.code != 0 || s.tokens(t).App != nil {
		t.Errorf("logout --all: %+v", r)
	}
}

func TestAuthInsecureTokenFile(t *testing.T) {
	s := newAuthSandbox(t)
	if r := runMain(t, "", "auth", "app"); r.code != 0 {
		t.Fatal(r)
	}
	path := filepath.Join(s.dir, auth.TokensFile)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	r := runMain(t, "", "auth", "status")
	if r.code != ExitError || !strings.Contains(r.err, "chmod 600 "+path) {
		t.Errorf("insecure file: %+v", r)
	}
}

// TestAuthNoSecretsInOutput runs every auth command with --debug and looks
// for the client secret and every token in stdout and stderr.
func TestAuthNoSecretsInOutput(t *testing.T) {
	s := newAuthSandbox(t)
	var all strings.Builder
	var secrets []string
	add := func(r run) {
		all.WriteString(r.stdout)
		all.WriteString(r.err)
	}
	collect := func() {
		toks := s.tokens(t)
		if toks.App != nil {
			secrets = append(secrets, toks.App.AccessToken)
		}
		if toks.User != nil {
			secrets = append(secrets, toks.User.AccessToken, toks.User.RefreshToken)
		}
	}
	add(runMain(t, "", "--debug", "auth", "app", "--save-credentials"))
	add(runMain(t, "", "--debug", "auth", "app"))
	add(runMain(t, "", "--debug", "auth", "app", "--force"))
	code := s.code(t)
	add(runMain(t, code+"\n", "--debug", "auth", "login", "--no-browser"))
	add(runMain(t, code+"\n", "--debug", "auth", "login", "--no-browser"))
	collect()
	add(runMain(t, "", "--debug", "auth", "status"))
	add(runMain(t, "", "--debug", "auth", "status", "--json"))
	add(runMain(t, "", "--debug", "auth", "logout", "--all"))
	if !strings.Contains(all.String(), "level=DEBUG") {
		t.Fatalf("--debug logged nothing:\n%s", all.String())
	}
	secrets = append(secrets, s.cfg.ClientSecret, code)
	for _, sec := range secrets {
		if sec == "" {
			t.Fatal("empty secret: test setup broken")
		}
		if strings.Contains(all.String(), sec) {
			t.Errorf("secret %.6s… printed", sec)
		}
	}
}
