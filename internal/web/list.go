package web

import (
	"context"
	"encoding/json"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/sync/errgroup"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/store"
)

// Vacancy list parameters (besides the filters).
const (
	paramQ       = "q"    // words of the title, case-insensitive
	paramSort    = "sort" // date (newest first) | pay (highest first)
	paramPage    = "page" // 1-based
	paramPerPage = "per_page"
)

var listParams = []string{paramQ, paramSort, paramPage, paramPerPage, "basis"}

// ListItem is one row of the vacancy list (/api/vacancies).
type ListItem struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Employer     string    `json:"employer"`
	EmployerID   string    `json:"employer_id,omitempty"` // empty for anonymous vacancies
	Area         string    `json:"area"`
	PublishedAt  time.Time `json:"published_at"`
	Open         bool      `json:"open"`
	MonthlyRUR   *int64    `json:"salary_monthly_rur"` // gross point estimate; null when none or unusable
	AlternateURL string    `json:"alternate_url"`
}

// List is a page of the vacancy list.
type List struct {
	Total   int        `json:"total"`
	Page    int        `json:"page"`
	PerPage int        `json:"per_page"`
	Sort    string     `json:"sort"`
	Items   []ListItem `json:"items"`
}

type listReq struct {
	*request
	q       string
	sort    string
	page    int
	perPage int
}

func (s *Server) parseList(ctx context.Context, snap *Snapshot, v url.Values) (*listReq, error) {
	if err := checkParams(v, listParams...); err != nil {
		return nil, err
	}
	req, err := s.parse(ctx, snap, v)
	if err != nil {
		return nil, err
	}
	lr := &listReq{request: req, q: strings.ToLower(strings.TrimSpace(v.Get(paramQ))), sort: "date", page: 1, perPage: 50}
	switch so := v.Get(paramSort); so {
	case "", "date":
	case "pay":
		lr.sort = "pay"
	default:
		return nil, badParam(paramSort, "%q: want date or pay", so)
	}
	for _, p := range []struct {
		name     string
		dst      *int
		min, max int
	}{{paramPage, &lr.page, 1, 1 << 20}, {paramPerPage, &lr.perPage, 1, 500}} {
		if raw := v.Get(p.name); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil || n < p.min || n > p.max {
				return nil, badParam(p.name, "%q: want a whole number from %d to %d", raw, p.min, p.max)
			}
			*p.dst = n
		}
	}
	return lr, nil
}

// matches returns the rows of snap the list request selects, sorted. The
// indexes give the candidates; a broad selection is then read off the
// snapshot's presorted orders (no sort of a million rows), a narrow one
// sorted by the same comparison (the orders agree: both are stable).
func (s *Server) matches(snap *Snapshot, lr *listReq) []int {
	sf := lr.flt.StoreFilter()
	since := sinceNano(sf)
	need := lr.flt.Fields()
	keep := func(i int, lv *store.Vacancy) bool {
		if !snap.keep(i, sf, since) {
			return false
		}
		if lr.q != "" && !containsFold(snap.name(&snap.rows[i]), lr.q) {
			return false
		}
		snap.light(i, lv, need)
		return lr.flt.Match(lv)
	}
	order := snap.byDate
	if lr.sort == "pay" {
		order = snap.byPay
	}
	cand, narrowed := snap.candidates(lr.flt, sf)
	var idx []int
	ix := snap.index()
	if ix == nil || narrowed && cand.count()*8 < len(snap.rows) {
		var lv store.Vacancy
		collect := func(i int) bool {
			if keep(i, &lv) {
				idx = append(idx, i)
			}
			return true
		}
		if narrowed {
			cand.each(collect)
		} else {
			for i := range snap.rows {
				collect(i)
			}
		}
		slices.SortStableFunc(idx, order)
		return idx
	}
	sorted := ix.byPub
	if lr.sort == "pay" {
		sorted = ix.byPay
	}
	// A broad selection: the presorted order is tested in one run per core,
	// the runs' rows concatenated in order.
	n := 1
	if len(sorted) >= partMin {
		n = parts()
	}
	runs := make([][]int, n)
	_ = runParts(context.Background(), n, func(_ context.Context, k int) error {
		var lv store.Vacancy
		for _, i := range sorted[k*len(sorted)/n : (k+1)*len(sorted)/n] {
			if (!narrowed || cand.has(i)) && keep(int(i), &lv) {
				runs[k] = append(runs[k], int(i))
			}
		}
		return nil
	})
	return slices.Concat(runs...)
}

// containsFold reports whether sub occurs in s, case ignored, without
// allocating (a million titles per search). Cyrillic and Latin letters keep
// their byte length across case, which the window comparison relies on.
func containsFold(s, sub string) bool {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		if utf8.RuneStart(s[i]) && strings.EqualFold(s[i:i+n], sub) {
			return true
		}
	}
	return false
}

// item builds the list row of snapshot row i.
func (s *Server) item(ctx context.Context, snap *Snapshot, i int, withURL bool) ListItem {
	r := &snap.rows[i]
	it := ListItem{
		ID: snap.id(r), Name: snap.name(r), Employer: snap.dict[r.empName], EmployerID: snap.dict[r.empID], Area: snap.dict[r.areaName],
		PublishedAt: snap.at(r.pub).In(analytics.MSK), Open: r.closed == nilTime,
	}
	if m := snap.monthly[i]; !math.IsNaN(float64(m)) {
		x := int64(math.Round(float64(m)))
		it.MonthlyRUR = &x
	}
	it.AlternateURL = "https://hh.ru/vacancy/" + url.PathEscape(it.ID)
	if withURL {
		// The vacancy's own link as hh.ru sent it (hh.kz, a regional mirror…);
		// only an https link is used.
		if v, err := snap.Store.GetVacancy(ctx, it.ID); err == nil {
			for _, raw := range [][]byte{v.RawItem, v.RawFull} {
				var x struct {
					AlternateURL string `json:"alternate_url"`
				}
				if json.Unmarshal(raw, &x) == nil && strings.HasPrefix(x.AlternateURL, "https://") {
					it.AlternateURL = x.AlternateURL
					break
				}
			}
		}
	}
	return it
}

// list answers a page of the vacancy list.
func (s *Server) list(ctx context.Context, v url.Values) (*List, error) {
	snap := s.snap.Load()
	lr, err := s.parseList(ctx, snap, v)
	if err != nil {
		return nil, err
	}
	idx := s.matches(snap, lr)
	out := &List{Total: len(idx), Page: lr.page, PerPage: lr.perPage, Sort: lr.sort, Items: []ListItem{}}
	from := min((lr.page-1)*lr.perPage, len(idx))
	page := idx[from:min(from+lr.perPage, len(idx))]
	// Each item reads its link from the database's raw JSON: a few
	// look-ups at a time rather than fifty in a row.
	out.Items = make([]ListItem, len(page))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for k, i := range page {
		g.Go(func() error {
			out.Items[k] = s.item(gctx, snap, i, true)
			return nil
		})
	}
	_ = g.Wait()
	return out, ctx.Err()
}
