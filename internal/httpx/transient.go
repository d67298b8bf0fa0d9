package httpx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"
)

// outageStep caps the back-off between tries while the API does not answer
// at all, so that its return is noticed within a few seconds.
const outageStep = 5 * time.Second

// minNetTries is how many tries a request gets for transport failures even
// when its first tries (timeouts of PerTry each) used up MaxOutage.
const minNetTries = 3

// DefaultMaxOutage is how long one request keeps retrying transport failures
// by default (RetryPolicy.MaxOutage): outages shorter than this (a restarted
// proxy, a Wi-Fi reconnect) are ridden out; longer ones stop the request.
const DefaultMaxOutage = 30 * time.Second

// UnreachableError is what Retry returns when a request got no HTTP answer
// at all for its whole budget (RetryPolicy.MaxOutage, or MaxTries when the
// caller set it): the API is down or the network is gone.
type UnreachableError struct {
	Tries   int
	Elapsed time.Duration
	Err     error // the last transport error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("giving up after %d tries in %s without an answer: %v", e.Tries, e.Elapsed.Round(100*time.Millisecond), e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// Cause names the transport failure in a few words, without the URL, so
// that many failures of one kind can be counted under one line.
func (e *UnreachableError) Cause() string { return NetCause(e.Err) }

// NetCause names a transport error in a few words ("connection refused",
// "DNS lookup failed", …) without URLs or addresses; "" when err is not one
// it knows.
func NetCause(err error) string {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	var alert tls.AlertError
	var ne net.Error
	switch {
	case err == nil:
		return ""
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), strings.Contains(err.Error(), "connection reset"):
		return "connection reset"
	case errors.As(err, &dnsErr):
		return "DNS lookup failed"
	case errors.As(err, &certErr), isX509(err):
		return "TLS certificate rejected"
	case errors.As(err, &recErr), errors.As(err, &alert), strings.Contains(err.Error(), "tls: "):
		return "TLS handshake failed"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "network unreachable"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, syscall.ETIMEDOUT), errors.As(err, &ne) && ne.Timeout():
		return "timed out"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.EPIPE),
		strings.Contains(err.Error(), "server closed idle connection"), strings.Contains(err.Error(), "EOF"):
		return "connection closed without an answer"
	}
	return ""
}

func isX509(err error) bool {
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	return errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci) || strings.Contains(err.Error(), "x509: ")
}

// retryableOnceReached reports transport errors that mean "nobody answers"
// — a refused connection, a failed DNS lookup, a failed TLS handshake. From
// a client that has never had an answer they are most likely a wrong
// --api-base and fail at once; after the API has answered once they mean it
// went away, and are retried like a reset. A rejected certificate never is.
func retryableOnceReached(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || isX509(err) {
		return false
	}
	var certErr *tls.CertificateVerificationError
	if errors.As(err, &certErr) {
		return false
	}
	switch NetCause(err) {
	case "connection refused", "DNS lookup failed", "TLS handshake failed", "network unreachable":
		return true
	}
	return false
}
