package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Messages say what to do.
var (
	// ErrNoCredentials: no client id/secret configured.
	ErrNoCredentials = errors.New("no hh.ru client credentials: set HH_CLIENT_ID and HH_CLIENT_SECRET (from your app at dev.hh.ru)")
	// ErrNoAppToken: no application token stored.
	ErrNoAppToken = errors.New("no application token stored: run 'hhjobs auth app'")
	// ErrNotLoggedIn: no user token stored.
	ErrNotLoggedIn = errors.New("not logged in to hh.ru as a user: run 'hhjobs auth login'")
	// ErrAppTokenInvalid: hh.ru rejected the stored application token
	// (403 oauth bad_authorization or token_revoked).
	ErrAppTokenInvalid = errors.New("hh.ru rejected the stored application token (re-issued elsewhere or revoked): run 'hhjobs auth app --force'")
	// ErrAppTokenTooEarly: an application token was issued less than 5 minutes ago.
	ErrAppTokenTooEarly = errors.New("hh.ru allows a new application token only once per 5 minutes")
	// ErrLoginRequired: the user token cannot be refreshed any more; the user
	// must log in again. *TokenError and *AuthError values match it with errors.Is.
	ErrLoginRequired = errors.New("the hh.ru user login is no longer valid: run 'hhjobs auth login'")
	// ErrBadCredentials: hh.ru does not know the client id/secret.
	ErrBadCredentials = errors.New("hh.ru does not know this client id/secret")
	// ErrAccessDenied: the user pressed "deny" on the hh.ru consent page.
	ErrAccessDenied = errors.New("access was denied on the hh.ru consent page: run 'hhjobs auth login' again and allow access")
	// ErrLoginTimeout: no redirect arrived in time.
	ErrLoginTimeout = errors.New("no login redirect arrived in time: run 'hhjobs auth login' again (use --timeout for more time)")
	// ErrBadRedirectURI: HH_REDIRECT_URI is not a fixed loopback URL.
	ErrBadRedirectURI = errors.New("bad redirect URI")
)

// TokenError is an error answer of the token endpoint (REFERENCE §3.5):
// {"error": Code, "error_description": Description}. Error() is one line
// that says what to do.
type TokenError struct {
	StatusCode  int
	Code        string
	Description string
}

// tokenErrorAdvice maps hh.ru's token-endpoint errors (REFERENCE §3.5) to what
// the user should do. The key is "error/error_description".
var tokenErrorAdvice = map[string]struct {
	msg  string
	kind error // matched by errors.Is; nil = none
}{
	"invalid_request/account not found":                   {"hh.ru does not know this client id/secret pair: check HH_CLIENT_ID and HH_CLIENT_SECRET against your app at dev.hh.ru", ErrBadCredentials},
	"invalid_request/account is locked":                   {"the hh.ru account is locked: unlock it on hh.ru, then run 'hhjobs auth login'", ErrLoginRequired},
	"invalid_request/password invalidated":                {"hh.ru requires a password reset for this account: reset it on hh.ru, then run 'hhjobs auth login'", ErrLoginRequired},
	"invalid_request/login not verified":                  {"the hh.ru account is not confirmed yet: confirm it on hh.ru, then run 'hhjobs auth login'", ErrLoginRequired},
	"invalid_request/bad redirect url":                    {"hh.ru rejected the redirect URI: set HH_REDIRECT_URI to exactly the redirect URI registered for your app at dev.hh.ru", nil},
	"invalid_request/token is empty":                      {"the stored user login has no refresh token: run 'hhjobs auth login'", ErrLoginRequired},
	"invalid_request/token not found":                     {"hh.ru does not know the stored refresh token: run 'hhjobs auth login'", ErrLoginRequired},
	"invalid_request/code not found":                      {"hh.ru does not know this authorization code (mistyped, or issued to another app): run 'hhjobs auth login' again", ErrLoginRequired},
	"invalid_client/client_id or client_secret not found": {"hh.ru does not know this client id or secret (app deleted, or secret changed): check HH_CLIENT_ID and HH_CLIENT_SECRET at dev.hh.ru", ErrBadCredentials},
	"invalid_grant/token has already been refreshed":      {"the refresh token was already used (by another hhjobs or a copy of tokens.json): run 'hhjobs auth login'", ErrLoginRequired},
	"invalid_grant/token not expired":                     {"hh.ru refuses to refresh a user token that has not expired yet: keep using it (if this repeats, check the system clock)", nil},
	"invalid_grant/token was revoked":                     {"the user token was revoked (logged out, or the password expired): run 'hhjobs auth login'", ErrLoginRequired},
	"invalid_grant/bad token":                             {"hh.ru says the stored refresh token is malformed: run 'hhjobs auth login'", ErrLoginRequired},
	"invalid_grant/code has already been used":            {"this authorization code was already used: run 'hhjobs auth login' again for a new one", ErrLoginRequired},
	"invalid_grant/code expired":                          {"the authorization code expired before it was exchanged: run 'hhjobs auth login' again and finish it promptly", ErrLoginRequired},
	"invalid_grant/code was revoke":                       {"the authorization code was revoked (the password expired?): run 'hhjobs auth login' again", ErrLoginRequired},
	"invalid_grant/code was revoked":                      {"the authorization code was revoked (the password expired?): run 'hhjobs auth login' again", ErrLoginRequired},
	"invalid_grant/token deactivated":                     {"the user token was deactivated (the password was changed?): run 'hhjobs auth login'", ErrLoginRequired},
	"unsupported_grant_type/unsupported grant_type":       {"hh.ru does not support the grant type hhjobs sent: update hhjobs, and report it if the newest version fails too", nil},
	"forbidden/app token refresh too early":               {"hh.ru allows a new application token only once per 5 minutes (the current one stays valid): wait a few minutes, then retry 'hhjobs auth app --force'", ErrAppTokenTooEarly},
}

