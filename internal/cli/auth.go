package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"time"

	"github.com/cli/browser"
	"github.com/spf13/cobra"

	"github.com/hhjobs/hhjobs/internal/auth"
	"github.com/hhjobs/hhjobs/internal/safetext"
)

// NewCmdAuth builds `hhjobs auth` and its subcommands.
func NewCmdAuth(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auth",
		Short: "Get, show and forget hh.ru tokens (application token, user login)",
		Long: `Get, show and forget hh.ru tokens.

Collecting vacancies needs an application token: run 'hhjobs auth app' once
with HH_CLIENT_ID and HH_CLIENT_SECRET set (from your app at dev.hh.ru).
'hhjobs auth login' logs in as an hh.ru user (employer/applicant data only).
Tokens are kept in tokens.json in the config dir (mode 0600) and never printed.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(NewCmdAuthApp(f, nil), NewCmdAuthLogin(f, nil), NewCmdAuthStatus(f, nil), NewCmdAuthLogout(f, nil))
	return cmd
}

// ---- auth app ----

// AuthAppOptions are the flags of `hhjobs auth app`.
type AuthAppOptions struct {
	*Factory
	Force           int // --force given once: re-issue if hh.ru rejects the stored token; twice: re-issue anyway
	SaveCredentials bool
}

// NewCmdAuthApp builds `hhjobs auth app`.
func NewCmdAuthApp(f *Factory, runF func(context.Context, *AuthAppOptions) error) *cobra.Command {
	opts := &AuthAppOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "app",
		Short: "Get and store the application token (client_credentials)",
		Long: `Get the application token with HH_CLIENT_ID and HH_CLIENT_SECRET and store it.

The token does not expire. A stored token is kept: re-issuing revokes the old
one for every running hhjobs, and hh.ru allows it only once per 5 minutes.
--force asks hh.ru about the stored token first (GET /me) and re-issues it only
if hh.ru rejects it; --force --force re-issues it without asking.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runAuthApp(cmd.Context(), opts)
		},
	}
	cmd.Flags().CountVar(&opts.Force, "force", "re-issue the stored token if hh.ru rejects it; twice (--force --force): re-issue it anyway (revokes the old one; once per 5 minutes)")
	cmd.Flags().BoolVar(&opts.SaveCredentials, "save-credentials", false, "also store the client id and secret in config.json (mode 0600)")
	return cmd
}

func runAuthApp(ctx context.Context, opts *AuthAppOptions) error {
	c, err := opts.client(true)
	if err != nil {
		return err
	}
	st := opts.TokenStore()
	errOut := opts.IO.Err
	// --force once re-issues only a token hh.ru rejects: ask it first.
	checked, rejected, err := checkStoredApp(ctx, c, st, opts.Force == 1)
	if err != nil {
		return err
	}
	var kept *auth.AppToken
	var issued bool
	err = st.Update(ctx, func(t *auth.Tokens) error {
		if t.App != nil && t.App.AccessToken != "" {
			if opts.Force == 0 || (opts.Force == 1 && (!rejected || t.App.AccessToken != checked)) {
				a := *t.App
				kept = &a
				return errKeep
			}
			if next := t.App.ObtainedAt.Add(auth.AppTokenMinInterval); !rejected && opts.now().Before(next) {
				return fmt.Errorf("the stored application token was issued at %s; hh.ru allows a new one only once per 5 minutes (and re-issuing revokes the current one): retry after %s (in %s)",
					fmtTime(t.App.ObtainedAt), fmtTime(next), next.Sub(opts.now()).Round(time.Second))
			}
		}
		tok, err := c.IssueAppToken(ctx)
		if err != nil {
			return err
		}
		t.App = &tok
		issued = true
		return nil
	})
	switch {
	case errors.Is(err, errKeep):
		fmt.Fprintln(errOut, keptAppMessage(kept, opts.Force, rejected, checked))
	case rejected && errors.Is(err, auth.ErrAppTokenTooEarly):
		return errors.New("hh.ru rejects the stored application token, and allows a new one only once per 5 minutes: wait a few minutes, then run 'hhjobs auth app --force' again")
	case err != nil:
		return authError(err)
	}
	if issued {
		fmt.Fprintf(errOut, "Application token obtained and saved to %s. It does not expire; collection commands use it automatically.\n", st.Path())
	}
	if opts.SaveCredentials {
		cfg := opts.Settings.Config
		cfg.ClientID, cfg.ClientSecret = opts.Settings.ClientID, opts.Settings.ClientSecret
		if opts.Settings.RedirectURI != "" {
			cfg.RedirectURI = opts.Settings.RedirectURI
		}
		if err := auth.SaveConfig(opts.Settings.ConfigDir, cfg); err != nil {
			return err
		}
		fmt.Fprintf(errOut, "Client id and secret saved to %s (mode 0600).\n", filepath.Join(opts.Settings.ConfigDir, auth.ConfigFile))
	}
	return nil
}

