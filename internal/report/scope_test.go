package report

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics/analyticstest"
	"github.com/hhjobs/hhjobs/internal/store"
)

func TestReadCoverage(t *testing.T) {
	ctx := context.Background()
	db := filledDB(t, 300, 3)
	q, err := db.QueryByName(ctx, analyticstest.QueryName)
	if err != nil {
		t.Fatal(err)
	}
	// The truth, from a plain walk.
	var n int
	var first, last time.Time
	if err := db.EachVacancy(ctx, store.Filter{QueryID: q.ID}, func(v store.Vacancy) error {
		if n == 0 || v.PublishedAt.Before(first) {
			first = v.PublishedAt
		}
		if n == 0 || v.PublishedAt.After(last) {
			last = v.PublishedAt
		}
		n++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	c, err := ReadCoverage(ctx, db, store.Filter{QueryID: q.ID})
	if err != nil {
		t.Fatal(err)
	}
	if c.N != n || !c.First.Equal(first) || !c.Last.Equal(last) || n == 0 {
		t.Errorf("coverage n=%d %v–%v, want n=%d %v–%v", c.N, c.First, c.Last, n, first, last)
	}
	if len(c.Queries) != 1 || c.Queries[0].Name != q.Name {
		t.Fatalf("queries %+v, want only %q", c.Queries, q.Name)
	}
	line := scopeLine(false, Meta{Query: q.Name, Coverage: c})
	for _, want := range []string{"запрос «", q.Name, "опубликованы " + fmtDate(first) + " – " + fmtDate(last), fmtInt(int64(n))} {
		if !strings.Contains(line, want) {
			t.Errorf("scope %q lacks %q", line, want)
		}
	}
}

func TestScopeLine(t *testing.T) {
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	two := &Coverage{N: 1234, First: d("2026-10-01"), Last: d("2026-11-30"), Queries: []QueryScope{
		{Name: "HR Москва", Areas: []string{"Москва"}, Roles: []string{"Менеджер по персоналу", "Специалист по подбору персонала"}},
		{Name: "Кадры", Text: "кадровик"},
	}}
	for _, tc := range []struct {
		name string
		meta Meta
		open bool
		want []string
		not  []string
	}{
		{"no coverage", Meta{}, false, []string{"все собранные вакансии"}, []string{"опубликованы"}},
		{"all queries", Meta{Coverage: two}, false,
			[]string{"сохранённые запросы «\u2068HR Москва\u2069» (\u2068Москва\u2069; роли: \u2068Менеджер по персоналу\u2069, ", "«\u2068Кадры\u2069» (все регионы; слова «\u2068кадровик\u2069»)", "опубликованы 01.10.2026 – 30.11.2026, 1\u00a0234 вакансии"},
			[]string{"все собранные"}},
		{"open and filters", Meta{Coverage: &Coverage{}, Filters: "опыт: Нет опыта"}, true, []string{"все собранные вакансии; нет вакансий; только открытые", "; опыт: Нет опыта"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := scopeLine(tc.open, tc.meta)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q", got, w)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(got, w) {
					t.Errorf("%q has %q", got, w)
				}
			}
		})
	}
}
