package auth

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// DefaultLoginTimeout is how long LoginFlow waits for the redirect.
const DefaultLoginTimeout = 5 * time.Minute

// ValidateRedirectURI checks that raw is a fixed loopback redirect URI,
// http://127.0.0.1:PORT/… or http://localhost:PORT/…, which is the only
// kind a command-line tool can receive. Errors wrap ErrBadRedirectURI.
func ValidateRedirectURI(raw string) (*url.URL, error) {
	const how = "register a fixed loopback redirect URI such as http://127.0.0.1:53682/callback for your app at dev.hh.ru (hh.ru matches it exactly) and set HH_REDIRECT_URI to it"
	if raw == "" {
		return nil, fmt.Errorf("%w: HH_REDIRECT_URI is not set: %s", ErrBadRedirectURI, how)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: HH_REDIRECT_URI %q is not a URL: %s", ErrBadRedirectURI, raw, how)
	}
	host := u.Hostname()
	port, perr := strconv.Atoi(u.Port())
	if u.Scheme != "http" || (host != "127.0.0.1" && host != "localhost") || perr != nil || port <= 0 || port > 65535 || u.User != nil {
		return nil, fmt.Errorf("%w: HH_REDIRECT_URI %q is not http://127.0.0.1:PORT/… or http://localhost:PORT/… with a fixed port: %s", ErrBadRedirectURI, raw, how)
	}
	return u, nil
}

// LoginFlow runs hh.ru's authorization-code flow for a command-line tool:
// a listener on the registered loopback redirect URI, a random state, the
// authorize URL shown (and opened in a browser), the code exchanged for a
// user token pair. The caller stores the result.
type LoginFlow struct {
	Client      *Client            // credentials, RedirectURI and endpoints; required
	OpenBrowser func(string) error // nil: do not open a browser
	In          io.Reader          // nil: ignore; else a pasted redirect URL or bare code also completes the login
	Out         io.Writer          // human instructions (the URL); nil = discard
	Timeout     time.Duration      // default DefaultLoginTimeout
	Log         *slog.Logger       // never given the code, state or tokens
	Rand        io.Reader          // state source; default crypto/rand

	// Listening, if set, is called with the listener's address once it accepts connections.
	Listening func(addr string)
	// Explain, if set, words an error for the browser page (the CLI adds
	// what to do); without it the page states what happened.
	Explain func(error) string
	// Command names what started this login on the browser's pages, e.g.
	// "'hhjobs auth login'" (default "login").
	Command string
}

type loginResult struct {
	tok Token
	err error
}

// Run waits for one valid callback (or pasted code) and returns the token pair.
// Callbacks with a wrong state are answered 400 and ignored; the listener
// closes after the valid callback or the timeout.
func (f *LoginFlow) Run(ctx context.Context) (Token, error) {
	if f.Client == nil {
		return Token{}, errors.New("auth: LoginFlow.Client is nil")
	}
	if err := f.Client.needCredentials(); err != nil {
		return Token{}, err
	}
	ru, err := ValidateRedirectURI(f.Client.RedirectURI)
	if err != nil {
		return Token{}, err
	}
	out := f.Out
	if out == nil {
		out = io.Discard
	}
	log := f.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = DefaultLoginTimeout
	}
	state, err := randomState(f.Rand)
	if err != nil {
		return Token{}, err
	}

	host := ru.Hostname()
	if host == "localhost" {
		host = "127.0.0.1" // loopback only, never a name that could resolve elsewhere
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, ru.Port()))
	if err != nil {
		return Token{}, &ListenError{Addr: net.JoinHostPort(host, ru.Port()), Err: err}
	}

	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	results := make(chan loginResult, 2)
	var claimed atomic.Bool
	finish := func(code string) loginResult {
		tok, err := f.Client.Exchange(ctx, code)
		return loginResult{tok, err}
	}

	path := ru.Path
	if path == "" {
		path = "/"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path {
			http.NotFound(w, r)
			return
		}
		q := r.URL.Query()
		if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
			log.Debug("login callback with a wrong state rejected")
			page(w, http.StatusBadRequest, "Login link not recognised",
				"This page was not opened by the current "+f.command()+" (the state does not match), so it was ignored. Use the link hhjobs printed.")
			return
		}
		if e := q.Get("error"); e != "" {
			if !claimed.CompareAndSwap(false, true) {
				page(w, http.StatusConflict, "Already done", "hhjobs has already finished this login. You can close this tab.")
				return
			}
			err := ErrAccessDenied
			if e != "access_denied" {
				err = &LoginError{Code: e}
			}
			page(w, http.StatusOK, "Login cancelled", "hh.ru did not grant access ("+e+"). Return to the terminal.")
			results <- loginResult{err: err}
			return
		}
		code := q.Get("code")
		if code == "" {
			page(w, http.StatusBadRequest, "No code", "The redirect carried no authorization code. Return to the terminal and try again.")
			return
		}
		if !claimed.CompareAndSwap(false, true) {
			page(w, http.StatusConflict, "Already done", "hhjobs has already received a login. You can close this tab.")
			return
		}
		res := finish(code)
		if res.err != nil {
			page(w, http.StatusBadGateway, "Login failed", f.userMessage(res.err))
		} else {
			page(w, http.StatusOK, "Logged in", "hhjobs is now logged in to hh.ru. You can close this tab and return to the terminal.")
		}
		results <- res
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelDebug)}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		sctx, scancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer scancel()
		_ = srv.Shutdown(sctx)
	}()
	if f.Listening != nil {
		f.Listening(ln.Addr().String())
	}
	log.Debug("login listener started", "addr", ln.Addr().String(), "path", path)

	authURL := f.Client.AuthCodeURL(state)
	fmt.Fprintf(out, "Open this URL in a browser to log in to hh.ru and allow access:\n\n  %s\n\n", authURL)
	if f.OpenBrowser != nil {
		if err := f.OpenBrowser(authURL); err != nil {
			fmt.Fprintf(out, "Could not open a browser (%v): open the URL above yourself.\n", err)
		}
	}
	if f.In != nil {
		fmt.Fprintf(out, "Waiting for hh.ru to redirect to %s://%s%s … or paste the URL you were redirected to (or just the code) and press Enter.\n",
			ru.Scheme, ru.Host, path)
		go f.readPasted(ctx, out, state, &claimed, finish, results)
	} else {
		fmt.Fprintf(out, "Waiting for hh.ru to redirect to %s://%s%s (up to %s) …\n", ru.Scheme, ru.Host, path, timeout)
	}

	select {
	case r := <-results:
		return r.tok, r.err
	case <-ctx.Done():
		if err := parent.Err(); err != nil {
			return Token{}, err
		}
		return Token{}, fmt.Errorf("%w (waited %s)", ErrLoginTimeout, timeout)
	}
}

