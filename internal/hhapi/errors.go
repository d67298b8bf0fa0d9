package hhapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hhjobs/hhjobs/internal/httpx"
)

// Sentinels for errors.Is on errors returned by the client (see
// (*APIError).Is for how each is matched).
var (
	ErrCaptcha      = errors.New("hh.ru demands a captcha (403 captcha_required): use an application token")
	ErrForbidden    = errors.New("hh.ru refused access (403 forbidden)")
	ErrNotFound     = errors.New("not found (404)")
	ErrRateLimited  = errors.New("rate limited by hh.ru (429)")
	ErrDepthLimit   = errors.New("search depth limit: only the first 2000 results of a query are reachable")
	ErrTokenExpired = errors.New("access token expired (oauth token_expired)")
	ErrBadToken     = errors.New("access token invalid or revoked (oauth bad_authorization/token_revoked)")
	ErrServer       = errors.New("hh.ru server error (5xx)")
	ErrBadUserAgent = errors.New("hh.ru rejected the User-Agent (400 bad_user_agent)")
	ErrBadArgument  = errors.New("hh.ru rejected a request parameter (400 bad_argument)")
)

// ErrorItem is one entry of hh.ru's errors[] envelope.
type ErrorItem struct {
	Type        string `json:"type"`                   // bad_argument, oauth, captcha_required, forbidden, not_found, …
	Value       string `json:"value,omitempty"`        // e.g. the bad parameter name, token_expired
	Reason      string `json:"reason,omitempty"`       // too_long_value, too_many_arguments, invalid
	CaptchaURL  string `json:"captcha_url,omitempty"`  // captcha_required only
	FallbackURL string `json:"fallback_url,omitempty"` // captcha_required only
}

// maxBody is how much of a non-JSON error body APIError keeps.
const maxBody = 1 << 10

// APIError is a non-2xx answer of the API (see CheckResponse).
type APIError struct {
	StatusCode  int
	Method      string // request method
	URL         string // request URL, secret-looking query values redacted
	Errors      []ErrorItem
	RequestID   string // body request_id, else the X-Request-Id header
	Description string // legacy human text, e.g. the 2000-items message
	// Body is the start (≤ 1 KB) of a non-JSON body (HTML from a proxy,
	// ddos-guard, …); nil when the body was JSON.
	Body []byte
	// Server is the response Server header ("ddos-guard" for the edge).
	Server string
	// RetryAfter is the parsed Retry-After header (429/503), if any.
	RetryAfter time.Duration
}

// Error returns a one-line message: status, error types/values and the
// request id to quote to api@hh.ru. It never contains credentials.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("hh api: ")
	if e.Method != "" || e.URL != "" {
		fmt.Fprintf(&b, "%s %s: ", e.Method, e.URL)
	}
	fmt.Fprintf(&b, "%d %s", e.StatusCode, http.StatusText(e.StatusCode))
	// Errors, Description and RequestID come from the body: each is cut to
	// one bounded line so a hostile or odd body cannot break log lines.
	if len(e.Errors) > 0 {
		var list strings.Builder
		for i, it := range e.Errors {
			if i > 0 {
				list.WriteString(", ")
			}
			list.WriteString(it.Type)
			if it.Value != "" && it.Value != it.Type {
				list.WriteString("=" + it.Value)
			}
			if it.Reason != "" {
				list.WriteString(" (" + it.Reason + ")")
			}
			if list.Len() > maxErrorList {
				break
			}
		}
		b.WriteString(": " + clipLine(list.String(), maxErrorList))
	}
	if e.Description != "" && !strings.EqualFold(e.Description, http.StatusText(e.StatusCode)) {
		b.WriteString(": " + clipLine(e.Description, 120))
	}
	if len(e.Body) > 0 && len(e.Errors) == 0 {
		fmt.Fprintf(&b, ": non-JSON body %q", oneLine(e.Body, 120))
	}
	if strings.Contains(strings.ToLower(e.Server), "ddos-guard") {
		b.WriteString(" [ddos-guard]")
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.RequestID != "" {
		b.WriteString(" (request_id " + clipLine(e.RequestID, 64) + ")")
	}
	return b.String()
}

// maxErrorList bounds the errors[] part of APIError.Error.
const maxErrorList = 160

// oneLine collapses whitespace runs (newlines included) to one space and
// keeps at most n bytes, cut on a rune boundary, marking a cut with "…".
func oneLine(b []byte, n int) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > n {
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n] + "…"
	}
	return s
}

// clipLine is oneLine for a string.
func clipLine(s string, n int) string { return oneLine([]byte(s), n) }

func (e *APIError) has(typ, value string) bool {
	for _, it := range e.Errors {
		if it.Type == typ && (value == "" || it.Value == value) {
			return true
		}
	}
	return false
}

