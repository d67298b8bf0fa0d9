// Package synth generates deterministic synthetic hh.ru data for tests and
// for `hhjobs bench`. It is ordinary code (no testing import), so the binary
// links it without linking a test kit:
//
//   - Fill / Vacancy (this file): a realistic HR market with a sync history,
//     for analytics, report, export, web and the CLI;
//   - EnsureBenchDB, PeakHeap (benchdb.go): the reusable 1M-vacancy database
//     of the analytics benchmarks and its heap sampler;
//   - Item, Full, RegionTree (rows.go, regions.go): plain rows and an /areas
//     tree for the store's conformance suite and the store benchmark.
//
// analytics/analyticstest and store/fixture are thin aliases of it, kept for
// the tests that import them.
//
// The data is deterministic for a seed: HR roles (the --preset hr set), real
// area ids (Moscow, St Petersburg, regions with their cities, Almaty), four
// grades with different pay, ~45 % disclosed salaries in several currencies
// and modes (USD, KZT; HOUR, SHIFT, FLY_IN_FLY_OUT, SERVICE), forks of every
// kind, a few absurd salaries, key skills in several spellings (Excel / MS
// Excel / Microsoft Excel, 1С / 1C), remote work growing over 12 weeks, and
// vacancies closing with experience-dependent lifetimes (the rest stay open).
package synth

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/hhjobs/hhjobs/internal/hhtime"
	"github.com/hhjobs/hhjobs/internal/store"
)

// End is the fixed "now" of the generated data: the last sync.
var End = time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)

// Span is how far back publication dates go.
const Span = 84 * 24 * time.Hour

// QueryName is the saved query the vacancies are linked to.
const QueryName = "hr"

// Areas is the small /areas tree Fill stores.
var Areas = []store.Area{
	{ID: "113", Name: "Россия"},
	{ID: "1", ParentID: "113", Name: "Москва"},
	{ID: "2", ParentID: "113", Name: "Санкт-Петербург"},
	{ID: "2019", ParentID: "113", Name: "Московская область"},
	{ID: "1624", ParentID: "113", Name: "Республика Татарстан"},
	{ID: "88", ParentID: "1624", Name: "Казань"},
	{ID: "1202", ParentID: "113", Name: "Новосибирская область"},
	{ID: "4", ParentID: "1202", Name: "Новосибирск"},
	{ID: "1261", ParentID: "113", Name: "Свердловская область"},
	{ID: "3", ParentID: "1261", Name: "Екатеринбург"},
	{ID: "1438", ParentID: "113", Name: "Краснодарский край"},
	{ID: "53", ParentID: "1438", Name: "Краснодар"},
	{ID: "237", ParentID: "1438", Name: "Сочи"},
	{ID: "1679", ParentID: "113", Name: "Нижегородская область"},
	{ID: "66", ParentID: "1679", Name: "Нижний Новгород"},
	{ID: "40", Name: "Казахстан"},
	{ID: "160", ParentID: "40", Name: "Алматы"},
}

type weighted[T any] struct {
	v T
	w float64
}

func pick[T any](r *rand.Rand, xs []weighted[T]) T {
	var sum float64
	for _, x := range xs {
		sum += x.w
	}
	u := r.Float64() * sum
	for _, x := range xs {
		if u < x.w {
			return x.v
		}
		u -= x.w
	}
	return xs[len(xs)-1].v
}

type area struct {
	id, name string
	pay      float64
}

