package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// DefaultDeadline bounds one request of NewClient's client from the first
// try to the last byte, retries, back-off and rate-limit waits included, so
// a stalled or trickling server costs at most this long per request.
const DefaultDeadline = 3 * time.Minute

// DeadlineError is a request that got no complete answer within its overall
// deadline. Unlike a cancelled context it is the request's own failure: the
// caller fails that item and goes on.
type DeadlineError struct {
	Limit time.Duration
	URL   string // redacted
	Err   error  // the last try's error
}

func (e *DeadlineError) Error() string {
	// No URL: the callers' wrapping (url.Error, hhapi) already names it.
	return fmt.Sprintf("no complete answer within the %s limit per request", e.Limit)
}

// Deadline returns a RoundTripper that runs next (Retry, which buffers the
// body) under an overall deadline d per request (d <= 0: DefaultDeadline).
func Deadline(next http.RoundTripper, d time.Duration) http.RoundTripper {
	if d <= 0 {
		d = DefaultDeadline
	}
	return RoundTripperFunc(func(req *http.Request) (*http.Response, error) {
		ctx, cancel := context.WithTimeout(req.Context(), d)
		defer cancel() // safe: Retry returns a fully buffered body
		resp, err := next.RoundTrip(req.WithContext(ctx))
		if err != nil && req.Context().Err() == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, &DeadlineError{Limit: d, URL: RedactURL(req.URL), Err: err}
		}
		return resp, err
	})
}
