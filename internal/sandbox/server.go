package sandbox

import (
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Defaults of the one registered OAuth client.
const (
	DefaultClientID     = "SANDBOXCLIENTID0000000000000000000000000000000000000000000000000"
	DefaultClientSecret = "SANDBOXCLIENTSECRET00000000000000000000000000000000000000000000"
	DefaultRedirectURI  = "http://127.0.0.1:8765/callback"

	// DefaultUserTokenTTL is hh.ru's expires_in for user tokens (14 days).
	DefaultUserTokenTTL = 1209600 * time.Second
	// DefaultAppTokenMinInterval is hh.ru's app-token re-issue limit.
	DefaultAppTokenMinInterval = 5 * time.Minute
	// AuthCodeTTL is how long an authorization code stays valid.
	AuthCodeTTL = 10 * time.Minute
	// DepthLimit is hh.ru's search depth: (page+1)*per_page <= 2000.
	DepthLimit = 2000
	// MaxPerPage is the largest per_page /vacancies accepts.
	MaxPerPage = 100
	// DefaultPerPage is used when per_page is absent.
	DefaultPerPage = 20
	// MaxPeriod is the largest period (days) /vacancies accepts.
	MaxPeriod = 30
)

// Config configures a Server. The zero value is valid: defaults apply.
type Config struct {
	Seed      int64            // default 1; same seed (and same Now) => identical data
	Vacancies int              // vacancies generated besides the hard cells (default 30000)
	Days      int              // publication spread in days back from Now (default 30)
	Now       func() time.Time // clock (default time.Now): token expiry, code expiry, period, Publish, Drift

	// RPS is the per-client-IP request rate over which the server answers
	// 429 (0 = unlimited). The bucket holds max(1, RPS/2) tokens and refills
	// at RPS per second of wall time (not Config.Now).
	RPS float64
	// RetryAfter adds "Retry-After: 1" to 429 answers (unverified on hh.ru).
	RetryAfter bool
	// Latency is added to every API response.
	Latency time.Duration
	// FaultRate (0..1) is the share of API requests (not /_sandbox, not the
	// OAuth endpoints) that fail: 503 JSON, 503 HTML, or a dropped connection.
	FaultRate float64
	// Drift publishes this many new vacancies per second of Config.Now time
	// while serving (checked on every API request); 0 = off.
	Drift float64
	// CaptchaAfter: after this many vacancy requests (search or by id) every
	// vacancy request gets 403 captcha_required; 0 = off.
	CaptchaAfter int
	// ClusterItems keeps each clusters group to its N largest items (0 = all).
	ClusterItems int
	// NoClusters answers "clusters": null even to clusters=true, like an API
	// without them: collectors must fall back to probing.
	NoClusters bool

	// The one registered OAuth client; defaults DefaultClientID etc.
	ClientID, ClientSecret, RedirectURI string
	UserTokenTTL                        time.Duration // default DefaultUserTokenTTL
	AppTokenMinInterval                 time.Duration // default DefaultAppTokenMinInterval

	// NoHardCells leaves out the HardDay/HardHour cells (4200 vacancies).
	NoHardCells bool
	// Market, when set, replaces the generated dataset with a simulated
	// market that starts empty at Now() and lives on Now's time (market.go).
	Market *Market

	// Hostile serves attack data and broken answers (hostile.go);
	// HostileStall is how long its stalled body stalls (default 45 s).
	Hostile      bool
	HostileStall time.Duration

	Log *slog.Logger // optional
}

// Stats are request counters.
type Stats struct {
	Requests    int64 `json:"requests"`     // all API and OAuth requests (not /_sandbox)
	Search      int64 `json:"search"`       // GET /vacancies with per_page > 0
	SearchProbe int64 `json:"search_probe"` // GET /vacancies with per_page=0
	Vacancy     int64 `json:"vacancy"`      // GET /vacancies/{id}
	Dict        int64 `json:"dict"`         // areas, dictionaries, professional_roles, industries
	Token       int64 `json:"token"`        // /token, /oauth/token, /oauth/authorize
	Other       int64 `json:"other"`        // everything else
	TooMany     int64 `json:"too_many"`     // 429 answers
	Faults      int64 `json:"faults"`       // injected faults
	Captchas    int64 `json:"captchas"`     // 403 captcha_required answers
}

type stats struct {
	requests, search, probe, vacancy, dict, token, other, tooMany, faults, captchas atomic.Int64
}

// Server is the emulator; it is an http.Handler safe for concurrent use.
type Server struct {
	cfg  Config
	ref  *refData
	pool *textPool
	log  *slog.Logger

	mu        sync.RWMutex
	vacs      []*vacancy // ascending (published, id); includes archived and removed
	byID      map[string]*vacancy
	byRole    map[string][]int32    // indices into vacs of open vacancies, ascending
	byArea    map[*areaNode][]int32 // the same per area, of its whole subtree (index.go)
	ver       uint64                // bumped by every change of the searchable data (index.go)
	memo      clusterMemo           // cluster counts of large matching sets (clusters.go)
	rel       []*vacancy            // searchable order for order_by=relevance (by relKey)
	employers map[string]*employer
	gen       *gen
	nextID    int64
	hardDay   time.Time
	hardHour  time.Time
	driftLast time.Time
	driftAcc  float64

	auth authState

	limMu    sync.Mutex
	limiters map[string]*rate.Limiter

	rndMu sync.Mutex
	rnd   *mrand.Rand // faults, tokens' randomness where determinism is not needed

	vacReqs atomic.Int64 // for CaptchaAfter
	st      stats
	hostile *hostileState // Config.Hostile (hostile.go)
	market  *marketState  // nil unless Config.Market
}

// New builds the deterministic dataset and returns a ready server.
func New(cfg Config) (*Server, error) {
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.Vacancies < 0 {
		return nil, fmt.Errorf("sandbox: negative Vacancies")
	}
	if cfg.Vacancies == 0 {
		cfg.Vacancies = 30000
	}
	if cfg.Days <= 0 {
		cfg.Days = 30
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.FaultRate < 0 || cfg.FaultRate > 1 {
		return nil, fmt.Errorf("sandbox: FaultRate %v out of [0,1]", cfg.FaultRate)
	}
	if cfg.ClientID == "" {
		cfg.ClientID = DefaultClientID
	}
	if cfg.ClientSecret == "" {
		cfg.ClientSecret = DefaultClientSecret
	}
	if cfg.RedirectURI == "" {
		cfg.RedirectURI = DefaultRedirectURI
	}
	if cfg.UserTokenTTL <= 0 {
		cfg.UserTokenTTL = DefaultUserTokenTTL
	}
	if cfg.AppTokenMinInterval <= 0 {
		cfg.AppTokenMinInterval = DefaultAppTokenMinInterval
	}
	ref, err := loadRef()
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:      cfg,
		ref:      ref,
		log:      cfg.Log,
		limiters: map[string]*rate.Limiter{},
		rnd:      mrand.New(mrand.NewPCG(uint64(cfg.Seed), 42)),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.pool = sharedPool(ref)
	s.auth.init()
	now := cfg.Now()
	nowMSK := now.In(msk)
	d := nowMSK.AddDate(0, 0, -2)
	s.hardDay = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, msk)
	s.hardHour = now.Add(-26 * time.Hour).Truncate(time.Hour).In(msk)
	s.gen = newGen(s, cfg.Seed)
	if cfg.Market != nil {
		s.nextID, s.market = 126000000, newMarketState(*cfg.Market, cfg.Seed, now)
	} else {
		s.vacs = s.gen.generate(now.Unix())
	}
	s.employers = map[string]*employer{}
	for _, e := range s.gen.employers {
		s.employers[e.id] = e
	}
	s.driftLast = now
	if cfg.Hostile {
		s.makeHostile()
	}
	s.reindex()
	if !cfg.NoClusters {
		s.warmClusters() // a country's clusters answered in microseconds from the first probe
	}
	return s, nil
}

var (
	poolOnce sync.Once
	poolVal  *textPool
)

func sharedPool(ref *refData) *textPool {
	poolOnce.Do(func() { poolVal = buildPool(ref) })
	return poolVal
}

// HardDay returns the calendar day (Moscow time) [start, end) in which
// HardDayRole × HardDayArea has more than 2000 vacancies.
func (s *Server) HardDay() (start, end time.Time) {
	return s.hardDay, s.hardDay.Add(24 * time.Hour)
}

// HardHour returns the clock hour [start, end) in which HardHourRole ×
// HardHourArea has more than 2000 vacancies.
func (s *Server) HardHour() (start, end time.Time) {
	return s.hardHour, s.hardHour.Add(time.Hour)
}

// Config returns the effective configuration (defaults filled in).
func (s *Server) Config() Config { return s.cfg }

func (s *Server) convertSalary(sa *salaryInfo) {
	rate := s.ref.currency[sa.cur]
	if rate <= 0 {
		rate = 1
	}
	sa.minRUR, sa.maxRUR = 0, 0
	if sa.from != nil {
		sa.minRUR = float64(*sa.from) / rate
	}
	if sa.to != nil {
		sa.maxRUR = float64(*sa.to) / rate
	}
}

// blacklistedAgents are substrings of the documentation sample agents
// (hh staff called copying them a bad UA, REFERENCE §1, I-296).
var blacklistedAgents = []string{"my-app-feedback@example.com", "api-test-agent"}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) limiter(ip string) *rate.Limiter {
	s.limMu.Lock()
	defer s.limMu.Unlock()
	l := s.limiters[ip]
	if l == nil {
		burst := max(1, int(s.cfg.RPS/2))
		l = rate.NewLimiter(rate.Limit(s.cfg.RPS), burst)
		s.limiters[ip] = l
	}
	return l
}

