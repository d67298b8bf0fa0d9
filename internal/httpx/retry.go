package httpx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// RetryPolicy configures Retry. Zero fields take the defaults noted.
type RetryPolicy struct {
	// MaxTries is the total number of attempts including the first. Unset,
	// it is 6 for error answers (5xx, 429) and transport failures are
	// bounded by MaxOutage alone; set, it bounds both (MaxTries 1 = no retry).
	MaxTries   int
	Initial    time.Duration // first back-off cap; default 500ms
	Max        time.Duration // largest back-off cap; default 30s
	MaxElapsed time.Duration // give up once this much time has passed; default 5m
	PerTry     time.Duration // deadline of one attempt incl. reading the body; default 30s
	// MaxOutage bounds how long one request keeps retrying while no answer
	// comes at all (refused, reset, DNS, TLS, timeouts); default
	// DefaultMaxOutage. Then it fails with an *UnreachableError — but not
	// before its third try, so that a single stalled try (PerTry) is retried.
	MaxOutage time.Duration

	// Limiter, when set, is paused after a 429 (for Retry-After, or the
	// back-off delay) and after a transport failure, so that all workers
	// sharing it hold off together instead of hammering a struggling API.
	Limiter *Limiter

	// Sleep waits d or until ctx is done (test hook; default a timer).
	Sleep func(ctx context.Context, d time.Duration) error

	netTries int // MaxTries as the caller set it (0 = bounded by MaxOutage)
}

const (
	defaultMaxTries   = 6
	defaultInitial    = 500 * time.Millisecond
	defaultMax        = 30 * time.Second
	defaultMaxElapsed = 5 * time.Minute
	defaultPerTry     = 30 * time.Second
)

func (p RetryPolicy) withDefaults() RetryPolicy {
	p.netTries = max(p.MaxTries, 0)
	if p.MaxOutage <= 0 {
		p.MaxOutage = DefaultMaxOutage
	}
	if p.MaxTries <= 0 {
		p.MaxTries = defaultMaxTries
	}
	if p.Initial <= 0 {
		p.Initial = defaultInitial
	}
	if p.Max <= 0 {
		p.Max = defaultMax
	}
	if p.Max < p.Initial {
		p.Max = p.Initial
	}
	if p.MaxElapsed <= 0 {
		p.MaxElapsed = defaultMaxElapsed
	}
	if p.PerTry <= 0 {
		p.PerTry = defaultPerTry
	}
	if p.Sleep == nil {
		p.Sleep = sleepCtx
	}
	return p
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Backoff returns the capped exponential back-off with full jitter for the
// given retry number (1 = first retry): a uniform random duration in
// [0, min(max, initial*2^(retry-1))].
func Backoff(retry int, initial, max time.Duration) time.Duration {
	c := capFor(retry, initial, max)
	return time.Duration(rand.Int64N(int64(c) + 1))
}

func capFor(retry int, initial, max time.Duration) time.Duration {
	c := initial
	for i := 1; i < retry && c < max; i++ {
		c *= 2
	}
	return min(c, max)
}

// ParseRetryAfter parses a Retry-After header value: delay seconds or an
// HTTP date (relative to now). Past dates give 0, true.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > int64(24*time.Hour/time.Second) {
			n = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// RetryableStatus reports whether Retry repeats a response with this code:
// 429, 500, 502, 503 and 504. Every other status (notably hh.ru's 400
// bad_argument and 403 captcha/forbidden/oauth, and 404) is final.
func RetryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// RetryableError reports whether a transport error is always worth another try:
// timeouts, connection resets/aborts, broken pipes, unexpected EOFs, the
// server closing an idle connection, and temporary DNS failures. Refused
// connections, unknown hosts, TLS/certificate and request-construction
// errors are permanent here: from a client that has never had an answer
// they are a configuration error. Retry also repeats them (but never a
// rejected certificate) once the API has answered: then they mean it went away.
func RetryableError(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	if tl := (*BodyTooLargeError)(nil); errors.As(err, &tl) {
		return false // the same server would send the same body again
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return false
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr.IsTimeout || dnsErr.IsTemporary
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ETIMEDOUT) || errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH) ||
		errors.Is(err, net.ErrClosed) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	msg := err.Error()
	for _, s := range []string{
		"server closed idle connection", // net/http errServerClosedIdle (unexported)
		"transport connection broken",
		"connection reset",
		"http2: server sent GOAWAY",
		"http2: client connection lost",
		"unexpected EOF",
	} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// Retry returns a RoundTripper that repeats requests that failed with a
// RetryableStatus or a RetryableError, with capped exponential back-off and
// full jitter, honouring Retry-After (seconds or HTTP date).
//
// Each attempt runs under its own PerTry deadline (a child context), and the
// response body is read completely inside it, so a stalled or truncated body
// is retried like any network error; the caller receives a fully buffered
// body. Only requests without a body, or with GetBody, are replayed.
//
// When the tries (or MaxElapsed) run out, the LAST HTTP response is returned
// as is so the caller can decode hh.ru's typed error. Transport failures are
// retried for MaxOutage (every worker pausing on the shared Limiter), then
// the last one is returned inside an *UnreachableError. Cancelling the
// request context stops everything at once.
func Retry(next http.RoundTripper, p RetryPolicy, m *Metrics) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	p = p.withDefaults()
	reached := new(atomic.Bool) // some request of this client got an HTTP answer
	return RoundTripperFunc(func(req *http.Request) (*http.Response, error) {
		return p.do(next, req, m, reached)
	})
}

