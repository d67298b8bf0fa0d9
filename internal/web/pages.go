package web

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/report"
	"github.com/hhjobs/hhjobs/internal/store"
)

//go:embed assets
var assets embed.FS

var pages = template.Must(template.ParseFS(assets, "assets/header.html.tmpl", "assets/vacancies.html.tmpl", "assets/compare.html.tmpl", "assets/entity.html.tmpl"))

// staticFS serves the embedded script and style (no CDN, no network).
func staticFS() fs.FS {
	sub, _ := fs.Sub(assets, "assets")
	return onlyStatic{sub}
}

// onlyStatic hides the templates from /static/ and adds report.js, the
// report's own script (sorting, chart tooltips, legend toggles), which the
// overview loads from here instead of inline.
type onlyStatic struct{ fs.FS }

func (o onlyStatic) Open(name string) (fs.File, error) {
	switch name {
	case "app.js", "app.css":
		return o.FS.Open(name)
	case "report.js":
		js := report.Script()
		return &memFile{Reader: strings.NewReader(js), name: name, size: int64(len(js))}, nil
	}
	return nil, fs.ErrNotExist
}

// memFile is a read-only file held in memory (report.js).
type memFile struct {
	*strings.Reader
	name string
	size int64
}

func (m *memFile) Stat() (fs.FileInfo, error) { return m, nil }
func (m *memFile) Close() error               { return nil }
func (m *memFile) Name() string               { return m.name }
func (m *memFile) Size() int64                { return m.size }
func (m *memFile) Mode() fs.FileMode          { return 0o444 }
func (m *memFile) ModTime() time.Time         { return time.Time{} }
func (m *memFile) IsDir() bool                { return false }
func (m *memFile) Sys() any                   { return nil }

type option struct {
	ID, Name string
	Sel      bool
}

type statusLine struct {
	Vacancies, Built, Every, Error, LastOK string
	SyncEnabled, Running                   bool
}

type header struct {
	Prefix                                 string   // of the field names: "a." and "b." on the comparison
	Hidden                                 []option // extra fields the form keeps (a skill page's name)
	CompareQuery                           string   // this view as side A of a comparison
	Page, Action, Query, SavedQuery        string
	Status                                 statusLine
	Roles, Experience, Areas               []option
	WorkFormats, EmploymentForms           []option
	Employer, Skill, Since, Until, Q, Sort string
	Open, Net                              bool
}

// formOptions are the choices of the filter form, from one snapshot.
type formOptions struct {
	roles, areas []option
}

var (
	optMu    sync.Mutex
	optCache = map[*Snapshot]*formOptions{}
)

func (s *Snapshot) options() *formOptions {
	optMu.Lock()
	defer optMu.Unlock()
	if o := optCache[s]; o != nil {
		return o
	}
	clear(optCache) // only the current snapshot's are kept
	o := &formOptions{}
	seenRole := map[string]bool{}
	for _, rs := range s.roleSets {
		for _, r := range rs {
			if !seenRole[r.ID] {
				seenRole[r.ID] = true
				o.roles = append(o.roles, option{ID: r.ID, Name: r.Name})
			}
		}
	}
	// Regions and cities that hold vacancies, each region first, then its cities.
	used := map[string]string{}
	for i := range s.rows {
		used[s.dict[s.rows[i].areaID]] = s.dict[s.rows[i].areaName]
	}
	regions := map[string][]option{}
	for id, name := range used {
		reg := s.areaIndex.Region(id)
		if reg != id {
			regions[reg] = append(regions[reg], option{ID: id, Name: "— " + name})
		} else if _, ok := regions[id]; !ok {
			regions[id] = nil
		}
	}
	var regs []option
	for id := range regions {
		n := s.areaIndex.Name(id)
		if n == "" {
			n = used[id]
		}
		if n == "" {
			n = id
		}
		regs = append(regs, option{ID: id, Name: n})
	}
	byName := func(a, b option) int { return strings.Compare(a.Name, b.Name) }
	slices.SortFunc(regs, byName)
	slices.SortFunc(o.roles, byName)
	for _, r := range regs {
		o.areas = append(o.areas, r)
		cities := regions[r.ID]
		slices.SortFunc(cities, byName)
		o.areas = append(o.areas, cities...)
	}
	optCache[s] = o
	return o
}

func dictOptions(names map[string]string, order []string, sel []string) []option {
	if order == nil {
		for k := range names {
			order = append(order, k)
		}
		slices.Sort(order)
	}
	out := make([]option, 0, len(order))
	for _, id := range order {
		out = append(out, option{ID: id, Name: names[id]})
	}
	return mark(out, sel)
}

// mark selects the first of sel among opts. A value may be an id or a name
// (the filter language takes both: ?area=Москва), matched as the filter
// matches it, case ignored; a value the list does not hold (an area without
// vacancies, a country) is added as its own selected option, so the form
// never shows «все» while the page is filtered.
func mark(opts []option, sel []string) []option {
	out := slices.Clone(opts)
	if len(sel) == 0 {
		return out
	}
	want := strings.TrimSpace(sel[0])
	found := false
	for i := range out {
		name := strings.TrimPrefix(out[i].Name, "— ") // a city under its region
		if !found && (out[i].ID == want || strings.EqualFold(name, want)) {
			out[i].Sel, found = true, true
		}
	}
	if !found && want != "" {
		out = append([]option{{ID: want, Name: want, Sel: true}}, out...)
	}
	return out
}

func ruDateTime(t time.Time) string { return t.In(analytics.MSK).Format("02.01.2006 15:04") }

