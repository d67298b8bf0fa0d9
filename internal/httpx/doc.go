// Package httpx holds small, independently tested http.RoundTripper layers
// used to talk to api.hh.ru: User-Agent, rate limiting, retry with back-off,
// debug tracing, and NewClient which stacks them in the right order.
//
// Layers are composed outermost first:
//
//	Retry → RateLimit → UserAgent → Wrap (auth) → Trace → CountReplays → base transport
//
// so every retry attempt waits on the shared rate limiter again, gets a
// fresh Authorization header from the auth layer and is logged by Trace.
package httpx

import "net/http"

// RoundTripperFunc adapts a function to http.RoundTripper.
type RoundTripperFunc func(*http.Request) (*http.Response, error)

// RoundTrip implements http.RoundTripper.
func (f RoundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
