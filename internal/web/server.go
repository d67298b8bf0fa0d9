// Package web is `hhjobs serve`: the HR-market dashboard. It answers every
// view from an in-memory snapshot of the store (snapshot.go), rebuilt and
// swapped after each background sync, so a reader never waits for the
// writer. Every view is a URL: the filters are query parameters of the one
// filter language (internal/filter), the same words as the flags of
// `stats`, `report` and `export`.
//
// Read-only: no endpoint changes data. Strings from hh.ru reach a page only
// through html/template (or the report's table and chart writers, which
// escape with its table: report/markup.go) or the JSON encoder; the Content-Security-Policy
// allows scripts from this server only (and the report's own inline sorter,
// by its hash).
package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hhjobs/hhjobs/internal/filter"
	"github.com/hhjobs/hhjobs/internal/store"
)

// StatsFunc builds what `hhjobs stats --json` prints for the parameters v
// (by, basis and the filters), reading st. The CLI passes its own, so that
// /api/stats is the CLI's output byte for byte.
type StatsFunc func(ctx context.Context, st store.Store, v url.Values) ([]byte, error)

// Config wires a Server.
type Config struct {
	Store store.Store // the source the snapshot is built from (read-only use)
	Stats StatsFunc
	// StatsParams are the parameters of Stats besides the filters (by, basis, …).
	StatsParams []string
	// Lifetime builds what `hhjobs stats --lifetime --json` prints for v
	// (/api/lifetime); nil: no such endpoint.
	Lifetime       StatsFunc
	LifetimeParams []string                        // its parameters besides the filters (by)
	Token          string                          // required on every request when not empty
	Sync           func(ctx context.Context) error // one sync of the saved queries; nil: none
	SyncEvery      time.Duration
	Now            func() time.Time
	Log            *slog.Logger
}

// Server is the dashboard. Build it with New.
type Server struct {
	cfg       Config
	snap      atomic.Pointer[Snapshot]
	cache     atomic.Pointer[viewCache]   // one per snapshot
	answers   atomic.Pointer[answerCache] // the JSON API's, one per snapshot
	sync      syncState
	rebuildMu sync.Mutex
	// Requests in flight and the end of the last one (UnixNano): the
	// warm-up of /api/stats waits for a quiet moment (warmWhenIdle).
	inflight atomic.Int64
	lastDone atomic.Int64
}

// New builds the first snapshot and returns the server.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Stats == nil || cfg.Store == nil {
		return nil, errors.New("web: Store and Stats are required")
	}
	s := &Server{cfg: cfg}
	if err := s.Rebuild(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Rebuild builds a new snapshot from the source and swaps it in.
func (s *Server) Rebuild(ctx context.Context) error {
	s.rebuildMu.Lock()
	defer s.rebuildMu.Unlock()
	snap, err := BuildSnapshot(ctx, s.cfg.Store)
	if err != nil {
		return err
	}
	s.cache.Store(newViewCache(64))
	s.snap.Store(snap)
	s.answers.Store(newAnswerCache(snap, answerCacheSize))
	// The build's garbage (decoded rows, the dictionary's map) is several
	// times the snapshot: hand it back to the system now rather than keep
	// it as the process's high-water mark.
	debug.FreeOSMemory()
	// The unfiltered overview is the first page everyone opens and the
	// slowest to compute (every section over every row): compute it now,
	// in the background, so that the first visitor does not wait for it.
	go func() {
		wctx := context.WithoutCancel(ctx)
		// One after the other, not side by side: at a million rows two
		// computations' working memory at once, beside the index being
		// built, pushed the heap into serve's soft limit (GC without end).
		if _, err := s.overview(wctx, url.Values{}); err != nil {
			s.cfg.Log.Error("warming the overview", "err", err)
		}
		// The unfiltered /api/stats, a full walk too, waits until nobody
		// is asking: right after the overview the first visitor changes a
		// filter, and at a million rows the warm-up would take one of the
		// two cores from that view for most of a second.
		if !s.warmWhenIdle(wctx, snap) {
			return
		}
		if _, err := s.cliJSON(wctx, "stats", s.cfg.Stats, url.Values{}); err != nil {
			s.cfg.Log.Error("warming /api/stats", "err", err)
		}
	}()
	s.cfg.Log.Info("snapshot", "vacancies", snap.Len(), "took", snap.Took.Round(time.Millisecond))
	return nil
}

// answerCacheSize bounds the JSON API's cache per snapshot by count (and
// answerBudget by bytes): most answers are a few kilobytes.
const answerCacheSize = 256

// Snapshot returns the current snapshot.
func (s *Server) Snapshot() *Snapshot { return s.snap.Load() }

// Handler returns the dashboard's routes behind the security headers and,
// when configured, the token check.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.handleOverview)
	mux.HandleFunc("GET /vacancies", s.handleVacancies)
	mux.HandleFunc("GET /compare", s.handleCompare)
	mux.HandleFunc("GET /skill", s.handleSkill)       // entity.go
	mux.HandleFunc("GET /employer", s.handleEmployer) // entity.go
	mux.HandleFunc("GET /vacancies.csv", s.handleVacanciesCSV)
	mux.HandleFunc("GET /table.csv", s.handleTableCSV)
	mux.HandleFunc("GET /api/stats", s.handleAPIStats)
	if s.cfg.Lifetime != nil {
		mux.HandleFunc("GET /api/lifetime", s.handleAPILifetime)
	}
	mux.HandleFunc("GET /api/vacancies", s.handleAPIVacancies)
	mux.HandleFunc("GET /api/status", s.handleAPIStatus)
	mux.HandleFunc("GET /api/options", s.handleAPIOptions)
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }) // no icon, and no 404 in the console
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(staticFS())))
	return s.track(s.secure(s.auth(mux)))
}

