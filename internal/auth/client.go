package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/hhjobs/hhjobs/internal/hhapi"
)

// Default hosts (REFERENCE §1).
const (
	DefaultAPIBase   = hhapi.DefaultAPIBase
	DefaultOAuthBase = "https://hh.ru"
)

// AppTokenMinInterval is how often hh.ru lets an application re-issue its token.
const AppTokenMinInterval = 5 * time.Minute

// Client talks to hh.ru's OAuth endpoints: the token endpoint (POST /token,
// falling back to the old /oauth/token on 404), revocation, /me, and builds
// the authorize URL. All requests go through HTTP.
//
// It uses plain form posts rather than x/oauth2's exchange: hh.ru's error
// bodies and the /token → /oauth/token fallback need handling x/oauth2 hides.
type Client struct {
	HTTP         *http.Client // required
	APIBase      string       // default DefaultAPIBase
	OAuthBase    string       // authorize page host; default DefaultOAuthBase
	ClientID     string
	ClientSecret string
	RedirectURI  string
	UserAgent    string // sent as User-Agent and HH-User-Agent on token requests when set
	Now          func() time.Time
	Log          *slog.Logger // nil = silent; never given secrets
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Client) log() *slog.Logger {
	if c.Log != nil {
		return c.Log
	}
	return slog.New(slog.DiscardHandler)
}

func (c *Client) apiBase() string {
	if c.APIBase == "" {
		return DefaultAPIBase
	}
	return strings.TrimRight(c.APIBase, "/")
}

func (c *Client) oauthBase() string {
	if c.OAuthBase == "" {
		return DefaultOAuthBase
	}
	return strings.TrimRight(c.OAuthBase, "/")
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

// AuthCodeURL is the authorize page URL for state:
// {oauth-base}/oauth/authorize?response_type=code&client_id=…&state=…&redirect_uri=….
func (c *Client) AuthCodeURL(state string) string {
	cfg := oauth2.Config{
		ClientID:    c.ClientID,
		Endpoint:    oauth2.Endpoint{AuthURL: c.oauthBase() + "/oauth/authorize", TokenURL: c.apiBase() + "/token", AuthStyle: oauth2.AuthStyleInParams},
		RedirectURL: c.RedirectURI,
	}
	return cfg.AuthCodeURL(state)
}

// tokenResponse is a 200 answer of the token endpoint.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
}

// IssueAppToken asks for a new application token (client_credentials).
// hh.ru revokes the previous one; a second call within 5 minutes fails with
// a *TokenError that Is ErrAppTokenTooEarly.
func (c *Client) IssueAppToken(ctx context.Context) (AppToken, error) {
	if err := c.needCredentials(); err != nil {
		return AppToken{}, err
	}
	r, err := c.postToken(ctx, url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {c.ClientID},
		"client_secret": {c.ClientSecret},
	})
	if err != nil {
		return AppToken{}, err
	}
	return AppToken{AccessToken: r.AccessToken, ObtainedAt: c.now().UTC()}, nil
}

// Exchange trades an authorization code for a user token pair.
func (c *Client) Exchange(ctx context.Context, code string) (Token, error) {
	if err := c.needCredentials(); err != nil {
		return Token{}, err
	}
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"client_id":     {c.ClientID},
		"client_secret": {c.ClientSecret},
		"code":          {code},
	}
	if c.RedirectURI != "" {
		form.Set("redirect_uri", c.RedirectURI)
	}
	r, err := c.postToken(ctx, form)
	if err != nil {
		return Token{}, err
	}
	now := c.now().UTC()
	return c.userToken(r, now, now, time.Time{})
}

// Refresh trades a refresh token for a new pair. hh.ru allows it only after
// the access token has expired, and only once per refresh token: save the
// result at once.
func (c *Client) Refresh(ctx context.Context, refreshToken string) (Token, error) {
	r, err := c.postToken(ctx, url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {refreshToken},
	})
	if err != nil {
		return Token{}, err
	}
	now := c.now().UTC()
	return c.userToken(r, now, time.Time{}, now)
}

func (c *Client) userToken(r tokenResponse, now, obtained, refreshed time.Time) (Token, error) {
	if r.RefreshToken == "" {
		return Token{}, errors.New("hh.ru token endpoint returned no refresh token for a user token")
	}
	exp := time.Duration(r.ExpiresIn) * time.Second
	if r.ExpiresIn <= 0 {
		exp = 14 * 24 * time.Hour // REFERENCE §3.2: 1209600 s
	}
	return Token{AccessToken: r.AccessToken, RefreshToken: r.RefreshToken, ExpiresAt: now.Add(exp),
		ObtainedAt: obtained, RefreshedAt: refreshed}, nil
}

func (c *Client) needCredentials() error {
	if c.ClientID == "" || c.ClientSecret == "" {
		return ErrNoCredentials
	}
	return nil
}

func (c *Client) setUA(req *http.Request) {
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
		req.Header.Set("HH-User-Agent", c.UserAgent)
	}
}

