package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hhjobs/hhjobs/internal/auth"
	"github.com/hhjobs/hhjobs/internal/httpx"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/postgres"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

// Factory is the one dependency container of the commands: it builds what
// they need lazily, so that --help never opens a database and commands that
// do not talk to hh.ru never need a User-Agent. The options struct of every
// auth subcommand embeds it too.
type Factory struct {
	IO       *IOStreams
	Settings *Settings
	Now      func() time.Time
	// HTTPClient, when set, replaces the client auth's token requests go
	// through (wrap, maybe nil, is the auth layer); tests hook it.
	HTTPClient func(wrap func(http.RoundTripper) http.RoundTripper) (*http.Client, error)
	// OpenBrowser opens a URL for 'auth login' (nil = cli/browser).
	OpenBrowser func(string) error

	mu sync.Mutex
	db store.Store
	// created is the SQLite file this process created (removed again when
	// the command ends in a usage error); notedEmpty: the empty-database
	// note was printed.
	created    string
	notedEmpty bool
	rates      *rateMemo // --rps auto of this process (rates.go)
}

// NewFactory returns a Factory over ios.
func NewFactory(ios *IOStreams) *Factory {
	return &Factory{IO: ios, Settings: &Settings{}, Now: time.Now}
}

// Store opens the configured database once.
func (f *Factory) Store(ctx context.Context) (store.Store, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.db != nil {
		return f.db, nil
	}
	loc, err := f.Settings.DBLocation()
	if err != nil {
		return nil, err
	}
	if err := checkDBLocation(loc); err != nil {
		return nil, err
	}
	var fresh string
	if p := sqlitePath(loc); p != "" {
		if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
			fresh = p
		}
	}
	if f.Settings.DB == "" {
		// The zero-set-up default lives in our own data dir: create it. A
		// path the user gave must exist; a typo should not grow directories.
		if err := os.MkdirAll(filepath.Dir(loc), 0o700); err != nil {
			return nil, fmt.Errorf("create the data dir for %s: %w (or set --db)", loc, err)
		}
	}
	s, err := OpenStore(ctx, loc)
	if err != nil {
		return nil, err
	}
	f.db = s
	f.created = fresh
	return s, nil
}

// OpenStore opens a database location: postgres:// or postgresql:// URLs are
// PostgreSQL, everything else (a path or sqlite:PATH) is SQLite.
func OpenStore(ctx context.Context, loc string) (store.Store, error) {
	switch {
	case strings.HasPrefix(loc, "postgres://"), strings.HasPrefix(loc, "postgresql://"):
		// The engines' errors already name the (redacted) DSN or the path.
		s, err := postgres.Open(ctx, loc)
		if err != nil {
			return nil, err // not a typed nil inside the interface
		}
		return s, nil
	default:
		path := strings.TrimPrefix(loc, "sqlite:")
		if path == "" {
			return nil, errors.New("--db sqlite: needs a path")
		}
		s, err := sqlite.Open(ctx, path)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
}

// Close releases what the factory opened.
func (f *Factory) Close() {
	f.saveRate()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.db != nil {
		_ = f.db.Close()
		f.db = nil
	}
}

// log is the auth subcommands' debug logger: stderr with --debug (resolved
// at run time: --debug is parsed after the command is built), else nothing.
func (f *Factory) log() *slog.Logger {
	if l := f.debugLog(); l != nil {
		return l
	}
	return slog.New(slog.DiscardHandler)
}

func (f *Factory) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

// httpClient sends one try per request: a retried token request could burn a
// single-use refresh token whose answer was lost.
func (f *Factory) httpClient(wrap func(http.RoundTripper) http.RoundTripper) (*http.Client, error) {
	if f.HTTPClient != nil {
		return f.HTTPClient(wrap)
	}
	return httpx.NewClient(httpx.Options{UserAgent: f.Settings.UserAgent, Log: f.log(), Wrap: wrap,
		Retry: httpx.RetryPolicy{MaxTries: 1}})
}

// client is the OAuth client; needCreds makes missing credentials a usage error.
func (f *Factory) client(needCreds bool) (*auth.Client, error) {
	s := f.Settings
	if needCreds && (s.ClientID == "" || s.ClientSecret == "") {
		return nil, usageErrorf("no hh.ru client credentials: set HH_CLIENT_ID and HH_CLIENT_SECRET to your app's values from dev.hh.ru (add --save-credentials to 'hhjobs auth app' to keep them in %s)",
			filepath.Join(s.ConfigDir, auth.ConfigFile))
	}
	if err := s.requireUserAgent(); err != nil {
		return nil, err
	}
	hc, err := f.httpClient(nil)
	if err != nil {
		return nil, err
	}
	return &auth.Client{HTTP: hc, APIBase: s.APIBase, OAuthBase: s.OAuthBase, ClientID: s.ClientID,
		ClientSecret: s.ClientSecret, RedirectURI: s.RedirectURI, UserAgent: s.UserAgent, Now: f.Now, Log: f.log()}, nil
}
