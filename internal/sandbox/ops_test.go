package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Operational rules: admin endpoints, counters, rate limit, captcha,
// faults, latency, drift, determinism, concurrency.

func TestAdminHTTP(t *testing.T) {
	e := newEnv(t, Config{})
	adm := func(method, path string) map[string]any {
		t.Helper()
		r := e.do(method, path, nil, "User-Agent:", "Authorization:")
		if r.code != 200 {
			t.Fatalf("%s %s: %d %s", method, path, r.code, r.body)
		}
		return r.json(t)
	}
	tr := adm("GET", "/_sandbox/truth?professional_role=118&area=1")
	if int(tr["found"].(float64)) != len(tr["ids"].([]any)) || tr["found"].(float64) == 0 {
		t.Errorf("truth: %v", tr["found"])
	}
	for _, op := range []string{"publish", "archive", "remove", "change"} {
		m := adm("POST", "/_sandbox/"+op+"?n=2")
		if len(m["ids"].([]any)) != 2 {
			t.Errorf("%s: %v", op, m)
		}
	}
	if r := e.do("GET", "/_sandbox/publish?n=1", nil); r.code != 405 {
		t.Errorf("GET publish: %d", r.code)
	}
	if r := e.get("/_sandbox/truth?area=nope"); r.code != 400 {
		t.Errorf("bad truth query: %d", r.code)
	}
	st := adm("GET", "/_sandbox/stats")
	if st["requests"] == nil {
		t.Errorf("stats: %v", st)
	}
}

func TestStats(t *testing.T) {
	e := newEnv(t, Config{})
	e.get("/vacancies?per_page=0")
	e.get("/vacancies?per_page=5")
	e.get("/vacancies/" + e.s.vacs[0].ids)
	e.get("/areas")
	e.get("/me")
	e.do("POST", "/token", url.Values{"grant_type": {"nope"}})
	st := e.s.Stats()
	want := Stats{Requests: 6, Search: 1, SearchProbe: 1, Vacancy: 1, Dict: 1, Token: 1, Other: 1}
	if st != want {
		t.Errorf("stats %+v, want %+v", st, want)
	}
	e.s.ResetStats()
	if e.s.Stats() != (Stats{}) {
		t.Error("reset")
	}
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, Config{RPS: 2, RetryAfter: true})
	var n429 int
	for i := 0; i < 10; i++ {
		r := e.get("/areas/1")
		if r.code == 429 {
			n429++
			if r.hdr.Get("Retry-After") != "1" {
				t.Errorf("no Retry-After")
			}
			if r.errItem(t) != "too_many_requests/" {
				t.Errorf("429 body %s", r.body)
			}
		}
	}
	if n429 < 5 {
		t.Errorf("only %d of 10 rapid requests got 429", n429)
	}
	if e.s.Stats().TooMany != int64(n429) {
		t.Errorf("TooMany %d != %d", e.s.Stats().TooMany, n429)
	}
	time.Sleep(600 * time.Millisecond)
	if r := e.get("/areas/1"); r.code != 200 {
		t.Errorf("after waiting: %d", r.code)
	}
	e2 := newEnv(t, Config{RPS: 1})
	e2.get("/areas/1")
	if r := e2.get("/areas/1"); r.code != 429 || r.hdr.Get("Retry-After") != "" {
		t.Errorf("without RetryAfter: %d %q", r.code, r.hdr.Get("Retry-After"))
	}
}

func TestCaptcha(t *testing.T) {
	e := newEnv(t, Config{CaptchaAfter: 2})
	id := e.s.vacs[0].ids
	if r := e.get("/vacancies?per_page=1"); r.code != 200 {
		t.Fatal(r.code)
	}
	if r := e.get("/vacancies/" + id); r.code != 200 {
		t.Fatal(r.code)
	}
	for _, p := range []string{"/vacancies?per_page=1", "/vacancies/" + id} {
		r := e.get(p)
		if r.code != 403 || r.errItem(t) != "captcha_required/captcha_required" {
			t.Fatalf("%s: %d %s", p, r.code, r.body)
		}
		item := r.json(t)["errors"].([]any)[0].(map[string]any)
		for _, d := range compareShape("", loadExample(t, "repo_error_item-captcha-required.json"), item, shapeOpts{exact: true}) {
			t.Error(d)
		}
	}
	if r := e.get("/dictionaries"); r.code != 200 {
		t.Errorf("dictionaries under captcha: %d", r.code)
	}
	if e.s.Stats().Captchas != 2 {
		t.Errorf("captchas %d", e.s.Stats().Captchas)
	}
}