func (s *Server) chance(p float64) (bool, int) {
	s.rndMu.Lock()
	defer s.rndMu.Unlock()
	return s.rnd.Float64() < p, s.rnd.IntN(3)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Request-Id", newRequestID())
	w.Header().Set("Date", s.cfg.Now().UTC().Format(http.TimeFormat)) // the (possibly simulated) clock
	path := r.URL.Path
	s.log.Debug("sandbox request", "method", r.Method, "path", path, "query", r.URL.RawQuery, "remote", r.RemoteAddr)
	if strings.HasPrefix(path, "/_sandbox/") {
		s.serveAdmin(w, r)
		return
	}
	s.st.requests.Add(1)
	isOAuth := path == "/token" || path == "/oauth/token" || path == "/oauth/authorize"
	if path != "/oauth/authorize" { // a browser page; browsers always send a UA
		ua := r.Header.Get("HH-User-Agent")
		if ua == "" {
			ua = r.Header.Get("User-Agent")
		}
		if strings.TrimSpace(ua) == "" {
			s.countKind(path, r)
			s.writeErrors(w, r, http.StatusBadRequest, "Bad Request", apiError{Type: "bad_user_agent", Value: "unset"})
			return
		}
		for _, bad := range blacklistedAgents {
			if strings.Contains(strings.ToLower(ua), bad) {
				s.countKind(path, r)
				s.writeErrors(w, r, http.StatusBadRequest, "Bad Request", apiError{Type: "bad_user_agent", Value: "blacklisted"})
				return
			}
		}
	}
	if s.cfg.RPS > 0 && !s.limiter(clientIP(r)).Allow() {
		s.st.tooMany.Add(1)
		if s.cfg.RetryAfter {
			w.Header().Set("Retry-After", "1")
		}
		s.writeErrors(w, r, http.StatusTooManyRequests, "Too Many Requests", apiError{Type: "too_many_requests"})
		return
	}
	if s.cfg.Latency > 0 {
		t := time.NewTimer(s.cfg.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if s.hostile != nil && s.serveHostile(w, r) {
		return
	}
	if isOAuth {
		s.st.token.Add(1)
		s.serveOAuth(w, r)
		return
	}
	s.countKind(path, r)
	if s.cfg.FaultRate > 0 {
		if hit, kind := s.chance(s.cfg.FaultRate); hit {
			s.st.faults.Add(1)
			s.fault(w, r, kind)
			return
		}
	}
	s.drift()
	s.advanceMarket()
	s.route(w, r)
}

func (s *Server) countKind(path string, r *http.Request) {
	switch {
	case path == "/vacancies":
		if r.URL.Query().Get("per_page") == "0" {
			s.st.probe.Add(1)
		} else {
			s.st.search.Add(1)
		}
	case strings.HasPrefix(path, "/vacancies/"):
		s.st.vacancy.Add(1)
	case path == "/dictionaries" || path == "/professional_roles" || path == "/industries" ||
		path == "/areas" || strings.HasPrefix(path, "/areas/"):
		s.st.dict.Add(1)
	case path == "/token" || path == "/oauth/token" || path == "/oauth/authorize":
		s.st.token.Add(1)
	default:
		s.st.other.Add(1)
	}
}

const faultHTML = `<html>
<head><title>503 Service Temporarily Unavailable</title></head>
<body>
<center><h1>503 Service Temporarily Unavailable</h1></center>
<hr><center>nginx</center>
</body>
</html>
`

func (s *Server) fault(w http.ResponseWriter, r *http.Request, kind int) {
	switch kind {
	case 0:
		s.writeErrors(w, r, http.StatusServiceUnavailable, "Service Unavailable", apiError{Type: "service_unavailable"})
	case 1:
		s.writeBytes(w, r, http.StatusServiceUnavailable, "text/html", []byte(faultHTML))
	default:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler) // HTTP/2 or a recorder: abort the stream
	}
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.writeErrors(w, r, http.StatusMethodNotAllowed, "Method Not Allowed", apiError{Type: "method_not_allowed"})
		return
	}
	// Every API endpoint validates a token that is sent (REFERENCE §3.6).
	tok, authErr := s.authenticate(r)
	if authErr != "" {
		s.writeErrors(w, r, http.StatusForbidden, "Forbidden", apiError{Type: "oauth", Value: authErr})
		return
	}
	switch {
	case path == "/vacancies":
		if !s.vacancyGate(w, r, tok) {
			return
		}
		s.handleSearch(w, r)
	case strings.HasPrefix(path, "/vacancies/") && !strings.Contains(path[len("/vacancies/"):], "/"):
		if !s.vacancyGate(w, r, tok) {
			return
		}
		s.handleVacancy(w, r, path[len("/vacancies/"):])
	case path == "/areas":
		s.writeStatic(w, r, &s.ref.areasSt)
	case path == "/areas/countries":
		s.writeJSON(w, r, http.StatusOK, s.ref.countries)
	case strings.HasPrefix(path, "/areas/"):
		s.handleArea(w, r, path[len("/areas/"):])
	case path == "/dictionaries":
		s.writeStatic(w, r, &s.ref.dictSt)
	case path == "/professional_roles":
		s.writeStatic(w, r, &s.ref.rolesSt)
	case path == "/industries":
		s.writeStatic(w, r, &s.ref.industriesSt)
	case path == "/me":
		s.handleMe(w, r, tok)
	case strings.HasPrefix(path, "/employers/") && !strings.Contains(path[len("/employers/"):], "/"):
		s.handleEmployer(w, r, path[len("/employers/"):])
	default:
		s.notFound(w, r)
	}
}