func (e *TokenError) advice() (string, error) {
	key := e.Code + "/" + strings.ToLower(strings.TrimSpace(e.Description))
	if a, ok := tokenErrorAdvice[key]; ok {
		return a.msg, a.kind
	}
	switch e.Code {
	case "invalid_grant":
		return "hh.ru refused the user login: run 'hhjobs auth login'", ErrLoginRequired
	case "invalid_client":
		return "hh.ru does not know this client id or secret: check HH_CLIENT_ID and HH_CLIENT_SECRET at dev.hh.ru", ErrBadCredentials
	case "unsupported_grant_type":
		return tokenErrorAdvice["unsupported_grant_type/unsupported grant_type"].msg, nil
	}
	if e.StatusCode >= 500 {
		return fmt.Sprintf("hh.ru's token endpoint failed (HTTP %d): retry later", e.StatusCode), nil
	}
	return fmt.Sprintf("hh.ru's token endpoint refused the request (HTTP %d): check --api-base and your app settings at dev.hh.ru", e.StatusCode), nil
}

// Message is the one-line advice without hh.ru's raw codes.
func (e *TokenError) Message() string { m, _ := e.advice(); return m }

func (e *TokenError) Error() string {
	m, _ := e.advice()
	if e.Code == "" {
		return m
	}
	return fmt.Sprintf("%s [hh.ru: %s: %s]", m, e.Code, e.Description)
}

// Is matches ErrLoginRequired, ErrBadCredentials or ErrAppTokenTooEarly as the table says.
func (e *TokenError) Is(target error) bool {
	_, kind := e.advice()
	return kind != nil && target == kind
}

func decodeTokenError(status int, body []byte) *TokenError {
	var b struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	te := &TokenError{StatusCode: status}
	if json.Unmarshal(body, &b) == nil {
		te.Code, te.Description = b.Error, b.Description
	}
	if te.Code == "" {
		// Some answers use the API error envelope instead (§4).
		if v := oauthErrorValue(body); v != "" {
			te.Code = "oauth"
			te.Description = v
		}
	}
	return te
}

// AuthError is a 403 from an API endpoint with errors[].type "oauth"
// (REFERENCE §3.6): Value is bad_authorization, token_expired, token_revoked, ….
type AuthError struct {
	StatusCode int
	Value      string
	App        bool // the rejected token was the application token
}

func (e *AuthError) Error() string {
	switch {
	case e.App && (e.Value == "bad_authorization" || e.Value == "token_revoked"):
		return ErrAppTokenInvalid.Error()
	case e.Value == "bad_authorization" || e.Value == "token_revoked" || e.Value == "token_expired":
		return fmt.Sprintf("hh.ru rejected the user token (%s): run 'hhjobs auth login'", e.Value)
	case e.Value == "application_not_found":
		return "hh.ru says the application no longer exists: check your app at dev.hh.ru and HH_CLIENT_ID"
	case e.Value == "user_auth_expected":
		return "this hh.ru method needs a user login: run 'hhjobs auth login'"
	case e.Value == "application_auth_expected":
		return "this hh.ru method needs the application token: run 'hhjobs auth app'"
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

// oauthErrorValue finds the oauth error value in an API error body:
// errors[].type == "oauth" → value, or the legacy top-level oauth_error
// (token-expired → token_expired).
func oauthErrorValue(body []byte) string {
	var b struct {
		Errors []struct {
			Type  string `json:"type"`
			Value any    `json:"value"`
		} `json:"errors"`
		OAuthError string `json:"oauth_error"`
	}
	if json.Unmarshal(body, &b) != nil {
		return ""
	}
	for _, e := range b.Errors {
		if e.Type == "oauth" {
			if s, ok := e.Value.(string); ok {
				return s
			}
			return "unknown"
		}
	}
	if b.OAuthError != "" {
		return strings.ReplaceAll(b.OAuthError, "-", "_")
	}
	return ""
}