func (e *APIError) isDepthLimit() bool {
	if e.StatusCode != http.StatusBadRequest {
		return false
	}
	if e.has("bad_argument", "page") && e.has("bad_argument", "per_page") {
		return true
	}
	return strings.Contains(e.Description, "2000")
}

func (e *APIError) isForbidden() bool {
	if e.has("forbidden", "") {
		return true
	}
	// A 403 without hh's typed errors: the ddos-guard edge (HTML or empty).
	return e.StatusCode == http.StatusForbidden && len(e.Errors) == 0
}

// Is makes the sentinels work with errors.Is.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrCaptcha:
		return e.has("captcha_required", "")
	case ErrForbidden:
		return e.isForbidden()
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound || e.has("not_found", "")
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrDepthLimit:
		return e.isDepthLimit()
	case ErrTokenExpired:
		return e.has("oauth", "token_expired")
	case ErrBadToken:
		return e.has("oauth", "bad_authorization") || e.has("oauth", "token_revoked")
	case ErrServer:
		return e.StatusCode >= 500
	case ErrBadUserAgent:
		return e.has("bad_user_agent", "")
	case ErrBadArgument:
		return e.has("bad_argument", "")
	}
	return false
}

func asAPI(err error) (*APIError, bool) {
	var e *APIError
	ok := errors.As(err, &e)
	return e, ok
}

// IsDepthLimit reports the 2000-results depth error (400 with bad_argument
// page and per_page, or the legacy "2000 items" description).
func IsDepthLimit(err error) bool { return errors.Is(err, ErrDepthLimit) }

// BadArguments returns the names of the parameters hh.ru rejected
// (bad_argument values), or nil.
func BadArguments(err error) []string {
	e, ok := asAPI(err)
	if !ok {
		return nil
	}
	var out []string
	for _, it := range e.Errors {
		if it.Type == "bad_argument" && it.Value != "" {
			out = append(out, it.Value)
		}
	}
	return out
}

// IsCaptcha reports a 403 captcha_required and returns the captcha URL
// (or the fallback URL when no captcha URL was given).
func IsCaptcha(err error) (captchaURL string, ok bool) {
	e, isAPI := asAPI(err)
	if !isAPI {
		return "", false
	}
	for _, it := range e.Errors {
		if it.Type == "captcha_required" {
			if it.CaptchaURL != "" {
				return it.CaptchaURL, true
			}
			return it.FallbackURL, true
		}
	}
	return "", false
}

// The Is* predicates below are shorthands for errors.Is with the sentinels;
// the binary branches with errors.Is directly, tests use them.

// IsForbidden reports a 403 forbidden, including the ddos-guard edge whose
// body may be HTML or {"type":"forbidden"}.
func IsForbidden(err error) bool { return errors.Is(err, ErrForbidden) }

// OAuthValue returns the value of an oauth error (token_expired,
// bad_authorization, token_revoked, application_not_found,
// user_auth_expected, …) or "".
func OAuthValue(err error) string {
	e, ok := asAPI(err)
	if !ok {
		return ""
	}
	for _, it := range e.Errors {
		if it.Type == "oauth" {
			return it.Value
		}
	}
	return ""
}

// IsNotFound reports a 404 / not_found.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// IsRateLimited reports a 429 (see APIError.RetryAfter).
func IsRateLimited(err error) bool { return errors.Is(err, ErrRateLimited) }

// IsServerError reports any 5xx, whatever its body (HTML, empty, JSON).
func IsServerError(err error) bool { return errors.Is(err, ErrServer) }

// IsBadUserAgent reports 400 bad_user_agent (unset or blacklisted).
func IsBadUserAgent(err error) bool { return errors.Is(err, ErrBadUserAgent) }

// errorEnvelope is the union of the error body shapes hh.ru sends.
type errorEnvelope struct {
	Errors      []ErrorItem `json:"errors"`
	RequestID   string      `json:"request_id"`
	Description string      `json:"description"`
	Type        string      `json:"type"`        // ddos-guard: {"type":"forbidden"}
	OAuthError  string      `json:"oauth_error"` // legacy
}