var errKeep = errors.New("keep the stored token")

// authError makes auth errors that are the caller's to fix usage errors.
func authError(err error) error {
	if errors.Is(err, auth.ErrNoCredentials) || errors.Is(err, auth.ErrBadRedirectURI) {
		return &UsageError{Err: err}
	}
	return err
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "at an unknown time"
	}
	return t.Local().Format("2006-01-02 15:04:05 MST")
}

// ---- auth login ----

// AuthLoginOptions are the flags of `hhjobs auth login`.
type AuthLoginOptions struct {
	*Factory
	NoBrowser bool
	Timeout   time.Duration
}

// NewCmdAuthLogin builds `hhjobs auth login`.
func NewCmdAuthLogin(f *Factory, runF func(context.Context, *AuthLoginOptions) error) *cobra.Command {
	opts := &AuthLoginOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Log in as an hh.ru user through the browser (authorization code flow)",
		Long: `Log in as an hh.ru user: hhjobs opens the hh.ru consent page and listens on
HH_REDIRECT_URI (a fixed loopback URL registered for your app at dev.hh.ru,
such as http://127.0.0.1:53682/callback) for the redirect. The user token is
stored and refreshed automatically.

With --no-browser the URL is only printed, and you may paste the URL you were
redirected to (or just its code) on stdin, e.g. over SSH.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Timeout <= 0 {
				return usageErrorf("--timeout %s: want a positive duration such as 5m", opts.Timeout)
			}
			if _, err := auth.ValidateRedirectURI(opts.Settings.RedirectURI); err != nil {
				return &UsageError{Err: err}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runAuthLogin(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.NoBrowser, "no-browser", false, "print the URL instead of opening a browser, and accept the pasted redirect URL or code on stdin")
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", auth.DefaultLoginTimeout, "how long to wait for the login")
	return cmd
}

var quietBrowser sync.Once

func openBrowser(u string) error {
	quietBrowser.Do(func() { browser.Stdout, browser.Stderr = io.Discard, io.Discard })
	return browser.OpenURL(u)
}

func runAuthLogin(ctx context.Context, opts *AuthLoginOptions) error {
	c, err := opts.client(true)
	if err != nil {
		return err
	}
	flow := &auth.LoginFlow{Client: c, Out: opts.IO.Err, Timeout: opts.Timeout, Log: opts.log(),
		Explain: loginPageMessage, Command: "'hhjobs auth login'"}
	if opts.NoBrowser {
		flow.In = opts.IO.In
	} else {
		flow.OpenBrowser = opts.OpenBrowser
		if flow.OpenBrowser == nil {
			flow.OpenBrowser = openBrowser
		}
	}
	tok, err := flow.Run(ctx)
	if err != nil {
		return authError(err)
	}
	st := opts.TokenStore()
	if err := st.Update(ctx, func(t *auth.Tokens) error { t.User = &tok; return nil }); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Err, "Logged in to hh.ru. The user token expires %s and is refreshed automatically; saved to %s.\n",
		fmtTime(tok.ExpiresAt), st.Path())
	return nil
}

// ---- auth status ----

// AuthStatusOptions are the flags of `hhjobs auth status`.
type AuthStatusOptions struct {
	*Factory
	JSON bool
}

// NewCmdAuthStatus builds `hhjobs auth status`.
func NewCmdAuthStatus(f *Factory, runF func(context.Context, *AuthStatusOptions) error) *cobra.Command {
	opts := &AuthStatusOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show which tokens are stored, their kind (asked from hh.ru) and expiry — never the tokens",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runAuthStatus(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON on stdout")
	return cmd
}

// AuthStatus is `auth status --json`. It never holds a token.
type AuthStatus struct {
	TokenFile string          `json:"token_file"`
	App       *AppTokenStatus `json:"app"`
	User      *UserTokenStat  `json:"user"`
	// Checked: hh.ru was asked (GET /me); CheckError says why not or what failed.
	Checked    bool   `json:"checked"`
	CheckError string `json:"check_error,omitempty"`
}

// AppTokenStatus describes the stored application token.
type AppTokenStatus struct {
	ObtainedAt time.Time `json:"obtained_at"`
	Kind       string    `json:"kind,omitempty"`  // from GET /me
	Valid      *bool     `json:"valid,omitempty"` // nil = not checked
	Problem    string    `json:"problem,omitempty"`
}

// UserTokenStat describes the stored user token.
type UserTokenStat struct {
	ObtainedAt  time.Time  `json:"obtained_at"`
	RefreshedAt *time.Time `json:"refreshed_at"`
	ExpiresAt   time.Time  `json:"expires_at"`
	Expired     bool       `json:"expired"`
	Kind        string     `json:"kind,omitempty"`
	Valid       *bool      `json:"valid,omitempty"`
	Problem     string     `json:"problem,omitempty"`
}

func runAuthStatus(ctx context.Context, opts *AuthStatusOptions) error {
	st := opts.TokenStore()
	toks, err := st.Load()
	if err != nil {
		return err
	}
	now := opts.now()
	out := AuthStatus{TokenFile: st.Path()}
	if toks.App != nil {
		out.App = &AppTokenStatus{ObtainedAt: toks.App.ObtainedAt}
	}
	if u := toks.User; u != nil {
		out.User = &UserTokenStat{ObtainedAt: u.ObtainedAt, ExpiresAt: u.ExpiresAt, Expired: u.Expired(now)}
		if !u.RefreshedAt.IsZero() {
			r := u.RefreshedAt
			out.User.RefreshedAt = &r
		}
	}
	if toks.App != nil || toks.User != nil {
		statusCheck(ctx, opts, toks, &out)
	}
	if opts.JSON {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	w := opts.IO.Err
	fmt.Fprintf(w, "Token file: %s\n", out.TokenFile)
	if a := out.App; a != nil {
		fmt.Fprintf(w, "Application token: stored, obtained %s, does not expire%s\n", fmtTime(a.ObtainedAt), checkText(a.Kind, a.Valid, a.Problem))
	} else {
		fmt.Fprintln(w, "Application token: none (run 'hhjobs auth app'; collecting vacancies needs it)")
	}
	if u := out.User; u != nil {
		refreshed := "never refreshed"
		if u.RefreshedAt != nil {
			refreshed = "last refreshed " + fmtTime(*u.RefreshedAt)
		}
		exp := "expires " + fmtTime(u.ExpiresAt)
		if u.Expired {
			exp = "expired " + fmtTime(u.ExpiresAt) + " (refreshed automatically on next use)"
		}
		fmt.Fprintf(w, "User token: stored, obtained %s, %s, %s%s\n", fmtTime(u.ObtainedAt), refreshed, exp, checkText(u.Kind, u.Valid, u.Problem))
	} else {
		fmt.Fprintln(w, "User token: none (only needed for employer/applicant data: 'hhjobs auth login')")
	}
	if !out.Checked && out.CheckError != "" {
		fmt.Fprintf(w, "Not checked with hh.ru: %s\n", safetext.Terminal(out.CheckError))
	}
	return nil
}

func checkText(kind string, valid *bool, problem string) string {
	switch {
	case valid == nil:
		return ""
	case *valid:
		return "; hh.ru says: " + safetext.Terminal(kind)
	default:
		return "; hh.ru says: " + safetext.Terminal(problem)
	}
}

// statusCheck asks GET /me about each token. It never refreshes or changes the store.
func statusCheck(ctx context.Context, opts *AuthStatusOptions, toks auth.Tokens, out *AuthStatus) {
	c, err := opts.client(false)
	if err != nil {
		out.CheckError = explain(err)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	check := func(tok string, app bool) (kind string, valid *bool, problem string, reached bool) {
		me, err := c.Me(ctx, tok)
		yes, no := true, false
		var ae *auth.AuthError
		switch {
		case err == nil:
			return me.Kind(), &yes, "", true
		case errors.As(err, &ae):
			ae.App = app
			if !app && ae.Value == "token_expired" {
				return "", &no, "expired (refreshed automatically on next use)", true
			}
			return "", &no, explain(ae), true
		default:
			out.CheckError = "could not reach hh.ru (" + explain(err) + "); showing local information only"
			return "", nil, "", false
		}
	}
	if out.App != nil {
		var reached bool
		out.App.Kind, out.App.Valid, out.App.Problem, reached = check(toks.App.AccessToken, true)
		if !reached {
			return
		}
		out.Checked = true
	}
	if out.User != nil {
		var reached bool
		out.User.Kind, out.User.Valid, out.User.Problem, reached = check(toks.User.AccessToken, false)
		out.Checked = out.Checked || reached
	}
}

// ---- auth logout ----

// AuthLogoutOptions are the flags of `hhjobs auth logout`.
type AuthLogoutOptions struct {
	*Factory
	All bool
}

// NewCmdAuthLogout builds `hhjobs auth logout`.
func NewCmdAuthLogout(f *Factory, runF func(context.Context, *AuthLogoutOptions) error) *cobra.Command {
	opts := &AuthLogoutOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Revoke the user token at hh.ru and forget it (--all: forget the application token too)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runAuthLogout(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.All, "all", false, "also forget the application token (hh.ru cannot revoke it; it stays valid until re-issued)")
	return cmd
}

func runAuthLogout(ctx context.Context, opts *AuthLogoutOptions) error {
	st := opts.TokenStore()
	toks, err := st.Load()
	if err != nil {
		return err
	}
	w := opts.IO.Err
	if toks.User == nil && (!opts.All || toks.App == nil) {
		if toks.App != nil {
			fmt.Fprintln(w, "Not logged in as a user; nothing to do (the application token is kept: use --all to forget it too).")
		} else {
			fmt.Fprintln(w, "No tokens stored; nothing to do.")
		}
		return nil
	}
	if toks.User != nil {
		if err := revokeUser(ctx, opts, st); err != nil {
			fmt.Fprintf(w, "Warning: %s; the user token is forgotten here but stays valid at hh.ru until it expires.\n", safetext.Terminal(explain(err)))
		} else {
			fmt.Fprintln(w, "User token revoked at hh.ru.")
		}
	}
	err = st.Update(ctx, func(t *auth.Tokens) error {
		t.User = nil
		if opts.All {
			t.App = nil
		}
		return nil
	})
	if err != nil {
		return err
	}
	msg := "User token forgotten."
	if opts.All && toks.App != nil {
		msg = "Tokens forgotten. The application token cannot be revoked by hh.ru's API; it stays valid until re-issued ('hhjobs auth app --force')."
	} else if toks.App != nil {
		msg += " The application token is kept (use --all to forget it too)."
	}
	fmt.Fprintln(w, msg)
	return nil
}

// revokeUser revokes through a UserSource, so an expired token is refreshed first.
func revokeUser(ctx context.Context, opts *AuthLogoutOptions, st *auth.TokenStore) error {
	c, err := opts.client(false)
	if err != nil {
		return err
	}
	src := &auth.UserSource{Store: st, Client: c, Now: opts.Now, Log: opts.log()}
	hc, err := opts.httpClient(auth.Wrap(src))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return c.RevokeVia(ctx, hc)
}
