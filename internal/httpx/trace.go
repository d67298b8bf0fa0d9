package httpx

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Redacted replaces secret values in logs and error messages.
const Redacted = "REDACTED"

// secretParam reports whether a query/form parameter name looks like it
// carries a credential (token, secret, code, password, key, …).
func secretParam(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"token", "secret", "code", "password", "passwd", "key", "auth", "signature", "session", "state", "verifier"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// RedactQuery returns the query string with the values of secret-looking
// parameters replaced by REDACTED. Parameter order is preserved.
func RedactQuery(rawQuery string) string {
	if rawQuery == "" {
		return ""
	}
	parts := strings.Split(rawQuery, "&")
	for i, p := range parts {
		k, _, hasValue := strings.Cut(p, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		if hasValue && secretParam(name) {
			parts[i] = k + "=" + Redacted
		}
	}
	return strings.Join(parts, "&")
}

// RedactURL renders u without user info and with secret-looking query
// values redacted. It never fails; nil gives "".
func RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	if c.User != nil {
		c.User = url.User(Redacted)
	}
	c.RawQuery = RedactQuery(c.RawQuery)
	c.Fragment, c.RawFragment = "", ""
	return c.String()
}

// isTokenEndpoint reports OAuth token endpoints, whose bodies and headers
// carry credentials.
func isTokenEndpoint(u *url.URL) bool {
	p := strings.TrimRight(u.Path, "/")
	return strings.HasSuffix(p, "/token") || strings.HasSuffix(p, "/oauth/token")
}

// Trace returns a RoundTripper that logs every request at debug level:
// method, URL (secret-looking query values redacted), status, duration,
// request id and the User-Agent; the Authorization header is logged only as
// REDACTED. Bodies are never logged (token endpoints carry secrets in them),
// and error messages are scrubbed of the raw query and Authorization value.
// A nil logger returns next unchanged.
func Trace(next http.RoundTripper, log *slog.Logger) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if log == nil {
		return next
	}
	return RoundTripperFunc(func(req *http.Request) (*http.Response, error) {
		ctx := req.Context()
		if !log.Enabled(ctx, slog.LevelDebug) {
			return next.RoundTrip(req)
		}
		start := time.Now()
		resp, err := next.RoundTrip(req)
		attrs := []slog.Attr{
			slog.String("method", req.Method),
			slog.String("url", RedactURL(req.URL)),
			slog.Duration("duration", time.Since(start)),
		}
		if ua := req.Header.Get("User-Agent"); ua != "" {
			attrs = append(attrs, slog.String("user_agent", ua))
		}
		if req.Header.Get("Authorization") != "" {
			attrs = append(attrs, slog.String("authorization", Redacted))
		}
		if isTokenEndpoint(req.URL) {
			attrs = append(attrs, slog.Bool("token_endpoint", true))
		}
		if err != nil {
			attrs = append(attrs, slog.String("error", scrub(err.Error(), req)))
			log.LogAttrs(ctx, slog.LevelDebug, "http request failed", attrs...)
			return nil, err
		}
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
		for _, h := range []string{"X-Request-Id", "Content-Type", "Retry-After", "Server"} {
			if v := resp.Header.Get(h); v != "" {
				attrs = append(attrs, slog.String(strings.ToLower(strings.ReplaceAll(h, "-", "_")), v))
			}
		}
		log.LogAttrs(ctx, slog.LevelDebug, "http request", attrs...)
		return resp, nil
	})
}

func scrub(msg string, req *http.Request) string {
	if q := req.URL.RawQuery; q != "" {
		msg = strings.ReplaceAll(msg, q, RedactQuery(q))
	}
	if a := req.Header.Get("Authorization"); a != "" {
		msg = strings.ReplaceAll(msg, a, Redacted)
		if _, tok, ok := strings.Cut(a, " "); ok && tok != "" {
			msg = strings.ReplaceAll(msg, tok, Redacted)
		}
	}
	return msg
}
