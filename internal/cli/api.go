package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/hhjobs/hhjobs/internal/auth"
	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/hhapi"
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
		deps := newAuthDeps(f)
		ac, err := deps.client(false)
		if err != nil {
			return nil, err
		}
		return &auth.UserSource{Store: ts, Client: ac, Now: f.Now, Log: f.debugLog()}, nil
	}
	return nil, auth.ErrNoAppToken
}

// API builds the hh.ru client: one rate limiter shared by all workers,
// retries, the stored token, and metrics for the run counters.
func (f *Factory) API(_ context.Context, lim *httpx.Limiter, m *httpx.Metrics, retry httpx.RetryPolicy, sourceAddr string) (*hhapi.Client, error) {
	src, err := f.tokenSource()
	if err != nil {
		return nil, err
	}
	var base http.RoundTripper
	if sourceAddr != "" {
		if base, err = httpx.SourceTransport(sourceAddr); err != nil {
			return nil, &UsageError{Err: fmt.Errorf("--source-addr: %w", err)}
		}
	}
	hc, err := httpx.NewClient(httpx.Options{
		Base:      base,
		UserAgent: f.Settings.UserAgent,
		Limiter:   lim,
		Metrics:   m,
		Retry:     retry,
		Log:       f.debugLog(),
		Wrap:      auth.Wrap(src),
	})
	if errors.Is(err, httpx.ErrNoUserAgent) {
		return nil, &UsageError{Err: err}
	}
	if err != nil {
		return nil, err
	}
	return hhapi.New(f.Settings.APIBase, hc)
}

// Harvester wires the API client and the store for collect and sync.
func (f *Factory) Harvester(ctx context.Context, hf HarvestFlags) (*harvest.Harvester, error) {
	st, err := f.Store(ctx)
	if err != nil {
		return nil, err
	}
	m := &httpx.Metrics{}
	api, err := f.API(ctx, f.harvestLimiter(hf), m, httpx.RetryPolicy{MaxOutage: hf.MaxOutage}, hf.SourceAddr)
	if err != nil {
		return nil, err
	}
	var log *slog.Logger
	if f.Settings.Debug {
		log = f.debugLog()
	} else {
		log = slog.New(slog.NewTextHandler(f.IO.Err, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return &harvest.Harvester{API: api, Store: st, Metrics: m, Concurrency: hf.Concurrency, Log: log,
		Started:     func(q store.Query, run store.Run, resumed bool) { printRunStart(f.IO.Err, q, run, resumed) },
		TokenAdvice: f.tokenAdvice(), Explain: explain}, nil
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
