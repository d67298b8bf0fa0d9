package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/postgres"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

// Factory builds dependencies lazily, so that --help never opens a database
// and commands that do not talk to hh.ru never need a User-Agent.
type Factory struct {
	IO       *IOStreams
	Settings *Settings
	Now      func() time.Time

	mu    sync.Mutex
	store store.Store
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
	if f.store != nil {
		return f.store, nil
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
	f.store = s
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
	if f.store != nil {
		_ = f.store.Close()
		f.store = nil
	}
}
