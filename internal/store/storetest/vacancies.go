package storetest

// Conformance of vacancy writes (upserts, details, closings) and reads
// (walks, skills).

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/fixture"
)

func idsOf(vs []store.Vacancy) []string {
	out := make([]string, len(vs))
	for i := range vs {
		out[i] = vs[i].ID
	}
	return out
}

func testUpsertClassification(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	a, b, c := fixture.Item(1, 500), fixture.Item(2, 500), fixture.Item(3, 500)
	at := func(h int) time.Time { return base.Add(time.Duration(h) * time.Hour) }
	change := func(v store.Vacancy, f func(*store.Vacancy)) store.Vacancy {
		v.Roles = slices.Clone(v.Roles)
		f(&v)
		return v
	}
	steps := []struct {
		name     string
		items    []store.Vacancy
		want     store.UpsertResult
		versions map[string]int // version rows expected after the step
	}{
		{"all new", []store.Vacancy{a, b}, store.UpsertResult{New: []string{a.ID, b.ID}}, map[string]int{a.ID: 1, b.ID: 1}},
		{"same again", []store.Vacancy{a, b}, store.UpsertResult{Unchanged: []string{a.ID, b.ID}}, map[string]int{a.ID: 1, b.ID: 1}},
		{"untracked field only", []store.Vacancy{change(a, func(v *store.Vacancy) { v.ExperienceID = "noExperience"; v.RawItem = json.RawMessage(`{"id":"x"}`) })},
			store.UpsertResult{Unchanged: []string{a.ID}}, map[string]int{a.ID: 1}},
		{"salary from", []store.Vacancy{change(a, func(v *store.Vacancy) { v.SalaryFrom = i64(999_999) }), c},
			store.UpsertResult{New: []string{c.ID}, Changed: []string{a.ID}}, map[string]int{a.ID: 2, c.ID: 1}},
		{"name", []store.Vacancy{change(b, func(v *store.Vacancy) { v.Name = "Рекрутер" })}, store.UpsertResult{Changed: []string{b.ID}}, map[string]int{b.ID: 2}},
		{"roles", []store.Vacancy{change(b, func(v *store.Vacancy) {
			v.Name = "Рекрутер"
			v.Roles = []store.IDName{{ID: "38", Name: "Директор по персоналу"}}
		})},
			store.UpsertResult{Changed: []string{b.ID}}, map[string]int{b.ID: 3}},
		{"gross", []store.Vacancy{
			change(c, func(v *store.Vacancy) { v.SalaryGross = nil }),
		}, store.UpsertResult{Changed: []string{c.ID}}, map[string]int{c.ID: 2}},
		{"area", []store.Vacancy{change(c, func(v *store.Vacancy) { v.SalaryGross = nil; v.AreaID = "88" })}, store.UpsertResult{Changed: []string{c.ID}}, map[string]int{c.ID: 3}},
		{"published", []store.Vacancy{change(c, func(v *store.Vacancy) {
			v.SalaryGross = nil
			v.AreaID = "88"
			v.PublishedAt = v.PublishedAt.Add(time.Hour)
		})},
			store.UpsertResult{Changed: []string{c.ID}}, map[string]int{c.ID: 4}},
		{"currency", []store.Vacancy{change(c, func(v *store.Vacancy) {
			v.SalaryGross = nil
			v.AreaID = "88"
			v.PublishedAt = v.PublishedAt.Add(time.Hour)
			v.SalaryCurrency = "USD"
		})}, store.UpsertResult{Changed: []string{c.ID}}, map[string]int{c.ID: 5}},
	}
	for i, st := range steps {
		got, err := s.UpsertSearchItems(ctx, q.ID, r.ID, st.items, at(i))
		if err != nil {
			t.Fatalf("step %q: %v", st.name, err)
		}
		diff(t, "step "+st.name+": result", st.want, got)
		for id, n := range st.versions {
			vs := must[[]store.Version](t)(s.Versions(ctx, id))
			if len(vs) != n {
				t.Errorf("step %q: %s has %d versions, want %d", st.name, id, len(vs), n)
			}
		}
		for _, it := range st.items {
			v := must[store.Vacancy](t)(s.GetVacancy(ctx, it.ID))
			if !v.LastSeenAt.Equal(at(i)) {
				t.Errorf("step %q: %s last_seen_at %v, want %v", st.name, it.ID, v.LastSeenAt, at(i))
			}
			diff(t, "step "+st.name+": typed columns", it, withoutBookkeeping(v))
		}
	}
	// The last version of b carries what was observed.
	vs := must[[]store.Version](t)(s.Versions(ctx, b.ID))
	want := store.Version{VacancyID: b.ID, ObservedAt: at(5), Name: "Рекрутер", AreaID: b.AreaID, RoleIDs: []string{"38"},
		SalaryFrom: b.SalaryFrom, SalaryTo: b.SalaryTo, SalaryCurrency: b.SalaryCurrency, SalaryGross: b.SalaryGross, PublishedAt: b.PublishedAt}
	diff(t, "last version of b", want, vs[len(vs)-1])
	diff(t, "first version of b", at(0), vs[0].ObservedAt)
	first := must[store.Vacancy](t)(s.GetVacancy(ctx, a.ID))
	if !first.FirstSeenAt.Equal(at(0)) {
		t.Errorf("first_seen_at moved: %v, want %v", first.FirstSeenAt, at(0))
	}
}