func (s *Server) header(page string, snap *Snapshot, req *request, v url.Values) header {
	o := snap.options()
	st := s.status()
	h := header{
		Page: page, Action: "/", Query: req.key, SavedQuery: req.spec.Query,
		Roles: mark(o.roles, req.spec.Roles), Areas: mark(o.areas, req.spec.Areas),
		Experience:      dictOptions(analytics.ExperienceNames, analytics.ExperienceOrder, req.spec.Experience),
		WorkFormats:     dictOptions(analytics.WorkFormatNames, nil, req.spec.WorkFormats),
		EmploymentForms: dictOptions(analytics.EmploymentFormNames, nil, req.spec.EmploymentForms),
		Employer:        strings.Join(req.spec.Employers, ","), Skill: strings.Join(req.spec.Skills, ","), Open: req.spec.Open, Net: req.net,
		Q: v.Get(paramQ), Sort: v.Get(paramSort),
	}
	{
		cv, _ := url.ParseQuery(req.key)
		pv := url.Values{}
		for k, x := range cv {
			pv["a."+k] = x
		}
		h.CompareQuery = pv.Encode()
	}
	if page == "vacancies" {
		h.Action = "/vacancies"
		lv, _ := url.ParseQuery(req.key)
		for _, k := range []string{paramQ, paramSort} {
			if x := v.Get(k); x != "" {
				lv.Set(k, x)
			}
		}
		h.Query = lv.Encode()
	}
	if !req.spec.Since.IsZero() {
		h.Since = req.spec.Since.In(analytics.MSK).Format(time.DateOnly)
	}
	if !req.spec.Until.IsZero() {
		h.Until = req.spec.Until.Add(-time.Second).In(analytics.MSK).Format(time.DateOnly)
	}
	h.Status = statusLine{
		Vacancies: groupDigits(int64(st.Snapshot.Vacancies)), Built: ruDateTime(st.Snapshot.BuiltAt),
		SyncEnabled: st.Sync.Enabled, Running: st.Sync.Running, Error: st.Sync.LastError, Every: st.Sync.Every,
	}
	if st.Sync.LastOK != nil {
		h.Status.LastOK = ruDateTime(*st.Sync.LastOK)
	}
	return h
}

// groupDigits writes n the Russian way: 150 000 (a narrow no-break space).
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && c != '-' && s[i-1] != '-' && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(c)
	}
	return b.String()
}

// handleOverview shows every report section recomputed for the filters:
// the report's own page, with the dashboard's bar (navigation, status,
// filter form) and script added.
func (s *Server) handleOverview(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	if err := checkParams(v, "basis"); err != nil {
		s.fail(w, r, err)
		return
	}
	snap := s.snap.Load()
	req, err := s.parse(r.Context(), snap, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vw, err := s.overview(r.Context(), v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var bar bytes.Buffer
	if err := pages.ExecuteTemplate(&bar, "header", s.header("overview", snap, req, v)); err != nil {
		s.fail(w, r, err)
		return
	}
	page := string(vw.html)
	page = strings.Replace(page, "</head>", `<link rel="stylesheet" href="/static/app.css">`+"\n</head>", 1)
	page = strings.Replace(page, "<body>", "<body>\n"+bar.String(), 1)
	// The report's inline script, served from here instead: no inline script
	// on a dashboard page.
	page = strings.Replace(page, "<script>"+report.Script()+"</script>", `<script src="/static/report.js"></script>`, 1)
	page = strings.Replace(page, "</body>", `<script src="/static/app.js"></script>`+"\n</body>", 1)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(page))
}

type listRow struct {
	Name, Employer, Area, Date, Pay, URL string
	EmployerQuery                        string // the overview of this employer, with the other filters
	Open                                 bool
}

func (s *Server) handleVacancies(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	snap := s.snap.Load()
	lr, err := s.parseList(r.Context(), snap, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l, err := s.list(r.Context(), v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := s.header("vacancies", snap, lr.request, v)
	pagesN := max(1, (l.Total+l.PerPage-1)/l.PerPage)
	data := struct {
		Header     header
		List       *List
		Total      string
		Rows       []listRow
		Pages      int
		Prev, Next string
	}{Header: h, List: l, Total: groupDigits(int64(l.Total)), Pages: pagesN}
	for _, it := range l.Items {
		row := listRow{Name: it.Name, Employer: it.Employer, Area: it.Area, Date: it.PublishedAt.Format("02.01.2006"), URL: it.AlternateURL, Open: it.Open, Pay: "—"}
		if it.MonthlyRUR != nil {
			row.Pay = groupDigits(*it.MonthlyRUR)
		}
		if it.EmployerID != "" { // the employer's page, with the other filters
			q, _ := url.ParseQuery(lr.key)
			q.Del("employer")
			q.Set("id", it.EmployerID)
			row.EmployerQuery = q.Encode()
		}
		data.Rows = append(data.Rows, row)
	}
	pageURL := func(p int) string {
		q, _ := url.ParseQuery(h.Query)
		if p > 1 {
			q.Set(paramPage, strconv.Itoa(p))
		}
		return q.Encode()
	}
	if l.Page > 1 {
		data.Prev = pageURL(l.Page - 1)
		if data.Prev == "" {
			data.Prev = "page=1"
		}
	}
	if l.Page < pagesN {
		data.Next = pageURL(l.Page + 1)
	}
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, "vacancies.html.tmpl", data); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(buf.Bytes())
}

var _ store.Store = (*Snapshot)(nil)
