package web_test

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hhjobs/hhjobs/internal/web"
)

// TestEntityPages: the skill and employer pages answer with their figures,
// honour the filters, and refuse bad parameters with one line.
func TestEntityPages(t *testing.T) {
	st := filled(t, 600)
	_, hs := newServer(t, st)
	_, body := get(t, hs.URL+"/api/vacancies?per_page=50")
	var l web.List
	if err := json.Unmarshal([]byte(body), &l); err != nil {
		t.Fatal(err)
	}
	var empID, empName string
	for _, it := range l.Items {
		if it.EmployerID != "" {
			empID, empName = it.EmployerID, it.Employer
			break
		}
	}
	if empID == "" {
		t.Fatal("no employer in the sandbox data")
	}
	// The employer's vacancy count, as the API counts it.
	_, body = get(t, hs.URL+"/api/vacancies?per_page=1&employer="+empID)
	var el web.List
	if err := json.Unmarshal([]byte(body), &el); err != nil || el.Total == 0 {
		t.Fatalf("employer list: %v %d", err, el.Total)
	}
	for _, c := range []struct {
		path   string
		status int
		has    []string
	}{
		{"/skill?name=Excel", 200, []string{"Навык «", "Вакансий с навыком", "Доля", "Премия к зарплате", `id="t-role"`, `/employer?`}},
		{"/skill?name=ms+excel&experience=between1And3", 200, []string{"Навык «Excel»", "опыт: От 1 года до 3 лет", `name="name" value="ms excel"`}},
		{"/skill?name=никто-не-просит", 200, []string{`id="hj-empty"`}},
		{"/employer?id=" + empID, 200, []string{"Последние вакансии", `href="https://`, ">" + groupDigitsTest(el.Total) + "<"}},
		{"/employer?name=" + url.QueryEscape(strings.ToUpper(empName)), 200, []string{"по точному названию", "Последние вакансии"}},
		{"/employer?id=" + empID + "&open=true&basis=net", 200, []string{"только открытые", "на руки"}},
		// bad parameters: 400 with one line
		{"/skill", 400, []string{"name: give exactly one"}},
		{"/skill?name=", 400, []string{"name: give exactly one"}},
		{"/skill?name=a&name=b", 400, []string{"name: give exactly one"}},
		{"/skill?name=Excel&skill=SQL", 400, []string{"skill: this page's subject"}},
		{"/skill?name=" + strings.Repeat("x", 301), 400, []string{"name: longer than 300"}},
		{"/skill?name=Excel&role=космонавт", 400, []string{"role: unknown role"}},
		{"/skill?name=Excel&colour=red", 400, []string{"colour: unknown parameter"}},
		{"/employer", 400, []string{"id: give exactly one"}},
		{"/employer?id=abc", 400, []string{"id: \"abc\": an employer id is digits"}},
		{"/employer?id=1&name=x", 400, []string{"id: give the employer by id or by name"}},
		{"/employer?id=1&employer=2", 400, []string{"employer: this page's subject"}},
		{"/employer?id=1&since=yesterday", 400, []string{"since:"}},
	} {
		resp, body := get(t, hs.URL+c.path)
		if resp.StatusCode != c.status {
			t.Errorf("%s: %d, want %d: %.300s", c.path, resp.StatusCode, c.status, body)
			continue
		}
		for _, h := range c.has {
			if !strings.Contains(body, h) {
				t.Errorf("%s: lacks %q", c.path, h)
			}
		}
		if c.status == 400 && strings.Count(strings.TrimSpace(body), "\n") != 0 {
			t.Errorf("%s: not one line: %q", c.path, body)
		}
		if c.status == 200 && regexp.MustCompile(`<script>`).MatchString(body) {
			t.Errorf("%s: inline script", c.path)
		}
	}
}

// groupDigitsTest writes n as the pages do (narrow no-break space groups).
func groupDigitsTest(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(c)
	}
	return b.String()
}

// TestFilterFormShowsNamedValues: a filter given by name (?area=Москва)
// filters, and its select shows that value, not «все».
func TestFilterFormShowsNamedValues(t *testing.T) {
	st := filled(t, 300)
	_, hs := newServer(t, st)
	for _, c := range []struct{ path, sel string }{
		{"/?area=1", `<option value="1" selected>Москва</option>`},
		{"/?area=" + url.QueryEscape("москва"), `<option value="1" selected>Москва</option>`},
		{"/vacancies?area=" + url.QueryEscape("Москва"), `<option value="1" selected>Москва</option>`},
		{"/?experience=" + url.QueryEscape("Нет опыта"), `<option value="noExperience" selected>`},
		{"/?work-format=REMOTE", `<option value="REMOTE" selected>`},
	} {
		resp, body := get(t, hs.URL+c.path)
		if resp.StatusCode != 200 || !strings.Contains(body, c.sel) {
			t.Errorf("%s: %d, the form does not select %s", c.path, resp.StatusCode, c.sel)
		}
		if strings.Count(body, " selected>") < 1 {
			t.Errorf("%s: nothing selected", c.path)
		}
	}
	// A role by name: the same option selected as by its id.
	_, body := get(t, hs.URL+"/api/options")
	var o struct{ Roles []struct{ ID, Name string } }
	if err := json.Unmarshal([]byte(body), &o); err != nil || len(o.Roles) == 0 {
		t.Fatalf("options: %v", err)
	}
	r := o.Roles[0]
	want := `<option value="` + r.ID + `" selected>`
	for _, p := range []string{"/?role=" + r.ID, "/?role=" + url.QueryEscape(strings.ToLower(r.Name))} {
		if _, body := get(t, hs.URL+p); !strings.Contains(body, want) {
			t.Errorf("%s: role %s not selected", p, r.ID)
		}
	}
}

// TestOverviewScriptsFromServer: the overview carries no inline script (the
// report's own is /static/report.js) and states the data's scope.
func TestOverviewScriptsFromServer(t *testing.T) {
	st := filled(t, 200)
	_, hs := newServer(t, st)
	_, body := get(t, hs.URL+"/")
	if strings.Contains(body, "<script>") || !strings.Contains(body, `<script src="/static/report.js"></script>`) {
		t.Errorf("overview scripts: inline %v", strings.Contains(body, "<script>"))
	}
	if !regexp.MustCompile(`Охват: сохранённый запрос «[^»]+» \(.*\); опубликованы \d\d\.\d\d\.\d{4} – \d\d\.\d\d\.\d{4}, 200 вакансий`).MatchString(body) {
		i := strings.Index(body, "Охват")
		t.Errorf("scope line: %.300s", body[max(i, 0):])
	}
	resp, js := get(t, hs.URL+"/static/report.js")
	if resp.StatusCode != 200 || !strings.Contains(js, "aria-pressed") || !strings.Contains(resp.Header.Get("Content-Type"), "javascript") {
		t.Errorf("report.js: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
