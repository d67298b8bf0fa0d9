package httpx

import "sync/atomic"

// Metrics counts what the layers saw. All methods are safe for concurrent
// use and a nil *Metrics is a valid no-op receiver.
type Metrics struct {
	Requests      atomic.Int64 // attempts sent to the next layer (each retry counts)
	Responses429  atomic.Int64 // 429 Too Many Requests answers
	Retries       atomic.Int64 // attempts that were repeated
	Errors5xx     atomic.Int64 // 5xx answers
	NetworkErrors atomic.Int64 // transport errors (timeouts, resets, EOF, …)
	Pauses        atomic.Int64 // times a shared Limiter was paused after a 429 or a transport failure
}

// MetricsSnapshot is a plain copy of Metrics at one moment.
type MetricsSnapshot struct {
	Requests      int64
	Responses429  int64
	Retries       int64
	Errors5xx     int64
	NetworkErrors int64
	Pauses        int64
}

// Snapshot returns the current counter values (zero for a nil receiver).
func (m *Metrics) Snapshot() MetricsSnapshot {
	if m == nil {
		return MetricsSnapshot{}
	}
	return MetricsSnapshot{
		Requests:      m.Requests.Load(),
		Responses429:  m.Responses429.Load(),
		Retries:       m.Retries.Load(),
		Errors5xx:     m.Errors5xx.Load(),
		NetworkErrors: m.NetworkErrors.Load(),
		Pauses:        m.Pauses.Load(),
	}
}

type counter int

const (
	cRequests counter = iota
	c429
	cRetries
	c5xx
	cNetwork
	cPauses
)

func (m *Metrics) inc(c counter) {
	if m == nil {
		return
	}
	switch c {
	case cRequests:
		m.Requests.Add(1)
	case c429:
		m.Responses429.Add(1)
	case cRetries:
		m.Retries.Add(1)
	case c5xx:
		m.Errors5xx.Add(1)
	case cNetwork:
		m.NetworkErrors.Add(1)
	case cPauses:
		m.Pauses.Add(1)
	}
}
