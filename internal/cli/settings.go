package cli

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hhjobs/hhjobs/internal/auth"
	"github.com/hhjobs/hhjobs/internal/hhapi"
)

// Settings are the global settings, resolved flag → environment → config file → default.
type Settings struct {
	DB        string
	APIBase   string
	OAuthBase string
	UserAgent string
	ConfigDir string
	Debug     bool

	// Credentials come from the environment or config.json only (never flags:
	// a secret on the command line leaks into shell history and ps).
	ClientID     string
	ClientSecret string
	RedirectURI  string

	Config auth.Config // config.json as read

	getenv func(string) string
}

// Defaults (DESIGN.md §4).
const (
	DefaultAPIBase   = hhapi.DefaultAPIBase
	DefaultOAuthBase = auth.DefaultOAuthBase
)

// AddFlags registers the persistent flags on root.
func (s *Settings) AddFlags(root *cobra.Command) {
	pf := root.PersistentFlags()
	pf.StringVar(&s.DB, "db", "", "database: a SQLite path or sqlite:PATH, or postgres://… (env HHJOBS_DB)")
	pf.StringVar(&s.APIBase, "api-base", "", "hh.ru API base URL (env HH_API_BASE; default "+DefaultAPIBase+")")
	pf.StringVar(&s.OAuthBase, "oauth-base", "", "hh.ru authorize page base URL (env HH_OAUTH_BASE; default "+DefaultOAuthBase+")")
	pf.StringVar(&s.UserAgent, "user-agent", "", "User-Agent sent to hh.ru, e.g. 'myapp/1.0 (me@example.com)' (env HH_USER_AGENT)")
	pf.StringVar(&s.ConfigDir, "config-dir", "", "directory for tokens and config (env HHJOBS_CONFIG_DIR)")
	pf.BoolVar(&s.Debug, "debug", false, "log HTTP requests to stderr (tokens and secrets redacted)")
}

// Resolve fills unset values from the environment, config.json and defaults.
func (s *Settings) Resolve(cmd *cobra.Command) error {
	env := s.getenv
	if env == nil {
		env = os.Getenv
	}
	pick := func(flagVal, envName string) string {
		if flagVal != "" {
			return flagVal
		}
		return env(envName)
	}
	s.ConfigDir = pick(s.ConfigDir, "HHJOBS_CONFIG_DIR")
	if s.ConfigDir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			return fmt.Errorf("cannot find the user config dir (%v): set --config-dir or HHJOBS_CONFIG_DIR", err)
		}
		s.ConfigDir = filepath.Join(base, "hhjobs")
	}
	cfg, err := auth.LoadConfig(s.ConfigDir)
	if err != nil {
		return err
	}
	s.Config = cfg
	or := func(v, fallback string) string {
		if v != "" {
			return v
		}
		return fallback
	}
	s.DB = or(pick(s.DB, "HHJOBS_DB"), cfg.DB)
	s.APIBase = or(or(pick(s.APIBase, "HH_API_BASE"), cfg.APIBase), DefaultAPIBase)
	s.OAuthBase = or(or(pick(s.OAuthBase, "HH_OAUTH_BASE"), cfg.OAuthBase), DefaultOAuthBase)
	s.UserAgent = or(pick(s.UserAgent, "HH_USER_AGENT"), cfg.UserAgent)
	s.ClientID = or(env("HH_CLIENT_ID"), cfg.ClientID)
	s.ClientSecret = or(env("HH_CLIENT_SECRET"), cfg.ClientSecret)
	s.RedirectURI = or(env("HH_REDIRECT_URI"), cfg.RedirectURI)

	for _, b := range []struct{ flag, env, v string }{{"--api-base", "HH_API_BASE", s.APIBase}, {"--oauth-base", "HH_OAUTH_BASE", s.OAuthBase}} {
		if err := checkBaseURL(b.v); err != nil {
			name := b.flag
			if f := cmd.Flags().Lookup(strings.TrimPrefix(b.flag, "--")); (f == nil || !f.Changed) && env(b.env) != "" {
				name = b.env // say where the value came from
			}
			return usageErrorf("%s %q: %v", name, b.v, err)
		}
	}
	return nil
}

func checkBaseURL(v string) error {
	if !strings.Contains(v, "://") {
		return fmt.Errorf("want an http:// or https:// URL, e.g. http://%s", strings.TrimLeft(v, "/"))
	}
	u, err := url.Parse(v)
	if err != nil {
		msg := err.Error()
		var ue *url.Error
		if errors.As(err, &ue) {
			msg = ue.Err.Error()
		}
		return fmt.Errorf("not a URL (%s)", msg)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("want an http:// or https:// URL")
	}
	if u.Host == "" {
		return fmt.Errorf("no host in URL")
	}
	return nil
}

// DBLocation returns the database location: the setting, or hhjobs.db in the user data dir.
func (s *Settings) DBLocation() (string, error) {
	if s.DB != "" {
		return s.DB, nil
	}
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("cannot find a data dir (%v): set --db or HHJOBS_DB", err)
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "hhjobs", "hhjobs.db"), nil
}

// requireUserAgent is called by commands that talk to hh.ru.
func (s *Settings) requireUserAgent() error {
	if strings.TrimSpace(s.UserAgent) == "" {
		return usageErrorf("no User-Agent: hh.ru requires one naming your app and a contact, e.g. --user-agent 'myapp/1.0 (me@example.com)' or HH_USER_AGENT")
	}
	return nil
}
