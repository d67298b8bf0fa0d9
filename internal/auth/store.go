package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// LockFile is the name of the cross-process lock file next to tokens.json.
const LockFile = "tokens.lock"

// TokenStore is tokens.json in the config dir: mode 0600, dir 0700, written
// atomically. Changes that must not race with other hhjobs processes (a
// refresh, a new app token) go through Update, which holds an exclusive
// file lock while it re-reads, changes and writes the file.
type TokenStore struct {
	Dir string
}

// NewTokenStore returns the store in dir (the config dir).
func NewTokenStore(dir string) *TokenStore { return &TokenStore{Dir: dir} }

// Path is the path of tokens.json.
func (s *TokenStore) Path() string { return filepath.Join(s.Dir, TokensFile) }

// Load reads tokens.json. A missing file is an empty Tokens. A file others
// can read is refused with an *InsecureFileError.
func (s *TokenStore) Load() (Tokens, error) {
	var t Tokens
	b, err := readSecretFile(s.Path())
	if errors.Is(err, fs.ErrNotExist) {
		return t, nil
	}
	if err != nil {
		return t, err
	}
	if err := json.Unmarshal(b, &t); err != nil {
		// Never quote the content: it holds tokens.
		return Tokens{}, &CorruptTokensError{Path: s.Path()}
	}
	return t, nil
}

// Save writes tokens.json atomically (0600 in a 0700 dir).
func (s *TokenStore) Save(t Tokens) error {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(s.Path(), append(b, '\n'))
}

// Lock takes the exclusive cross-process lock (tokens.lock in the config
// dir), waiting until ctx is done. Call the returned func to release it.
func (s *TokenStore) Lock(ctx context.Context) (unlock func(), err error) {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", s.Dir, err)
	}
	path := filepath.Join(s.Dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if ok {
			return func() { _ = unlockFile(f); _ = f.Close() }, nil
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waiting for another hhjobs process to release %s: %w", path, ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// Update holds the lock, re-reads tokens.json, applies fn and saves the
// result (unless fn returns an error, which Update returns unchanged).
func (s *TokenStore) Update(ctx context.Context, fn func(*Tokens) error) error {
	unlock, err := s.Lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	t, err := s.Load()
	if err != nil {
		return err
	}
	if err := fn(&t); err != nil {
		return err
	}
	return s.Save(t)
}
