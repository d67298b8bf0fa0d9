package auth

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/hhjobs/hhjobs/internal/hhapi"
)

// Sentinel errors. They state what is wrong; what to do about it (which
// command to run) is the edge's to say: the CLI words them in cli/messages.go.
var (
	// ErrNoCredentials: no client id/secret configured.
	ErrNoCredentials = errors.New("no hh.ru client credentials: set HH_CLIENT_ID and HH_CLIENT_SECRET (from your app at dev.hh.ru)")
	// ErrNoAppToken: no application token stored.
	ErrNoAppToken = errors.New("no application token stored")
	// ErrNotLoggedIn: no user token stored.
	ErrNotLoggedIn = errors.New("not logged in to hh.ru as a user")
	// ErrAppTokenInvalid: hh.ru rejected the stored application token
	// (403 oauth bad_authorization or token_revoked).
	ErrAppTokenInvalid = errors.New("hh.ru rejected the stored application token (re-issued elsewhere or revoked)")
	// ErrAppTokenTooEarly: an application token was issued less than 5 minutes ago.
	ErrAppTokenTooEarly = errors.New("hh.ru allows a new application token only once per 5 minutes")
	// ErrLoginRequired: the user token cannot be refreshed any more; the user
	// must log in again. *TokenError and *AuthError values match it with errors.Is.
	ErrLoginRequired = errors.New("the hh.ru user login is no longer valid")
	// ErrBadCredentials: hh.ru does not know the client id/secret.
	ErrBadCredentials = errors.New("hh.ru does not know this client id/secret")
	// ErrAccessDenied: the user pressed "deny" on the hh.ru consent page.
	ErrAccessDenied = errors.New("access was denied on the hh.ru consent page")
	// ErrLoginTimeout: no redirect arrived in time.
	ErrLoginTimeout = errors.New("no login redirect arrived in time")
	// ErrBadRedirectURI: HH_REDIRECT_URI is not a fixed loopback URL.
	ErrBadRedirectURI = errors.New("bad redirect URI")
	// ErrNoAccessToken: the token endpoint answered 200 without a token
	// (most likely not hh.ru's: a wrong API address).
	ErrNoAccessToken = errors.New("hh.ru token endpoint answered 200 without an access token")
	// ErrNoRevocation: the API has no token revocation endpoint.
	ErrNoRevocation = errors.New("hh.ru has no token revocation endpoint at this API address")
)

// LoginError is a login that hh.ru's consent page ended with an error other
// than access_denied (ErrAccessDenied).
type LoginError struct{ Code string }

func (e *LoginError) Error() string { return fmt.Sprintf("hh.ru login failed (%s)", e.Code) }

// ListenError is the loopback listener for the login redirect that could not
// be opened (another login running, or the port of HH_REDIRECT_URI taken).
type ListenError struct {
	Addr string
	Err  error
}

func (e *ListenError) Error() string {
	return fmt.Sprintf("listen on %s for the login redirect: %v", e.Addr, e.Err)
}
func (e *ListenError) Unwrap() error { return e.Err }

// CorruptTokensError is a token file that is not valid JSON. Its content is
// never quoted: it holds tokens.
type CorruptTokensError struct{ Path string }

func (e *CorruptTokensError) Error() string { return fmt.Sprintf("read %s: not valid JSON", e.Path) }

// TokenError is an error answer of the token endpoint (REFERENCE §3.5):
// {"error": Code, "error_description": Description}. Error() says what
// happened, in words and with hh.ru's raw codes; what to do is the edge's
// (by Key).
type TokenError struct {
	StatusCode  int
	Code        string
	Description string
}

// tokenErrors maps hh.ru's token-endpoint errors (REFERENCE §3.5) to what
// happened and the sentinel they match. The key is "error/error_description"
// (TokenError.Key).
var tokenErrors = map[string]struct {
	msg  string
	kind error // matched by errors.Is; nil = none
}{
	"invalid_request/account not found":                   {"hh.ru does not know this client id/secret pair", ErrBadCredentials},
	"invalid_request/account is locked":                   {"the hh.ru account is locked", ErrLoginRequired},
	"invalid_request/password invalidated":                {"hh.ru requires a password reset for this account", ErrLoginRequired},
	"invalid_request/login not verified":                  {"the hh.ru account is not confirmed yet", ErrLoginRequired},
	"invalid_request/bad redirect url":                    {"hh.ru rejected the redirect URI", nil},
	"invalid_request/token is empty":                      {"the stored user login has no refresh token", ErrLoginRequired},
	"invalid_request/token not found":                     {"hh.ru does not know the stored refresh token", ErrLoginRequired},
	"invalid_request/code not found":                      {"hh.ru does not know this authorization code (mistyped, or issued to another app)", ErrLoginRequired},
	"invalid_client/client_id or client_secret not found": {"hh.ru does not know this client id or secret (app deleted, or secret changed)", ErrBadCredentials},
	"invalid_grant/token has already been refreshed":      {"the refresh token was already used (by another hhjobs or a copy of tokens.json)", ErrLoginRequired},
	"invalid_grant/token not expired":                     {"hh.ru refuses to refresh a user token that has not expired yet", nil},
	"invalid_grant/token was revoked":                     {"the user token was revoked (logged out, or the password expired)", ErrLoginRequired},
	"invalid_grant/bad token":                             {"hh.ru says the stored refresh token is malformed", ErrLoginRequired},
	"invalid_grant/code has already been used":            {"this authorization code was already used", ErrLoginRequired},
	"invalid_grant/code expired":                          {"the authorization code expired before it was exchanged", ErrLoginRequired},
	"invalid_grant/code was revoke":                       {"the authorization code was revoked (the password expired?)", ErrLoginRequired},
	"invalid_grant/code was revoked":                      {"the authorization code was revoked (the password expired?)", ErrLoginRequired},
	"invalid_grant/token deactivated":                     {"the user token was deactivated (the password was changed?)", ErrLoginRequired},
	"unsupported_grant_type/unsupported grant_type":       {"hh.ru does not support the grant type hhjobs sent", nil},
	"forbidden/app token refresh too early":               {"hh.ru allows a new application token only once per 5 minutes (the current one stays valid)", ErrAppTokenTooEarly},
}

