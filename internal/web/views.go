package web

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"sync"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/filter"
	"github.com/hhjobs/hhjobs/internal/report"
)

// viewCache keeps the last computed views of one snapshot by their
// canonical URL: going back to a view, or a second reader of it, costs
// nothing. A new snapshot gets a new cache.
//
// It is bounded by count and by bytes: at a million rows a view's result
// holds some 25,000 groups (every employer's) and its page a megabyte,
// 10-14 MB in all, and 64 of them would hold more than serve's whole
// memory limit, every later view then spending its time in the collector.
// 32 MB (viewBudget) keeps the server's peak under 600 MB at a million
// rows, where 64 MB let a whole-country view push it over.
type viewCache struct {
	mu       sync.Mutex
	max      int
	budget   int64 // bytes (viewBytes) the views may hold; the newest is kept whatever its size
	bytes    int64
	order    []string
	m        map[string]*view
	inflight map[string]chan struct{} // views being computed: a second reader waits for the first
}

// viewBudget is the bytes a snapshot's view cache may hold (a variable
// for the tests).
var viewBudget int64 = 32 << 20

type view struct {
	res  *analytics.Result
	meta report.Meta
	html []byte
	size int64 // viewBytes, set by put
}

func newViewCache(max int) *viewCache {
	return &viewCache{max: max, budget: viewBudget, m: map[string]*view{}, inflight: map[string]chan struct{}{}}
}

// viewBytes estimates the memory v holds: its page, and its result at
// about 500 bytes a group (measured at a million rows: 12.6 MB of heap for
// /?area=113's 25,000 groups and 0.9 MB page).
func viewBytes(v *view) int64 {
	n := int64(len(v.html)) + 64<<10
	if v.res != nil {
		for _, g := range v.res.Groupings {
			n += 500 * int64(len(g.Groups))
		}
	}
	return n
}

// claim returns the cached view of k, or, when nobody computes it, done
// (to be called when the caller has put it); a view another request is
// computing is waited for.
func (c *viewCache) claim(ctx context.Context, k string) (v *view, done func(), err error) {
	for {
		c.mu.Lock()
		if v := c.m[k]; v != nil {
			c.mu.Unlock()
			return v, nil, nil
		}
		ch, busy := c.inflight[k]
		if !busy {
			ch = make(chan struct{})
			c.inflight[k] = ch
			c.mu.Unlock()
			return nil, func() {
				c.mu.Lock()
				delete(c.inflight, k)
				c.mu.Unlock()
				close(ch)
			}, nil
		}
		c.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
}

func (c *viewCache) put(k string, v *view) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[k]; ok {
		c.bytes -= old.size
	} else {
		c.order = append(c.order, k)
	}
	v.size = viewBytes(v)
	c.m[k] = v
	c.bytes += v.size
	for len(c.order) > 1 && (len(c.order) > c.max || c.bytes > c.budget) {
		c.bytes -= c.m[c.order[0]].size
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
}

// request is a parsed dashboard URL: the filters and the salary basis.
type request struct {
	spec filter.Spec
	flt  *filter.Filter
	net  bool
	key  string // canonical form
}

func (s *Server) parse(ctx context.Context, snap *Snapshot, v url.Values) (*request, error) {
	spec, err := filter.Parse(v)
	if err != nil {
		return nil, err
	}
	r := &request{spec: spec}
	switch b := strings.ToLower(v.Get("basis")); b {
	case "", "gross":
	case "net":
		r.net = true
	default:
		return nil, badParam("basis", "%q: want gross or net", b)
	}
	if r.flt, err = filter.Resolve(ctx, snap, spec); err != nil {
		return nil, err
	}
	cv := spec.Values()
	if r.net {
		cv.Set("basis", "net")
	}
	r.key = cv.Encode()
	return r, nil
}

// overview computes (or takes from the cache) the report for v's filters.
func (s *Server) overview(ctx context.Context, v url.Values) (*view, error) {
	snap := s.snap.Load()
	req, err := s.parse(ctx, snap, v)
	if err != nil {
		return nil, err
	}
	cache := s.cache.Load()
	vw, done, err := cache.claim(ctx, req.key)
	if vw != nil || err != nil {
		return vw, err
	}
	defer done()
	// The header's scope (queries, publication period, n) counts the rows
	// the analytics' count selected (CountFiltered), when it did.
	sink := &selectionSink{}
	res, err := analytics.Compute(withSink(ctx, sink), req.flt.Wrap(snap), analytics.Config{
		Filter: req.flt.StoreFilter(), Options: analytics.Options{Net: req.net}, Now: s.cfg.Now(),
	})
	if err != nil {
		return nil, err
	}
	cov, err := snap.coverageOf(ctx, req.flt, sink)
	if err != nil {
		return nil, err
	}
	meta := report.Meta{Query: req.spec.Query, Since: req.flt.Since, Filters: req.flt.Describe(), Coverage: cov}
	var buf bytes.Buffer
	if err := report.Render(&buf, res, meta); err != nil {
		return nil, err
	}
	vw = &view{res: res, meta: meta, html: buf.Bytes()}
	cache.put(req.key, vw)
	return vw, nil
}
