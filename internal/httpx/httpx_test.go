package httpx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// recordSleep is a RetryPolicy.Sleep that records delays without sleeping.
type recordSleep struct {
	mu     sync.Mutex
	delays []time.Duration
}

func (r *recordSleep) Sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	r.delays = append(r.delays, d)
	r.mu.Unlock()
	return ctx.Err()
}

func (r *recordSleep) Delays() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.delays...)
}

func get(t *testing.T, rt http.RoundTripper, url string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rt.RoundTrip(req)
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return string(b)
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	var gotUA, gotHH string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotUA, gotHH = r.Header.Get("User-Agent"), r.Header.Get("HH-User-Agent")
	}))
	defer srv.Close()

	rt, err := UserAgent(http.DefaultTransport, " myapp/1.0 (me@example.com) ")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL, nil)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := "myapp/1.0 (me@example.com)"; gotUA != want || gotHH != want {
		t.Errorf("User-Agent=%q HH-User-Agent=%q, want both %q", gotUA, gotHH, want)
	}
	if req.Header.Get("User-Agent") != "" {
		t.Error("UserAgent modified the caller's request")
	}

	for _, ua := range []string{"", "   ", "\t"} {
		if _, err := UserAgent(nil, ua); !errors.Is(err, ErrNoUserAgent) {
			t.Errorf("UserAgent(%q) err = %v, want ErrNoUserAgent", ua, err)
		}
	}
	if !strings.Contains(ErrNoUserAgent.Error(), "HH_USER_AGENT") || !strings.Contains(ErrNoUserAgent.Error(), "--user-agent") {
		t.Errorf("ErrNoUserAgent should explain how to fix it: %v", ErrNoUserAgent)
	}
	if _, err := UserAgent(nil, "app/1\r\nX-Evil: 1"); err == nil {
		t.Error("UserAgent accepted a header-injection value")
	}
}

func TestMetricsNil(t *testing.T) {
	t.Parallel()
	var m *Metrics
	m.inc(cRequests) // must not panic
	if m.Snapshot() != (MetricsSnapshot{}) {
		t.Error("nil Snapshot not zero")
	}
}