// withoutBookkeeping clears what UpsertSearchItems sets itself, for comparing with the item.
func withoutBookkeeping(v store.Vacancy) store.Vacancy {
	v.FirstSeenAt, v.LastSeenAt, v.ClosedAt, v.DetailFetchedAt = time.Time{}, time.Time{}, nil, nil
	return v
}

func testUpsertDuplicates(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	a := fixture.Item(1, 300)
	a2 := a
	a2.SalaryFrom = i64(1)
	got := must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, []store.Vacancy{a, fixture.Item(2, 300), a2}, base))
	diff(t, "result", store.UpsertResult{New: []string{a.ID, fixture.Item(2, 0).ID}}, got)
	if v := must[store.Vacancy](t)(s.GetVacancy(ctx, a.ID)); v.SalaryFrom == nil || *v.SalaryFrom != 1 {
		t.Errorf("duplicate in a page: salary_from %v, want the last item's 1", v.SalaryFrom)
	}
	// No items is a no-op.
	diff(t, "empty page", store.UpsertResult{}, must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, nil, base)))
}

func testReappearance(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	a := fixture.Item(1, 300)
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, []store.Vacancy{a}, base))
	check(t, s.MarkClosed(ctx, 0, []string{a.ID}, base.Add(time.Hour)))
	if v := must[store.Vacancy](t)(s.GetVacancy(ctx, a.ID)); v.ClosedAt == nil || !v.Archived {
		t.Fatalf("after MarkClosed: closed %v archived %v", v.ClosedAt, v.Archived)
	}
	r2 := newRun(t, s, q, base.Add(2*time.Hour))
	got := must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r2.ID, []store.Vacancy{a}, base.Add(2*time.Hour)))
	diff(t, "reappeared", store.UpsertResult{Unchanged: []string{a.ID}}, got)
	v := must[store.Vacancy](t)(s.GetVacancy(ctx, a.ID))
	if v.ClosedAt != nil || v.Archived || !v.LastSeenAt.Equal(base.Add(2*time.Hour)) {
		t.Errorf("reappeared vacancy: closed %v archived %v last seen %v", v.ClosedAt, v.Archived, v.LastSeenAt)
	}
}

func testDetailsNotClobbered(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	item := fixture.Item(7, 400)
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, []store.Vacancy{item}, base))
	full := fixture.Full(7, 2000)
	fetched := base.Add(time.Minute)
	check(t, s.SaveDetails(ctx, 0, []store.Vacancy{full}, fetched))
	later := fixture.Item(7, 450)
	later.ExperienceID, later.CreatedAt, later.EmployerName = "", nil, ""
	got := must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, []store.Vacancy{later}, base.Add(time.Hour)))
	diff(t, "result", store.UpsertResult{Unchanged: []string{item.ID}}, got)
	v := must[store.Vacancy](t)(s.GetVacancy(ctx, item.ID))
	diff(t, "raw_full", full.RawFull, v.RawFull)
	diff(t, "raw_item", later.RawItem, v.RawItem)
	diff(t, "key skills", full.KeySkills, v.KeySkills)
	diff(t, "detail_fetched_at", &fetched, v.DetailFetchedAt)
	diff(t, "initial_created_at", full.InitialCreatedAt, v.InitialCreatedAt)
	diff(t, "experience kept", full.ExperienceID, v.ExperienceID)
	diff(t, "employer name kept", full.EmployerName, v.EmployerName)
	diff(t, "created_at kept", full.CreatedAt, v.CreatedAt)
}

