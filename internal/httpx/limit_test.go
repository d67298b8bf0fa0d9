package httpx

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestKindOf(t *testing.T) {
	for _, c := range []struct {
		url    string
		status int
		want   BodyKind
	}{
		{"https://api.hh.ru/vacancies?text=go", 200, KindSearch},
		{"https://api.hh.ru/vacancies/123", 200, KindVacancy},
		{"http://127.0.0.1:1/hh/vacancies/123", 200, KindVacancy},
		{"https://api.hh.ru/areas", 200, KindReference},
		{"https://api.hh.ru/areas/113", 200, KindReference},
		{"https://api.hh.ru/dictionaries", 200, KindReference},
		{"https://api.hh.ru/professional_roles", 200, KindReference},
		{"https://api.hh.ru/industries", 200, KindReference},
		{"https://api.hh.ru/token", 200, KindToken},
		{"https://api.hh.ru/oauth/token", 200, KindToken},
		{"https://api.hh.ru/employers/1", 200, KindOther},
		{"https://api.hh.ru/vacancies/123", 404, KindError},
		{"https://api.hh.ru/token", 400, KindError},
	} {
		req, _ := http.NewRequest(http.MethodGet, c.url, nil)
		if got := KindOf(req, c.status); got != c.want {
			t.Errorf("KindOf(%s, %d) = %q, want %q", c.url, c.status, got, c.want)
		}
	}
	req, _ := http.NewRequestWithContext(WithBodyKind(context.Background(), KindReference), http.MethodGet, "http://x/employers/1", nil)
	if got := KindOf(req, 200); got != KindReference {
		t.Errorf("WithBodyKind ignored: %q", got)
	}
}

// hostileBody serves bodies by path: endless, 200 MB (with or without a
// Content-Length), a real-sized areas tree, an endless error answer.
func hostileBody(hits *atomic.Int64) http.Handler {
	chunk := []byte(strings.Repeat("Ы", 16<<10)) // 32 KiB of two-byte runes
	endless := func(w http.ResponseWriter) {
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/vacancies/endless":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"id":"1","description":"`))
			endless(w)
		case "/vacancies/200mb", "/vacancies/200mb-declared":
			const size = 200 << 20
			if r.URL.Path == "/vacancies/200mb-declared" {
				w.Header().Set("Content-Length", strconv.Itoa(size+len(`{"id":"1","description":""}`)))
			}
			w.Write([]byte(`{"id":"1","description":"`))
			for n := 0; n < size; n += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
			w.Write([]byte(`"}`))
		case "/areas":
			w.Write([]byte("["))
			for n := 0; n < 2<<20; n += len(chunk) {
				w.Write(chunk)
			}
			w.Write([]byte("]"))
		case "/error-endless":
			w.WriteHeader(http.StatusServiceUnavailable)
			endless(w)
		case "/token":
			w.Write([]byte(`{"access_token":"`))
			for n := 0; n < 300<<20; n += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		default:
			http.NotFound(w, r)
		}
	})
}

// TestBodyLimits: oversize answers of every kind fail after one try with a
// *BodyTooLargeError, costing far less than 100 MB of allocation each; a
// real-sized areas tree (2 MB) passes.
func TestBodyLimits(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(hostileBody(&hits))
	defer srv.Close()
	client, err := NewClient(Options{UserAgent: "hhjobs-test/1.0 (t@example.com)", Retry: RetryPolicy{Sleep: (&recordSleep{}).Sleep}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path   string
		kind   BodyKind
		method string
	}{
		{"/vacancies/endless", KindVacancy, http.MethodGet},
		{"/vacancies/200mb", KindVacancy, http.MethodGet},
		{"/vacancies/200mb-declared", KindVacancy, http.MethodGet},
		{"/error-endless", KindError, http.MethodGet},
		{"/token", KindToken, http.MethodPost},
	} {
		t.Run(strings.TrimPrefix(c.path, "/"), func(t *testing.T) {
			hits.Store(0)
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			req, _ := http.NewRequestWithContext(t.Context(), c.method, srv.URL+c.path, nil)
			resp, err := client.Do(req)
			if resp != nil {
				resp.Body.Close()
			}
			runtime.ReadMemStats(&after)
			var tl *BodyTooLargeError
			if !errors.As(err, &tl) {
				t.Fatalf("err = %v, want *BodyTooLargeError", err)
			}
			if tl.Kind != c.kind || tl.Limit != BodyLimit(c.kind) || !strings.Contains(err.Error(), "limit for a "+string(c.kind)) {
				t.Errorf("error %q: kind %q limit %d", err, tl.Kind, tl.Limit)
			}
			if RetryableError(err) || hits.Load() != 1 {
				t.Errorf("retried: %d requests", hits.Load())
			}
			// TotalAlloc counts every byte allocated meanwhile (client and
			// test server): an upper bound of the extra heap.
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%s: %d MiB allocated in total, %s", c.path, alloc>>20, time.Since(start).Round(time.Millisecond))
			if alloc > 100<<20 {
				t.Errorf("%s allocated %d MiB, want < 100 MiB", c.path, alloc>>20)
			}
		})
	}
	resp, err := client.Get(srv.URL + "/areas")
	if err != nil {
		t.Fatalf("a 2 MB areas tree refused: %v", err)
	}
	resp.Body.Close()
	if resp.ContentLength < 2<<20 {
		t.Errorf("areas: %d bytes", resp.ContentLength)
	}
}

// TestDeadline: a server that stalls mid-body costs one overall deadline,
// not tries × PerTry, and the error says so.
func TestDeadline(t *testing.T) {
	var hits atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte(`{"items":[`))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	client, err := NewClient(Options{UserAgent: "hhjobs-test/1.0 (t@example.com)", Deadline: 600 * time.Millisecond,
		Retry: RetryPolicy{PerTry: 200 * time.Millisecond, Initial: time.Millisecond, Max: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = client.Get(srv.URL + "/vacancies")
	took := time.Since(start)
	var de *DeadlineError
	if !errors.As(err, &de) || de.Limit != 600*time.Millisecond || !strings.Contains(err.Error(), "within the 600ms limit per request") {
		t.Fatalf("err = %v, want *DeadlineError", err)
	}
	if took > 2*time.Second || hits.Load() < 2 {
		t.Errorf("took %s with %d tries", took, hits.Load())
	}
	// The caller's own cancellation stays a context error.
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/vacancies", nil)
	_, err = client.Do(req)
	if errors.As(err, &de) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("caller's deadline: %v", err)
	}
}

// WithBodyKind returns ctx marking its requests' answers as kind k
// (overrides the inference from the path). Only tests mark a kind; the
// binary relies on the inference.
func WithBodyKind(ctx context.Context, k BodyKind) context.Context {
	return context.WithValue(ctx, bodyKindKey{}, k)
}