// postToken posts form to {api}/token, and to {api}/oauth/token if the first
// answers 404. Only the grant type and the endpoint are logged.
func (c *Client) postToken(ctx context.Context, form url.Values) (tokenResponse, error) {
	grant := form.Get("grant_type")
	body := form.Encode()
	var last *http.Response
	for _, path := range []string{"/token", "/oauth/token"} {
		endpoint := c.apiBase() + path
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(body))
		if err != nil {
			return tokenResponse{}, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		c.setUA(req)
		start := time.Now()
		resp, err := c.httpClient().Do(req)
		if err != nil {
			c.log().Debug("hh.ru token request failed", "endpoint", endpoint, "grant_type", grant, "err", err)
			return tokenResponse{}, fmt.Errorf("hh.ru token endpoint unreachable: %w", scrubURLError(err))
		}
		c.log().Debug("hh.ru token request", "endpoint", endpoint, "grant_type", grant, "status", resp.StatusCode,
			"duration", time.Since(start).Round(time.Millisecond))
		if resp.StatusCode == http.StatusNotFound && path == "/token" {
			drain(resp)
			continue
		}
		last = resp
		break
	}
	resp := last
	defer drain(resp)
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return tokenResponse{}, fmt.Errorf("read hh.ru token response: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		te := decodeTokenError(resp.StatusCode, b)
		c.log().Debug("hh.ru token error", "grant_type", grant, "status", resp.StatusCode, "error", te.Code, "error_description", te.Description)
		return tokenResponse{}, te
	}
	var r tokenResponse
	if err := json.Unmarshal(b, &r); err != nil || r.AccessToken == "" {
		return tokenResponse{}, ErrNoAccessToken
	}
	return r, nil
}

// Revoke revokes a user access token (DELETE {api}/token, falling back to
// {api}/oauth/token on 404 or 405). hh.ru answers 204; the refresh token dies too.
// Application tokens cannot be revoked this way.
func (c *Client) Revoke(ctx context.Context, accessToken string) error {
	return c.revoke(ctx, func(req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+accessToken)
		return nil
	})
}

// RevokeVia is Revoke with the Authorization header set by hc (for example a
// client with a Transport over a UserSource, which refreshes an expired token first).
func (c *Client) RevokeVia(ctx context.Context, hc *http.Client) error {
	cc := *c
	cc.HTTP = hc
	return cc.revoke(ctx, func(*http.Request) error { return nil })
}

func (c *Client) revoke(ctx context.Context, auth func(*http.Request) error) error {
	for _, path := range []string{"/token", "/oauth/token"} {
		endpoint := c.apiBase() + path
		req, err := http.NewRequestWithContext(ctx, http.MethodDelete, endpoint, nil)
		if err != nil {
			return err
		}
		c.setUA(req)
		if err := auth(req); err != nil {
			return err
		}
		resp, err := c.httpClient().Do(req)
		if err != nil {
			return fmt.Errorf("revoke the user token: %w", scrubURLError(err))
		}
		c.log().Debug("hh.ru token revocation", "endpoint", endpoint, "status", resp.StatusCode)
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		drain(resp)
		switch {
		case resp.StatusCode == http.StatusNoContent || resp.StatusCode == http.StatusOK:
			return nil
		case (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed) && path == "/token":
			continue
		default:
			if v := oauthErrorValue(b); v != "" {
				return fmt.Errorf("hh.ru refused to revoke the user token (HTTP %d, %s)", resp.StatusCode, v)
			}
			return fmt.Errorf("hh.ru refused to revoke the user token (HTTP %d)", resp.StatusCode)
		}
	}
	return ErrNoRevocation
}

// Me calls GET {api}/me with accessToken and reports the token kind.
// A 403 oauth error comes back as an *AuthError.
func (c *Client) Me(ctx context.Context, accessToken string) (Me, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.apiBase()+"/me", nil)
	if err != nil {
		return Me{}, err
	}
	c.setUA(req)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+accessToken)
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return Me{}, fmt.Errorf("hh.ru unreachable: %w", scrubURLError(err))
	}
	defer drain(resp)
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return Me{}, fmt.Errorf("read /me: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		if v := oauthErrorValue(b); v != "" {
			return Me{}, &AuthError{StatusCode: resp.StatusCode, Value: v}
		}
		return Me{}, fmt.Errorf("GET /me: HTTP %d", resp.StatusCode)
	}
	var m Me
	if err := json.Unmarshal(b, &m); err != nil {
		return Me{}, fmt.Errorf("GET /me: unexpected answer: %v", err)
	}
	return m, nil
}

func drain(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
}

// scrubURLError drops query strings from *url.Error URLs (a pasted redirect
// URL carries the code), keeping the operation and the cause.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			u.RawQuery, u.User = "", nil
			return &url.Error{Op: ue.Op, URL: u.String(), Err: ue.Err}
		}
	}
	return err
}