func TestBackoffCapsAndJitter(t *testing.T) {
	t.Parallel()
	wantCaps := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second}
	for i, want := range wantCaps {
		retry := i + 1
		if got := capFor(retry, defaultInitial, defaultMax); got != want {
			t.Errorf("capFor(%d) = %v, want %v", retry, got, want)
		}
		distinct := map[time.Duration]bool{}
		for range 200 {
			d := Backoff(retry, defaultInitial, defaultMax)
			if d < 0 || d > want {
				t.Fatalf("Backoff(%d) = %v outside [0, %v]", retry, d, want)
			}
			distinct[d] = true
		}
		if len(distinct) < 10 {
			t.Errorf("Backoff(%d) has little jitter: %d distinct values", retry, len(distinct))
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"3", 3 * time.Second, true},
		{" 0 ", 0, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"999999999", 24 * time.Hour, true},
	}
	for _, tt := range tests {
		got, ok := ParseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRetryableError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{io.EOF, true},
		{fmt.Errorf("wrapped: %w", io.ErrUnexpectedEOF), true},
		{syscall.ECONNRESET, true},
		{errors.New("http: server closed idle connection"), true},
		{context.DeadlineExceeded, true},
		{context.Canceled, false},
		{syscall.ECONNREFUSED, false},
		{errors.New("x509: certificate signed by unknown authority"), false},
		{errors.New(`unsupported protocol scheme "ftp"`), false},
	}
	for _, tt := range tests {
		if got := RetryableError(tt.err); got != tt.want {
			t.Errorf("RetryableError(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

// script serves the i-th handler for the i-th request (the last one repeats).
func script(t *testing.T, hs ...http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		hs[min(i, len(hs)-1)](w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func status(code int, body string, hdr ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

func hijackClose(w http.ResponseWriter, r *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
}

var ok200 = status(200, `{"ok":true}`, "Content-Type", "application/json")

func TestRetry(t *testing.T) {
	t.Parallel()
	html503 := status(503, "<html><body>Service Unavailable</body></html>", "Content-Type", "text/html")
	tests := []struct {
		name       string
		handlers   []http.HandlerFunc
		wantStatus int // 0 = want error
		wantBody   string
		wantErr    string
		wantReqs   int64
		want       MetricsSnapshot
		checkDelay func(t *testing.T, d []time.Duration)
		somePauses bool // Pauses is random (jittered delays); want >= 1
	}{
		{
			name:       "429 with Retry-After seconds",
			handlers:   []http.HandlerFunc{status(429, "", "Retry-After", "2"), ok200},
			wantStatus: 200, wantBody: `{"ok":true}`, wantReqs: 2,
			want: MetricsSnapshot{Requests: 2, Responses429: 1, Retries: 1, Pauses: 1},
			checkDelay: func(t *testing.T, d []time.Duration) {
				if len(d) != 1 || d[0] != 2*time.Second {
					t.Errorf("delays = %v, want [2s]", d)
				}
			},
		},
		{
			name:       "429 with Retry-After date",
			handlers:   []http.HandlerFunc{status(429, "", "Retry-After", time.Now().Add(5*time.Second).UTC().Format(http.TimeFormat)), ok200},
			wantStatus: 200, wantReqs: 2,
			want: MetricsSnapshot{Requests: 2, Responses429: 1, Retries: 1, Pauses: 1},
			checkDelay: func(t *testing.T, d []time.Duration) {
				if len(d) != 1 || d[0] < 3*time.Second || d[0] > 5*time.Second {
					t.Errorf("delays = %v, want ~[4-5s]", d)
				}
			},
		},
		{
			name:       "429 without Retry-After backs off",
			handlers:   []http.HandlerFunc{status(429, ""), status(429, ""), ok200},
			wantStatus: 200, wantReqs: 3,
			want:       MetricsSnapshot{Requests: 3, Responses429: 2, Retries: 2},
			somePauses: true,
			checkDelay: func(t *testing.T, d []time.Duration) {
				if len(d) != 2 || d[0] > 500*time.Millisecond || d[1] > time.Second {
					t.Errorf("delays = %v, want within [500ms, 1s] caps", d)
				}
			},
		},
		{
			name:       "503 JSON then ok",
			handlers:   []http.HandlerFunc{status(503, `{"errors":[{"type":"service_unavailable"}]}`, "Content-Type", "application/json"), ok200},
			wantStatus: 200, wantReqs: 2,
			want: MetricsSnapshot{Requests: 2, Errors5xx: 1, Retries: 1},
		},
		{
			name:       "503 HTML forever returns the last response",
			handlers:   []http.HandlerFunc{html503},
			wantStatus: 503, wantBody: "<html><body>Service Unavailable</body></html>", wantReqs: 4,
			want: MetricsSnapshot{Requests: 4, Errors5xx: 4, Retries: 3},
		},
		{
			name:       "500 502 504 retried",
			handlers:   []http.HandlerFunc{status(500, ""), status(502, `{"errors":[{"type":"bad_gateway"}]}`), status(504, ""), ok200},
			wantStatus: 200, wantReqs: 4,
			want: MetricsSnapshot{Requests: 4, Errors5xx: 3, Retries: 3},
		},
		{
			name:       "dropped connection then ok",
			handlers:   []http.HandlerFunc{hijackClose, ok200},
			wantStatus: 200, wantReqs: 2, somePauses: true, // nobody answered: every worker holds off
			want: MetricsSnapshot{Requests: 2, NetworkErrors: 1, Retries: 1},
		},
		{
			name:     "dropped connection forever",
			handlers: []http.HandlerFunc{hijackClose},
			wantErr:  "giving up after 4 tries", wantReqs: 4, somePauses: true,
			want: MetricsSnapshot{Requests: 4, NetworkErrors: 4, Retries: 3},
		},
		{
			name:       "400 bad_argument not retried",
			handlers:   []http.HandlerFunc{status(400, `{"errors":[{"type":"bad_argument","value":"page"}]}`), ok200},
			wantStatus: 400, wantBody: `{"errors":[{"type":"bad_argument","value":"page"}]}`, wantReqs: 1,
			want: MetricsSnapshot{Requests: 1},
		},
		{
			name:       "403 captcha not retried",
			handlers:   []http.HandlerFunc{status(403, `{"errors":[{"type":"captcha_required"}]}`), ok200},
			wantStatus: 403, wantReqs: 1, want: MetricsSnapshot{Requests: 1},
		},
		{
			name:       "403 oauth not retried",
			handlers:   []http.HandlerFunc{status(403, `{"errors":[{"type":"oauth","value":"token_expired"}]}`), ok200},
			wantStatus: 403, wantReqs: 1, want: MetricsSnapshot{Requests: 1},
		},
		{
			name:       "404 not retried",
			handlers:   []http.HandlerFunc{status(404, `{"errors":[{"type":"not_found"}]}`), ok200},
			wantStatus: 404, wantReqs: 1, want: MetricsSnapshot{Requests: 1},
		},
		{
			name:       "Retry-After beyond MaxElapsed returns the 429 at once",
			handlers:   []http.HandlerFunc{status(429, "slow down", "Retry-After", "3600"), ok200},
			wantStatus: 429, wantBody: "slow down", wantReqs: 1,
			want: MetricsSnapshot{Requests: 1, Responses429: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, n := script(t, tt.handlers...)
			var m Metrics
			rs := &recordSleep{}
			lim := NewLimiter(0, 0)
			rt := Retry(http.DefaultTransport, RetryPolicy{MaxTries: 4, Sleep: rs.Sleep, Limiter: lim}, &m)
			resp, err := get(t, rt, srv.URL)
			if tt.wantStatus == 0 {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
			} else {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				if resp.StatusCode != tt.wantStatus {
					t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
				}
				if body := readBody(t, resp); tt.wantBody != "" && body != tt.wantBody {
					t.Errorf("body = %q, want %q", body, tt.wantBody)
				}
			}
			if got := n.Load(); got != tt.wantReqs {
				t.Errorf("server saw %d requests, want %d", got, tt.wantReqs)
			}
			got := m.Snapshot()
			if tt.somePauses {
				if got.Pauses < 1 {
					t.Errorf("Pauses = %d, want >= 1", got.Pauses)
				}
				got.Pauses = 0
			}
			if got != tt.want {
				t.Errorf("metrics = %+v, want %+v", got, tt.want)
			}
			if tt.checkDelay != nil {
				tt.checkDelay(t, rs.Delays())
			}
			if tt.want.Pauses > 0 && !lim.PausedUntil().After(time.Now()) {
				t.Errorf("limiter not paused: until %v", lim.PausedUntil())
			}
		})
	}
}

func TestRetryPerTryTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	slowHeaders := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}
	slowBody := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(200)
		io.WriteString(w, `{"partial":`)
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}
	for name, h := range map[string]http.HandlerFunc{"headers": slowHeaders, "body": slowBody} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, n := script(t, h, ok200)
			var m Metrics
			rs := &recordSleep{}
			rt := Retry(http.DefaultTransport, RetryPolicy{PerTry: 200 * time.Millisecond, Sleep: rs.Sleep}, &m)
			resp, err := get(t, rt, srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			if body := readBody(t, resp); body != `{"ok":true}` {
				t.Errorf("body = %q", body)
			}
			if n.Load() != 2 {
				t.Errorf("requests = %d, want 2", n.Load())
			}
			if s := m.Snapshot(); s.NetworkErrors != 1 || s.Retries != 1 {
				t.Errorf("metrics = %+v", s)
			}
		})
	}
}

func TestRetryContextCancel(t *testing.T) {
	t.Parallel()
	t.Run("during back-off", func(t *testing.T) {
		t.Parallel()
		srv, n := script(t, status(503, ""))
		ctx, cancel := context.WithCancel(t.Context())
		rt := Retry(http.DefaultTransport, RetryPolicy{Sleep: func(ctx context.Context, d time.Duration) error {
			cancel()
			return sleepCtx(ctx, time.Hour)
		}}, nil)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		_, err := rt.RoundTrip(req)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if n.Load() != 1 {
			t.Errorf("requests = %d, want 1", n.Load())
		}
	})
	t.Run("during a hung request", func(t *testing.T) {
		t.Parallel()
		srv, n := script(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(50*time.Millisecond, cancel)
		var m Metrics
		rt := Retry(http.DefaultTransport, RetryPolicy{}, &m)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		start := time.Now()
		_, err := rt.RoundTrip(req)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("cancel took %v", d)
		}
		if n.Load() != 1 || m.Snapshot().NetworkErrors != 0 {
			t.Errorf("requests = %d, metrics %+v", n.Load(), m.Snapshot())
		}
	})
	t.Run("already cancelled", func(t *testing.T) {
		t.Parallel()
		srv, n := script(t, ok200)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		if _, err := Retry(nil, RetryPolicy{}, nil).RoundTrip(req); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		if n.Load() != 0 {
			t.Errorf("requests = %d, want 0", n.Load())
		}
	})
}

func TestRetryBodies(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var bodies []string
	srv, n := script(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		w.WriteHeader(503)
	})
	rs := &recordSleep{}
	rt := Retry(http.DefaultTransport, RetryPolicy{MaxTries: 3, Sleep: rs.Sleep}, nil)

	// With GetBody (set by NewRequest for *strings.Reader): replayed each time.
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL, strings.NewReader("a=1"))
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n.Load() != 3 || strings.Join(bodies, ",") != "a=1,a=1,a=1" {
		t.Errorf("requests = %d bodies = %q", n.Load(), bodies)
	}

	// Without GetBody: one try only.
	n.Store(0)
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL, io.NopCloser(bytes.NewReader([]byte("b=2"))))
	req.GetBody = nil
	resp, err = rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n.Load() != 1 || resp.StatusCode != 503 {
		t.Errorf("non-replayable body: requests = %d status %d", n.Load(), resp.StatusCode)
	}
}

