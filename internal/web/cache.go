package web

import (
	"container/list"
	"context"
	"net/url"
	"sync"
)

// answerCache keeps the last answers of the JSON API (/api/stats,
// /api/lifetime) of one snapshot, least recently used out first, keyed by
// endpoint and canonical query: a dashboard that redraws a chart, a second
// analyst on the same view, or the back button cost a map look-up. A
// request for an answer being computed waits for it rather than compute it
// twice on a 2-core machine. A new snapshot gets a new cache.
type answerCache struct {
	snap     *Snapshot // whose answers these are
	mu       sync.Mutex
	max      int
	budget   int // bytes of the answers; the newest is kept whatever its size
	bytes    int
	ll       *list.List // of *answer, most recent first
	m        map[string]*list.Element
	inflight map[string]*flight
}

// answerBudget is the bytes a snapshot's answer cache may hold (a
// variable for the tests): /api/stats?by=employer is megabytes at a
// million rows.
var answerBudget = 32 << 20

type answer struct {
	key string
	b   []byte
}

type flight struct {
	done chan struct{}
	b    []byte
	err  error
}

func newAnswerCache(snap *Snapshot, max int) *answerCache {
	return &answerCache{snap: snap, max: max, budget: answerBudget, ll: list.New(), m: map[string]*list.Element{}, inflight: map[string]*flight{}}
}

// get returns the answer of key, computing it with fn when neither cached
// nor in flight. Errors are not cached (a cancelled request must not
// poison the next one).
func (c *answerCache) get(ctx context.Context, key string, fn func(context.Context) ([]byte, error)) ([]byte, error) {
	c.mu.Lock()
	if e, ok := c.m[key]; ok {
		c.ll.MoveToFront(e)
		c.mu.Unlock()
		return e.Value.(*answer).b, nil
	}
	if f, ok := c.inflight[key]; ok {
		c.mu.Unlock()
		select {
		case <-f.done:
			if f.err == nil {
				return f.b, nil
			}
			return fn(ctx) // the first asker failed (perhaps cancelled): try for ourselves
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f := &flight{done: make(chan struct{})}
	c.inflight[key] = f
	c.mu.Unlock()
	// The computation outlives this request's cancellation only as far as
	// fn lets it: a view abandoned halfway is simply not cached.
	f.b, f.err = fn(ctx)
	c.mu.Lock()
	delete(c.inflight, key)
	if f.err == nil {
		c.m[key] = c.ll.PushFront(&answer{key: key, b: f.b})
		c.bytes += len(f.b)
		for c.ll.Len() > 1 && (c.ll.Len() > c.max || c.bytes > c.budget) {
			old := c.ll.Remove(c.ll.Back()).(*answer)
			delete(c.m, old.key)
			c.bytes -= len(old.b)
		}
	}
	c.mu.Unlock()
	close(f.done)
	return f.b, f.err
}

// cliJSON is fn's answer for v on the current snapshot, cached under name
// and v's canonical form (url.Values.Encode sorts the keys).
func (s *Server) cliJSON(ctx context.Context, name string, fn StatsFunc, v url.Values) ([]byte, error) {
	snap := s.snap.Load()
	cache := s.answers.Load()
	if cache == nil || cache.snap != snap {
		// Rebuild swaps both; a request between the two stores computes
		// uncached rather than fill the old snapshot's cache.
		return fn(ctx, snap, v)
	}
	return cache.get(ctx, name+"?"+v.Encode(), func(ctx context.Context) ([]byte, error) { return fn(ctx, snap, v) })
}
