package sandbox

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// query is a parsed and validated /vacancies request.
type query struct {
	text       []string
	fields     map[string]bool // search_field; empty = all
	excluded   []string
	areas      []*areaNode
	roles      []string
	industries []string
	employers  map[string]bool
	exp, employment, empForm, schedule, workFormat, wsbd, hours,
	labels, salFreq map[string]bool
	salMode        string
	salary         float64 // roubles; <0 = none
	onlyWithSalary bool
	acceptTemp     bool
	from, to       int64 // unix; 0 = none (to is exclusive)
	order          string
	page, perPage  int
	sortPoint      bool
	sortLat        float64
	sortLng        float64
	bbox           *[4]float64 // top, bottom, left, right
	metro          map[string]bool
	responsesCount bool
}

// parseQuery validates q like hh.ru; on failure it returns the names of
// the bad parameters (or depth=true for the 2000-depth error).
func (s *Server) parseQuery(q url.Values, now time.Time) (qq *query, bad []string, depth bool) {
	x := &query{salary: -1, order: "relevance", perPage: DefaultPerPage}
	fail := func(p string) {
		if !slices.Contains(bad, p) {
			bad = append(bad, p)
		}
	}
	dictSet := func(param, dict string) map[string]bool {
		vals := q[param]
		if len(vals) == 0 {
			return nil
		}
		m := map[string]bool{}
		for _, v := range vals {
			if !s.ref.dictHas(dict, v) {
				fail(param)
				return nil
			}
			m[v] = true
		}
		return m
	}
	boolParam := func(p string) bool {
		switch q.Get(p) {
		case "", "false":
			return false
		case "true":
			return true
		}
		fail(p)
		return false
	}
	if vs := q["text"]; len(vs) > 0 {
		x.text = tokenize(strings.Join(vs, " "))
	}
	x.fields = dictSet("search_field", "vacancy_search_fields")
	if et := q.Get("excluded_text"); et != "" {
		for _, part := range strings.Split(et, ",") {
			x.excluded = append(x.excluded, tokenize(part)...)
		}
	}
	for _, id := range q["area"] {
		a := s.ref.areas[id]
		if a == nil {
			fail("area")
			break
		}
		x.areas = append(x.areas, a)
	}
	for _, id := range q["professional_role"] {
		if _, ok := s.ref.roles[id]; !ok {
			fail("professional_role")
			break
		}
		if !slices.Contains(x.roles, id) {
			x.roles = append(x.roles, id)
		}
	}
	for _, id := range q["industry"] {
		if _, ok := s.ref.industry[id]; !ok {
			fail("industry")
			break
		}
		x.industries = append(x.industries, id)
	}
	if ids := q["employer_id"]; len(ids) > 0 {
		x.employers = map[string]bool{}
		for _, id := range ids {
			if _, err := strconv.ParseUint(id, 10, 63); err != nil {
				fail("employer_id")
				break
			}
			x.employers[id] = true
		}
	}
	x.exp = dictSet("experience", "experience")
	x.employment = dictSet("employment", "employment")
	x.empForm = dictSet("employment_form", "vacancy_search_employment_form")
	x.schedule = dictSet("schedule", "schedule")
	x.workFormat = dictSet("work_format", "work_format")
	x.wsbd = dictSet("work_schedule_by_days", "work_schedule_by_days")
	x.hours = dictSet("working_hours", "working_hours")
	x.labels = dictSet("label", "vacancy_label")
	x.salFreq = dictSet("salary_frequency", "salary_range_frequency")
	if m := q.Get("salary_mode"); m != "" {
		if !s.ref.dictHas("salary_range_mode", m) {
			fail("salary_mode")
		}
		x.salMode = m
	}
	cur := "RUR"
	if c := q.Get("currency"); c != "" {
		if _, ok := s.ref.currency[c]; !ok {
			fail("currency")
		} else {
			cur = c
		}
	}
	if sv := q.Get("salary"); sv != "" {
		n, err := strconv.ParseInt(sv, 10, 64)
		if err != nil || n < 0 {
			fail("salary")
		} else {
			x.salary = float64(n) / s.ref.currency[cur]
		}
	}
	x.onlyWithSalary = boolParam("only_with_salary")
	x.acceptTemp = boolParam("accept_temporary")
	x.responsesCount = boolParam("responses_count_enabled")
	for _, p := range []string{"clusters", "describe_arguments", "no_magic", "premium"} {
		boolParam(p)
	}
	// dates
	_, hasPeriod := q["period"]
	df, hasFrom := q["date_from"]
	dt, hasTo := q["date_to"]
	if hasPeriod {
		p, err := strconv.Atoi(q.Get("period"))
		switch {
		case err != nil || p < 1 || p > MaxPeriod:
			fail("period")
		case hasFrom || hasTo:
			fail("period")
		default:
			x.from = now.Add(-time.Duration(p) * 24 * time.Hour).Unix()
		}
	}
	if hasTo && !hasFrom {
		fail("date_to")
	}
	if hasFrom {
		t, ok := parseHHDate(df[0])
		if !ok {
			fail("date_from")
		} else {
			x.from = t - t%300 // rounded down to the 5-minute grid
		}
	}
	if hasTo {
		t, ok := parseHHDate(dt[0])
		if !ok {
			fail("date_to")
		} else {
			x.to = t - t%300 + 300 // the whole (inclusive) 5-minute bucket
		}
	}
	// geo
	if v := q.Get("sort_point_lat"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < -90 || f > 90 {
			fail("sort_point_lat")
		}
		x.sortLat = f
	}
	if v := q.Get("sort_point_lng"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < -180 || f > 180 {
			fail("sort_point_lng")
		}
		x.sortLng = f
	}
	bb := []string{"top_lat", "bottom_lat", "left_lng", "right_lng"}
	var bbox [4]float64
	nbb := 0
	for i, p := range bb {
		if v := q.Get(p); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				fail(p)
			}
			bbox[i] = f
			nbb++
		}
	}
	if nbb > 0 && nbb < 4 {
		for _, p := range bb {
			if q.Get(p) == "" {
				fail(p)
			}
		}
	} else if nbb == 4 {
		x.bbox = &bbox
	}
	if ms := q["metro"]; len(ms) > 0 {
		x.metro = map[string]bool{}
		for _, m := range ms {
			x.metro[m] = true
		}
	}
	if o := q.Get("order_by"); o != "" {
		if !s.ref.dictHas("vacancy_search_order", o) {
			fail("order_by")
		}
		x.order = o
	}
	if x.order == "distance" {
		if q.Get("sort_point_lat") == "" {
			fail("sort_point_lat")
		}
		if q.Get("sort_point_lng") == "" {
			fail("sort_point_lng")
		}
		x.sortPoint = true
	}
	// paging
	if v, ok := q["page"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 0 {
			fail("page")
		}
		x.page = n
	}
	if v, ok := q["per_page"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 0 || n > MaxPerPage {
			fail("per_page")
		}
		x.perPage = n
	}
	if len(bad) > 0 {
		return nil, bad, false
	}
	if (x.page+1)*x.perPage > DepthLimit {
		return nil, nil, true
	}
	return x, nil, false
}