var (
	roles = []weighted[store.IDName]{
		{store.IDName{ID: "118", Name: "Специалист по подбору персонала"}, 35},
		{store.IDName{ID: "69", Name: "Менеджер по персоналу"}, 25},
		{store.IDName{ID: "117", Name: "Специалист по кадрам"}, 20},
		{store.IDName{ID: "171", Name: "Руководитель отдела персонала"}, 7},
		{store.IDName{ID: "38", Name: "Директор по персоналу (HRD)"}, 4},
		{store.IDName{ID: "153", Name: "Менеджер по компенсациям и льготам"}, 5},
		{store.IDName{ID: "17", Name: "Бизнес-тренер"}, 4},
	}
	rolePay = map[string]float64{"118": 1, "69": 1.05, "117": 0.9, "171": 1.6, "38": 2.4, "153": 1.3, "17": 1.1}
	areas   = []weighted[area]{
		{area{"1", "Москва", 1.35}, 38}, {area{"2", "Санкт-Петербург", 1.15}, 14}, {area{"2019", "Московская область", 1.1}, 8},
		{area{"88", "Казань", 0.85}, 6}, {area{"4", "Новосибирск", 0.9}, 6}, {area{"3", "Екатеринбург", 0.9}, 7},
		{area{"53", "Краснодар", 0.8}, 5}, {area{"237", "Сочи", 0.85}, 2}, {area{"66", "Нижний Новгород", 0.8}, 5},
		{area{"160", "Алматы", 0.7}, 3},
	}
	grades   = []weighted[string]{{"noExperience", 15}, {"between1And3", 45}, {"between3And6", 30}, {"moreThan6", 10}}
	gradePay = map[string]float64{"noExperience": 55000, "between1And3": 80000, "between3And6": 115000, "moreThan6": 160000}
	// gradeLife is the mean lifetime in days.
	gradeLife = map[string]float64{"noExperience": 12, "between1And3": 18, "between3And6": 24, "moreThan6": 32}
	forms     = []weighted[string]{{"FULL", 88}, {"PART", 5}, {"PROJECT", 3}, {"SIDE_JOB", 3}, {"FLY_IN_FLY_OUT", 1}}
	// skills: display spellings; premium multiplies the salary of vacancies listing it.
	skills = []struct {
		spellings []string
		p         float64
		premium   float64
	}{
		{[]string{"Подбор персонала", "Подбор кадров", "подбор персонала "}, 0.45, 1},
		{[]string{"Excel", "MS Excel", "Microsoft Excel", "excel."}, 0.35, 1.02},
		{[]string{"Кадровое делопроизводство", "Кадровое  делопроизводство"}, 0.3, 1},
		{[]string{"1С", "1C", "1с"}, 0.2, 1.02},
		{[]string{"1С:ЗУП", "1C: ЗУП", "1С: Зарплата и управление персоналом"}, 0.12, 1.05},
		{[]string{"Проведение собеседований"}, 0.3, 1},
		{[]string{"Трудовое право"}, 0.22, 1.05},
		{[]string{"Адаптация персонала"}, 0.2, 1},
		{[]string{"Оценка персонала"}, 0.15, 1.06},
		{[]string{"Мотивация персонала"}, 0.14, 1.05},
		{[]string{"HR-аналитика", "HR аналитика"}, 0.08, 1.25},
		{[]string{"Английский язык", "English"}, 0.07, 1.2},
		{[]string{"Деловая переписка"}, 0.18, 1},
		{[]string{"Грамотная речь"}, 0.2, 0.97},
		{[]string{"Навыки переговоров"}, 0.15, 1.03},
		{[]string{"Обучение персонала"}, 0.12, 1.04},
		{[]string{"KPI"}, 0.06, 1.15},
		{[]string{"Сорсинг", "Sourcing"}, 0.08, 1.08},
		{[]string{"Работа с ёлками", "Работа с елками"}, 0.01, 1},
	}
)