// CheckResponse returns nil for a 2xx response, otherwise an *APIError
// decoded from the body (hh.ru's errors[] envelope, ddos-guard's
// {"type":…}, or any non-JSON body, kept truncated). It reads the body but
// leaves closing it to the caller.
func CheckResponse(r *http.Response) error {
	if r.StatusCode >= 200 && r.StatusCode < 300 {
		return nil
	}
	e := &APIError{
		StatusCode: r.StatusCode,
		Server:     r.Header.Get("Server"),
		RequestID:  r.Header.Get("X-Request-Id"),
	}
	if r.Request != nil {
		e.Method = r.Request.Method
		e.URL = httpx.RedactURL(r.Request.URL)
	}
	if r.StatusCode == http.StatusTooManyRequests || r.StatusCode == http.StatusServiceUnavailable {
		e.RetryAfter, _ = httpx.ParseRetryAfter(r.Header.Get("Retry-After"), time.Now())
	}
	var data []byte
	if r.Body != nil {
		data, _ = io.ReadAll(io.LimitReader(r.Body, 1<<20))
	}
	var env errorEnvelope
	if trimmed := bytes.TrimSpace(data); len(trimmed) > 0 && trimmed[0] == '{' && json.Unmarshal(trimmed, &env) == nil {
		e.Errors = env.Errors
		if len(e.Errors) == 0 && env.Type != "" {
			e.Errors = []ErrorItem{{Type: env.Type}}
		}
		if len(e.Errors) == 0 && env.OAuthError != "" {
			e.Errors = []ErrorItem{{Type: "oauth", Value: strings.ReplaceAll(env.OAuthError, "-", "_")}}
		}
		if env.RequestID != "" {
			e.RequestID = env.RequestID
		}
		e.Description = env.Description
		return e
	}
	if len(data) > maxBody {
		data = data[:maxBody]
	}
	if len(data) > 0 {
		e.Body = data
	}
	return e
}

// OAuthError and DecodeOAuthError are the one decoder of token-endpoint
// errors (PostToken uses it; auth turns the result into its TokenError);
// they are tested against hh.ru's real token errors in testdata/.
//
// OAuthError is an error of the token endpoint (POST /token), RFC 6749
// style: {"error": "invalid_grant", "error_description": "token not expired"}.
type OAuthError struct {
	StatusCode  int
	Code        string // invalid_request, invalid_client, invalid_grant, unsupported_grant_type, forbidden
	Description string // e.g. "token has already been refreshed", "app token refresh too early"
}

// Error implements error.
func (e *OAuthError) Error() string {
	s := fmt.Sprintf("hh oauth: %d %s", e.StatusCode, clipLine(e.Code, 80))
	if e.Description != "" {
		s += ": " + clipLine(e.Description, 200)
	}
	return s
}

// DecodeOAuthError turns a token-endpoint response into an error: nil for
// 2xx, *OAuthError when the body has the {"error", "error_description"}
// shape, and otherwise the *APIError CheckResponse would give (e.g. an HTML
// 502). It reads but does not close the body.
func DecodeOAuthError(r *http.Response) error {
	if r.StatusCode >= 200 && r.StatusCode < 300 {
		return nil
	}
	var data []byte
	if r.Body != nil { // as in CheckResponse: hand-built responses may have none
		data, _ = io.ReadAll(io.LimitReader(r.Body, 1<<20))
	}
	var body struct {
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	if json.Unmarshal(data, &body) == nil && body.Error != "" {
		return &OAuthError{StatusCode: r.StatusCode, Code: body.Error, Description: body.ErrorDescription}
	}
	c := *r
	c.Body = io.NopCloser(bytes.NewReader(data))
	return CheckResponse(&c)
}

// DecodeError is a 2xx answer whose body could not be decoded, typically
// HTML from something that is not api.hh.ru.
type DecodeError struct {
	URL         string // redacted request URL
	StatusCode  int
	ContentType string
	Snippet     string // start of the body, one line
	Err         error  // the JSON error, if the body looked like JSON
}

// Host is the host that answered ("the server" when the URL has none).
func (e *DecodeError) Host() string {
	if u, err := urlParse(e.URL); err == nil && u.Host != "" {
		return u.Host
	}
	return "the server"
}

// What says what came back, e.g. "a non-JSON body (text/html)".
func (e *DecodeError) What() string {
	ct := e.ContentType
	if ct == "" {
		ct = "no content type"
	}
	if e.Err != nil {
		return fmt.Sprintf("a body that is not the expected JSON (%s): %v", ct, e.Err)
	}
	return fmt.Sprintf("a non-JSON body (%s)", ct)
}

// Error implements error. It states the facts; the CLI adds which setting
// to check.
func (e *DecodeError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s answered %d with %s", e.Host(), e.StatusCode, e.What())
	}
	return fmt.Sprintf("%s answered %d with %s: body starts %q", e.Host(), e.StatusCode, e.What(), e.Snippet)
}

// UnreachableError is an API that did not answer at all: the connection was
// refused or its host name is unknown, most likely a wrong base URL.
type UnreachableError struct {
	Base string // the redacted base URL
	Err  error  // the network error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach the hh.ru API at %s: %v", e.Base, e.Err)
}

// Unwrap returns the network error.
func (e *UnreachableError) Unwrap() error { return e.Err }

// Unwrap returns the JSON error, if any.
func (e *DecodeError) Unwrap() error { return e.Err }