// parseHHDate accepts YYYY-MM-DD (Moscow midnight) and
// YYYY-MM-DDThh:mm:ss±hhmm.
func parseHHDate(s string) (int64, bool) {
	if len(s) == 10 {
		t, err := time.ParseInLocation("2006-01-02", s, msk)
		return t.Unix(), err == nil
	}
	if len(s) != len("2006-01-02T15:04:05+0300") {
		return 0, false
	}
	t, err := time.Parse(hhTimeLayout, s)
	return t.Unix(), err == nil
}

func (s *Server) textMatch(v *vacancy, words []string, fields map[string]bool) bool {
	all := len(fields) == 0
	for _, w := range words {
		ok := (all || fields["name"]) && containsTok(v.nameTok, w) ||
			(all || fields["company_name"]) && containsTok(v.emp.nameTok, w) ||
			(all || fields["description"]) && s.pool.has(v.desc, w)
		if !ok {
			return false
		}
	}
	return true
}

func anyIn(m map[string]bool, vals []string) bool {
	for _, v := range vals {
		if m[v] {
			return true
		}
	}
	return false
}

// match reports whether a searchable vacancy satisfies the query.
func (s *Server) match(v *vacancy, q *query) bool {
	if v.archived || v.removed {
		return false
	}
	if q.from != 0 && v.published < q.from {
		return false
	}
	if q.to != 0 && v.published >= q.to {
		return false
	}
	if len(q.roles) > 0 && !slices.ContainsFunc(v.roles, func(r string) bool { return slices.Contains(q.roles, r) }) {
		return false
	}
	if len(q.areas) > 0 {
		ok := false
		for _, a := range q.areas {
			if v.area.pre >= a.pre && v.area.pre < a.post {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if q.exp != nil && !q.exp[v.exp] {
		return false
	}
	if q.employment != nil && !q.employment[v.employment] {
		return false
	}
	if q.empForm != nil {
		f := v.empForm
		if f == "SIDE_JOB" {
			f = "PROJECT" // the search dictionary's PROJECT is «Подработка»
		}
		if !q.empForm[f] && !q.empForm[v.empForm] {
			return false
		}
	}
	if q.schedule != nil && !q.schedule[v.schedule] {
		return false
	}
	if q.workFormat != nil && !anyIn(q.workFormat, v.workFormat) {
		return false
	}
	if q.wsbd != nil && !anyIn(q.wsbd, v.wsbd) {
		return false
	}
	if q.hours != nil && !anyIn(q.hours, v.hours) {
		return false
	}
	if q.employers != nil && !q.employers[v.emp.id] {
		return false
	}
	if len(q.industries) > 0 {
		ok := false
		for _, ind := range v.emp.industries {
			for _, want := range q.industries {
				if ind.ID == want || strings.HasPrefix(ind.ID, want+".") {
					ok = true
				}
			}
		}
		if !ok {
			return false
		}
	}
	if q.onlyWithSalary && v.sal == nil {
		return false
	}
	if q.salary >= 0 && v.sal != nil {
		sa := v.sal
		if sa.from != nil && sa.minRUR > q.salary+0.5 {
			return false
		}
		if sa.to != nil && sa.maxRUR < q.salary-0.5 {
			return false
		}
	}
	if q.salMode != "" && (v.sal == nil || v.sal.mode != q.salMode) {
		return false
	}
	if q.salFreq != nil && (v.sal == nil || !q.salFreq[v.sal.freq]) {
		return false
	}
	if q.acceptTemp && !v.acceptTemporary {
		return false
	}
	if q.labels != nil && !s.labelsMatch(v, q.labels) {
		return false
	}
	if q.bbox != nil {
		if v.addr == nil || v.addr.Lat == nil || v.addr.Lng == nil {
			return false
		}
		b := q.bbox
		if *v.addr.Lat > b[0] || *v.addr.Lat < b[1] || *v.addr.Lng < b[2] || *v.addr.Lng > b[3] {
			return false
		}
	}
	if q.metro != nil {
		if v.addr == nil {
			return false
		}
		ok := false
		for _, m := range v.addr.MetroStations {
			if q.metro[m.StationID] || q.metro[m.LineID] {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	if len(q.text) > 0 && !s.textMatch(v, q.text, q.fields) {
		return false
	}
	if len(q.excluded) > 0 {
		for _, w := range q.excluded {
			if s.textMatch(v, []string{w}, nil) {
				return false
			}
		}
	}
	return true
}

func (s *Server) labelsMatch(v *vacancy, labels map[string]bool) bool {
	for l := range labels {
		var ok bool
		switch l {
		case "with_salary":
			ok = v.sal != nil
		case "with_address":
			ok = v.addr != nil
		case "accept_handicapped":
			ok = v.acceptHandicapped
		case "not_from_agency":
			ok = v.emp.typ != "agency"
		case "accept_kids", "accept_teens":
			ok = v.acceptKids
		case "accredited_it":
			ok = v.emp.accredited
		case "low_performance":
			ok = v.responses < 10
		case "internship":
			ok = v.internship
		case "night_shifts":
			ok = v.night
		default:
			ok = true
		}
		if !ok {
			return false
		}
	}
	return true
}

func sortRel(vs []*vacancy) {
	sort.Slice(vs, func(i, j int) bool {
		if vs[i].relKey != vs[j].relKey {
			return vs[i].relKey > vs[j].relKey
		}
		return vs[i].id > vs[j].id
	})
}

func distanceTo(v *vacancy, lat, lng float64) float64 {
	if v.addr == nil || v.addr.Lat == nil || v.addr.Lng == nil {
		return math.MaxFloat32
	}
	const rad = math.Pi / 180
	dlat := (*v.addr.Lat - lat) * rad
	dlng := (*v.addr.Lng - lng) * rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat*rad)*math.Cos(*v.addr.Lat*rad)*math.Sin(dlng/2)*math.Sin(dlng/2)
	return math.Round(6371000*2*math.Atan2(math.Sqrt(a), math.Sqrt(1-a))*1000) / 1000
}

func salaryKey(v *vacancy) float64 {
	if v.sal == nil {
		return -1
	}
	if v.sal.from != nil {
		return v.sal.minRUR
	}
	return v.sal.maxRUR
}

// filtered reports whether the query restricts anything besides order and
// paging.
func (q *query) filtered() bool {
	return len(q.text) > 0 || len(q.excluded) > 0 || len(q.areas) > 0 || len(q.roles) > 0 ||
		len(q.industries) > 0 || q.employers != nil || q.exp != nil || q.employment != nil ||
		q.empForm != nil || q.schedule != nil || q.workFormat != nil || q.wsbd != nil || q.hours != nil ||
		q.labels != nil || q.salFreq != nil || q.salMode != "" || q.salary >= 0 || q.onlyWithSalary ||
		q.acceptTemp || q.from != 0 || q.to != 0 || q.bbox != nil || q.metro != nil
}

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	raw := r.URL.Query()
	q, bad, depth := s.parseQuery(raw, s.cfg.Now())
	if depth {
		s.depthError(w, r)
		return
	}
	if len(bad) > 0 {
		s.badArgs(w, r, bad...)
		return
	}
	lo, hi := q.page*q.perPage, (q.page+1)*q.perPage
	alt := url.Values{}
	for k, v := range raw {
		if k != "page" && k != "per_page" {
			alt[k] = v
		}
	}
	alt.Set("enable_snippets", "true")
	altJSON, _ := marshalNoEscape(siteBase + "/search/vacancy?" + alt.Encode())
	// The page is assembled by hand: items are cached JSON, and re-encoding
	// them through encoding/json would cost more than the search itself.
	var b bytes.Buffer
	b.WriteString(`{"items":[`)
	s.mu.RLock()
	n, win := s.scan(q, lo, hi)
	b.Grow(len(win)*3000 + 512)
	for i, v := range win {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(s.itemBytes(v, q))
	}
	cl := s.clustersJSON(q, raw)
	s.mu.RUnlock()
	pages := 0
	if q.perPage > 0 {
		pages = (min(n, DepthLimit) + q.perPage - 1) / q.perPage
	}
	fmt.Fprintf(&b, `],"found":%d,"pages":%d,"page":%d,"per_page":%d,"clusters":%s,"arguments":null,"alternate_url":%s,"fixes":null,"suggests":null}`,
		n, pages, q.page, q.perPage, cl, altJSON)
	s.writeBytes(w, r, http.StatusOK, "application/json; charset=UTF-8", b.Bytes())
}