func TestRetryPermanentTransportError(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	failing := RoundTripperFunc(func(*http.Request) (*http.Response, error) {
		calls.Add(1)
		return nil, syscall.ECONNREFUSED
	})
	rt := Retry(failing, RetryPolicy{Sleep: (&recordSleep{}).Sleep}, nil)
	if _, err := get(t, rt, "http://127.0.0.1:1/"); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("err = %v", err)
	}
	if calls.Load() != 1 {
		t.Errorf("calls = %d, want 1", calls.Load())
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	if rt := RateLimit(http.DefaultTransport, nil, nil); rt != http.DefaultTransport {
		t.Error("nil limiter should return next unchanged")
	}
	srv, n := script(t, ok200)
	const rps, reqs = 100, 21
	rt := RateLimit(http.DefaultTransport, rate.NewLimiter(rps, 1), nil)
	start := time.Now()
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for range reqs / 3 {
				resp, err := get(t, rt, srv.URL)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if n.Load() != reqs {
		t.Fatalf("requests = %d", n.Load())
	}
	// 21 requests at 100/s with burst 1 need at least 200ms; allow slack.
	if min := time.Duration(reqs-1) * time.Second / rps * 8 / 10; elapsed < min {
		t.Errorf("21 requests took %v, faster than the limit allows (%v)", elapsed, min)
	}
	if achieved := float64(reqs-1) / elapsed.Seconds(); achieved > rps*1.25 {
		t.Errorf("achieved %.0f req/s, limit %d", achieved, rps)
	}
}

func TestLimiterPause(t *testing.T) {
	t.Parallel()
	l := NewLimiter(1000, 1)
	if l.Pause(0) || l.Pause(-time.Second) {
		t.Error("non-positive pause moved the deadline")
	}
	if !l.Pause(150 * time.Millisecond) {
		t.Fatal("Pause did not move the deadline")
	}
	if l.Pause(time.Millisecond) {
		t.Error("a shorter pause shortened the deadline")
	}
	until := l.PausedUntil()
	var wg sync.WaitGroup
	var early atomic.Int64
	for range 4 {
		wg.Go(func() {
			if err := l.Wait(t.Context()); err != nil {
				t.Error(err)
			}
			if time.Now().Before(until) {
				early.Add(1)
			}
		})
	}
	wg.Wait()
	if early.Load() != 0 {
		t.Errorf("%d waiters resumed before the pause deadline", early.Load())
	}

	// Cancellation interrupts a pause at once.
	l.Pause(time.Hour)
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(20*time.Millisecond, cancel)
	if err := l.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait err = %v, want context.Canceled", err)
	}
	var zero *Limiter
	if err := zero.Wait(t.Context()); err != nil {
		t.Errorf("nil limiter Wait = %v", err)
	}
}

