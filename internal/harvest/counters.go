package harvest

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hhjobs/hhjobs/internal/auth"
	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/httpx"
	"github.com/hhjobs/hhjobs/internal/store"
)

// DefaultLease is how long a claimed slice stays a collector's without a
// heartbeat (Harvester.Lease); status calls a run whose leases all ran out
// interrupted.
const DefaultLease = 2 * time.Minute

// RunError is how a run that failed or stopped ends: its id, its state, and
// a message naming the cause and what failed — the final line of collect
// and sync. Unwrap gives the cause (a *StopError when the run stopped).
type RunError struct {
	RunID  int64
	Status string // store.RunFailed or store.RunStopped
	Msg    string
	Err    error
}

func (e *RunError) Error() string { return fmt.Sprintf("run %d %s: %s", e.RunID, e.Status, e.Msg) }
func (e *RunError) Unwrap() error { return e.Err }

// countedMetrics is the part of the HTTP client's counters already added to
// some run. It lives on the Harvester, not the run, so that the requests
// made between runs (reference data, token checks through the same client)
// are added to the next run instead of being lost.
type countedMetrics struct {
	mu   sync.Mutex
	last httpx.MetricsSnapshot
}

// take adds what m counted since the last take to c.
func (cm *countedMetrics) take(m *httpx.Metrics, c *store.Counters) {
	if m == nil {
		return
	}
	cm.mu.Lock()
	defer cm.mu.Unlock()
	now := m.Snapshot()
	c.Requests += now.Requests - cm.last.Requests
	c.Requests429 += now.Responses429 - cm.last.Responses429
	c.Retries += now.Retries - cm.last.Retries
	cm.last = now
}

// adviseToken words a stop on a rejected token with the Harvester's
// TokenAdvice.
func (r *runner) adviseToken(err error) {
	var se *StopError
	if r.h.TokenAdvice == nil || !errors.As(err, &se) || rejectedToken(se.Err) == "" {
		return
	}
	se.Reason = r.h.TokenAdvice(rejectedToken(se.Err))
	se.Hint = "Once that is done, rerun the same command to resume."
}

// rejectedToken returns hh.ru's oauth value (bad_authorization,
// token_revoked, token_expired, …) when err is a rejected token: an API
// answer, or the auth layer's *auth.AuthError when it had no fresh token to
// retry with. "" otherwise.
func rejectedToken(err error) string {
	var ae *auth.AuthError
	switch {
	case errors.As(err, &ae):
		return ae.Value
	case errors.Is(err, hhapi.ErrTokenExpired), errors.Is(err, hhapi.ErrBadToken):
		return hhapi.OAuthValue(err)
	}
	return ""
}
