package web

import (
	"context"
	"testing"
	"time"
)

// TestWarmWaitsForQuiet: the warm-up of /api/stats starts only once no
// request has been in flight for warmIdle, and not at all for a snapshot
// that has been replaced.
func TestWarmWaitsForQuiet(t *testing.T) {
	defer func(d time.Duration) { warmIdle = d }(warmIdle)
	warmIdle = 50 * time.Millisecond
	s := &Server{}
	snap := &Snapshot{}
	s.snap.Store(snap)
	s.inflight.Add(1) // a visitor's view is being computed
	done := make(chan bool, 1)
	start := time.Now()
	go func() { done <- s.warmWhenIdle(context.Background(), snap) }()
	select {
	case <-done:
		t.Fatal("the warm-up started while a request was in flight")
	case <-time.After(4 * warmIdle):
	}
	s.lastDone.Store(time.Now().UnixNano())
	s.inflight.Add(-1)
	if !<-done {
		t.Fatal("no warm-up after the request")
	}
	if waited := time.Since(start); waited < 5*warmIdle {
		t.Errorf("started %v after the start, %v after the last request: want a quiet %v first", waited, waited-4*warmIdle, warmIdle)
	}

	s.inflight.Add(1)
	go func() { done <- s.warmWhenIdle(context.Background(), snap) }()
	s.snap.Store(&Snapshot{}) // a sync's rebuild: the new snapshot warms itself
	if <-done {
		t.Error("a replaced snapshot was warmed")
	}
}
