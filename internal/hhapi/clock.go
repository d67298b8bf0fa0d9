package hhapi

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// serverClock follows the API server's clock from the Date headers of its
// responses, so that observation times (first_seen_at, last_seen_at,
// closed_at) and a run's publication window are the server's time, not this
// machine's: collectors on several machines then agree, and a sandbox with a
// simulated clock gives consistent data.
type serverClock struct {
	mu   sync.Mutex
	date time.Time // the server's time at local
	at   time.Time // local (monotonic) time of the observation
	ok   bool
}

// observe records a response's Date header (HTTP date, 1 s resolution). A
// date within a second of the running estimate keeps the estimate (so the
// clock does not step back by the header's truncation); anything else — the
// first observation, a server clock that jumped — resets it.
func (c *serverClock) observe(h http.Header, local time.Time) time.Time {
	d, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		return time.Time{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok {
		est := c.date.Add(local.Sub(c.at))
		if diff := d.Sub(est); diff > -time.Second && diff <= 0 {
			return d
		}
	}
	c.date, c.at, c.ok = d, local, true
	return d
}

func (c *serverClock) now() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.ok {
		return time.Time{}, false
	}
	return c.date.Add(time.Since(c.at)), true
}

// Now is the server's present: the Date of its latest response plus the time
// elapsed since (monotonic), or this machine's clock before any response.
func (c *Client) Now() time.Time {
	if t, ok := c.clock.now(); ok {
		return t
	}
	return time.Now()
}

// SyncClock reads the server's clock with the cheapest request there is
// (a search probe, per_page=0). A run calls it before it fixes its window:
// the estimate from an older response would miss a server clock that
// jumped meanwhile (a simulated market lives through days in seconds).
func (c *Client) SyncClock(ctx context.Context) error {
	_, err := c.SearchVacancies(ctx, SearchParams{Probe: true})
	return err
}