func TestFaults(t *testing.T) {
	e := newEnv(t, Config{FaultRate: 1})
	kinds := map[string]int{}
	cl := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for i := 0; i < 40; i++ {
		req, _ := http.NewRequest("GET", e.ts.URL+"/areas/1", nil)
		req.Header.Set("User-Agent", testUA)
		res, err := cl.Do(req)
		if err != nil {
			kinds["drop"]++
			continue
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 503 {
			t.Fatalf("status %d", res.StatusCode)
		}
		if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			kinds["html"]++
		} else if bytes.Contains(b, []byte(`"service_unavailable"`)) {
			kinds["json"]++
		}
	}
	if kinds["drop"] == 0 || kinds["html"] == 0 || kinds["json"] == 0 {
		t.Errorf("fault kinds %v", kinds)
	}
	if e.s.Stats().Faults != 40 {
		t.Errorf("faults %d", e.s.Stats().Faults)
	}
	// token endpoints and admin are never faulted
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {DefaultClientID}, "client_secret": {DefaultClientSecret}}
	if r := e.do("POST", "/token", form); r.code != 200 {
		t.Errorf("token under faults: %d", r.code)
	}
	if r := e.get("/_sandbox/stats"); r.code != 200 {
		t.Errorf("admin under faults: %d", r.code)
	}
}

func TestLatencyAndGzip(t *testing.T) {
	e := newEnv(t, Config{Latency: 60 * time.Millisecond})
	t0 := time.Now()
	e.get("/areas/1")
	if d := time.Since(t0); d < 60*time.Millisecond {
		t.Errorf("latency %v", d)
	}
	// explicit gzip
	req, _ := http.NewRequest("GET", e.ts.URL+"/vacancies?per_page=100", nil)
	req.Header.Set("User-Agent", testUA)
	req.Header.Set("Authorization", "Bearer "+e.tok)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("no gzip: %v", res.Header)
	}
	// Go's default transport asks for gzip and decodes transparently
	r := e.get("/areas")
	var areas []any
	if err := json.Unmarshal(r.body, &areas); err != nil || len(areas) != 9 {
		t.Errorf("/areas: %v %d", err, len(areas))
	}
}

func TestDrift(t *testing.T) {
	e := newEnv(t, Config{Drift: 2})
	n0 := len(e.s.Truth(nil))
	e.clock.Advance(10 * time.Second)
	e.get("/vacancies?per_page=1")
	if n := len(e.s.Truth(nil)); n != n0+20 {
		t.Errorf("drift: %d → %d, want +20", n0, n)
	}
	_, sr := e.search("order_by=publication_time&per_page=1")
	if sr.Items[0].PublishedAt != e.clock.Now().Format(hhTimeLayout) {
		t.Errorf("drifted vacancy published %s", sr.Items[0].PublishedAt)
	}
}

func TestDeterminism(t *testing.T) {
	clock := newClock()
	a, err := New(Config{Seed: 7, Vacancies: 2000, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := New(Config{Seed: 7, Vacancies: 2000, Now: clock.Now})
	c, _ := New(Config{Seed: 8, Vacancies: 2000, Now: clock.Now})
	ta, tb, tc := a.Truth(nil), b.Truth(nil), c.Truth(nil)
	if !slices.Equal(ta, tb) {
		t.Fatal("same seed, different ids")
	}
	for _, id := range ta[:50] {
		if mustJSON(a.fullJSON(a.byID[id])) != mustJSON(b.fullJSON(b.byID[id])) {
			t.Fatalf("same seed, different vacancy %s", id)
		}
	}
	if slices.Equal(ta, tc) && mustJSON(a.fullJSON(a.byID[ta[0]])) == mustJSON(c.fullJSON(c.byID[tc[0]])) {
		t.Error("different seeds, identical data")
	}
}

func TestConcurrentUse(t *testing.T) {
	e := newEnv(t, Config{Drift: 1})
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				e.get(fmt.Sprintf("/vacancies?per_page=20&page=%d&order_by=publication_time", j))
				e.clock.Advance(time.Second)
			}
		}(i)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for j := 0; j < 20; j++ {
			e.s.Publish(1)
			e.s.Archive(1)
			e.s.Change(1)
			e.s.Remove(1)
		}
	}()
	wg.Wait()
}

func BenchmarkSearch(b *testing.B) {
	s := defaultServer(b)
	tok := s.MintAppToken()
	queries := []string{
		"per_page=100",
		"per_page=100&order_by=publication_time&professional_role=118&area=1",
		"per_page=100&page=5&order_by=publication_time&area=113&professional_role=69&professional_role=117",
		"per_page=0&professional_role=118&date_from=2026-11-10T10:00:00%2B0300&date_to=2026-11-10T12:00:00%2B0300",
	}
	for _, q := range queries {
		b.Run(q, func(b *testing.B) {
			req, _ := http.NewRequest("GET", "/vacancies?"+q, nil)
			req.Header.Set("User-Agent", testUA)
			req.Header.Set("Authorization", "Bearer "+tok)
			req.RemoteAddr = "127.0.0.1:1"
			for b.Loop() {
				w := &discard{h: http.Header{}}
				s.ServeHTTP(w, req)
				if w.code != 200 {
					b.Fatalf("%d", w.code)
				}
			}
		})
	}
}

type discard struct {
	h    http.Header
	code int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(c int)           { d.code = c }
