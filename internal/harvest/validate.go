package harvest

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/store"
)

// HRRoles is the preset `--preset hr`: category 12 «Управление персоналом,
// тренинги» (REFERENCE §8.3), checked against /professional_roles at run time.
var HRRoles = []string{"17", "38", "69", "117", "118", "153", "171"}

// UnknownIDError is an area or role id that the dictionaries do not know.
type UnknownIDError struct {
	Kind    string // "area" or "role"
	ID      string
	Nearest []string // "id name" of the closest valid entries
}

func (e *UnknownIDError) Error() string {
	msg := fmt.Sprintf("unknown %s %q", e.Kind, e.ID)
	if len(e.Nearest) > 0 {
		msg += "; nearest valid: " + strings.Join(e.Nearest, ", ")
	}
	return msg
}

// EnsureReference loads areas, roles and today's currency rates into the
// store when they are missing (areas, roles) or not from today (rates). The
// dictionaries are anonymous on hh.ru, so this works before any token exists.
func EnsureReference(ctx context.Context, api *hhapi.Client, s store.Store, now time.Time) error {
	areas, err := s.Areas(ctx)
	if err != nil {
		return err
	}
	if len(areas) == 0 {
		tree, err := api.Areas(ctx)
		if err != nil {
			return fmt.Errorf("load /areas: %w", err)
		}
		var flat []store.Area
		var walk func(parent string, nodes []hhapi.Area)
		walk = func(parent string, nodes []hhapi.Area) {
			for _, n := range nodes {
				flat = append(flat, store.Area{ID: n.ID, ParentID: parent, Name: n.Name})
				walk(n.ID, n.Areas)
			}
		}
		walk("", tree)
		if err := s.ReplaceAreas(ctx, flat); err != nil {
			return err
		}
	}
	roles, err := s.Roles(ctx)
	if err != nil {
		return err
	}
	if len(roles) == 0 {
		cat, err := api.ProfessionalRoles(ctx)
		if err != nil {
			return fmt.Errorf("load /professional_roles: %w", err)
		}
		seen := map[string]bool{}
		var rs []store.Role
		for _, c := range cat.Categories {
			for _, r := range c.Roles {
				if seen[r.ID] {
					continue
				}
				seen[r.ID] = true
				rs = append(rs, store.Role{ID: r.ID, Name: r.Name, CategoryID: c.ID, CategoryName: c.Name, SearchDeprecated: r.SearchDeprecated})
			}
		}
		if err := s.ReplaceRoles(ctx, rs); err != nil {
			return err
		}
	}
	rates, err := s.CurrencyRates(ctx)
	if err != nil {
		return err
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if len(rates) == 0 || rates[len(rates)-1].Date.Before(today) {
		d, err := api.Dictionaries(ctx)
		if err != nil {
			return fmt.Errorf("load /dictionaries: %w", err)
		}
		var rs []store.CurrencyRate
		for _, c := range d.Currency {
			if c.Rate > 0 {
				rs = append(rs, store.CurrencyRate{Date: today, Code: c.Code, Rate: c.Rate})
			}
		}
		if err := s.SaveCurrencyRates(ctx, rs); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks every area and professional_role id of a query against the
// stored dictionaries, before any search request.
func Validate(ctx context.Context, s store.Store, p url.Values) error {
	if len(p["area"]) > 0 {
		areas, err := s.Areas(ctx)
		if err != nil {
			return err
		}
		names := make(map[string]string, len(areas))
		for _, a := range areas {
			names[a.ID] = a.Name
		}
		for _, id := range p["area"] {
			if _, ok := names[id]; !ok {
				return &UnknownIDError{Kind: "area", ID: id, Nearest: nearest(id, names)}
			}
		}
	}
	if len(p["professional_role"]) > 0 {
		roles, err := s.Roles(ctx)
		if err != nil {
			return err
		}
		names := make(map[string]string, len(roles))
		deprecated := map[string]bool{}
		for _, r := range roles {
			names[r.ID] = r.Name
			deprecated[r.ID] = r.SearchDeprecated
		}
		for _, id := range p["professional_role"] {
			if _, ok := names[id]; !ok {
				return &UnknownIDError{Kind: "role", ID: id, Nearest: nearest(id, names)}
			}
			if deprecated[id] {
				return fmt.Errorf("role %s %q is deprecated for search on hh.ru: pick a current role", id, names[id])
			}
		}
	}
	return nil
}

// ResolveNames turns area or role names given instead of ids into ids
// (case-insensitive exact name match); ids pass through.
func ResolveNames(vals []string, byName map[string]string) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		if id, ok := byName[strings.ToLower(strings.TrimSpace(v))]; ok {
			out[i] = id
		} else {
			out[i] = v
		}
	}
	return out
}

// nearest returns up to three "id name" entries closest to the unknown input,
// by edit distance on the id and on the name.
func nearest(in string, names map[string]string) []string {
	type cand struct {
		id   string
		dist int
	}
	low := strings.ToLower(in)
	cs := make([]cand, 0, len(names))
	for id, name := range names {
		d := min(levenshtein(in, id), levenshtein(low, strings.ToLower(name)))
		cs = append(cs, cand{id, d})
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].dist != cs[j].dist {
			return cs[i].dist < cs[j].dist
		}
		return cs[i].id < cs[j].id
	})
	var out []string
	for _, c := range cs[:min(3, len(cs))] {
		out = append(out, fmt.Sprintf("%s «%s»", c.id, names[c.id]))
	}
	return out
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