// vacancyGate enforces the token requirement and the captcha on vacancy
// endpoints; it reports whether the request may proceed.
func (s *Server) vacancyGate(w http.ResponseWriter, r *http.Request, tok *token) bool {
	if tok == nil {
		s.writeErrors(w, r, http.StatusForbidden, "Forbidden", apiError{Type: "forbidden"})
		return false
	}
	if s.cfg.CaptchaAfter > 0 && s.vacReqs.Add(1) > int64(s.cfg.CaptchaAfter) {
		s.st.captchas.Add(1)
		st := newRequestID()
		s.writeErrors(w, r, http.StatusForbidden, "Forbidden", apiError{
			Type:        "captcha_required",
			Value:       "captcha_required",
			CaptchaURL:  siteBase + "/account/captcha?state=" + st,
			FallbackURL: siteBase + "/account/connect/register?state=" + st,
		})
		return false
	}
	return true
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	return Stats{
		Requests:    s.st.requests.Load(),
		Search:      s.st.search.Load(),
		SearchProbe: s.st.probe.Load(),
		Vacancy:     s.st.vacancy.Load(),
		Dict:        s.st.dict.Load(),
		Token:       s.st.token.Load(),
		Other:       s.st.other.Load(),
		TooMany:     s.st.tooMany.Load(),
		Faults:      s.st.faults.Load(),
		Captchas:    s.st.captchas.Load(),
	}
}

// ResetStats zeroes the counters.
func (s *Server) ResetStats() {
	for _, c := range []*atomic.Int64{&s.st.requests, &s.st.search, &s.st.probe, &s.st.vacancy, &s.st.dict,
		&s.st.token, &s.st.other, &s.st.tooMany, &s.st.faults, &s.st.captchas} {
		c.Store(0)
	}
}
