package httpx

import (
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Options configures NewClient.
type Options struct {
	// UserAgent is required (see ErrNoUserAgent).
	UserAgent string
	// RPS is the request rate shared by every user of the client
	// (0 = unlimited); Burst defaults to 1.
	RPS   float64
	Burst int
	// Limiter overrides RPS/Burst with a caller-owned (possibly shared)
	// limiter. NewClient uses it for RetryPolicy.Limiter too when unset.
	Limiter *Limiter
	Retry   RetryPolicy
	// Deadline bounds each request, retries included (0 = DefaultDeadline,
	// raised to outlast Retry.MaxOutage so that a longer --max-outage is
	// not cut short by it).
	Deadline time.Duration
	Metrics  *Metrics
	// Log enables debug tracing of every attempt (nil = off).
	Log *slog.Logger
	// Wrap is the hook for the auth layer (e.g. an oauth2.Transport
	// constructor). It is applied just above the base transport (and
	// Trace), below Retry, so each attempt gets a fresh Authorization.
	Wrap func(http.RoundTripper) http.RoundTripper
	// Base is the innermost transport; nil means NewTransport().
	Base http.RoundTripper
}

// NewTransport returns a clone of http.DefaultTransport with timeouts
// suited to a long-running API collector. Compression is left to net/http.
func NewTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 10 * time.Second
	t.ResponseHeaderTimeout = 60 * time.Second
	t.ExpectContinueTimeout = time.Second
	t.IdleConnTimeout = 90 * time.Second
	t.MaxIdleConns = 32
	t.MaxIdleConnsPerHost = 16
	t.ForceAttemptHTTP2 = true
	return t
}

// NewClient builds the HTTP client used for api.hh.ru:
//
//	Deadline → Retry → RateLimit → UserAgent → Wrap (auth) → Trace → CountReplays → Base
//
// so every retry attempt waits on the rate limiter, and a 429 pauses the
// limiter for every worker. The client has no http.Client Timeout: Deadline
// bounds each request (retries included), RetryPolicy.PerTry each attempt,
// and the body of every answer is capped per kind while it is read (limit.go).
func NewClient(opts Options) (*http.Client, error) {
	base := opts.Base
	if base == nil {
		base = NewTransport()
	}
	rt := Trace(CountReplays(base, opts.Metrics), opts.Log)
	if opts.Wrap != nil {
		rt = opts.Wrap(rt)
	}
	rt, err := UserAgent(rt, opts.UserAgent)
	if err != nil {
		return nil, err
	}
	lim := opts.Limiter
	if lim == nil {
		lim = NewLimiter(opts.RPS, opts.Burst)
	}
	rt = RateLimitAdaptive(rt, lim, opts.Metrics)
	p := opts.Retry
	if p.Limiter == nil {
		p.Limiter = lim
	}
	rt = Retry(rt, p, opts.Metrics)
	rt = Deadline(rt, requestDeadline(opts)) // deadline.go

	return &http.Client{Transport: rt}, nil
}

// requestDeadline is opts.Deadline, or by default DefaultDeadline raised to
// the outage budget plus one stalled try and one back-off step.
func requestDeadline(opts Options) time.Duration {
	if opts.Deadline > 0 {
		return opts.Deadline
	}
	p := opts.Retry.withDefaults()
	return max(DefaultDeadline, p.MaxOutage+p.PerTry+p.Max)
}
