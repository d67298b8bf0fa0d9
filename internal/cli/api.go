package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/hhjobs/hhjobs/internal/auth"
	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/httpx"
	"github.com/hhjobs/hhjobs/internal/store"
)

// debugLog is the --debug logger (HTTP traces redact secrets), or nil.
func (f *Factory) debugLog() *slog.Logger {
	if !f.Settings.Debug {
		return nil
	}
	return slog.New(slog.NewTextHandler(f.IO.Err, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// TokenStore is the token file in the config dir.
func (f *Factory) TokenStore() *auth.TokenStore { return auth.NewTokenStore(f.Settings.ConfigDir) }

// tokenSource picks the stored application token, or a user token when only
// that exists (employer accounts can search too).
func (f *Factory) tokenSource() (auth.TokenSource, error) {
	ts := f.TokenStore()
	toks, err := ts.Load()
	if err != nil {
		return nil, err
	}
	switch {
	case toks.App != nil && toks.App.AccessToken != "":
		return &auth.AppSource{Store: ts}, nil
	case toks.User != nil && toks.User.AccessToken != "":
		ac, err := f.client(false)
		if err != nil {
			return nil, err
		}
		return &auth.UserSource{Store: ts, Client: ac, Now: f.Now, Log: f.debugLog()}, nil
	}
	return nil, auth.ErrNoAppToken
}

// collector is the client stack of collect and sync (harvest.Client): one
// rate limiter shared by all workers, retries and the stored token.
func (f *Factory) collector(lim *httpx.Limiter, retry httpx.RetryPolicy, sourceAddr string) (harvest.Client, error) {
	src, err := f.tokenSource()
	if err != nil {
		return harvest.Client{}, err
	}
	var base http.RoundTripper
	if sourceAddr != "" {
		if base, err = httpx.SourceTransport(sourceAddr); err != nil {
			return harvest.Client{}, &UsageError{Err: fmt.Errorf("--source-addr: %w", err)}
		}
	}
	return harvest.Client{APIBase: f.Settings.APIBase, UserAgent: f.Settings.UserAgent, Limiter: lim,
		Retry: retry, Base: base, Auth: auth.Wrap(src), Log: f.debugLog()}, nil
}

// Harvester wires the API client and the store for collect and sync.
func (f *Factory) Harvester(ctx context.Context, hf HarvestFlags) (*harvest.Harvester, error) {
	st, err := f.Store(ctx)
	if err != nil {
		return nil, err
	}
	c, err := f.collector(f.harvestLimiter(hf), httpx.RetryPolicy{MaxOutage: hf.MaxOutage}, hf.SourceAddr)
	if err != nil {
		return nil, err
	}
	h, err := harvest.New(c, st)
	if errors.Is(err, httpx.ErrNoUserAgent) {
		return nil, &UsageError{Err: err}
	}
	if err != nil {
		return nil, err
	}
	if f.Settings.Debug {
		h.Log = f.debugLog()
	} else {
		h.Log = slog.New(slog.NewTextHandler(f.IO.Err, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	h.Concurrency = hf.Concurrency
	h.Started = func(q store.Query, run store.Run, resumed bool) { printRunStart(f.IO.Err, q, run, resumed) }
	h.TokenAdvice = f.tokenAdvice()
	h.Explain = explain
	return h, nil
}

// tokenAdvice words a token hh.ru rejected exactly as 'hhjobs auth status'
// does, for the kind of token collection uses.
func (f *Factory) tokenAdvice() func(string) string {
	toks, err := f.TokenStore().Load()
	app := err == nil && toks.App != nil && toks.App.AccessToken != ""
	return func(v string) string {
		return explain(&auth.AuthError{StatusCode: http.StatusForbidden, Value: v, App: app})
	}
}

var _ http.RoundTripper = (*auth.Transport)(nil)
