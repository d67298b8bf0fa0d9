package harvest

import (
	"log/slog"
	"net/http"

	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/httpx"
	"github.com/hhjobs/hhjobs/internal/store"
)

// Client describes the hh.ru client stack a collector runs on: the httpx
// layers (User-Agent, rate limit, retry, deadline, trace, metrics), the token
// layer and hhapi.Client on top. The CLI's Factory and `hhjobs bench` both
// build it here, so that what bench measures is what collect runs.
type Client struct {
	APIBase   string // hh.ru's API address (or a sandbox's)
	UserAgent string // required by hh.ru (httpx.ErrNoUserAgent)
	// Limiter is shared by every worker (and may be adaptive); nil = RPS.
	Limiter *httpx.Limiter
	RPS     float64 // used when Limiter is nil; 0 = unlimited
	Retry   httpx.RetryPolicy
	// Base is the innermost transport (e.g. one bound to a source address);
	// nil = httpx.NewTransport().
	Base http.RoundTripper
	// Auth is the token layer (auth.Wrap); nil sends no token.
	Auth func(http.RoundTripper) http.RoundTripper
	// Log traces every HTTP attempt (nil = off; secrets are redacted).
	Log *slog.Logger
}

// NewAPI builds the hh.ru client; m (may be nil) counts its requests.
func (c Client) NewAPI(m *httpx.Metrics) (*hhapi.Client, error) {
	hc, err := httpx.NewClient(httpx.Options{
		Base:      c.Base,
		UserAgent: c.UserAgent,
		Limiter:   c.Limiter,
		RPS:       c.RPS,
		Metrics:   m,
		Retry:     c.Retry,
		Log:       c.Log,
		Wrap:      c.Auth,
	})
	if err != nil {
		return nil, err
	}
	return hhapi.New(c.APIBase, hc)
}

// New builds a Harvester over st on its own client stack, whose requests are
// counted in the Harvester's Metrics (copied into each run). The caller sets
// the optional fields (Concurrency, Worker, Cap, Log, Started, …) on the
// result before the first Run.
func New(c Client, st store.Store) (*Harvester, error) {
	m := &httpx.Metrics{}
	api, err := c.NewAPI(m)
	if err != nil {
		return nil, err
	}
	return &Harvester{API: api, Store: st, Metrics: m}, nil
}
