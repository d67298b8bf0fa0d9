package hhapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// The client follows the server's clock from Date headers: its Now, the
// search page's Date, and a server clock that jumps (a simulated market).
func TestServerClock(t *testing.T) {
	var server atomic.Int64
	server.Store(time.Date(2031, 3, 4, 5, 6, 7, 0, time.UTC).Unix())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", time.Unix(server.Load(), 0).UTC().Format(http.TimeFormat))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"found":0,"pages":0,"page":0,"per_page":0,"items":[]}`))
	}))
	defer srv.Close()
	c, err := New(srv.URL, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	if c.ServerClockKnown() || time.Since(c.Now()).Abs() > time.Minute {
		t.Fatalf("before any response the local clock: %v", c.Now())
	}
	if err := c.SyncClock(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := time.Unix(server.Load(), 0)
	if got := c.Now(); got.Before(want) || got.Sub(want) > 5*time.Second {
		t.Errorf("Now %v, want ≈ %v", got, want)
	}
	server.Add(86400) // a day later on the server
	page, err := c.SearchVacancies(context.Background(), SearchParams{Probe: true})
	if err != nil {
		t.Fatal(err)
	}
	want = time.Unix(server.Load(), 0)
	if !page.Date.Equal(want) {
		t.Errorf("page Date %v, want %v", page.Date, want)
	}
	if got := c.Now(); got.Before(want) || got.Sub(want) > 5*time.Second {
		t.Errorf("after the jump Now %v, want ≈ %v", got, want)
	}
}

func TestServerClockKeepsSubSecond(t *testing.T) {
	var c serverClock
	base := time.Date(2030, 1, 1, 0, 0, 10, 0, time.UTC)
	local := time.Now()
	h := http.Header{"Date": {base.Format(http.TimeFormat)}}
	c.observe(h, local)
	// 700 ms later the server still says :10 (truncated): the estimate stays :10.7.
	c.observe(h, local.Add(700*time.Millisecond))
	if got := c.date.Add(local.Add(700 * time.Millisecond).Sub(c.at)); !got.Equal(base.Add(700 * time.Millisecond)) {
		t.Errorf("estimate %v", got)
	}
	// No Date header: nothing changes.
	if d := c.observe(http.Header{}, local); !d.IsZero() {
		t.Errorf("no header gave %v", d)
	}
}

// ServerClockKnown reports whether a response has set the server clock
// (a test probe; the binary only asks for Now).
func (c *Client) ServerClockKnown() bool {
	_, ok := c.clock.now()
	return ok
}
