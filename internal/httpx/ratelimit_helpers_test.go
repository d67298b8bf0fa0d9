package httpx

import (
	"net/http"

	"golang.org/x/time/rate"
)

// The fixed-rate forms of the limiter layer, which only tests use (the
// binary builds every limiter with NewLimiter or NewAdaptiveLimiter).

// WrapLimiter makes a pausable Limiter out of an existing *rate.Limiter
// (nil = unlimited).
func WrapLimiter(l *rate.Limiter) *Limiter { return &Limiter{lim: l} }

// RateLimit returns a RoundTripper that waits on l before every request
// (every attempt, when placed below Retry). A nil limiter means unlimited.
func RateLimit(next http.RoundTripper, l *rate.Limiter, m *Metrics) http.RoundTripper {
	if l == nil {
		return next
	}
	return RateLimitAdaptive(next, WrapLimiter(l), m)
}