// Vacancy generates the i-th of n vacancies: a pure function of (i, n, seed),
// so a store of millions can be filled, and re-synced, without holding them.
// Publication times grow with i.
func Vacancy(i, n int, seed int64) (store.Vacancy, *time.Time) {
	r := rand.New(rand.NewPCG(uint64(seed), uint64(i)*0x9e3779b97f4a7c15+1))
	nEmployers := max(20, n/50)
	start := End.Add(-Span)
	v := store.Vacancy{ID: strconv.Itoa(100000000 + i)}
	frac := (float64(i) + r.Float64()) / float64(n)
	v.PublishedAt = start.Add(time.Duration(frac * float64(Span))).Truncate(time.Second).In(hhtime.Moscow)
	v.FirstSeenAt = v.PublishedAt.Add(time.Duration(r.IntN(6*3600)) * time.Second)
	role := pick(r, roles)
	v.Roles = []store.IDName{role}
	if r.Float64() < 0.08 {
		if other := pick(r, roles); other.ID != role.ID {
			v.Roles = append(v.Roles, other)
		}
	}
	ar := pick(r, areas)
	v.AreaID, v.AreaName = ar.id, ar.name
	grade := pick(r, grades)
	v.ExperienceID = grade
	v.EmploymentFormID = pick(r, forms)
	// Remote and hybrid grow over the span.
	switch u := r.Float64(); {
	case u < 0.12+0.10*frac:
		v.WorkFormat = []string{"REMOTE"}
	case u < 0.32+0.15*frac:
		v.WorkFormat = []string{"HYBRID"}
		if r.Float64() < 0.3 {
			v.WorkFormat = []string{"ON_SITE", "HYBRID"}
		}
	case u < 0.97:
		v.WorkFormat = []string{"ON_SITE"}
	}
	v.ScheduleID = "fullDay"
	if slices.Contains(v.WorkFormat, "REMOTE") {
		v.ScheduleID = "remote"
	}
	// Employers: a few big ones, a long tail; 3 % anonymous.
	if r.Float64() >= 0.03 {
		e := int(math.Pow(r.Float64(), 2.5) * float64(nEmployers))
		v.EmployerID = strconv.Itoa(10000 + e)
		v.EmployerName = fmt.Sprintf("Компания %d", e+1)
	} else {
		v.EmployerName = "Крупная компания"
	}
	// Skills (details for 70 %).
	hasDetails := r.Float64() < 0.7
	mult := 1.0
	if hasDetails {
		v.KeySkills = []string{}
		for _, s := range skills {
			if r.Float64() < s.p {
				v.KeySkills = append(v.KeySkills, s.spellings[r.IntN(len(s.spellings))])
				mult *= s.premium
			}
		}
	}
	v.Name = role.Name
	// Salary.
	if r.Float64() < 0.45 {
		monthly := gradePay[grade] * rolePay[role.ID] * ar.pay * mult * math.Exp(r.NormFloat64()*0.25)
		v.SalaryGross = new(bool)
		*v.SalaryGross = r.Float64() < 0.35
		if *v.SalaryGross {
			monthly /= 0.87
		}
		v.SalaryCurrency, v.SalaryMode, v.SalaryFrequency = "RUR", "MONTH", "TWICE_PER_MONTH"
		amount := monthly
		switch u := r.Float64(); {
		case u < 0.03:
			v.SalaryMode, amount = "HOUR", monthly/164.4
		case u < 0.05:
			v.SalaryMode, amount = "SHIFT", monthly/20.55
		case u < 0.06:
			v.SalaryMode, amount = "FLY_IN_FLY_OUT", monthly*1.5
		case u < 0.065:
			v.SalaryMode, amount = "SERVICE", 5000
		}
		switch u := r.Float64(); {
		case ar.id == "160":
			v.SalaryCurrency, amount = "KZT", amount*6.4996
		case u < 0.02:
			v.SalaryCurrency, amount = "USD", amount*0.012967
		}
		if r.Float64() < 0.004 { // absurd values
			amount = []float64{1000, 15_000_000}[r.IntN(2)]
		}
		round := func(x float64) *int64 {
			y := int64(x)
			if y > 1000 {
				y = y / 1000 * 1000
			}
			return &y
		}
		switch u := r.Float64(); {
		case u < 0.5:
			v.SalaryFrom, v.SalaryTo = round(amount*0.9), round(amount*1.15)
		case u < 0.8:
			v.SalaryFrom = round(amount)
		default:
			v.SalaryTo = round(amount * 1.1)
		}
	}
	v.RawItem = rawItem(v)
	if hasDetails {
		// The full vacancy carries initial_created_at (here: never republished).
		ic := v.PublishedAt
		v.InitialCreatedAt = &ic
		v.RawFull = rawFull(v)
		t := v.FirstSeenAt
		v.DetailFetchedAt = &t
	}
	var closed *time.Time
	life := r.ExpFloat64() * gradeLife[grade]
	if c := v.PublishedAt.Add(time.Duration(life * 24 * float64(time.Hour))); c.Before(End) {
		closed = &c
	}
	return v, closed
}

func idName(id, name string) any {
	if id == "" {
		return nil
	}
	return map[string]string{"id": id, "name": name}
}

func rawItem(v store.Vacancy) json.RawMessage {
	m := itemMap(v)
	b, _ := json.Marshal(m)
	return b
}