// Key is "error/error_description" as hh.ru sent them (description folded
// to lower case), the key of the tables that word a token error.
func (e *TokenError) Key() string {
	return e.Code + "/" + strings.ToLower(strings.TrimSpace(e.Description))
}

func (e *TokenError) classify() (string, error) {
	if a, ok := tokenErrors[e.Key()]; ok {
		return a.msg, a.kind
	}
	switch e.Code {
	case "invalid_grant":
		return "hh.ru refused the user login", ErrLoginRequired
	case "invalid_client":
		return "hh.ru does not know this client id or secret", ErrBadCredentials
	case "unsupported_grant_type":
		return tokenErrors["unsupported_grant_type/unsupported grant_type"].msg, nil
	}
	if e.StatusCode >= 500 {
		return fmt.Sprintf("hh.ru's token endpoint failed (HTTP %d)", e.StatusCode), nil
	}
	return fmt.Sprintf("hh.ru's token endpoint refused the request (HTTP %d)", e.StatusCode), nil
}

// Message says what happened in words, without hh.ru's raw codes.
func (e *TokenError) Message() string { m, _ := e.classify(); return m }

// Raw is hh.ru's own codes as Error() appends them ("" when there are none).
func (e *TokenError) Raw() string {
	if e.Code == "" {
		return ""
	}
	return fmt.Sprintf(" [hh.ru: %s: %s]", e.Code, e.Description)
}

func (e *TokenError) Error() string { return e.Message() + e.Raw() }

// Is matches ErrLoginRequired, ErrBadCredentials or ErrAppTokenTooEarly as the table says.
func (e *TokenError) Is(target error) bool {
	_, kind := e.classify()
	return kind != nil && target == kind
}

// tokenError turns an error answer of the token endpoint, as hhapi decoded
// it, into a *TokenError: hh.ru's {"error", "error_description"}, or the API
// error envelope some answers use instead (§4), whose oauth value becomes
// Code "oauth".
func tokenError(err error) (*TokenError, bool) {
	var oe *hhapi.OAuthError
	if errors.As(err, &oe) {
		return &TokenError{StatusCode: oe.StatusCode, Code: oe.Code, Description: oe.Description}, true
	}
	var ae *hhapi.APIError
	if errors.As(err, &ae) {
		te := &TokenError{StatusCode: ae.StatusCode}
		if v := hhapi.OAuthValue(err); v != "" {
			te.Code, te.Description = "oauth", v
		}
		return te, true
	}
	return nil, false
}

// AuthError is a 403 from an API endpoint with errors[].type "oauth"
// (REFERENCE §3.6): Value is bad_authorization, token_expired, token_revoked, ….
type AuthError struct {
	StatusCode int
	Value      string
	App        bool // the rejected token was the application token
}

// Error says which token hh.ru refused and why; the edge adds what to do.
func (e *AuthError) Error() string {
	switch {
	case e.App && (e.Value == "bad_authorization" || e.Value == "token_revoked"):
		return ErrAppTokenInvalid.Error()
	case e.Value == "bad_authorization" || e.Value == "token_revoked" || e.Value == "token_expired":
		return fmt.Sprintf("hh.ru rejected the user token (%s)", e.Value)
	case e.Value == "application_not_found":
		return "hh.ru says the application no longer exists"
	case e.Value == "user_auth_expected":
		return "this hh.ru method needs a user login"
	case e.Value == "application_auth_expected":
		return "this hh.ru method needs the application token"
	}
	return fmt.Sprintf("hh.ru refused the token (HTTP %d, oauth %s)", e.StatusCode, e.Value)
}

// Is matches ErrAppTokenInvalid for a rejected app token and ErrLoginRequired
// for a rejected user token.
func (e *AuthError) Is(target error) bool {
	bad := e.Value == "bad_authorization" || e.Value == "token_revoked"
	switch target {
	case ErrAppTokenInvalid:
		return e.App && bad
	case ErrLoginRequired:
		return !e.App && (bad || e.Value == "token_expired")
	}
	return false
}

// oauthValue is the oauth error value (bad_authorization, token_expired, …)
// of an API answer whose body has been read, as hhapi decodes it; "" if none.
func oauthValue(resp *http.Response, body []byte) string {
	return hhapi.OAuthValue(hhapi.CheckResponse(&http.Response{StatusCode: resp.StatusCode, Header: resp.Header,
		Body: io.NopCloser(bytes.NewReader(body))}))
}
