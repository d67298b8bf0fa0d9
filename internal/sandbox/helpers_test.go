package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

const testUA = "hhjobs-test/1.0 (dev@hhjobs.example)"

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 11, 20, 14, 3, 11, 0, msk)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a running sandbox plus a client.
type env struct {
	t     testing.TB
	s     *Server
	ts    *httptest.Server
	clock *fakeClock
	tok   string
}

// newEnv starts a small sandbox (3000 vacancies, no hard cells unless the
// config says otherwise) on a fake clock.
func newEnv(t testing.TB, cfg Config) *env {
	t.Helper()
	clock := newClock()
	if cfg.Now == nil {
		cfg.Now = clock.Now
	}
	if cfg.Vacancies == 0 {
		cfg.Vacancies = 3000
		cfg.NoHardCells = true
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return &env{t: t, s: s, ts: ts, clock: clock, tok: s.MintAppToken()}
}

var (
	defOnce sync.Once
	defEnv  *Server
	defErr  error
	defClk  = newClock()
)

// defaultServer is the default-size dataset, built once.
func defaultServer(t testing.TB) *Server {
	defOnce.Do(func() { defEnv, defErr = New(Config{Now: defClk.Now}) })
	if defErr != nil {
		t.Fatal(defErr)
	}
	return defEnv
}

type resp struct {
	code int
	hdr  http.Header
	body []byte
}

func (r resp) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("not a JSON object (%d): %s", r.code, r.body)
	}
	return m
}

// errItem returns errors[0] of an errors envelope as "type/value".
func (r resp) errItem(t testing.TB) string {
	t.Helper()
	m := r.json(t)
	errs, _ := m["errors"].([]any)
	if len(errs) == 0 {
		t.Fatalf("no errors in %s", r.body)
	}
	e := errs[0].(map[string]any)
	v, _ := e["value"].(string)
	return fmt.Sprintf("%v/%s", e["type"], v)
}

// do sends a request; hdr are "Name: value" pairs. By default the test UA
// and the app token are sent; pass "User-Agent:" / "Authorization:" (empty)
// to suppress them.
func (e *env) do(method, path string, body url.Values, hdr ...string) resp {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(body.Encode())
	}
	req, err := http.NewRequest(method, e.ts.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("User-Agent", testUA)
	req.Header.Set("Authorization", "Bearer "+e.tok)
	for _, h := range hdr {
		k, v, _ := strings.Cut(h, ":")
		v = strings.TrimSpace(v)
		if v == "" {
			req.Header.Del(k)
			if k == "User-Agent" {
				req.Header.Set("User-Agent", "") // Go then sends none
			}
			continue
		}
		req.Header.Set(k, v)
	}
	cl := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := cl.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.Header.Get("X-Request-Id") == "" {
		e.t.Errorf("%s %s: no X-Request-Id", method, path)
	}
	return resp{res.StatusCode, res.Header, b}
}

func (e *env) get(path string, hdr ...string) resp {
	e.t.Helper()
	return e.do(http.MethodGet, path, nil, hdr...)
}

func (e *env) search(q string) (resp, *searchResult) {
	e.t.Helper()
	r := e.get("/vacancies?" + q)
	if r.code != 200 {
		return r, nil
	}
	var sr searchResult
	if err := json.Unmarshal(r.body, &sr); err != nil {
		e.t.Fatal(err)
	}
	return r, &sr
}

type searchResult struct {
	Found   int `json:"found"`
	Pages   int `json:"pages"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	Items   []struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		PublishedAt string `json:"published_at"`
		Area        idName `json:"area"`
		Salary      *struct {
			From     *int   `json:"from"`
			To       *int   `json:"to"`
			Currency string `json:"currency"`
		} `json:"salary"`
	} `json:"items"`
}

// ---- example files --------------------------------------------------------

func sharedDir(t testing.TB, sub string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "hh-api", sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("hh-api %s not found at %s (expected ../shared next to the repo root): %v", sub, dir, err)
	}
	return dir
}

func loadExample(t testing.TB, name string) any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedDir(t, "examples"), name))
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// shapeOpts tunes compareShape.
type shapeOpts struct {
	exact    bool            // our objects may not have keys the example lacks
	nullable map[string]bool // paths where our value may be null
	skip     map[string]bool // paths of the example that we do not emit
	extra    map[string]bool // paths we emit that the example lacks (with exact)
}

// compareShape compares JSON key sets and kinds of got against the example
// want recursively; arrays are compared on their first elements. Paths look
// like ".items[].salary.from".
func compareShape(path string, want, got any, o shapeOpts) []string {
	var diffs []string
	wk, gk := jsonKind(want), jsonKind(got)
	if wk == "null" {
		return nil // the example says: nullable, any type
	}
	if gk == "null" {
		if o.nullable[path] {
			return nil
		}
		return []string{fmt.Sprintf("%s: got null, example has %s", path, wk)}
	}
	if wk != gk {
		return []string{fmt.Sprintf("%s: got %s, example has %s", path, gk, wk)}
	}
	switch w := want.(type) {
	case map[string]any:
		g := got.(map[string]any)
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := path + "." + k
			if o.skip[p] {
				if _, ok := g[k]; ok && o.exact {
					diffs = append(diffs, p+": should be absent")
				}
				continue
			}
			gv, ok := g[k]
			if !ok {
				diffs = append(diffs, p+": missing")
				continue
			}
			diffs = append(diffs, compareShape(p, w[k], gv, o)...)
		}
		if o.exact {
			for k := range g {
				if _, ok := w[k]; !ok && !o.extra[path+"."+k] {
					diffs = append(diffs, path+"."+k+": not in example")
				}
			}
		}
	case []any:
		g := got.([]any)
		if len(w) > 0 && len(g) > 0 {
			diffs = append(diffs, compareShape(path+"[]", w[0], g[0], o)...)
		}
	}
	return diffs
}

func set(paths ...string) map[string]bool {
	m := map[string]bool{}
	for _, p := range paths {
		m[p] = true
	}
	return m
}

// inSubtree reports whether a lies under root (pre/post-order numbering);
// only the rules test needs it, so it lives here rather than in data.go.
func (r *refData) inSubtree(root *areaNode, a *areaNode) bool {
	return a.pre >= root.pre && a.pre < root.post
}
