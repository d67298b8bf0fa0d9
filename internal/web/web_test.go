package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/analytics/analyticstest"
	"github.com/hhjobs/hhjobs/internal/cli"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
	"github.com/hhjobs/hhjobs/internal/web"
)

var now = analyticstest.End.Add(24 * time.Hour)

func filled(t testing.TB, n int) store.Store {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := analyticstest.Fill(ctx, db, n, 3); err != nil {
		t.Fatal(err)
	}
	return db
}

func newServer(t testing.TB, st store.Store) (*web.Server, *httptest.Server) {
	t.Helper()
	srv, err := web.New(context.Background(), web.Config{
		Store: st,
		Stats: func(ctx context.Context, st store.Store, v url.Values) ([]byte, error) {
			return cli.StatsJSONBytes(ctx, st, v, now)
		},
		StatsParams: cli.StatsParams,
		Lifetime: func(ctx context.Context, st store.Store, v url.Values) ([]byte, error) {
			return cli.LifetimeJSONBytes(ctx, st, v, now)
		},
		LifetimeParams: cli.LifetimeParams,
		Now:            func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return srv, hs
}

func get(t *testing.T, u string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestSnapshotIsTheStore: every section of the analytics computed on the
// snapshot equals the one computed on the database.
func TestSnapshotIsTheStore(t *testing.T) {
	ctx := context.Background()
	st := filled(t, 900)
	snap, err := web.BuildSnapshot(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Len() != 900 {
		t.Fatalf("snapshot has %d", snap.Len())
	}
	for _, cfg := range []analytics.Config{
		{Now: now},
		{Now: now, Options: analytics.Options{Net: true}, Filter: store.Filter{OpenOnly: true, Since: analyticstest.End.Add(-30 * 24 * time.Hour)}},
	} {
		a, err := analytics.Compute(ctx, st, cfg)
		if err != nil {
			t.Fatal(err)
		}
		b, err := analytics.Compute(ctx, snap, cfg)
		if err != nil {
			t.Fatal(err)
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Errorf("analytics differ on the snapshot (%d vs %d bytes)", len(ja), len(jb))
		}
	}
	var sa, sb []string
	_ = st.EachSkill(ctx, store.Filter{}, func(id, s string) error { sa = append(sa, id+s); return nil })
	_ = snap.EachSkill(ctx, store.Filter{}, func(id, s string) error { sb = append(sb, id+s); return nil })
	if !reflect.DeepEqual(sa, sb) || len(sa) == 0 {
		t.Errorf("skills: %d vs %d", len(sa), len(sb))
	}
}

func TestEndpoints(t *testing.T) {
	st := filled(t, 400)
	_, hs := newServer(t, st)
	for _, c := range []struct {
		path   string
		status int
		has    string
	}{
		{"/", 200, "Вакансий"},
		{"/?area=1&experience=between1And3", 200, "регион/город: Москва"},
		{"/?basis=net", 200, "на руки"},
		{"/vacancies", 200, "Найдено"},
		{"/vacancies?q=менеджер&sort=pay&page=2", 200, "страница 2"},
		{"/vacancies.csv?work-format=REMOTE", 200, "id,name,employer"},
		{"/table.csv?t=t-role", 200, ""},
		{"/api/stats?by=experience", 200, `"groupings"`},
		{"/api/vacancies?per_page=3", 200, `"alternate_url"`},
		{"/api/status", 200, `"vacancies": 400`},
		{"/api/options", 200, `"region": true`},
		{"/api/options?role=1", 400, "role: unknown parameter"},
		{"/compare", 200, "Выборка B"},
		{"/compare?a.area=1&b.area=2&b.open=true", 200, "регион/город: Санкт-Петербург; только открытые"},
		{"/compare?a.role=космонавт", 400, "a.role: unknown role"},
		{"/compare?b.colour=red", 400, "b.colour: unknown parameter"},
		{"/compare?area=1", 400, "area: unknown parameter"},
		{"/static/app.js", 200, "hj-form"},
		{"/static/app.css", 200, ".hj-bar"},
		{"/static/header.html.tmpl", 404, ""},
		{"/nope", 404, ""},
		// bad parameters: 400 with one line
		{"/?role=космонавт", 400, "role: unknown role"},
		{"/?since=yesterday", 400, "since:"},
		{"/?colour=red", 400, "colour: unknown parameter"},
		{"/?basis=both", 400, "basis:"},
		{"/vacancies?sort=salary", 400, "sort:"},
		{"/vacancies?page=0", 400, "page:"},
		{"/vacancies?page=x", 400, "page:"},
		{"/api/vacancies?per_page=100000", 400, "per_page:"},
		{"/api/vacancies?until=2026-13-40", 400, "until:"},
		{"/vacancies.csv?open=perhaps", 400, "open:"},
		{"/table.csv?t=nope", 400, "t: "},
		{"/api/stats?by=colour", 400, "by:"},
		{"/api/stats?area=Атлантида", 400, "area:"},
		{"/api/status?x=1", 400, "x: unknown parameter"},
		{"/api/status?area=1", 400, "area: unknown parameter"},
		{"/api/stats?query=nope", 400, "query:"},
		{"/api/lifetime", 200, `"median_days"`},
		{"/api/lifetime?by=experience&area=1&open=true", 200, `"groups"`},
		{"/api/lifetime?by=colour", 400, "by:"},
		{"/api/lifetime?basis=net", 400, "basis: unknown parameter"},
		{"/api/lifetime?since=yesterday", 400, "since:"},
		{"/api/lifetime?role=космонавт", 400, "role: unknown role"},
	} {
		resp, body := get(t, hs.URL+c.path)
		if resp.StatusCode != c.status || !strings.Contains(body, c.has) {
			t.Errorf("%s: %d, want %d with %q: %.300s", c.path, resp.StatusCode, c.status, c.has, body)
		}
		if c.status == 400 && strings.Count(strings.TrimSpace(body), "\n") != 0 {
			t.Errorf("%s: not one line: %q", c.path, body)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self';") { // this server's files only: no hash, no inline
			t.Errorf("%s: CSP %q", c.path, csp)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, hs.URL+"/api/stats", strings.NewReader("x"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %v %v", resp, err)
	}
}

func TestVacancyList(t *testing.T) {
	st := filled(t, 300)
	_, hs := newServer(t, st)
	var l web.List
	_, body := get(t, hs.URL+"/api/vacancies?sort=pay&per_page=100&area=1624")
	if err := json.Unmarshal([]byte(body), &l); err != nil {
		t.Fatal(err)
	}
	if l.Total == 0 || len(l.Items) == 0 || l.Sort != "pay" {
		t.Fatalf("list %+v", l)
	}
	seenNull := false
	for i, it := range l.Items {
		if it.Area != "Казань" && it.Area != "Республика Татарстан" {
			t.Errorf("area filter let through %q", it.Area)
		}
		if !strings.HasPrefix(it.AlternateURL, "https://") || !strings.Contains(it.AlternateURL, it.ID) {
			t.Errorf("link %q", it.AlternateURL)
		}
		if it.MonthlyRUR == nil {
			seenNull = true
		} else if seenNull || i > 0 && l.Items[i-1].MonthlyRUR != nil && *l.Items[i-1].MonthlyRUR < *it.MonthlyRUR {
			t.Errorf("not sorted by pay at %d", i)
		}
	}
	// Paging covers the list once; the CSV has every row.
	_, body = get(t, hs.URL+"/api/vacancies?per_page=7&page=2&sort=date")
	var p2 web.List
	_ = json.Unmarshal([]byte(body), &p2)
	if len(p2.Items) != 7 || p2.Page != 2 || p2.Total != 300 {
		t.Errorf("page 2: %d items of %d", len(p2.Items), p2.Total)
	}
	_, body = get(t, hs.URL+"/vacancies.csv")
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(recs) != 301 {
		t.Errorf("csv: %d records, %v", len(recs), err)
	}
	// Title search.
	_, body = get(t, hs.URL+"/api/vacancies?q="+url.QueryEscape(strings.ToUpper(p2.Items[0].Name)))
	var sr web.List
	_ = json.Unmarshal([]byte(body), &sr)
	if sr.Total == 0 || sr.Total == 300 {
		t.Errorf("search %q: %d", p2.Items[0].Name, sr.Total)
	}
}

// TestHostileTextsRenderAsText: titles and employer names that are markup
// reach every page as text.
func TestHostileTextsRenderAsText(t *testing.T) {
	ctx := context.Background()
	st := filled(t, 200)
	payloads := []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`}
	qs, _ := st.Queries(ctx)
	run, err := st.CreateRun(ctx, store.Run{QueryID: qs[0].ID, Status: "running", StartedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	var vs []store.Vacancy
	for i, p := range payloads {
		vs = append(vs, store.Vacancy{
			ID: "99999990" + string(rune('0'+i)), Name: p, EmployerID: "4242" + string(rune('0'+i)), EmployerName: p,
			AreaID: "1", AreaName: "Москва", Roles: []store.IDName{{ID: "69", Name: p}}, ExperienceID: "between1And3",
			PublishedAt: analyticstest.End.Add(-time.Hour), KeySkills: []string{p},
		})
	}
	if _, err := st.UpsertSearchItems(ctx, qs[0].ID, run.ID, vs, now); err != nil {
		t.Fatal(err)
	}
	_, hs := newServer(t, st)
	for _, path := range []string{"/", "/?employer=" + url.QueryEscape(payloads[0]), "/vacancies", "/vacancies?q=alert&sort=date", "/?role=69",
		"/skill?name=" + url.QueryEscape(payloads[0]), "/skill?name=" + url.QueryEscape(payloads[1]), "/employer?id=42420", "/employer?id=42421",
		"/employer?name=" + url.QueryEscape(payloads[1]), "/employer?id=42420&role=69"} {
		resp, body := get(t, hs.URL+path)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
		}
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
			t.Errorf("%s: a payload reached the page as markup", path)
		}
		if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") && !strings.Contains(body, "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;") {
			t.Errorf("%s: payload not shown as text", path)
		}
	}
	_, body := get(t, hs.URL+"/api/vacancies?q=alert")
	var l web.List
	if err := json.Unmarshal([]byte(body), &l); err != nil || l.Total != 2 || strings.Contains(body, "<script>") {
		t.Errorf("api: %d %v %.300s", l.Total, err, body)
	}
}