func TestTraceRedacts(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-42")
		io.WriteString(w, `{"access_token":"RESPONSE_TOKEN_VALUE","refresh_token":"RESPONSE_REFRESH"}`)
	}))
	defer srv.Close()
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	rt := Trace(http.DefaultTransport, log)

	secrets := []string{"BEARER_SECRET_TOKEN", "CLIENT_SECRET_VALUE", "AUTH_CODE_VALUE", "BODY_SECRET", "BODY_REFRESH", "RESPONSE_TOKEN_VALUE", "RESPONSE_REFRESH", "STATE_VALUE"}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost,
		srv.URL+"/token?client_secret=CLIENT_SECRET_VALUE&code=AUTH_CODE_VALUE&state=STATE_VALUE&text=golang",
		strings.NewReader("grant_type=refresh_token&client_secret=BODY_SECRET&refresh_token=BODY_REFRESH"))
	req.Header.Set("Authorization", "Bearer BEARER_SECRET_TOKEN")
	req.Header.Set("User-Agent", "test/1.0 (t@example.com)")
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)

	// A failing request whose error message repeats the query and the token.
	failing := Trace(RoundTripperFunc(func(r *http.Request) (*http.Response, error) {
		return nil, fmt.Errorf("boom at %s with %s", r.URL.String(), r.Header.Get("Authorization"))
	}), log)
	req2, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://api.hh.ru/me?access_token=BEARER_SECRET_TOKEN", nil)
	req2.Header.Set("Authorization", "Bearer BEARER_SECRET_TOKEN")
	if _, err := failing.RoundTrip(req2); err == nil {
		t.Fatal("want error")
	}

	out := buf.String()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("log leaks %s:\n%s", s, out)
		}
	}
	for _, want := range []string{"method=POST", "status=200", "text=golang", "authorization=REDACTED", "client_secret=REDACTED", "x_request_id=req-42", "token_endpoint=true", "duration=", "http request failed"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if rt := Trace(http.DefaultTransport, nil); rt != http.DefaultTransport {
		t.Error("nil logger should return next unchanged")
	}
}

