package auth

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// TokenSource gives Transport the access token to send and hears about
// hh.ru rejecting it. Implementations are safe for concurrent use; share one
// per process.
type TokenSource interface {
	// AccessToken returns the token to send (refreshing it first if needed).
	AccessToken(ctx context.Context) (string, error)
	// Rejected is told that hh.ru answered 403 oauth/value to a request sent
	// with tok. retry=true means a new token is ready and the request should be
	// sent once more; a non-nil error replaces the response; neither hands
	// the 403 to the caller.
	Rejected(ctx context.Context, tok, value string) (retry bool, err error)
}

// AppSource serves the stored application token. It never issues one: that
// revokes the token of every other running hhjobs and is rate limited, so it
// is left to 'hhjobs auth app'.
type AppSource struct {
	Store *TokenStore

	mu  sync.Mutex
	tok string
}

// AccessToken returns the stored application token, or ErrNoAppToken.
func (s *AppSource) AccessToken(context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok != "" {
		return s.tok, nil
	}
	t, err := s.Store.Load()
	if err != nil {
		return "", err
	}
	if t.App == nil || t.App.AccessToken == "" {
		return "", ErrNoAppToken
	}
	s.tok = t.App.AccessToken
	return s.tok, nil
}

// Rejected turns bad_authorization/token_revoked into an *AuthError that Is
// ErrAppTokenInvalid — unless another process stored a new token meanwhile,
// which is then used.
func (s *AppSource) Rejected(_ context.Context, tok, value string) (bool, error) {
	if value != "bad_authorization" && value != "token_revoked" {
		return false, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, err := s.Store.Load(); err == nil && t.App != nil && t.App.AccessToken != "" && t.App.AccessToken != tok {
		s.tok = t.App.AccessToken
		return true, nil
	}
	return false, &AuthError{StatusCode: http.StatusForbidden, Value: value, App: true}
}

// UserSource serves the stored user token and refreshes it when hh.ru
// allows that: after it expired (by Now) or after a 403 token_expired.
// Refreshing holds the store's cross-process lock and re-reads the store
// first: if another process already rotated the pair, that pair is used and
// no refresh request is sent (refresh tokens are single-use). The new pair is
// saved before it is used.
//
// It replaces x/oauth2's ReuseTokenSource, which has no context, cannot be told
// that the server rejected a token, and knows nothing of other processes.
type UserSource struct {
	Store  *TokenStore
	Client *Client // for Refresh
	Now    func() time.Time
	Log    *slog.Logger

	mu  sync.Mutex
	cur *Token
}

func (s *UserSource) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Token returns the current user token pair (refreshed if it had expired).
func (s *UserSource) Token(ctx context.Context) (Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil {
		t, err := s.Store.Load()
		if err != nil {
			return Token{}, err
		}
		if t.User == nil || t.User.AccessToken == "" {
			return Token{}, ErrNotLoggedIn
		}
		u := *t.User
		s.cur = &u
	}
	if !s.cur.Expired(s.now()) {
		return *s.cur, nil
	}
	return s.refreshLocked(ctx, s.cur.AccessToken)
}

// AccessToken implements TokenSource.
func (s *UserSource) AccessToken(ctx context.Context) (string, error) {
	t, err := s.Token(ctx)
	return t.AccessToken, err
}

// Rejected implements TokenSource: token_expired refreshes and retries;
// bad_authorization/token_revoked become an *AuthError (ErrLoginRequired)
// unless the store holds a newer valid pair.
func (s *UserSource) Rejected(ctx context.Context, tok, value string) (bool, error) {
	switch value {
	case "token_expired":
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, err := s.refreshLocked(ctx, tok); err != nil {
			return false, err
		}
		return true, nil
	case "bad_authorization", "token_revoked":
		s.mu.Lock()
		defer s.mu.Unlock()
		if t, err := s.Store.Load(); err == nil && t.User != nil && t.User.AccessToken != tok && !t.User.Expired(s.now()) {
			u := *t.User
			s.cur = &u
			return true, nil
		}
		return false, &AuthError{StatusCode: http.StatusForbidden, Value: value}
	}
	return false, nil
}

// refreshLocked replaces the access token stale. s.mu is held.
func (s *UserSource) refreshLocked(ctx context.Context, stale string) (Token, error) {
	now := s.now()
	if s.cur != nil && s.cur.AccessToken != stale && !s.cur.Expired(now) {
		return *s.cur, nil // another goroutine already refreshed
	}
	unlock, err := s.Store.Lock(ctx)
	if err != nil {
		return Token{}, err
	}
	defer unlock()
	t, err := s.Store.Load()
	if err != nil {
		return Token{}, err
	}
	if t.User == nil || t.User.AccessToken == "" {
		return Token{}, ErrNotLoggedIn
	}
	if t.User.AccessToken != stale && !t.User.Expired(now) {
		// Another process rotated the pair: use it, do not burn its refresh token.
		u := *t.User
		s.cur = &u
		s.log().Debug("using the user token another hhjobs process refreshed", "expires_at", u.ExpiresAt)
		return u, nil
	}
	s.log().Debug("refreshing the hh.ru user token", "expired_at", t.User.ExpiresAt)
	nt, err := s.Client.Refresh(ctx, t.User.RefreshToken)
	if err != nil {
		return Token{}, fmt.Errorf("refresh the hh.ru user token: %w", err)
	}
	nt.ObtainedAt = t.User.ObtainedAt
	t.User = &nt
	if err := s.Store.Save(t); err != nil {
		return Token{}, fmt.Errorf("the user token was refreshed but could not be saved, so the next run must log in again (%w)", err)
	}
	s.cur = &nt
	return nt, nil
}

func (s *UserSource) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.DiscardHandler)
}

