package auth

import (
	"context"
	"errors"
	"fmt"
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

// Client does hh.ru's OAuth: the grants (app token, code exchange, refresh),
// revocation, the /me check, and the authorize URL. The requests themselves
// and the decoding of their answers and errors are hhapi's (PostToken,
// RevokeToken, Me); all go through HTTP.
//
// It does not use x/oauth2's exchange: hh.ru's error bodies and the
// /token → /oauth/token fallback need handling x/oauth2 hides.
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
type tokenResponse = hhapi.TokenResponse

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

// api is the hhapi client for one call: hhapi builds the requests and
// decodes the answers (one request and error path for the API and its
// OAuth endpoints). bearer, when set, authorizes the call; UserAgent, when
// set, is added for an *http.Client without httpx's User-Agent layer.
func (c *Client) api(bearer string) (*hhapi.Client, error) {
	hc := c.httpClient()
	if c.UserAgent != "" || bearer != "" {
		base := hc.Transport
		if base == nil {
			base = http.DefaultTransport
		}
		cp := *hc
		cp.Transport = headers{base: base, bearer: bearer, ua: c.UserAgent}
		hc = &cp
	}
	return hhapi.New(c.apiBase(), hc)
}

// headers sets the headers of one call on the requests hhapi builds.
type headers struct {
	base       http.RoundTripper
	bearer, ua string
}

func (h headers) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	if h.ua != "" {
		r.Header.Set("User-Agent", h.ua)
		r.Header.Set("HH-User-Agent", h.ua)
	}
	if h.bearer != "" {
		r.Header.Set("Authorization", "Bearer "+h.bearer)
	}
	return h.base.RoundTrip(r)
}

// postToken posts form to the token endpoint through hhapi (which falls
// back from /token to /oauth/token). Only the grant type is logged.
func (c *Client) postToken(ctx context.Context, form url.Values) (tokenResponse, error) {
	grant := form.Get("grant_type")
	api, err := c.api("")
	if err != nil {
		return tokenResponse{}, err
	}
	start := time.Now()
	r, err := api.PostToken(ctx, form)
	c.log().Debug("hh.ru token request", "grant_type", grant, "ok", err == nil, "duration", time.Since(start).Round(time.Millisecond))
	if err == nil {
		if r.AccessToken == "" {
			return tokenResponse{}, ErrNoAccessToken
		}
		return *r, nil
	}
	if te, ok := tokenError(err); ok {
		c.log().Debug("hh.ru token error", "grant_type", grant, "status", te.StatusCode, "error", te.Code, "error_description", te.Description)
		return tokenResponse{}, te
	}
	var de *hhapi.DecodeError
	if errors.As(err, &de) {
		return tokenResponse{}, ErrNoAccessToken
	}
	return tokenResponse{}, fmt.Errorf("hh.ru token endpoint unreachable: %w", err)
}

// Revoke revokes a user access token (DELETE {api}/token, falling back to
// {api}/oauth/token on 404 or 405). hh.ru answers 204; the refresh token dies too.
// Application tokens cannot be revoked this way.
func (c *Client) Revoke(ctx context.Context, accessToken string) error {
	api, err := c.api(accessToken)
	if err != nil {
		return err
	}
	return revokeErr(api.RevokeToken(ctx))
}

// RevokeVia is Revoke with the Authorization header set by hc (for example a
// client with a Transport over a UserSource, which refreshes an expired token first).
func (c *Client) RevokeVia(ctx context.Context, hc *http.Client) error {
	cc := *c
	cc.HTTP = hc
	api, err := cc.api("")
	if err != nil {
		return err
	}
	return revokeErr(api.RevokeToken(ctx))
}

func revokeErr(err error) error {
	var ae *hhapi.APIError
	switch {
	case err == nil:
		return nil
	case !errors.As(err, &ae):
		return fmt.Errorf("revoke the user token: %w", err)
	case ae.StatusCode == http.StatusNotFound || ae.StatusCode == http.StatusMethodNotAllowed:
		return ErrNoRevocation
	}
	if v := hhapi.OAuthValue(err); v != "" {
		return fmt.Errorf("hh.ru refused to revoke the user token (HTTP %d, %s)", ae.StatusCode, v)
	}
	return fmt.Errorf("hh.ru refused to revoke the user token (HTTP %d)", ae.StatusCode)
}

// Me calls GET {api}/me with accessToken (hhapi's Me) and reports the token
// kind. A 403 oauth error comes back as an *AuthError.
func (c *Client) Me(ctx context.Context, accessToken string) (Me, error) {
	api, err := c.api(accessToken)
	if err != nil {
		return Me{}, err
	}
	m, err := api.Me(ctx)
	var ae *hhapi.APIError
	var de *hhapi.DecodeError
	switch {
	case err == nil:
		return Me{AuthType: m.AuthType, IsApplication: m.IsApplication, IsApplicant: m.IsApplicant,
			IsEmployer: m.IsEmployer, IsAdmin: m.IsAdmin}, nil
	case errors.As(err, &ae):
		if v := hhapi.OAuthValue(err); v != "" {
			return Me{}, &AuthError{StatusCode: ae.StatusCode, Value: v}
		}
		return Me{}, fmt.Errorf("GET /me: HTTP %d", ae.StatusCode)
	case errors.As(err, &de):
		return Me{}, fmt.Errorf("GET /me: unexpected answer: %w", err)
	}
	return Me{}, fmt.Errorf("hh.ru unreachable: %w", err)
}