func testSaveDetails(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	item := fixture.Item(1, 300)
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, []store.Vacancy{item}, base))
	full := fixture.Full(1, 3000)
	full.Name = "HR BP"
	full.Roles = []store.IDName{{ID: "118", Name: "HR-бизнес-партнер"}}
	unknown := fixture.Full(2, 3000)
	fetched := base.Add(time.Minute)
	check(t, s.SaveDetails(ctx, 0, []store.Vacancy{full, unknown}, fetched))

	v := must[store.Vacancy](t)(s.GetVacancy(ctx, full.ID))
	want := full
	want.RawItem = item.RawItem
	want.FirstSeenAt, want.LastSeenAt, want.DetailFetchedAt = base, base, &fetched
	diff(t, "detailed vacancy", want, v)
	if n := len(must[[]store.Version](t)(s.Versions(ctx, full.ID))); n != 2 {
		t.Errorf("details that change tracked fields: %d versions, want 2", n)
	}

	u := must[store.Vacancy](t)(s.GetVacancy(ctx, unknown.ID))
	want = unknown
	want.FirstSeenAt, want.LastSeenAt, want.DetailFetchedAt = fetched, fetched, &fetched
	diff(t, "inserted by details", want, u)
	if n := len(must[[]store.Version](t)(s.Versions(ctx, unknown.ID))); n != 1 {
		t.Errorf("inserted by details: %d versions, want 1", n)
	}

	// Skills are replaced, not appended; a vacancy with details and no skills has an empty list.
	full.KeySkills = []string{"Go"}
	unknown.KeySkills = nil
	check(t, s.SaveDetails(ctx, 0, []store.Vacancy{full, unknown}, fetched.Add(time.Minute)))
	diff(t, "replaced skills", []string{"Go"}, must[store.Vacancy](t)(s.GetVacancy(ctx, full.ID)).KeySkills)
	if ks := must[store.Vacancy](t)(s.GetVacancy(ctx, unknown.ID)).KeySkills; ks == nil || len(ks) != 0 {
		t.Errorf("skills after details without skills: %#v, want empty non-nil", ks)
	}
	if ks := fixture.Item(3, 0); true {
		must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, []store.Vacancy{ks}, base))
		if got := must[store.Vacancy](t)(s.GetVacancy(ctx, ks.ID)).KeySkills; got != nil {
			t.Errorf("skills before details: %#v, want nil", got)
		}
	}
}

func testMarkClosed(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	a, b := fixture.Item(1, 100), fixture.Item(2, 100)
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, []store.Vacancy{a, b}, base))
	t1, t2 := base.Add(time.Hour), base.Add(2*time.Hour)
	check(t, s.MarkClosed(ctx, 0, []string{a.ID, "no-such-id"}, t1))
	check(t, s.MarkClosed(ctx, 0, []string{a.ID}, t2)) // idempotent: keeps t1
	check(t, s.MarkClosed(ctx, 0, nil, t2))
	va := must[store.Vacancy](t)(s.GetVacancy(ctx, a.ID))
	if va.ClosedAt == nil || !va.ClosedAt.Equal(t1) || !va.Archived {
		t.Errorf("closed twice: closed_at %v archived %v, want %v true", va.ClosedAt, va.Archived, t1)
	}
	if vb := must[store.Vacancy](t)(s.GetVacancy(ctx, b.ID)); vb.ClosedAt != nil || vb.Archived {
		t.Errorf("untouched vacancy closed: %v", vb.ClosedAt)
	}
}

func testNeedDetails(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	other, ro := setup(t, s, "other")
	var items []store.Vacancy
	for i := 5; i >= 1; i-- {
		items = append(items, fixture.Item(i, 100))
	}
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, items, base))
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, other.ID, ro.ID, []store.Vacancy{fixture.Item(9, 100)}, base))
	all := []string{fixture.Item(1, 0).ID, fixture.Item(2, 0).ID, fixture.Item(3, 0).ID, fixture.Item(4, 0).ID, fixture.Item(5, 0).ID}
	diff(t, "all need details, ordered", all, must[[]string](t)(s.NeedDetails(ctx, q.ID, 0)))
	diff(t, "limit", all[:2], must[[]string](t)(s.NeedDetails(ctx, q.ID, 2)))

	check(t, s.SaveDetails(ctx, 0, []store.Vacancy{fixture.Full(1, 100), fixture.Full(2, 100), fixture.Full(3, 100)}, base.Add(time.Minute)))
	check(t, s.MarkClosed(ctx, 0, []string{all[4]}, base.Add(time.Minute)))
	diff(t, "after details and a close", all[3:4], must[[]string](t)(s.NeedDetails(ctx, q.ID, 0)))

	// A change after the details makes them stale again; an unchanged sighting does not.
	ch := fixture.Item(2, 100)
	ch.SalaryTo = i64(1_000_000)
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, []store.Vacancy{ch, fixture.Item(3, 100)}, base.Add(time.Hour)))
	diff(t, "after a change", []string{all[1], all[3]}, must[[]string](t)(s.NeedDetails(ctx, q.ID, 10)))
	diff(t, "other query", []string{fixture.Item(9, 0).ID}, must[[]string](t)(s.NeedDetails(ctx, other.ID, 10)))
}