// readPasted accepts a pasted redirect URL or a bare code, line by line.
func (f *LoginFlow) readPasted(ctx context.Context, out io.Writer, state string, claimed *atomic.Bool,
	finish func(string) loginResult, results chan<- loginResult) {
	sc := bufio.NewScanner(f.In)
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() {
		if ctx.Err() != nil {
			return
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		code, denied, err := parsePasted(line, state)
		if err != nil {
			fmt.Fprintf(out, "%v; paste the whole URL you were redirected to, or just the code.\n", err)
			continue
		}
		if !claimed.CompareAndSwap(false, true) {
			return
		}
		if denied != nil {
			results <- loginResult{err: denied}
			return
		}
		results <- finish(code)
		return
	}
}

// parsePasted returns the code from a pasted redirect URL (whose state must
// match) or a bare code.
func parsePasted(line, state string) (code string, denied, err error) {
	if strings.ContainsAny(line, "?=/") {
		raw := line
		if i := strings.IndexByte(raw, '?'); i >= 0 {
			raw = raw[i+1:]
		}
		if i := strings.IndexByte(raw, '#'); i >= 0 {
			raw = raw[:i]
		}
		q, perr := url.ParseQuery(raw)
		if perr != nil {
			return "", nil, errors.New("that is not a redirect URL")
		}
		if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
			return "", nil, errors.New("that URL is not from this login attempt (state does not match)")
		}
		if e := q.Get("error"); e != "" {
			if e == "access_denied" {
				return "", ErrAccessDenied, nil
			}
			return "", &LoginError{Code: e}, nil
		}
		if c := q.Get("code"); c != "" {
			return c, nil, nil
		}
		return "", nil, errors.New("that URL carries no code")
	}
	for _, r := range line {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' || r == '~') {
			return "", nil, errors.New("that does not look like a code")
		}
	}
	return line, nil, nil
}

func randomState(r io.Reader) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	b := make([]byte, 24)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("generate OAuth state: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// userMessage words an error for the browser page: without hh.ru's raw
// codes, with the caller's advice when it gives Explain.
func (f *LoginFlow) userMessage(err error) string {
	if f.Explain != nil {
		return f.Explain(err)
	}
	var te *TokenError
	if errors.As(err, &te) {
		return te.Message()
	}
	return err.Error()
}

func (f *LoginFlow) command() string {
	if f.Command != "" {
		return f.Command
	}
	return "login"
}

func page(w http.ResponseWriter, status int, title, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>hhjobs: %[1]s</title></head>`+
		`<body style="font-family:sans-serif;max-width:40em;margin:4em auto"><h1>%[1]s</h1><p>%[2]s</p></body></html>`,
		html.EscapeString(title), html.EscapeString(msg))
}
