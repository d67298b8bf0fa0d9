package httpx

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// flakyServer serves 200s on a fixed loopback port and can be stopped (its
// listener closed: connections are refused) and started again.
type flakyServer struct {
	addr string
	mu   sync.Mutex
	srv  *http.Server
	hits atomic.Int64
}

func newFlakyServer(t *testing.T) *flakyServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &flakyServer{addr: ln.Addr().String()}
	f.serve(ln)
	t.Cleanup(f.stop)
	return f
}

func (f *flakyServer) serve(ln net.Listener) {
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.hits.Add(1)
		io.WriteString(w, "ok")
	})}
	f.mu.Lock()
	f.srv = srv
	f.mu.Unlock()
	go srv.Serve(ln)
}

func (f *flakyServer) stop() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.srv != nil {
		f.srv.Close() // closes the listener and every connection
		f.srv = nil
	}
}

func (f *flakyServer) start(t *testing.T) {
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		t.Error(err)
		return
	}
	f.serve(ln)
}

func TestRetryRefusedOnlyAfterAnAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want bool
	}{
		{syscall.ECONNREFUSED, true},
		{&net.DNSError{Err: "no such host", Name: "api.hh.ru", IsNotFound: true}, true},
		{fmt.Errorf("remote error: %w", errors.New("tls: handshake failure")), true},
		{errors.New("x509: certificate signed by unknown authority"), false},
		{errors.New(`unsupported protocol scheme "ftp"`), false},
	}
	for _, tt := range tests {
		if RetryableError(tt.err) {
			t.Errorf("RetryableError(%v) = true: a client that never had an answer must fail at once", tt.err)
		}
		if got := retryableOnceReached(tt.err); got != tt.want {
			t.Errorf("retryableOnceReached(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

// TestRetryRidesOutAnOutage stops the server after a first answer and starts
// it again 2 s later: with the default policy the request in between waits
// (the shared limiter paused) and succeeds.
func TestRetryRidesOutAnOutage(t *testing.T) {
	t.Parallel()
	fs := newFlakyServer(t)
	var m Metrics
	lim := NewLimiter(0, 0)
	rt := Retry(NewTransport(), RetryPolicy{Limiter: lim}, &m)
	resp, err := get(t, rt, "http://"+fs.addr+"/")
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	fs.stop()
	go func() { time.Sleep(2 * time.Second); fs.start(t) }()
	start := time.Now()
	resp, err = get(t, rt, "http://"+fs.addr+"/")
	if err != nil {
		t.Fatalf("after a 2 s outage: %v", err)
	}
	if body := readBody(t, resp); body != "ok" {
		t.Errorf("body %q", body)
	}
	s := m.Snapshot()
	t.Logf("outage ridden out in %s: %+v", time.Since(start).Round(time.Millisecond), s)
	if s.NetworkErrors == 0 || s.Retries != s.NetworkErrors || s.Pauses == 0 || s.Requests != fs.hits.Load()+s.NetworkErrors {
		t.Errorf("metrics %+v, server saw %d: want every refused try counted, retried and pausing the limiter", s, fs.hits.Load())
	}
}

// TestRetryGivesUpAfterMaxOutage: an API that stays away fails the request
// after MaxOutage with one typed error naming the cause.
func TestRetryGivesUpAfterMaxOutage(t *testing.T) {
	t.Parallel()
	fs := newFlakyServer(t)
	var m Metrics
	rt := Retry(NewTransport(), RetryPolicy{MaxOutage: 700 * time.Millisecond, Initial: 50 * time.Millisecond}, &m)
	resp, err := get(t, rt, "http://"+fs.addr+"/")
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	fs.stop()
	start := time.Now()
	_, err = get(t, rt, "http://"+fs.addr+"/")
	took := time.Since(start)
	var ue *UnreachableError
	if !errors.As(err, &ue) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("err = %v, want an *UnreachableError wrapping ECONNREFUSED", err)
	}
	if ue.Cause() != "connection refused" || ue.Tries < 2 {
		t.Errorf("cause %q after %d tries", ue.Cause(), ue.Tries)
	}
	if took < 600*time.Millisecond || took > 3*time.Second {
		t.Errorf("gave up after %s, want about the 700 ms budget", took)
	}
}

// TestCountReplays: a kept-alive connection the server drops after reading
// the next request is retried by net/http itself; the metrics still count
// the try the server saw.
func TestCountReplays(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 2 {
			hijackClose(w, r)
			return
		}
		io.WriteString(w, "ok")
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	var m Metrics
	hc, err := NewClient(Options{UserAgent: "t/1.0 (t@example.com)", Metrics: &m, Retry: RetryPolicy{Sleep: (&recordSleep{}).Sleep}})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		resp, err := hc.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			t.Fatal(err)
		}
		readBody(t, resp)
	}
	if s := m.Snapshot(); s.Requests != n.Load() || s.NetworkErrors != 1 || s.Retries != 1 {
		t.Errorf("metrics %+v, server saw %d requests", s, n.Load())
	}
}

func TestNetCause(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("dial tcp 127.0.0.1:1: %w", syscall.ECONNREFUSED), "connection refused"},
		{fmt.Errorf("read: %w", syscall.ECONNRESET), "connection reset"},
		{&net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}, "DNS lookup failed"},
		{errors.New("x509: certificate has expired"), "TLS certificate rejected"},
		{errors.New("remote error: tls: handshake failure"), "TLS handshake failed"},
		{fmt.Errorf("get: %w", io.ErrUnexpectedEOF), "connection closed without an answer"},
		{errors.New("something else"), ""},
	} {
		if got := NetCause(tt.err); got != tt.want {
			t.Errorf("NetCause(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

// TestRetryTimeoutsGetThreeTries: one request that stalls past PerTry is not
// an outage yet, even when one stall outlasts MaxOutage: it is tried again.
func TestRetryTimeoutsGetThreeTries(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			<-r.Context().Done() // stall until the client gives up
			return
		}
		io.WriteString(w, "ok")
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	rt := Retry(NewTransport(), RetryPolicy{PerTry: 300 * time.Millisecond, MaxOutage: 100 * time.Millisecond, Initial: time.Millisecond}, nil)
	resp, err := get(t, rt, "http://"+ln.Addr().String()+"/")
	if err != nil {
		t.Fatalf("after two stalls: %v", err)
	}
	if body := readBody(t, resp); body != "ok" || n.Load() != 3 {
		t.Errorf("body %q after %d tries", body, n.Load())
	}
}