func testNotSeenByRun(t *testing.T, s store.Store) {
	q, r1 := setup(t, s, "q")
	a, b, c := fixture.Item(1, 100), fixture.Item(2, 100), fixture.Item(3, 100)
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r1.ID, []store.Vacancy{a, b, c}, base))
	r2 := newRun(t, s, q, base.Add(time.Hour))
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r2.ID, []store.Vacancy{b}, base.Add(time.Hour)))
	// A vacancy seen by another query's run is still unseen by this query.
	other, ro := setup(t, s, "other")
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, other.ID, ro.ID, []store.Vacancy{a}, base.Add(time.Hour)))
	diff(t, "not seen", []string{a.ID, c.ID}, must[[]string](t)(s.NotSeenByRun(ctx, q.ID, r2.ID)))
	check(t, s.MarkClosed(ctx, 0, []string{c.ID}, base.Add(time.Hour)))
	diff(t, "closed ones excluded", []string{a.ID}, must[[]string](t)(s.NotSeenByRun(ctx, q.ID, r2.ID)))
	diff(t, "other query", []string(nil), must[[]string](t)(s.NotSeenByRun(ctx, other.ID, ro.ID)))
}

func collect(t *testing.T, s store.Store, f store.Filter) []string {
	t.Helper()
	var out []string
	check(t, s.EachVacancy(ctx, f, func(v store.Vacancy) error {
		out = append(out, v.ID)
		return nil
	}))
	n := must[int](t)(s.CountVacancies(ctx, f))
	if n != len(out) {
		t.Errorf("CountVacancies(%+v) = %d, EachVacancy gave %d", f, n, len(out))
	}
	return out
}

func testEachVacancy(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	other, ro := setup(t, s, "other")
	var items []store.Vacancy
	for i := 10; i >= 1; i-- {
		v := fixture.Item(i, 200)
		v.PublishedAt = base.Add(time.Duration(i) * time.Hour)
		items = append(items, v)
	}
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, items[:6], base))
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, other.ID, ro.ID, items[5:], base))
	check(t, s.MarkClosed(ctx, 0, []string{fixture.Item(10, 0).ID, fixture.Item(1, 0).ID}, base))
	id := func(ns ...int) []string {
		var out []string
		for _, n := range ns {
			out = append(out, fixture.Item(n, 0).ID)
		}
		return out
	}
	for _, tt := range []struct {
		name string
		f    store.Filter
		want []string
	}{
		{"all", store.Filter{}, id(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)},
		{"query", store.Filter{QueryID: q.ID}, id(5, 6, 7, 8, 9, 10)},
		{"other query", store.Filter{QueryID: other.ID}, id(1, 2, 3, 4, 5)},
		{"since", store.Filter{Since: base.Add(8 * time.Hour)}, id(8, 9, 10)},
		{"open", store.Filter{OpenOnly: true}, id(2, 3, 4, 5, 6, 7, 8, 9)},
		{"all three", store.Filter{QueryID: q.ID, Since: base.Add(6 * time.Hour), OpenOnly: true}, id(6, 7, 8, 9)},
		{"unknown query", store.Filter{QueryID: 999_999}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) { diff(t, "ids", tt.want, collect(t, s, tt.f)) })
	}

	// Early stop returns fn's error, untouched.
	stop := errors.New("stop")
	n := 0
	err := s.EachVacancy(ctx, store.Filter{}, func(store.Vacancy) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if err != stop || n != 3 {
		t.Errorf("early stop: err %v after %d calls, want stop after 3", err, n)
	}

	// Rows carry their roles and skills.
	check(t, s.SaveDetails(ctx, 0, []store.Vacancy{fixture.Full(4, 300)}, base.Add(time.Minute)))
	// Without Filter.Raw the raw JSON is not read at all.
	check(t, s.EachVacancy(ctx, store.Filter{}, func(v store.Vacancy) error {
		if v.RawItem != nil || v.RawFull != nil {
			t.Errorf("%s: raw JSON loaded without Filter.Raw", v.ID)
		}
		return nil
	}))
	check(t, s.EachVacancy(ctx, store.Filter{Raw: true}, func(v store.Vacancy) error {
		want := fixture.Item(mustAtoi(v.ID)-100_000_000, 0)
		diff(t, "roles of "+v.ID, want.Roles, v.Roles)
		if v.ID == want.ID && v.ID == fixture.Item(4, 0).ID {
			diff(t, "skills of "+v.ID, fixture.Full(4, 0).KeySkills, v.KeySkills)
			diff(t, "raw_full of "+v.ID, fixture.Full(4, 300).RawFull, v.RawFull)
		} else if v.KeySkills != nil {
			t.Errorf("skills of %s without details: %v", v.ID, v.KeySkills)
		}
		return nil
	}))
}

func mustAtoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func testEachVacancyChunks(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	const n = 4500 // more than two chunks of 2000
	for start := 0; start < n; start += 500 {
		page := make([]store.Vacancy, 0, 500)
		for i := start; i < start+500; i++ {
			page = append(page, fixture.Item(i, 100))
		}
		must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, page, base))
	}
	var details []store.Vacancy
	for i := 1990; i < 2010; i++ {
		details = append(details, fixture.Full(i, 100))
	}
	check(t, s.SaveDetails(ctx, 0, details, base))
	got := 0
	prev := ""
	check(t, s.EachVacancy(ctx, store.Filter{QueryID: q.ID}, func(v store.Vacancy) error {
		if v.ID <= prev {
			return fmt.Errorf("order: %s after %s", v.ID, prev)
		}
		prev = v.ID
		i := mustAtoi(v.ID) - 100_000_000
		if len(v.Roles) != len(fixture.Item(i, 0).Roles) {
			return fmt.Errorf("%s has %d roles", v.ID, len(v.Roles))
		}
		if (i >= 1990 && i < 2010) != (len(v.KeySkills) == 5) {
			return fmt.Errorf("%s has %d skills", v.ID, len(v.KeySkills))
		}
		got++
		return nil
	}))
	if got != n {
		t.Errorf("streamed %d vacancies, want %d", got, n)
	}
}

// Project keeps the parts of v that f asks for (and those always filled):
// what a walk narrowed to f must give as the full walk does.
func Project(v store.Vacancy, f store.Fields) store.Vacancy {
	p := store.Vacancy{ID: v.ID, PublishedAt: v.PublishedAt, FirstSeenAt: v.FirstSeenAt, ClosedAt: v.ClosedAt}
	if f&store.FieldName != 0 {
		p.Name = v.Name
	}
	if f&store.FieldArea != 0 {
		p.AreaID, p.AreaName = v.AreaID, v.AreaName
	}
	if f&store.FieldEmployer != 0 {
		p.EmployerID, p.EmployerName = v.EmployerID, v.EmployerName
	}
	if f&store.FieldRoles != 0 {
		p.Roles = v.Roles
	}
	if f&store.FieldTerms != 0 {
		p.ExperienceID, p.EmploymentFormID, p.WorkFormat, p.ScheduleID = v.ExperienceID, v.EmploymentFormID, v.WorkFormat, v.ScheduleID
	}
	if f&store.FieldSalary != 0 {
		p.SalaryFrom, p.SalaryTo, p.SalaryCurrency = v.SalaryFrom, v.SalaryTo, v.SalaryCurrency
		p.SalaryGross, p.SalaryMode, p.SalaryFrequency = v.SalaryGross, v.SalaryMode, v.SalaryFrequency
	}
	if f&store.FieldCreated != 0 {
		p.CreatedAt, p.InitialCreatedAt = v.CreatedAt, v.InitialCreatedAt
	}
	if f&store.FieldState != 0 {
		p.LastSeenAt, p.DetailFetchedAt, p.Archived = v.LastSeenAt, v.DetailFetchedAt, v.Archived
	}
	if f&store.FieldSkills != 0 {
		p.KeySkills = v.KeySkills
	}
	return p
}