// Transport is an http.RoundTripper that sends Authorization: Bearer from
// Source, and on a 403 oauth error asks Source what to do (refresh and retry
// once, fail with a typed error, or pass the response through).
type Transport struct {
	Base   http.RoundTripper // nil = http.DefaultTransport
	Source TokenSource
}

// Wrap returns a layer for httpx.Options.Wrap that authorises with src.
func Wrap(src TokenSource) func(http.RoundTripper) http.RoundTripper {
	return func(base http.RoundTripper) http.RoundTripper { return &Transport{Base: base, Source: src} }
}

func (t *Transport) base() http.RoundTripper {
	if t.Base != nil {
		return t.Base
	}
	return http.DefaultTransport
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	closeBody := func() {
		if req.Body != nil {
			_ = req.Body.Close()
		}
	}
	tok, err := t.Source.AccessToken(ctx)
	if err != nil {
		closeBody()
		return nil, err
	}
	r2 := req.Clone(ctx)
	r2.Header.Set("Authorization", "Bearer "+tok)
	resp, err := t.base().RoundTrip(r2)
	if err != nil || resp.StatusCode != http.StatusForbidden {
		return resp, err
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if rerr != nil {
		return resp, nil
	}
	value := oauthValue(resp, body)
	if value == "" {
		return resp, nil
	}
	retry, err := t.Source.Rejected(ctx, tok, value)
	if err != nil {
		return nil, err
	}
	if !retry {
		return resp, nil
	}
	r3 := req.Clone(ctx)
	if req.Body != nil && req.Body != http.NoBody {
		if req.GetBody == nil {
			return resp, nil // cannot replay the body: let the caller see the 403
		}
		b, err := req.GetBody()
		if err != nil {
			return resp, nil
		}
		r3.Body = b
	}
	tok, err = t.Source.AccessToken(ctx)
	if err != nil {
		return nil, err
	}
	r3.Header.Set("Authorization", "Bearer "+tok)
	return t.base().RoundTrip(r3)
}