// warmIdle is how long no request must have been in flight before the
// warm-up of /api/stats starts (a variable for the tests).
var warmIdle = 2 * time.Second

// warmWhenIdle waits until no request has been in flight for warmIdle; it
// reports false when snap is no longer the server's (a newer snapshot warms
// itself) or ctx ends.
func (s *Server) warmWhenIdle(ctx context.Context, snap *Snapshot) bool {
	tick := time.NewTicker(warmIdle / 10)
	defer tick.Stop()
	for {
		if s.snap.Load() != snap {
			return false
		}
		if s.inflight.Load() == 0 && time.Since(time.Unix(0, s.lastDone.Load())) >= warmIdle {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
		}
	}
}

// track counts the requests in flight for warmWhenIdle.
func (s *Server) track(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.inflight.Add(1)
		defer func() {
			s.lastDone.Store(time.Now().UnixNano())
			s.inflight.Add(-1)
		}()
		next.ServeHTTP(w, r)
	})
}

func (s *Server) secure(next http.Handler) http.Handler {
	// No page has an inline script (the report's is served as
	// /static/report.js), so scripts come from this server only.
	csp := "default-src 'none'; script-src 'self'"
	csp += "; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "read-only: only GET and HEAD", http.StatusMethodNotAllowed)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// tokenCookie carries the token after the first request, so that it does
// not stay in the address bar, the history or a shared link.
const tokenCookie = "hhjobs_token"

func (s *Server) auth(next http.Handler) http.Handler {
	if s.cfg.Token == "" {
		return next
	}
	want := sha256.Sum256([]byte(s.cfg.Token))
	ok := func(got string) bool {
		h := sha256.Sum256([]byte(got)) // equal lengths: the comparison time says nothing
		return got != "" && subtle.ConstantTimeCompare(h[:], want[:]) == 1
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if t, found := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); found && ok(t) {
			next.ServeHTTP(w, r)
			return
		}
		if c, err := r.Cookie(tokenCookie); err == nil && ok(c.Value) {
			next.ServeHTTP(w, r)
			return
		}
		if q := r.URL.Query(); q.Has("token") {
			if !ok(q.Get("token")) {
				http.Error(w, "wrong token", http.StatusUnauthorized)
				return
			}
			http.SetCookie(w, &http.Cookie{Name: tokenCookie, Value: q.Get("token"), Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
			q.Del("token")
			u := *r.URL
			u.RawQuery = q.Encode()
			http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
			return
		}
		http.Error(w, "this dashboard needs its access token: open the link with ?token=… once, or send Authorization: Bearer …", http.StatusUnauthorized)
	})
}

// badRequest is a 400 with a one-line reason.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func badParam(param, format string, a ...any) error {
	return &badRequest{param + ": " + fmt.Sprintf(format, a...)}
}

// fail writes err as one line: 400 for a bad parameter, else 500 without
// details (they go to the log).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var pe *filter.ParamError
	var br *badRequest
	switch {
	case errors.As(err, &pe):
		http.Error(w, oneLine(pe.Error()), http.StatusBadRequest)
	case errors.As(err, &br):
		http.Error(w, oneLine(br.msg), http.StatusBadRequest)
	case errors.Is(err, context.Canceled):
	default:
		s.cfg.Log.Error("request failed", "path", r.URL.Path, "err", err)
		http.Error(w, "internal error: see the server's log", http.StatusInternalServerError)
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// checkParams refuses parameters an endpoint does not know: a typo must
// not silently show everything.
func checkParams(v url.Values, own ...string) error {
	for k := range v {
		known := false
		for _, p := range filter.Params {
			known = known || k == p || k == strings.ReplaceAll(p, "-", "_")
		}
		for _, p := range own {
			known = known || k == p
		}
		if !known {
			return badParam(k, "unknown parameter (filters: %s; here also: %s)", strings.Join(filter.Params, ", "), strings.Join(own, ", "))
		}
	}
	return nil
}

// noParams refuses any parameter (an endpoint that takes no filters).
func noParams(v url.Values) error {
	for k := range v {
		return badParam(k, "unknown parameter (this endpoint takes none)")
	}
	return nil
}

// IsLoopback reports whether addr (host:port) binds to loopback only.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