// A narrowed walk (Filter.Fields) fills every part it asks for exactly as
// the full walk does, nil and empty lists included.
func testEachVacancyFields(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	var items []store.Vacancy
	for i := range 12 {
		v := fixture.Item(i, 200)
		if i == 3 {
			v.Roles, v.WorkFormat, v.EmployerID, v.EmployerName = nil, nil, "", ""
		}
		items = append(items, v)
	}
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, items, base))
	full := fixture.Full(5, 300)
	full.KeySkills = append(full.KeySkills, `Excel "Pro"`, `C:\Users`, "<b>&</b>")
	full.Roles = []store.IDName{{ID: "96", Name: `Программист "C++"`}}
	empty := fixture.Full(6, 300)
	empty.KeySkills = nil
	check(t, s.SaveDetails(ctx, 0, []store.Vacancy{full, empty}, base.Add(time.Minute)))
	check(t, s.MarkClosed(ctx, 0, []string{fixture.Item(7, 0).ID}, base.Add(time.Hour)))

	all := map[string]store.Vacancy{}
	check(t, s.EachVacancy(ctx, store.Filter{}, func(v store.Vacancy) error { all[v.ID] = v; return nil }))
	if len(all) != 12 {
		t.Fatalf("full walk: %d vacancies, want 12", len(all))
	}
	diff(t, "skills of the full vacancy", full.KeySkills, all[full.ID].KeySkills)
	if ks := all[empty.ID].KeySkills; ks == nil || len(ks) != 0 {
		t.Errorf("details without skills: KeySkills %#v, want empty and non-nil", ks)
	}
	if ks := all[fixture.Item(8, 0).ID].KeySkills; ks != nil {
		t.Errorf("no details: KeySkills %#v, want nil", ks)
	}
	if rs := all[fixture.Item(3, 0).ID].Roles; rs != nil {
		t.Errorf("no roles: Roles %#v, want nil", rs)
	}
	fields := []store.Fields{store.FieldName, store.FieldArea, store.FieldEmployer, store.FieldRoles, store.FieldTerms,
		store.FieldSalary, store.FieldCreated, store.FieldState, store.FieldSkills,
		store.FieldRoles | store.FieldSalary, store.FieldsAll}
	for _, f := range fields {
		n := 0
		check(t, s.EachVacancy(ctx, store.Filter{Fields: f, QueryID: q.ID}, func(v store.Vacancy) error {
			n++
			want := Project(all[v.ID], f)
			if d := cmp.Diff(want, Project(v, f)); d != "" {
				t.Errorf("Fields %b, vacancy %s (-full walk +narrow walk):\n%s", f, v.ID, d)
			}
			if f&store.FieldSkills != 0 && (v.KeySkills == nil) != (want.KeySkills == nil) {
				t.Errorf("Fields %b, vacancy %s: KeySkills nil %v, want nil %v", f, v.ID, v.KeySkills == nil, want.KeySkills == nil)
			}
			return nil
		}))
		if n != 12 {
			t.Errorf("Fields %b: %d vacancies, want 12", f, n)
		}
	}
}

func testEachSkill(t *testing.T, s store.Store) {
	q, r := setup(t, s, "q")
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, []store.Vacancy{fixture.Item(1, 100), fixture.Item(2, 100)}, base))
	f3 := fixture.Full(3, 100)
	f3.PublishedAt = base.Add(24 * time.Hour)
	check(t, s.SaveDetails(ctx, 0, []store.Vacancy{fixture.Full(2, 100), fixture.Full(1, 100), f3}, base))
	type pair struct{ ID, Skill string }
	each := func(f store.Filter) []pair {
		var out []pair
		check(t, s.EachSkill(ctx, f, func(id, skill string) error {
			out = append(out, pair{id, skill})
			return nil
		}))
		return out
	}
	var want []pair
	for _, n := range []int{1, 2, 3} {
		for _, sk := range fixture.Full(n, 0).KeySkills {
			want = append(want, pair{fixture.Item(n, 0).ID, sk})
		}
	}
	diff(t, "all skills", want, each(store.Filter{}))
	diff(t, "query filter", want[:10], each(store.Filter{QueryID: q.ID}))
	diff(t, "since filter", want[10:], each(store.Filter{Since: base.Add(time.Hour)}))
	check(t, s.MarkClosed(ctx, 0, []string{fixture.Item(1, 0).ID}, base))
	diff(t, "open only", want[5:], each(store.Filter{OpenOnly: true}))
	stop := errors.New("stop")
	if err := s.EachSkill(ctx, store.Filter{}, func(string, string) error { return stop }); err != stop {
		t.Errorf("early stop: %v", err)
	}
}
