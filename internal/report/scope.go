package report

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
)

// Coverage is what a report's figures rest on, as the header states it:
// the saved queries that collected the data (with the areas and roles each
// asked hh.ru for), the publication period of the vacancies shown, and how
// many there are. «все собранные вакансии» alone did not say which market
// that is.
type Coverage struct {
	Queries     []QueryScope
	First, Last time.Time // earliest and latest published_at (zero when N = 0)
	N           int
}

// QueryScope is one saved query as the header names it.
type QueryScope struct {
	Name  string
	Text  string   // the search words, "" when none
	Areas []string // area names (ids when the areas tree does not have them)
	Roles []string // professional role names (likewise)
}

// ReadCoverage reads the coverage of the vacancies st yields for f (st may
// be a filtered store: its filters apply). One pass over the vacancies that
// asks for no optional part (published_at is always filled), plus the saved
// queries and the areas and roles trees to name what they asked for.
func ReadCoverage(ctx context.Context, st store.Store, f store.Filter) (*Coverage, error) {
	c := &Coverage{}
	f.Raw = false
	f.Fields = store.FieldCreated // the smallest part: published_at comes with every row
	if err := st.EachVacancy(ctx, f, func(v store.Vacancy) error {
		c.Add(v.PublishedAt)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("coverage: %w", err)
	}
	if err := c.NameQueries(ctx, st, f.QueryID); err != nil {
		return nil, err
	}
	return c, nil
}

// Add counts one vacancy published at p.
func (c *Coverage) Add(p time.Time) {
	if c.N == 0 || p.Before(c.First) {
		c.First = p
	}
	if c.N == 0 || p.After(c.Last) {
		c.Last = p
	}
	c.N++
}

// NameQueries fills c.Queries: the saved queries of st (only queryID's when
// not 0) with the names of the areas and roles they asked for. A reader
// that counts the vacancies its own way (the dashboard, from its columns)
// calls Add, then this.
func (c *Coverage) NameQueries(ctx context.Context, st store.Store, queryID int64) error {
	qs, err := st.Queries(ctx)
	if err != nil {
		return fmt.Errorf("coverage: saved queries: %w", err)
	}
	if len(qs) == 0 {
		return nil
	}
	areas, err := st.Areas(ctx)
	if err != nil {
		return fmt.Errorf("coverage: areas: %w", err)
	}
	roles, err := st.Roles(ctx)
	if err != nil {
		return fmt.Errorf("coverage: roles: %w", err)
	}
	areaName := make(map[string]string, len(areas))
	for _, a := range areas {
		areaName[a.ID] = a.Name
	}
	roleName := make(map[string]string, len(roles))
	for _, r := range roles {
		roleName[r.ID] = r.Name
	}
	names := func(ids []string, dict map[string]string) []string {
		var out []string
		for _, id := range ids {
			for _, id := range strings.Split(id, ",") {
				if n := dict[id]; n != "" {
					out = append(out, n)
				} else if id != "" {
					out = append(out, id)
				}
			}
		}
		return out
	}
	for _, q := range qs {
		if queryID != 0 && q.ID != queryID {
			continue
		}
		c.Queries = append(c.Queries, QueryScope{
			Name:  q.Name,
			Text:  strings.TrimSpace(strings.Join(q.Params["text"], " ")),
			Areas: names(q.Params["area"], areaName),
			Roles: names(q.Params["professional_role"], roleName),
		})
	}
	slices.SortFunc(c.Queries, func(a, b QueryScope) int { return strings.Compare(a.Name, b.Name) })
	return nil
}

// withCoverage fills meta's coverage from st when the caller has not.
func withCoverage(ctx context.Context, st store.Store, f store.Filter, meta *Meta) error {
	if meta.Coverage != nil {
		return nil
	}
	c, err := ReadCoverage(ctx, st, f)
	meta.Coverage = c
	return err
}

// scopeLine is the header's «Охват: …»: the queries behind the data (or
// the one chosen), the publication period and n, then the filters.
func scopeLine(openOnly bool, meta Meta) string {
	var parts []string
	c := meta.Coverage
	switch {
	case c != nil && len(c.Queries) > 0:
		var qs []string
		for i, q := range c.Queries {
			if i == 6 {
				qs = append(qs, fmt.Sprintf("и ещё %d", len(c.Queries)-i))
				break
			}
			qs = append(qs, queryPhrase(q))
		}
		word := "сохранённые запросы "
		if meta.Query != "" {
			word = "запрос "
		} else if len(c.Queries) == 1 {
			word = "сохранённый запрос "
		}
		parts = append(parts, word+strings.Join(qs, ", "))
	case meta.Query != "":
		parts = append(parts, "запрос «"+displayLabel(meta.Query)+"»")
	default:
		parts = append(parts, "все собранные вакансии")
	}
	if c != nil {
		if c.N > 0 {
			parts = append(parts, fmt.Sprintf("опубликованы %s – %s, %s %s", fmtDate(c.First), fmtDate(c.Last), fmtInt(int64(c.N)), plural(c.N, "вакансия", "вакансии", "вакансий")))
		} else {
			parts = append(parts, "нет вакансий")
		}
	}
	if !meta.Since.IsZero() {
		parts = append(parts, "опубликованные с "+fmtDate(meta.Since))
	}
	if openOnly {
		parts = append(parts, "только открытые на конец данных (--open)")
	}
	s := strings.Join(parts, "; ")
	if meta.Filters != "" {
		s += "; " + meta.Filters
	}
	return s
}

// queryPhrase: «HR по России» (Россия; роли: Менеджер по персоналу, …; «слова»).
func queryPhrase(q QueryScope) string {
	s := "«" + displayLabel(q.Name) + "»"
	var in []string
	list := func(xs []string, n int) string {
		var out []string
		for i, x := range xs {
			if i == n {
				out = append(out, fmt.Sprintf("ещё %d", len(xs)-n))
				break
			}
			out = append(out, displayLabel(x))
		}
		return strings.Join(out, ", ")
	}
	if len(q.Areas) > 0 {
		in = append(in, list(q.Areas, 4))
	} else {
		in = append(in, "все регионы")
	}
	if len(q.Roles) > 0 {
		in = append(in, "роли: "+list(q.Roles, 4))
	}
	if q.Text != "" {
		in = append(in, "слова «"+displayLabel(q.Text)+"»")
	}
	return s + " (" + strings.Join(in, "; ") + ")"
}