func itemMap(v store.Vacancy) map[string]any {
	var salary any
	if v.SalaryFrom != nil || v.SalaryTo != nil {
		salary = map[string]any{
			"from": v.SalaryFrom, "to": v.SalaryTo, "currency": v.SalaryCurrency, "gross": v.SalaryGross,
			"mode":      map[string]string{"id": v.SalaryMode, "name": v.SalaryMode},
			"frequency": idName(v.SalaryFrequency, v.SalaryFrequency),
		}
	}
	var wf []map[string]string
	for _, w := range v.WorkFormat {
		wf = append(wf, map[string]string{"id": w, "name": w})
	}
	var employer map[string]any
	if v.EmployerID != "" {
		employer = map[string]any{"id": v.EmployerID, "name": v.EmployerName, "trusted": true}
	} else {
		employer = map[string]any{"name": v.EmployerName, "trusted": false}
	}
	m := map[string]any{
		"id": v.ID, "name": v.Name, "area": map[string]string{"id": v.AreaID, "name": v.AreaName},
		"salary_range": salary, "published_at": hhtime.Format(v.PublishedAt), "created_at": hhtime.Format(v.PublishedAt),
		"alternate_url": "https://hh.ru/vacancy/" + v.ID, "employer": employer,
		"professional_roles": v.Roles, "experience": idName(v.ExperienceID, v.ExperienceID),
		"employment_form": idName(v.EmploymentFormID, v.EmploymentFormID), "work_format": wf,
		"schedule": idName(v.ScheduleID, v.ScheduleID), "archived": false,
		"snippet": map[string]string{"requirement": "Опыт <highlighttext>подбора</highlighttext> персонала", "responsibility": "Закрытие вакансий"},
	}
	addRoster(m, v.ID)
	return m
}

// addRoster gives the item a roster picked from its id (not from the random
// stream, so the rest of the data stays as it was): mostly 5/2 × 8 h, some
// 2/2 × 12 h, 6/1, 1/3 × 24 h, flexible ones, and one in ten without the fields.
func addRoster(m map[string]any, id string) {
	h := 0
	for _, c := range id {
		h = h*31 + int(c)
	}
	days, hours := "FIVE_ON_TWO_OFF", "HOURS_8"
	switch h % 20 {
	case 0, 1, 2:
		days, hours = "TWO_ON_TWO_OFF", "HOURS_12"
	case 3, 4:
		days = "SIX_ON_ONE_OFF"
	case 5:
		days, hours = "ONE_ON_THREE_OFF", "HOURS_24"
	case 6:
		days, hours = "FLEXIBLE", "FLEXIBLE"
	case 7:
		hours = "HOURS_4"
	case 8, 9:
		return
	}
	m["work_schedule_by_days"] = []map[string]string{{"id": days, "name": days}}
	m["working_hours"] = []map[string]string{{"id": hours, "name": hours}}
}

func rawFull(v store.Vacancy) json.RawMessage {
	m := itemMap(v)
	ks := make([]map[string]string, len(v.KeySkills))
	for i, s := range v.KeySkills {
		ks[i] = map[string]string{"name": s}
	}
	m["key_skills"] = ks
	m["initial_created_at"] = hhtime.Format(v.PublishedAt.Add(-48 * time.Hour))
	m["description"] = "<p>Ищем <strong>специалиста</strong> в команду.</p><script>alert(1)</script>"
	b, _ := json.Marshal(m)
	return b
}

