package httpx

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrNoUserAgent is returned by UserAgent (and NewClient) when no
// User-Agent was configured. hh.ru rejects such requests with 400
// bad_user_agent, so we fail before sending anything.
var ErrNoUserAgent = errors.New(`no User-Agent configured: hh.ru requires one; set --user-agent or HH_USER_AGENT to your app name and contact e-mail, like "myapp/1.0 (me@example.com)"`)

// UserAgent returns a RoundTripper that sets both User-Agent and
// HH-User-Agent (hh.ru prefers the latter when both are present) on a clone
// of every request. A blank ua yields ErrNoUserAgent; a ua containing control
// characters is rejected too.
func UserAgent(next http.RoundTripper, ua string) (http.RoundTripper, error) {
	ua = strings.TrimSpace(ua)
	if ua == "" {
		return nil, ErrNoUserAgent
	}
	if strings.ContainsFunc(ua, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return nil, fmt.Errorf("invalid User-Agent %q: control characters are not allowed", ua)
	}
	if next == nil {
		next = http.DefaultTransport
	}
	return RoundTripperFunc(func(req *http.Request) (*http.Response, error) {
		r := req.Clone(req.Context())
		r.Header.Set("User-Agent", ua)
		r.Header.Set("HH-User-Agent", ua)
		return next.RoundTrip(r)
	}), nil
}