func TestNewClient(t *testing.T) {
	t.Parallel()
	if _, err := NewClient(Options{}); !errors.Is(err, ErrNoUserAgent) {
		t.Fatalf("err = %v, want ErrNoUserAgent", err)
	}

	type seen struct{ ua, hhua, auth string }
	var mu sync.Mutex
	var got []seen
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, seen{r.Header.Get("User-Agent"), r.Header.Get("HH-User-Agent"), r.Header.Get("Authorization")})
		mu.Unlock()
		if n.Add(1) == 1 {
			w.WriteHeader(503)
			return
		}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()

	var authCalls atomic.Int64
	var m Metrics
	var buf bytes.Buffer
	hc, err := NewClient(Options{
		UserAgent: "hhjobs-test/1.0 (t@example.com)",
		RPS:       1000,
		Metrics:   &m,
		Log:       slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Retry:     RetryPolicy{Sleep: (&recordSleep{}).Sleep},
		Wrap: func(next http.RoundTripper) http.RoundTripper {
			return RoundTripperFunc(func(r *http.Request) (*http.Response, error) {
				k := authCalls.Add(1)
				r = r.Clone(r.Context())
				r.Header.Set("Authorization", fmt.Sprintf("Bearer tok-%d", k))
				return next.RoundTrip(r)
			})
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/vacancies", nil)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if body := readBody(t, resp); body != "ok" {
		t.Errorf("body = %q", body)
	}
	want := []seen{
		{"hhjobs-test/1.0 (t@example.com)", "hhjobs-test/1.0 (t@example.com)", "Bearer tok-1"},
		{"hhjobs-test/1.0 (t@example.com)", "hhjobs-test/1.0 (t@example.com)", "Bearer tok-2"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("server saw %v, want %v", got, want)
	}
	if s := m.Snapshot(); s.Requests != 2 || s.Retries != 1 || s.Errors5xx != 1 {
		t.Errorf("metrics = %+v", s)
	}
	if c := strings.Count(buf.String(), "http request"); c != 2 {
		t.Errorf("trace logged %d attempts, want 2:\n%s", c, buf.String())
	}
	if strings.Contains(buf.String(), "tok-") {
		t.Errorf("trace leaks the token:\n%s", buf.String())
	}
}

// TestNewClientSharedPause checks that a 429 seen by one worker makes the
// other workers wait until the shared deadline.
func TestNewClientSharedPause(t *testing.T) {
	t.Parallel()
	var first atomic.Bool
	var mu sync.Mutex
	var arrivals []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/first" && first.CompareAndSwap(false, true) {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(429)
			return
		}
		mu.Lock()
		arrivals = append(arrivals, time.Now())
		mu.Unlock()
	}))
	defer srv.Close()
	lim := NewLimiter(0, 0)
	var m Metrics
	hc, err := NewClient(Options{UserAgent: "t/1 (t@example.com)", Limiter: lim, Metrics: &m})
	if err != nil {
		t.Fatal(err)
	}
	do := func(path string) {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+path, nil)
		resp, err := hc.Do(req)
		if err != nil {
			t.Error(err)
			return
		}
		resp.Body.Close()
	}
	do("/first") // 429 → pause 1s → retried after it
	until := lim.PausedUntil()
	if until.IsZero() {
		t.Fatal("limiter was not paused")
	}
	// Simulate other workers that were already running: re-pause and race.
	lim.Pause(300 * time.Millisecond)
	until = lim.PausedUntil()
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { do("/other") })
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(arrivals) != 4 {
		t.Fatalf("arrivals = %d, want 4", len(arrivals))
	}
	for i, a := range arrivals[1:] {
		if a.Before(until) {
			t.Errorf("worker %d reached the server %v before the pause ended", i, until.Sub(a))
		}
	}
	if s := m.Snapshot(); s.Responses429 != 1 || s.Pauses != 1 || s.Requests != 5 {
		t.Errorf("metrics = %+v", s)
	}
}