// Fill stores n generated vacancies in s as a sync history would: reference
// data (areas, roles, two dated sets of currency rates), the saved query
// QueryName with one finished run (one truncated slice), search items page by
// page in publication order, details for ~70 %, closings, and a last sync at
// End that sees every vacancy still open.
func Fill(ctx context.Context, s store.Store, n int, seed int64) error {
	if err := s.ReplaceAreas(ctx, Areas); err != nil {
		return fmt.Errorf("areas: %w", err)
	}
	var rs []store.Role
	for _, r := range roles {
		rs = append(rs, store.Role{ID: r.v.ID, Name: r.v.Name, CategoryID: "12", CategoryName: "Управление персоналом, тренинги"})
	}
	if err := s.ReplaceRoles(ctx, rs); err != nil {
		return fmt.Errorf("roles: %w", err)
	}
	for i, d := range []time.Time{End.Add(-Span).Truncate(24 * time.Hour), End.Add(-Span / 2).Truncate(24 * time.Hour)} {
		if err := s.SaveCurrencyRates(ctx, []store.CurrencyRate{
			{Date: d, Code: "RUR", Rate: 1},
			{Date: d, Code: "USD", Rate: 0.012967 + float64(i)*0.0003},
			{Date: d, Code: "EUR", Rate: 0.010986},
			{Date: d, Code: "KZT", Rate: 6.499584},
		}); err != nil {
			return fmt.Errorf("rates: %w", err)
		}
	}
	q, err := s.SaveQuery(ctx, store.Query{Name: QueryName, Params: map[string][]string{"professional_role": {"17", "38", "69", "117", "118", "153", "171"}}})
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	run, err := s.CreateRun(ctx, store.Run{QueryID: q.ID, Status: store.RunRunning, StartedAt: End.Add(-time.Hour), UpperBound: End, Details: "new"})
	if err != nil {
		return fmt.Errorf("run: %w", err)
	}
	if _, err := s.AddSlices(ctx, run.ID, []store.Slice{
		{Params: map[string][]string{"professional_role": {"118"}, "area": {"1"}}, State: store.SliceTruncated, Found: 2400, Pages: 20, Stored: 2000},
		{Params: map[string][]string{"professional_role": {"69"}}, State: store.SliceDone, Found: n / 2, Pages: 1, Stored: n / 2},
	}); err != nil {
		return fmt.Errorf("slices: %w", err)
	}
	// Search pages in publication order, each page seen when its last vacancy
	// appeared; details for the ones that have them.
	const batch = 500
	items := make([]store.Vacancy, 0, batch)
	var details []store.Vacancy
	type closing struct {
		id string
		at time.Time
	}
	var closed []closing
	var open []int
	for lo := 0; lo < n; lo += batch {
		items, details = items[:0], details[:0]
		firstClosing := len(closed)
		for i := lo; i < min(n, lo+batch); i++ {
			v, c := Vacancy(i, n, seed)
			if c != nil {
				closed = append(closed, closing{v.ID, *c})
			} else {
				open = append(open, i)
			}
			if v.RawFull != nil {
				details = append(details, v)
			}
			v.RawFull, v.KeySkills, v.DetailFetchedAt = nil, nil, nil
			items = append(items, v)
		}
		seen := items[0].FirstSeenAt
		for _, it := range items {
			if it.FirstSeenAt.After(seen) {
				seen = it.FirstSeenAt
			}
		}
		// A sync can only close what was seen: no closing before the page's time.
		for i := firstClosing; i < len(closed); i++ {
			if closed[i].at.Before(seen) {
				closed[i].at = seen.Add(12 * time.Hour)
			}
		}
		if _, err := s.UpsertSearchItems(ctx, q.ID, run.ID, items, seen); err != nil {
			return fmt.Errorf("upsert: %w", err)
		}
		if len(details) > 0 {
			if err := s.SaveDetails(ctx, 0, details, seen); err != nil {
				return fmt.Errorf("details: %w", err)
			}
		}
	}
	// Closings, grouped by day (noon UTC of the day the vacancy went).
	byDay := map[int64][]string{}
	for _, c := range closed {
		d := c.at.Unix() / 86400
		byDay[d] = append(byDay[d], c.id)
	}
	closed = nil
	days := make([]int64, 0, len(byDay))
	for d := range byDay {
		days = append(days, d)
	}
	slices.Sort(days)
	for _, d := range days {
		ids := byDay[d]
		for lo := 0; lo < len(ids); lo += 5000 {
			if err := s.MarkClosed(ctx, 0, ids[lo:min(len(ids), lo+5000)], time.Unix(d*86400+12*3600, 0).UTC()); err != nil {
				return fmt.Errorf("close: %w", err)
			}
		}
	}
	// The last sync sees every vacancy still open.
	for lo := 0; lo < len(open); lo += batch {
		items = items[:0]
		for _, i := range open[lo:min(len(open), lo+batch)] {
			v, _ := Vacancy(i, n, seed)
			v.RawFull, v.KeySkills, v.DetailFetchedAt = nil, nil, nil
			items = append(items, v)
		}
		if _, err := s.UpsertSearchItems(ctx, q.ID, run.ID, items, End); err != nil {
			return fmt.Errorf("last sync: %w", err)
		}
	}
	fin := End
	return s.FinishRun(ctx, run.ID, store.RunDone, "", &fin)
}
