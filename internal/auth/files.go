package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/hhjobs/hhjobs/internal/atomicfile"
)

// File names inside the config dir (DESIGN.md §4).
const (
	TokensFile = "tokens.json"
	ConfigFile = "config.json"
)

// ErrInsecureFile is returned when a file holding secrets is readable by others.
var ErrInsecureFile = errors.New("file with secrets is readable by other users")

// InsecureFileError names the file and its mode, and says how to fix it.
type InsecureFileError struct {
	Path string
	Mode fs.FileMode
}

func (e *InsecureFileError) Error() string {
	return fmt.Sprintf("%s has mode %04o and may hold secrets: run 'chmod 600 %s' and try again", e.Path, e.Mode.Perm(), e.Path)
}

func (e *InsecureFileError) Is(target error) bool { return target == ErrInsecureFile }

// Config is config.json: settings that are not secrets, plus the client
// secret only when the user asked to save it (auth app --save-credentials).
type Config struct {
	ClientID     string `json:"client_id,omitempty"`
	ClientSecret string `json:"client_secret,omitempty"`
	RedirectURI  string `json:"redirect_uri,omitempty"`
	UserAgent    string `json:"user_agent,omitempty"`
	APIBase      string `json:"api_base,omitempty"`
	OAuthBase    string `json:"oauth_base,omitempty"`
	DB           string `json:"db,omitempty"`
}

// LoadConfig reads dir/config.json. A missing file is an empty Config.
// A file others can read is refused when it holds a client secret.
func LoadConfig(dir string) (Config, error) {
	var c Config
	path := filepath.Join(dir, ConfigFile)
	b, err := readSecretFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil && !errors.Is(err, ErrInsecureFile) {
		return c, err
	}
	insecure := err
	if jerr := json.Unmarshal(b, &c); jerr != nil {
		return Config{}, fmt.Errorf("read %s: not valid JSON (%v): fix or delete it", path, jerr)
	}
	if insecure != nil && c.ClientSecret != "" {
		return Config{}, insecure
	}
	return c, nil
}

// SaveConfig writes dir/config.json atomically with mode 0600.
func SaveConfig(dir string, c Config) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(filepath.Join(dir, ConfigFile), append(b, '\n'))
}

// readSecretFile reads path and checks that only its owner can read it.
// The content is returned together with an *InsecureFileError when the mode is too open.
func readSecretFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory, expected a file", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return b, &InsecureFileError{Path: path, Mode: fi.Mode()}
	}
	return b, nil
}

// WriteFileAtomic writes data to path with mode 0600 inside a 0700 directory
// (atomicfile.WritePrivate): a crash leaves either the old or the new file,
// never a torn one. Kept for its callers outside auth (cli/rates.go).
func WriteFileAtomic(path string, data []byte) error { return atomicfile.WritePrivate(path, data) }
