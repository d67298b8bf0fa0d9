package httpx

import (
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
)

// CountReplays counts the tries net/http makes on its own. A request written
// to a kept-alive connection that the server has just closed is sent again
// by http.Transport inside one RoundTrip, so the layers above never see the
// first try fail — but the server saw (and counted) both. Every write after
// the first is counted here as one more request, network error and retry,
// so that the run's counters match the API's. Place it just above the base
// transport; a nil m returns next unchanged.
func CountReplays(next http.RoundTripper, m *Metrics) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if m == nil {
		return next
	}
	return RoundTripperFunc(func(req *http.Request) (*http.Response, error) {
		var written atomic.Int64
		trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { written.Add(1) }}
		resp, err := next.RoundTrip(req.WithContext(httptrace.WithClientTrace(req.Context(), trace)))
		if n := written.Load() - 1; n > 0 {
			m.Requests.Add(n)
			m.NetworkErrors.Add(n)
			m.Retries.Add(n)
		}
		return resp, err
	})
}
