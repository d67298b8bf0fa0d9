package httpx

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter is a rate limiter shared by all workers that can also be paused:
// after a 429 the Retry layer calls Pause, and every worker that waits on the
// limiter holds off until the shared deadline has passed, then resumes at the
// configured rate. The zero value is an unlimited, never-paused limiter.
type Limiter struct {
	lim *rate.Limiter // nil = unlimited
	ad  *Adaptive     // non-nil for --rps auto (adaptive.go)

	mu    sync.Mutex
	until time.Time
}

// NewLimiter returns a Limiter allowing rps requests per second with the
// given burst (at least 1). rps <= 0 means unlimited (Pause still works).
func NewLimiter(rps float64, burst int) *Limiter {
	if rps <= 0 {
		return &Limiter{}
	}
	if burst < 1 {
		burst = 1
	}
	return &Limiter{lim: rate.NewLimiter(rate.Limit(rps), burst)}
}

// Pause makes every waiter hold off for at least d from now. Overlapping
// pauses extend the shared deadline; they never shorten it. It reports
// whether the deadline moved.
func (l *Limiter) Pause(d time.Duration) bool {
	if l == nil || d <= 0 {
		return false
	}
	t := time.Now().Add(d)
	l.mu.Lock()
	defer l.mu.Unlock()
	if t.After(l.until) {
		l.until = t
		return true
	}
	return false
}

// PausedUntil returns the current pause deadline (zero if never paused).
func (l *Limiter) PausedUntil() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.until
}

// Wait blocks until the pause deadline has passed and a rate token is
// available, or ctx is done.
func (l *Limiter) Wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if l == nil {
		return nil
	}
	for {
		d := time.Until(l.PausedUntil())
		if d <= 0 {
			break
		}
		// The deadline may be extended while we sleep; loop and re-check.
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	if l.lim == nil {
		return nil
	}
	if err := l.lim.Wait(ctx); err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		return err // e.g. "would exceed context deadline"
	}
	return nil
}

// RateLimitAdaptive is RateLimit for a pausable Limiter; pass the same
// Limiter to RetryPolicy.Limiter so a 429 seen by one worker pauses all.
func RateLimitAdaptive(next http.RoundTripper, l *Limiter, m *Metrics) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if l == nil {
		return next
	}
	return RoundTripperFunc(func(req *http.Request) (*http.Response, error) {
		if err := l.Wait(req.Context()); err != nil {
			return nil, fmt.Errorf("rate limiter: %w", err)
		}
		resp, err := next.RoundTrip(req)
		l.observe(resp, err)
		return resp, err
	})
}
