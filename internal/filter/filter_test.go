package filter

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/analytics/analyticstest"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ q, param string }{
		{"experience=guru", ParamExperience},
		{"work-format=moon", ParamWorkFormat},
		{"employment_form=x", ParamEmploymentForm},
		{"since=yesterday", ParamSince},
		{"until=2025-13-01", ParamUntil},
		{"since=2025-06-02&until=2025-06-01", ParamUntil},
		{"open=maybe", ParamOpen},
		{"open=true&open=false", ParamOpen},
	} {
		v, _ := url.ParseQuery(c.q)
		_, err := Parse(v)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Param != c.param {
			t.Errorf("%s: err %v, want a ParamError on %s", c.q, err, c.param)
		}
	}
	v, _ := url.ParseQuery("experience=between1And3,Нет опыта&work_format=remote&until=2025-06-01&open=1&by=role")
	s, err := Parse(v)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.Experience, []string{"between1And3", "noExperience"}) || !slices.Equal(s.WorkFormats, []string{"REMOTE"}) || !s.Open {
		t.Fatalf("parsed %+v", s)
	}
	// The canonical values parse back to the same spec.
	s2, err := Parse(s.Values())
	if err != nil || !s2.Until.Equal(s.Until) || s2.Values().Encode() != s.Values().Encode() {
		t.Fatalf("round trip %v %v / %v", err, s.Values(), s2.Values())
	}
}

func openFilled(t *testing.T, n int) store.Store {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := analyticstest.Fill(ctx, db, n, 7); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestWrapMatchesBruteForce checks every filter against a plain scan.
func TestWrapMatchesBruteForce(t *testing.T) {
	ctx := context.Background()
	st := openFilled(t, 600)
	var all []store.Vacancy
	if err := st.EachVacancy(ctx, store.Filter{}, func(v store.Vacancy) error { all = append(all, v); return nil }); err != nil {
		t.Fatal(err)
	}
	tatarstan := map[string]bool{"1624": true, "88": true}
	for _, c := range []struct {
		q    string
		want func(v store.Vacancy) bool
	}{
		{"", func(store.Vacancy) bool { return true }},
		{"area=Республика Татарстан", func(v store.Vacancy) bool { return tatarstan[v.AreaID] }},
		{"area=1&experience=between3And6", func(v store.Vacancy) bool { return v.AreaID == "1" && v.ExperienceID == "between3And6" }},
		{"work-format=REMOTE", func(v store.Vacancy) bool { return slices.Contains(v.WorkFormat, "REMOTE") }},
		{"open=true", func(v store.Vacancy) bool { return v.ClosedAt == nil }},
		{"employment-form=PART&until=2026-03-15", func(v store.Vacancy) bool {
			return v.EmploymentFormID == "PART" && v.PublishedAt.Before(mustTime(t, "2026-03-15", true))
		}},
		{"employer=" + all[0].EmployerID, func(v store.Vacancy) bool { return v.EmployerID == all[0].EmployerID }},
		{"employer=" + url.QueryEscape(all[1].EmployerName), func(v store.Vacancy) bool { return v.EmployerName == all[1].EmployerName }},
		{"role=" + all[2].Roles[0].ID, func(v store.Vacancy) bool {
			return slices.ContainsFunc(v.Roles, func(r store.IDName) bool { return r.ID == all[2].Roles[0].ID })
		}},
	} {
		v, _ := url.ParseQuery(c.q)
		s, err := Parse(v)
		if err != nil {
			t.Fatal(c.q, err)
		}
		f, err := Resolve(ctx, st, s)
		if err != nil {
			t.Fatal(c.q, err)
		}
		want := 0
		for _, x := range all {
			if c.want(x) {
				want++
			}
		}
		got := 0
		if err := f.Wrap(st).EachVacancy(ctx, store.Filter{Fields: store.FieldSalary}, func(x store.Vacancy) error {
			if !c.want(x) {
				t.Errorf("%s: %s passed", c.q, x.ID)
			}
			got++
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		// A database cannot walk in batches: through the filter it says
		// so, and hands each vacancy over alone.
		if bw, ok := f.Wrap(st).(store.BatchWalker); ok {
			if bw.Batched(store.Filter{}) {
				t.Errorf("%s: a filtered database says it walks in batches", c.q)
			}
			inBatches := 0
			if err := bw.EachVacancyBatch(ctx, store.Filter{Fields: store.FieldSalary}, func(vs []store.Vacancy) error {
				if len(vs) != 1 || !c.want(vs[0]) {
					t.Errorf("%s: a batch of %d", c.q, len(vs))
				}
				inBatches += len(vs)
				return nil
			}); err != nil || inBatches != want {
				t.Errorf("%s: %d in batches (%v), want %d", c.q, inBatches, err, want)
			}
		}
		n, err := f.Wrap(st).CountVacancies(ctx, store.Filter{})
		if got != want || n != want || (c.q != "" && want == len(all)) || want == 0 {
			t.Errorf("%s: got %d, count %d, want %d of %d", c.q, got, n, want, len(all))
		}
	}
}

func mustTime(t *testing.T, s string, end bool) time.Time {
	t.Helper()
	tm, err := ParseTime(s, end)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestResolveErrors(t *testing.T) {
	ctx := context.Background()
	st := openFilled(t, 10)
	for _, c := range []struct{ q, param string }{
		{"area=Атлантида", ParamArea},
		{"role=космонавт", ParamRole},
		{"query=nope", ParamQuery},
	} {
		v, _ := url.ParseQuery(c.q)
		s, err := Parse(v)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Resolve(ctx, st, s)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Param != c.param {
			t.Errorf("%s: err %v", c.q, err)
		}
	}
}

func TestSkillFilter(t *testing.T) {
	ctx := context.Background()
	st := openFilled(t, 400)
	var all []store.Vacancy
	if err := st.EachVacancy(ctx, store.Filter{}, func(v store.Vacancy) error { all = append(all, v); return nil }); err != nil {
		t.Fatal(err)
	}
	v, _ := url.ParseQuery("skill=ms+excel")
	s, err := Parse(v)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Resolve(ctx, st, s)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, x := range all {
		if slices.ContainsFunc(x.KeySkills, func(k string) bool { key, _ := analytics.SkillKey(k); return key == "excel" }) {
			want++
		}
	}
	n, err := f.Wrap(st).CountVacancies(ctx, store.Filter{})
	if err != nil || n != want || want == 0 {
		t.Errorf("skill=ms excel: %d, want %d (%v)", n, want, err)
	}
}
