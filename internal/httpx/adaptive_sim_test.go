package httpx

import (
	"container/heap"
	"flag"
	"math/rand/v2"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

var simJitter = flag.Duration("sim-jitter", 0, "TestAdaptiveMeetsTarget: latency jitter (uniform, added to 100 ms)")

// simResult is one simulated run of --rps auto against a rate-limited API.
type simResult struct {
	sent, tooMany int
	elapsed       time.Duration
	remember      float64
}

func (s simResult) share(r float64) float64 { return float64(s.sent) / s.elapsed.Seconds() / r }
func (s simResult) share429() float64       { return float64(s.tooMany) / float64(s.sent) }

type simEvent struct {
	at     time.Time
	kind   int // 0 ready, 1 send, 2 answer
	worker int
	ok     bool
}

type simQueue []simEvent

func (q simQueue) Len() int           { return len(q) }
func (q simQueue) Less(i, j int) bool { return q[i].at.Before(q[j].at) }
func (q simQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *simQueue) Push(x any)        { *q = append(*q, x.(simEvent)) }
func (q *simQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// simulate runs conc workers through an Adaptive controller (on a fake
// clock) against an API that limits limit req/s with a token bucket of
// burst max(1, limit/2), as the sandbox does, answers after latency, and
// asks for Retry-After: 1 on a 429 (every worker pauses, as Retry does),
// until want requests were answered cleanly.
func simulate(limit float64, remembered float64, conc, want int, latency, jitter time.Duration) simResult {
	rnd := rand.New(rand.NewPCG(uint64(limit), uint64(want)))
	t0 := time.Unix(1_000_000, 0)
	now := t0
	a := NewAdaptive(remembered, AutoMaxRPS, remembered > 0, func() time.Time { return now })
	server := rate.NewLimiter(rate.Limit(limit), max(1, int(limit/2)))
	server.AllowN(t0, 0)
	q := &simQueue{}
	for w := range conc {
		heap.Push(q, simEvent{at: t0, worker: w})
	}
	var res simResult
	var pausedUntil time.Time
	good := 0
	for good < want && q.Len() > 0 {
		e := heap.Pop(q).(simEvent)
		now = e.at
		switch e.kind {
		case 0:
			if now.Before(pausedUntil) {
				heap.Push(q, simEvent{at: pausedUntil, worker: e.worker})
				continue
			}
			d := a.lim.ReserveN(now, 1).DelayFrom(now)
			heap.Push(q, simEvent{at: now.Add(d), kind: 1, worker: e.worker})
		case 1:
			res.sent++
			ok := server.AllowN(now, 1)
			lat := latency
			if jitter > 0 {
				lat += time.Duration(rnd.Int64N(int64(jitter)))
			}
			if !ok {
				// The sandbox (and likely hh.ru) answers 429 at once, before
				// the latency: the clean answers of requests sent just
				// before it arrive after it.
				lat = time.Millisecond
			}
			heap.Push(q, simEvent{at: now.Add(lat), kind: 2, worker: e.worker, ok: ok})
		case 2:
			if e.ok {
				good++
				a.Good()
				heap.Push(q, simEvent{at: now.Add(2 * time.Millisecond), worker: e.worker})
				continue
			}
			res.tooMany++
			a.Throttled()
			pausedUntil = maxTime(pausedUntil, now.Add(time.Second))
			heap.Push(q, simEvent{at: now.Add(time.Second), worker: e.worker})
		}
	}
	res.elapsed = now.Sub(t0)
	res.remember, _ = a.Remember()
	return res
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// The done-when of --rps auto: on an API limited to R req/s with 100 ms
// latency and 4 workers, ≥ 0.90 × R with < 1 % of requests answered 429, at
// R = 4, 10 and 25, on a first run (nothing remembered) and on the next one
// (started at the rate the first remembered). Runs of ≥ 600 clean answers and
// ≥ 40 s.
func TestAdaptiveMeetsTarget(t *testing.T) {
	for _, r := range []float64{4, 10, 25} {
		want := max(600, int(40*r)) // ≥ 40 s: a first run pays its ramp and one 1 s pause
		first := simulate(r, 0, 4, want, 100*time.Millisecond, *simJitter)
		second := simulate(r, first.remember, 4, want, 100*time.Millisecond, *simJitter)
		for _, run := range []struct {
			name  string
			res   simResult
			floor float64
		}{{"first run", first, 0.90}, {"remembered run", second, 0.95}} {
			s, s429 := run.res.share(r), run.res.share429()
			t.Logf("R=%g %s: %.1f%% of R, %d of %d answered 429 (%.2f%%), %s; remembers %.2f",
				r, run.name, 100*s, run.res.tooMany, run.res.sent, 100*s429, run.res.elapsed, run.res.remember)
			if s < run.floor || s429 >= 0.01 {
				t.Errorf("R=%g %s: %.1f%% of R with %.2f%% 429s, want ≥ %.0f%% and < 1%%",
					r, run.name, 100*s, 100*s429, 100*run.floor)
			}
		}
		// The estimate is exact for a token bucket up to the answers'
		// granularity; a probe may leave it a few per cent above R.
		if first.remember < 0.9*r || first.remember > 1.05*r {
			t.Errorf("R=%g: remembers %.2f, want within [0.9 R, 1.05 R]", r, first.remember)
		}
	}
}
