package sandbox

import (
	"container/heap"
	"math"
	mrand "math/rand/v2"
	"sync"
	"time"
)

// SimClock is a simulated clock for Config.Now: it stands still until it is
// moved (Advance, Set), so a test or the demo can live through months in
// seconds. Safe for concurrent use.
type SimClock struct {
	mu sync.Mutex
	t  time.Time
}

// NewSimClock returns a clock standing at t.
func NewSimClock(t time.Time) *SimClock { return &SimClock{t: t} }

// Now returns the simulated time.
func (c *SimClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *SimClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Set moves the clock to t.
func (c *SimClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Market is a simulated labour market whose truth is known. From the
// clock's time at New (the market's start, with no vacancies) vacancies
// arrive as a Poisson process of PerDay a day; each lives a log-normal
// lifetime L (median MedianDays, log-sd Sigma: S(t) = 1 − Φ((ln t − ln m)/σ))
// counted from its creation (initial_created_at), and is archived when it
// ends. Independently of L, a share is republished once at an age drawn
// uniformly from [7, 45) days (new published_at, same initial_created_at) and
// a share of those with a salary change their pay once at an age uniform in
// [2, 30) days (up 5–20 % with probability 0.7, else down 5–15 %); either
// happens only if the vacancy is still open then. Because these ages do not
// depend on L, being seen again after a republication is an ordinary
// left truncation. Events are applied when a request arrives (as Drift), in
// time order.
type Market struct {
	PerDay         float64 // arrivals a simulated day (default 200)
	MedianDays     float64 // true median lifetime (default 20)
	Sigma          float64 // log-normal σ (default 0.8)
	RepublishShare float64 // default 0.25
	PayChangeShare float64 // default 0.2
}

// Survival is the true S(t) of the market's lifetimes, t in days.
func (m Market) Survival(t float64) float64 {
	if t <= 0 {
		return 1
	}
	z := (math.Log(t) - math.Log(m.MedianDays)) / m.Sigma
	return 0.5 * math.Erfc(z/math.Sqrt2)
}

func (m *Market) defaults() {
	if m.PerDay <= 0 {
		m.PerDay = 200
	}
	if m.MedianDays <= 0 {
		m.MedianDays = 20
	}
	if m.Sigma <= 0 {
		m.Sigma = 0.8
	}
	if m.RepublishShare == 0 {
		m.RepublishShare = 0.25
	}
	if m.PayChangeShare == 0 {
		m.PayChangeShare = 0.2
	}
}

// MarketTruth is what GET /_sandbox/market reports.
type MarketTruth struct {
	Distribution string             `json:"distribution"`
	MedianDays   float64            `json:"median_days"`
	Sigma        float64            `json:"sigma"`
	PerDay       float64            `json:"per_day"`
	Survival     map[string]float64 `json:"survival"` // at 7, 14, 28, 56 days
	Start        time.Time          `json:"start"`
	Now          time.Time          `json:"now"`
	Published    int                `json:"published"`
	Closed       int                `json:"closed"`
	Republished  int                `json:"republished"`
	PayChanged   int                `json:"pay_changed"`
}

const (
	evClose = iota
	evRepublish
	evPay
)

type marketEvent struct {
	at   int64 // unix seconds
	kind int
	v    *vacancy
	seq  int64 // ties in insertion order: deterministic
}

type eventHeap []marketEvent

func (h eventHeap) Len() int { return len(h) }
func (h eventHeap) Less(i, j int) bool {
	if h[i].at != h[j].at {
		return h[i].at < h[j].at
	}
	return h[i].seq < h[j].seq
}
func (h eventHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *eventHeap) Push(x any)   { *h = append(*h, x.(marketEvent)) }
func (h *eventHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// marketState is a running Market; guarded by Server.mu.
type marketState struct {
	Market
	r                                       *mrand.Rand
	start, next                             int64 // market start; next arrival (unix seconds, fractional days rounded)
	events                                  eventHeap
	seq                                     int64
	published, closed, republished, changed int
}

func newMarketState(m Market, seed int64, start time.Time) *marketState {
	m.defaults()
	ms := &marketState{Market: m, r: mrand.New(mrand.NewPCG(uint64(seed), 0x6d61726b6574)), start: start.Unix()}
	ms.next = ms.start + ms.gap()
	return ms
}

// gap is an exponential inter-arrival time in seconds (at least 1).
func (ms *marketState) gap() int64 {
	return max(1, int64(ms.r.ExpFloat64()*86400/ms.PerDay))
}

func (ms *marketState) push(at int64, kind int, v *vacancy) {
	ms.seq++
	heap.Push(&ms.events, marketEvent{at: at, kind: kind, v: v, seq: ms.seq})
}

// advanceMarket applies every arrival and event up to Now; callers do not hold mu.
func (s *Server) advanceMarket() {
	if s.market == nil {
		return
	}
	now := s.cfg.Now().Unix()
	s.mu.Lock()
	defer s.mu.Unlock()
	ms := s.market
	moved := false
	for {
		nextEv := int64(math.MaxInt64)
		if len(ms.events) > 0 {
			nextEv = ms.events[0].at
		}
		if ms.next <= nextEv && ms.next <= now {
			s.marketArrival(ms, ms.next)
			ms.next += ms.gap()
			continue
		}
		if nextEv > now {
			break
		}
		e := heap.Pop(&ms.events).(marketEvent)
		v := e.v
		if v.archived || v.removed {
			continue
		}
		switch e.kind {
		case evClose:
			v.archived = true
			ms.closed++
		case evRepublish:
			v.published = e.at
			ms.republished++
		case evPay:
			s.marketPay(ms, v)
			ms.changed++
		}
		v.item.Store(nil)
		moved = true
	}
	if moved {
		sortByPublished(s.vacs)
		s.reindex()
	}
}

func (s *Server) marketArrival(ms *marketState, t int64) {
	ids := s.publishLocked(1, time.Unix(t, 0))
	v := s.byID[ids[0]]
	v.initial = t // the market's vacancies are created when first published
	ms.published++
	life := ms.MedianDays * math.Exp(ms.Sigma*ms.r.NormFloat64())
	end := t + int64(life*86400)
	ms.push(end, evClose, v)
	if ms.r.Float64() < ms.RepublishShare {
		if at := t + int64((7+38*ms.r.Float64())*86400); at < end {
			ms.push(at, evRepublish, v)
		}
	}
	if ms.r.Float64() < ms.PayChangeShare {
		if at := t + int64((2+28*ms.r.Float64())*86400); at < end && v.sal != nil {
			ms.push(at, evPay, v)
		}
	}
}

func (s *Server) marketPay(ms *marketState, v *vacancy) {
	f := 1 + 0.05 + 0.15*ms.r.Float64()
	if ms.r.Float64() >= 0.7 {
		f = 1 - 0.05 - 0.10*ms.r.Float64()
	}
	sa := *v.sal // copy: never mutate what a concurrent reader may hold
	scale := func(p *int) *int {
		if p == nil {
			return nil
		}
		x := int(math.Round(float64(*p)*f/100) * 100)
		return &x
	}
	sa.from, sa.to = scale(sa.from), scale(sa.to)
	s.convertSalary(&sa)
	v.sal = &sa
}

// MarketTruth reports the market's true lifetime distribution and its
// counters; ok is false when the server runs no market.
func (s *Server) MarketTruth() (t MarketTruth, ok bool) {
	if s.market == nil {
		return t, false
	}
	s.advanceMarket()
	s.mu.RLock()
	defer s.mu.RUnlock()
	ms := s.market
	t = MarketTruth{Distribution: "lognormal", MedianDays: ms.MedianDays, Sigma: ms.Sigma, PerDay: ms.PerDay,
		Survival: map[string]float64{}, Start: time.Unix(ms.start, 0).UTC(), Now: s.cfg.Now().UTC(),
		Published: ms.published, Closed: ms.closed, Republished: ms.republished, PayChanged: ms.changed}
	for _, d := range []int{7, 14, 28, 56} {
		t.Survival[itoa(int64(d))] = ms.Survival(float64(d))
	}
	return t, true
}
