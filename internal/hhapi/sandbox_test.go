package hhapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/httpx"
	"github.com/hhjobs/hhjobs/internal/sandbox"
)

type bearer struct {
	next http.RoundTripper
	tok  string
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	if b.tok != "" {
		r.Header.Set("Authorization", "Bearer "+b.tok)
	}
	return b.next.RoundTrip(r)
}

// clientFor is the client as hhjobs builds it, with one try per request so
// each error surfaces as the sandbox sent it.
func clientFor(t testing.TB, base, token string) *hhapi.Client {
	t.Helper()
	hc, err := httpx.NewClient(httpx.Options{
		UserAgent: "hhjobs-test/1.0 (test@example.com)",
		Retry:     httpx.RetryPolicy{MaxTries: 1},
		Wrap:      func(next http.RoundTripper) http.RoundTripper { return bearer{next, token} },
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := hhapi.New(base, hc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func startSandbox(t testing.TB, cfg sandbox.Config) (*sandbox.Server, string) {
	t.Helper()
	sb, err := sandbox.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	return sb, srv.URL
}

// TestClientAgainstSandbox pages a query over the cap up to its 2000th item,
// reads a full vacancy and the dictionaries, all from the emulator.
func TestClientAgainstSandbox(t *testing.T) {
	sb, base := startSandbox(t, sandbox.Config{Seed: 3, Vacancies: 2000})
	c := clientFor(t, base, sb.MintAppToken())
	ctx := context.Background()
	p := hhapi.SearchParams{ProfessionalRole: []string{sandbox.HardDayRole}, Area: []string{sandbox.HardDayArea},
		OrderBy: "publication_time", NoMagic: true}
	seen := map[string]bool{}
	var found int
	for page := 0; ; page++ {
		p.Page, p.PerPage = page, 100
		res, err := c.SearchVacancies(ctx, p)
		if page == 20 {
			if !hhapi.IsDepthLimit(err) || !errors.Is(err, hhapi.ErrDepthLimit) {
				t.Fatalf("page 20: err = %v, want the 2000-depth error", err)
			}
			break
		}
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		found = res.Found
		for _, it := range res.Items {
			if len(it.Raw) == 0 || it.PublishedAt.IsZero() {
				t.Fatalf("item %s decoded without raw JSON or publication time", it.ID)
			}
			seen[it.ID] = true
		}
	}
	if found <= 2000 || len(seen) != 2000 {
		t.Fatalf("found %d, paged %d distinct: want found > 2000 and exactly 2000 reachable", found, len(seen))
	}
	var id string
	for id = range seen {
		break
	}
	v, err := c.Vacancy(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if v.ID != id || v.Description == "" || len(v.Raw) == 0 || len(v.ProfessionalRoles) == 0 {
		t.Errorf("full vacancy %s: id %q, %d bytes of description, %d roles", id, v.ID, len(v.Description), len(v.ProfessionalRoles))
	}
	d, err := c.Dictionaries(ctx)
	if err != nil || len(d.Currency) == 0 {
		t.Fatalf("dictionaries: %v (%d currencies)", err, len(d.Currency))
	}
	if cur, ok := d.CurrencyByCode("RUR"); !ok || cur.Rate != 1 {
		t.Errorf("RUR rate %v, want 1", cur.Rate)
	}
	areas, err := c.Areas(ctx)
	if err != nil || len(hhapi.FlattenAreas(areas)) < 10000 {
		t.Fatalf("areas: %v", err)
	}
	roles, err := c.ProfessionalRoles(ctx)
	if err != nil || len(roles.Roles()) < 100 {
		t.Fatalf("roles: %v", err)
	}
	me, err := c.Me(ctx)
	if err != nil || !me.IsApplication {
		t.Fatalf("me: %+v, %v", me, err)
	}
}

// TestClientErrorsFromSandbox: one row per way the emulator (like hh.ru)
// refuses, each ending as the typed error callers branch on.
func TestClientErrorsFromSandbox(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{t: time.Now()}
	sb, base := startSandbox(t, sandbox.Config{Seed: 1, Vacancies: 300, NoHardCells: true, Now: clock.Now,
		UserTokenTTL: time.Hour, AppTokenMinInterval: time.Nanosecond})
	app := sb.MintAppToken()
	expired := userToken(t, base)
	clock.Add(2 * time.Hour)
	revoked := appToken(t, base)
	clock.Add(time.Second)
	appToken(t, base) // re-issuing revokes the previous app token
	captcha, captchaBase := startSandbox(t, sandbox.Config{Seed: 1, Vacancies: 300, NoHardCells: true, CaptchaAfter: 1})
	limited, limitedBase := startSandbox(t, sandbox.Config{Seed: 1, Vacancies: 300, NoHardCells: true, RPS: 1})
	faulty, faultyBase := startSandbox(t, sandbox.Config{Seed: 1, Vacancies: 300, NoHardCells: true, FaultRate: 1})

	search := func(c *hhapi.Client, p hhapi.SearchParams) error { _, err := c.SearchVacancies(ctx, p); return err }
	tests := []struct {
		name string
		call func() error
		is   error
		ok   func(error) bool
	}{
		{"bad_argument names the parameter", func() error {
			return search(clientFor(t, base, app), hhapi.SearchParams{Area: []string{"no-such-area"}})
		}, hhapi.ErrBadArgument, func(err error) bool { return strings.Contains(strings.Join(hhapi.BadArguments(err), ","), "area") }},
		{"depth limit", func() error {
			return search(clientFor(t, base, app), hhapi.SearchParams{Page: 20, PerPage: 100})
		}, hhapi.ErrDepthLimit, hhapi.IsDepthLimit},
		{"per_page over 100", func() error {
			return search(clientFor(t, base, app), hhapi.SearchParams{PerPage: 101})
		}, hhapi.ErrBadArgument, func(err error) bool { return strings.Contains(strings.Join(hhapi.BadArguments(err), ","), "per_page") }},
		{"oauth token_expired", func() error { return search(clientFor(t, base, expired), hhapi.SearchParams{}) },
			hhapi.ErrTokenExpired, func(err error) bool { return hhapi.OAuthValue(err) == "token_expired" }},
		{"oauth bad_authorization", func() error { return search(clientFor(t, base, "not-a-token"), hhapi.SearchParams{}) },
			hhapi.ErrBadToken, func(err error) bool { return hhapi.OAuthValue(err) == "bad_authorization" }},
		{"oauth token_revoked", func() error { return search(clientFor(t, base, revoked), hhapi.SearchParams{}) },
			hhapi.ErrBadToken, func(err error) bool { return hhapi.OAuthValue(err) == "token_revoked" }},
		{"forbidden without a token", func() error { return search(clientFor(t, base, ""), hhapi.SearchParams{}) },
			hhapi.ErrForbidden, hhapi.IsForbidden},
		{"captcha_required with its url", func() error {
			c := clientFor(t, captchaBase, captcha.MintAppToken())
			_ = search(c, hhapi.SearchParams{})
			return search(c, hhapi.SearchParams{})
		}, hhapi.ErrCaptcha, func(err error) bool { u, ok := hhapi.IsCaptcha(err); return ok && u != "" }},
		{"not_found", func() error { _, err := clientFor(t, base, app).Vacancy(ctx, "1"); return err },
			hhapi.ErrNotFound, hhapi.IsNotFound},
		{"429 over the rate", func() error {
			c := clientFor(t, limitedBase, limited.MintAppToken())
			var last error
			for range 10 {
				if last = search(c, hhapi.SearchParams{PerPage: 1}); last != nil {
					return last
				}
			}
			return last
		}, hhapi.ErrRateLimited, hhapi.IsRateLimited},
		{"5xx or a dropped connection", func() error {
			return search(clientFor(t, faultyBase, faulty.MintAppToken()), hhapi.SearchParams{PerPage: 1})
		}, nil, func(err error) bool { return hhapi.IsServerError(err) || httpx.RetryableError(err) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if err == nil {
				t.Fatal("no error")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.is)
			}
			if !tc.ok(err) {
				t.Errorf("helper rejects %v", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("message spans lines: %q", err)
			}
		})
	}
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func tokenPost(t *testing.T, base string, form url.Values) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "hhjobs-test/1.0 (test@example.com)")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := decodeJSON(resp, &body); err != nil || body.AccessToken == "" {
		t.Fatalf("token endpoint: %d %v", resp.StatusCode, err)
	}
	return body.AccessToken
}

func appToken(t *testing.T, base string) string {
	return tokenPost(t, base, url.Values{"grant_type": {"client_credentials"},
		"client_id": {sandbox.DefaultClientID}, "client_secret": {sandbox.DefaultClientSecret}})
}

// userToken runs the authorization-code flow with a client that stops at the redirect.
func userToken(t *testing.T, base string) string {
	t.Helper()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	q := url.Values{"response_type": {"code"}, "client_id": {sandbox.DefaultClientID}, "state": {"s1"},
		"redirect_uri": {sandbox.DefaultRedirectURI}}
	req, _ := http.NewRequest(http.MethodGet, base+"/oauth/authorize?"+q.Encode(), nil)
	req.Header.Set("User-Agent", "hhjobs-test/1.0 (test@example.com)")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" || loc.Query().Get("state") != "s1" {
		t.Fatalf("authorize redirect %q", resp.Header.Get("Location"))
	}
	return tokenPost(t, base, url.Values{"grant_type": {"authorization_code"}, "client_id": {sandbox.DefaultClientID},
		"client_secret": {sandbox.DefaultClientSecret}, "code": {loc.Query().Get("code")}, "redirect_uri": {sandbox.DefaultRedirectURI}})
}

// BenchmarkClientAgainstSandbox: requests per second of the whole client
// (httpx layers, decoding) against the in-process emulator with no rate limit.
func BenchmarkClientAgainstSandbox(b *testing.B) {
	sb, base := startSandbox(b, sandbox.Config{Seed: 1, Vacancies: 5000, NoHardCells: true})
	c := clientFor(b, base, sb.MintAppToken())
	ctx := context.Background()
	res, err := c.SearchVacancies(ctx, hhapi.SearchParams{PerPage: 100, Area: []string{"113"}})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("search-page-100", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := c.SearchVacancies(ctx, hhapi.SearchParams{PerPage: 100, Page: i % 20, Area: []string{"113"}}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "vacancies/s")
	})
	b.Run("vacancy", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, err := c.Vacancy(ctx, res.Items[i%len(res.Items)].ID); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
}

func decodeJSON(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }
