package httpx

import (
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Adaptive-rate defaults (--rps auto).
const (
	AutoStartRPS = 4.0  // first rate when nothing is remembered
	AutoMaxRPS   = 50.0 // never ask for more than this
	AutoMinRPS   = 0.5  // never back off below this
)

// Adaptive is an AIMD controller for a Limiter's rate (--rps auto). It
// starts at a safe rate and raises it per clean answer: by SlowStep while no
// limit has been seen (slow start, ≈×1.5 per second), then quickly back to
// just under the last limit seen (Settle × ceiling), then by a small probe
// proportional to the ceiling, so the API's limit is found again without
// many 429s. A 429 multiplies the rate by Backoff (at most once per
// Quiet, since the 429s of requests already in flight describe the same
// excess) and records the ceiling. Retry-After is honoured by the Limiter's
// pause, not here. Safe for concurrent use.
type Adaptive struct {
	mu      sync.Mutex
	lim     *rate.Limiter
	now     func() time.Time
	r       float64 // current rate
	ceil    float64 // rate at which the last 429 came (0 = none yet)
	max     float64
	lastCut time.Time
	answers int         // clean answers seen
	recent  []time.Time // clean answers of the last window (the measured rate)
}

// Controller tuning.
const (
	slowStep  = 0.5    // req/s added per clean answer before the first 429
	settle    = 0.95   // fast recovery target, × ceiling
	recoverPS = 0.15   // fast recovery: × ceiling per second of answers
	probeStep = 0.0005 // × ceiling added per clean answer above settle × ceiling
	probePS   = 0.005  // × ceiling added per second of answers above settle × ceiling
	backoff   = 0.7
	quiet     = time.Second
	window    = 2 * time.Second // clean answers counted for the measured rate
)

// NewAdaptive returns a controller starting at start req/s (AutoStartRPS if
// ≤ 0), capped at max (AutoMaxRPS if ≤ 0). A remembered start (known > 0)
// is treated as a ceiling already found: the controller probes gently above
// it instead of slow-starting. now nil means time.Now.
func NewAdaptive(start, hi float64, remembered bool, now func() time.Time) *Adaptive {
	if hi <= 0 {
		hi = AutoMaxRPS
	}
	if start <= 0 {
		start, remembered = AutoStartRPS, false
	}
	start = min(max(start, AutoMinRPS), hi)
	if now == nil {
		now = time.Now
	}
	a := &Adaptive{now: now, r: start, max: hi}
	if remembered {
		a.ceil = start / settle
	}
	a.lim = rate.NewLimiter(rate.Limit(start), 1)
	return a
}

// Rate is the current rate in requests per second.
func (a *Adaptive) Rate() float64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.r
}

// Remember is the rate worth starting the next run at: just under the last
// limit seen, or the current rate when none was seen; n is the number of
// clean answers it rests on.
func (a *Adaptive) Remember() (rps float64, n int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ceil > 0 {
		return min(settle*a.ceil, a.max), a.answers
	}
	return a.r, a.answers
}

// Good records a clean answer and raises the rate.
func (a *Adaptive) Good() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.answers++
	t := a.now()
	a.recent = append(a.recent, t)
	i := 0
	for i < len(a.recent) && t.Sub(a.recent[i]) > window {
		i++
	}
	a.recent = a.recent[i:]
	switch {
	case a.ceil == 0:
		a.r += slowStep
	case a.r < settle*a.ceil:
		// Back to just under the ceiling within about two seconds: r
		// answers a second, each adding recoverPS × ceiling / r.
		a.r = min(settle*a.ceil, a.r+recoverPS*a.ceil/max(a.r, AutoMinRPS))
	default:
		// Per answer, plus probePS × ceiling per second of answers, so a
		// ceiling measured low (at a few req/s) is left within a minute.
		a.r += probeStep*a.ceil + probePS*a.ceil/max(a.r, AutoMinRPS)
	}
	a.set()
}

// Throttled records a 429 and cuts the rate (once per quiet period).
func (a *Adaptive) Throttled() {
	a.mu.Lock()
	defer a.mu.Unlock()
	t := a.now()
	if !a.lastCut.IsZero() && t.Sub(a.lastCut) < quiet {
		return
	}
	a.lastCut = t
	// The limit is at most what got through: in slow start the asked-for
	// rate runs ahead of the answers while the API's burst drains, so the
	// rate measured over the last window is the better ceiling.
	a.ceil = a.r
	if m := a.measured(t); m > 0 {
		a.ceil = min(a.ceil, m)
	}
	a.r = a.ceil * backoff
	a.set()
}

// measured is the clean-answer rate over the last window (over the time
// since the first of them, at least a second, when that is shorter), or 0
// when too few answers say anything.
func (a *Adaptive) measured(t time.Time) float64 {
	n := 0
	for _, at := range a.recent {
		if t.Sub(at) <= window {
			n++
		}
	}
	if n < 4 {
		return 0
	}
	span := window
	if first := t.Sub(a.recent[len(a.recent)-n]); first < window {
		span = max(first, time.Second)
	}
	return float64(n) / span.Seconds()
}

func (a *Adaptive) set() {
	a.r = min(max(a.r, AutoMinRPS), a.max)
	a.lim.SetLimit(rate.Limit(a.r))
}

// NewAdaptiveLimiter returns a pausable Limiter whose rate a drives.
func NewAdaptiveLimiter(a *Adaptive) *Limiter { return &Limiter{lim: a.lim, ad: a} }

// Adaptive returns the controller driving l (nil for a fixed rate).
func (l *Limiter) Adaptive() *Adaptive {
	if l == nil {
		return nil
	}
	return l.ad
}

// observe feeds one answer to the controller, if any: a 429 cuts, any other
// answer raises; transport failures are left to Retry's pause.
func (l *Limiter) observe(resp *http.Response, err error) {
	if l.ad == nil || err != nil || resp == nil {
		return
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		l.ad.Throttled()
		return
	}
	l.ad.Good()
}