func (p RetryPolicy) do(next http.RoundTripper, req *http.Request, m *Metrics, reached *atomic.Bool) (*http.Response, error) {
	ctx := req.Context()
	// spent is the attempts' time plus the back-off asked for: the wall time
	// in production, and still a bound under a test's instant Sleep.
	var spent time.Duration
	netTry := 0
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	for try := 1; ; try++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		t0 := time.Now()
		resp, err := p.attempt(next, req, try, m)
		spent += time.Since(t0)
		if err := ctx.Err(); err != nil { // cancelled by the caller: stop now
			discard(resp)
			return nil, err
		}
		if resp != nil {
			reached.Store(true)
		}
		var delay time.Duration
		var pause bool
		switch {
		case err != nil:
			if !RetryableError(err) && !(reached.Load() && retryableOnceReached(err)) {
				return nil, err
			}
			netTry++
			// A stalled try can eat the whole budget alone: one request that
			// timed out is not yet an outage, so it always gets minNetTries.
			left := p.MaxOutage - spent
			if !replayable || (p.netTries > 0 && try >= p.netTries) || (left <= 0 && netTry >= minNetTries) {
				return nil, &UnreachableError{Tries: try, Elapsed: spent, Err: err}
			}
			// Nobody answered: hold every worker off, not just this one.
			delay, pause = Backoff(netTry, p.Initial, min(p.Max, outageStep)), true
			if left > 0 {
				delay = min(delay, left)
			}
			spent += delay
			if err := p.wait(ctx, delay, pause, m); err != nil {
				return nil, err
			}
			continue
		case RetryableStatus(resp.StatusCode):
			if !replayable || try >= p.MaxTries {
				return resp, nil
			}
			delay = Backoff(try, p.Initial, p.Max)
			if ra, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
				delay = ra
				pause = true
			}
			if resp.StatusCode == http.StatusTooManyRequests {
				pause = true
			}
		default:
			return resp, nil
		}
		if spent+delay > p.MaxElapsed {
			return resp, nil
		}
		spent += delay
		discard(resp)
		if err := p.wait(ctx, delay, pause, m); err != nil {
			return nil, err
		}
	}
}

// wait sleeps before the next try, first pausing the shared limiter when
// every worker should hold off.
func (p RetryPolicy) wait(ctx context.Context, delay time.Duration, pause bool, m *Metrics) error {
	if pause && p.Limiter != nil && p.Limiter.Pause(delay) {
		m.inc(cPauses)
	}
	if err := p.Sleep(ctx, delay); err != nil {
		return err
	}
	m.inc(cRetries)
	return nil
}

// attempt sends one try under a PerTry deadline and buffers the body.
func (p RetryPolicy) attempt(next http.RoundTripper, req *http.Request, try int, m *Metrics) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), p.PerTry)
	defer cancel()
	r := req.Clone(ctx)
	if try > 1 && req.GetBody != nil {
		b, err := req.GetBody()
		if err != nil {
			return nil, fmt.Errorf("rewind request body: %w", err)
		}
		r.Body = b
	}
	m.inc(cRequests)
	resp, err := next.RoundTrip(r)
	if err != nil {
		if req.Context().Err() == nil {
			m.inc(cNetwork)
		}
		return nil, err
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		m.inc(c429)
	case resp.StatusCode >= 500:
		m.inc(c5xx)
	}
	body, err := readLimited(req, resp) // limit.go: a ceiling per kind of answer
	resp.Body.Close()
	if tl := (*BodyTooLargeError)(nil); errors.As(err, &tl) {
		return nil, err
	}
	if err != nil {
		if req.Context().Err() == nil {
			m.inc(cNetwork)
		}
		return nil, fmt.Errorf("read response body (HTTP %d): %w", resp.StatusCode, err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	return resp, nil
}

// discard drains (a bounded amount) and closes a response we won't return.
func discard(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	_ = resp.Body.Close()
}
