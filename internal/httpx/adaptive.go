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

// Adaptive controls a Limiter's rate (--rps auto). It slow-starts from a
// safe rate (+slowStep per clean answer: ≈ ×e per second) until the
// first 429, then works with an estimate of the API's limit, the ceiling:
// it runs at settle × ceiling and raises the ceiling by probeGrow only after
// probeEvery without a 429, so the limit is looked for again rarely and by
// little. Retry-After (or Retry's back-off) pauses every worker through the
// Limiter; this controller does not cut the rate further than the estimate.
//
// The ceiling is read from the clean answers before the 429, not from the
// rate asked. An API that limits R req/s with a burst of B = burstShare × R
// (a token bucket, as the sandbox does; a sliding one-second window is
// B ≈ R) accepts at most B + R·Δ requests in any interval Δ, and exactly
// that many between the last moment its bucket was full and the 429. So
// R ≥ n/(Δ + burstShare) for every interval of n clean answers ending at the
// 429, with equality at the right one: the largest such n/(Δ + burstShare)
// is the limit (a slow start overshoots R by tens of per cent before its first
// 429, so the rate asked or the rate measured over a fixed window says
// little). A second 429 at a rate below that estimate lowers the ceiling to
// the rate asked then, so an API whose burst is larger than assumed is
// approached from above a few per cent per 429. Safe for concurrent use.
type Adaptive struct {
	mu        sync.Mutex
	lim       *rate.Limiter
	now       func() time.Time
	r         float64 // current rate
	ceil      float64 // estimated limit (0 = none yet)
	max       float64
	lastCut   time.Time
	lastProbe time.Time   // last raise of the ceiling (or the last cut)
	estAt     time.Time   // the 429 the ceiling was estimated at (zero = not an estimate)
	answers   int         // clean answers seen
	recent    []time.Time // times of the clean answers of the last history
}

// Controller tuning.
const (
	slowStep   = 1.0  // req/s added per clean answer before the first 429 (×e per second)
	settle     = 0.97 // the rate run at, × ceiling
	recoverPS  = 0.25 // back to settle × ceiling: × ceiling per second of answers
	probeGrow  = 1.02 // the ceiling's raise per probe
	probeEvery = 20 * time.Second
	fallback   = 0.7 // × rate asked, when the answers say nothing of the limit
	burstShare = 0.5 // the API's assumed burst, × R (see the type's comment)
	quiet      = time.Second
	history    = 60 * time.Second // clean answers kept for the estimate
	// lateAnswers: clean answers this soon after a 429 still count for its
	// estimate. A 429 is answered at once, before the latency the accepted
	// requests sent just before it still have to wait (the sandbox does so,
	// and rejecting is cheap on any server): without them the estimate
	// reads 10–15 % low.
	lateAnswers = 300 * time.Millisecond
)

// NewAdaptive returns a controller starting at start req/s (AutoStartRPS if
// ≤ 0), capped at max (AutoMaxRPS if ≤ 0). A remembered start (known > 0)
// is treated as settle × a ceiling already found: the controller runs there
// and probes rarely instead of slow-starting. now nil means time.Now.
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
		a.lastProbe = now()
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

// Ceiling is the estimated limit of the API (0 before the first 429 of a
// run with nothing remembered).
func (a *Adaptive) Ceiling() float64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.ceil
}

// Remember is the rate worth starting the next run at: just under the
// estimated limit, or the current rate when none was seen; n is the number
// of clean answers it rests on.
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
	for i < len(a.recent) && t.Sub(a.recent[i]) > history {
		i++
	}
	if i > 0 {
		a.recent = append(a.recent[:0], a.recent[i:]...)
	}
	if !a.estAt.IsZero() && t.Sub(a.estAt) <= lateAnswers {
		// An answer to a request sent before the 429: it belongs to the
		// interval the estimate was read from.
		if e := a.estimate(a.estAt); e > a.ceil {
			a.ceil = e
		}
	}
	switch {
	case a.ceil == 0:
		a.r += slowStep
	case t.Sub(a.lastProbe) >= probeEvery:
		// Long enough without a 429: look a little higher, in case the
		// estimate was low or the API's limit has risen.
		a.lastProbe = t
		a.ceil = min(a.ceil*probeGrow, a.max/settle)
		a.r = max(a.r, settle*a.ceil)
	case a.r < settle*a.ceil:
		// Back to settle × ceiling within a few seconds: r answers a
		// second, each adding recoverPS × ceiling / r.
		a.r = min(settle*a.ceil, a.r+recoverPS*a.ceil/max(a.r, AutoMinRPS))
	default:
		a.r = settle * a.ceil
	}
	a.set(t)
}

// Throttled records a 429 and re-estimates the limit (once per quiet
// period: the 429s of requests already in flight describe the same excess).
func (a *Adaptive) Throttled() {
	a.mu.Lock()
	defer a.mu.Unlock()
	t := a.now()
	if !a.lastCut.IsZero() && t.Sub(a.lastCut) < quiet {
		return
	}
	a.lastCut, a.lastProbe, a.estAt = t, t, time.Time{}
	est := a.estimate(t)
	switch {
	case est <= 0:
		// Too few answers to say anything: cut what was asked.
		a.ceil = a.r * fallback / settle
	case a.ceil > 0 && a.r <= settle*a.ceil*1.001:
		// A 429 while running below the estimate: it was too high.
		a.ceil = min(est, a.r)
	default:
		a.ceil, a.estAt = est, t
	}
	a.r = settle * a.ceil
	a.set(t)
}

// estimate is the largest n/(Δ + burstShare) over the intervals of n clean
// answers starting at or before t and ending at t; answers after t (late
// ones) count in n but start no interval. 0 with fewer than 4 answers.
func (a *Adaptive) estimate(t time.Time) float64 {
	n := len(a.recent)
	if n < 4 {
		return 0
	}
	best := 0.0
	for i, at := range a.recent {
		d := t.Sub(at).Seconds()
		if d < 0 {
			continue
		}
		best = max(best, float64(n-i)/(d+burstShare))
	}
	return best
}

func (a *Adaptive) set(t time.Time) {
	a.r = min(max(a.r, AutoMinRPS), a.max)
	a.lim.SetLimitAt(t, rate.Limit(a.r))
}

// NewAdaptiveLimiter returns a pausable Limiter whose rate a drives.
func NewAdaptiveLimiter(a *Adaptive) *Limiter { return &Limiter{lim: a.lim, ad: a} }

// observe feeds one answer to the controller, if any: a 429 re-estimates,
// any other answer raises; transport failures are left to Retry's pause.
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
