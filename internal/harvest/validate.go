package harvest

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/store"
)

// HRRoles is the preset `--preset hr`: category 12 «Управление персоналом,
// тренинги» (REFERENCE §8.3), checked against /professional_roles at run time.
var HRRoles = []string{"17", "38", "69", "117", "118", "153", "171"}

// UnknownIDError is an area or role that the dictionaries do not know, by
// id or by name. Flag, when the caller sets it, names the command-line flag.
type UnknownIDError struct {
	Kind    string // "area" or "role"
	ID      string
	Nearest []string // "name (id)" of the closest valid entries by name
	Flag    string
}

func (e *UnknownIDError) Error() string {
	msg := fmt.Sprintf("unknown %s %q", e.Kind, e.ID)
	if e.Flag != "" {
		msg = fmt.Sprintf("%s %q: unknown %s", e.Flag, e.ID, e.Kind)
	}
	if len(e.Nearest) > 0 {
		return msg + "; nearest by name: " + strings.Join(e.Nearest, ", ")
	}
	return msg
}

// ByID reports whether the unknown value was an id (digits) rather than a name.
func (e *UnknownIDError) ByID() bool { return digits.MatchString(e.ID) }

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
	dicts, err := s.Dictionaries(ctx)
	if err != nil {
		return err
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if len(rates) == 0 || rates[len(rates)-1].Date.Before(today) || len(dicts) == 0 {
		d, err := api.Dictionaries(ctx)
		if err != nil {
			return fmt.Errorf("load /dictionaries: %w", err)
		}
		if err := s.ReplaceDictionaries(ctx, dictEntries(d)); err != nil {
			return err
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

// Resolve makes a query's filters ready to save or send, in one pass over
// the stored reference data: area and role names given instead of ids
// become ids (exact name, case and ё folded) and repeats go; then every
// filter is checked against the areas, roles and /dictionaries and the
// forms hh.ru accepts, enumerated values normalised to their ids in p. Each
// reference table is read from the store once, and only when p needs it.
func Resolve(ctx context.Context, s store.Store, p url.Values) error {
	var areas map[string]string // id → name
	if len(p[hhapi.ParamArea]) > 0 {
		as, err := s.Areas(ctx)
		if err != nil {
			return err
		}
		areas = make(map[string]string, len(as))
		byName := make(map[string]string, len(as))
		for _, a := range as {
			areas[a.ID] = a.Name
			if _, dup := byName[Fold(a.Name)]; !dup {
				byName[Fold(a.Name)] = a.ID // the first of namesakes, as listed
			}
		}
		p[hhapi.ParamArea] = resolveNames(p[hhapi.ParamArea], byName)
	}
	var roles map[string]store.Role
	if len(p[hhapi.ParamProfessionalRole]) > 0 {
		rs, err := s.Roles(ctx)
		if err != nil {
			return err
		}
		roles = make(map[string]store.Role, len(rs))
		byName := make(map[string]string, len(rs))
		for _, r := range rs {
			roles[r.ID] = r
			byName[Fold(r.Name)] = r.ID
		}
		p[hhapi.ParamProfessionalRole] = resolveNames(p[hhapi.ParamProfessionalRole], byName)
	}
	if err := checkFilters(ctx, s, p); err != nil {
		return err
	}
	for _, id := range p[hhapi.ParamArea] {
		if _, ok := areas[id]; !ok {
			return &UnknownIDError{Kind: "area", ID: id, Nearest: Nearest(id, areas)}
		}
	}
	if len(p[hhapi.ParamProfessionalRole]) > 0 {
		names := make(map[string]string, len(roles))
		for id, r := range roles {
			names[id] = r.Name
		}
		for _, id := range p[hhapi.ParamProfessionalRole] {
			r, ok := roles[id]
			if !ok {
				return &UnknownIDError{Kind: "role", ID: id, Nearest: Nearest(id, names)}
			}
			if r.SearchDeprecated {
				return &BadValueError{Param: hhapi.ParamProfessionalRole, Value: id, Deprecated: true,
					Want: fmt.Sprintf("role «%s» is deprecated for search on hh.ru: pick a current one", r.Name)}
			}
		}
	}
	return nil
}

// resolveNames maps names (keyed by Fold) to ids; ids and unknown values
// pass through, for Resolve to judge. Repeats are dropped.
func resolveNames(vals []string, byName map[string]string) []string {
	out := make([]string, 0, len(vals))
	for _, v := range vals {
		if id, ok := byName[Fold(v)]; ok {
			v = id
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// Fold is the form names are compared in: trimmed, lower case, ё as е.
func Fold(s string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "ё", "е")
}

// Nearest returns up to three "name (id)" entries whose names are closest to
// the unknown input: names that start with it first, then names that contain
// it, then by edit distance. An input of digits is an id, and ids that look
// alike mean nothing, so it gets no suggestion.

// names maps id → name.
func Nearest(in string, names map[string]string) []string {
	if digits.MatchString(strings.TrimSpace(in)) {
		return nil
	}
	f := Fold(in)
	type cand struct {
		id, name string
		rank     int // 0 prefix, 1 substring, 2 edit distance
		dist     int
	}
	cs := make([]cand, 0, len(names))
	for id, name := range names {
		n := Fold(name)
		c := cand{id: id, name: name, rank: 2}
		switch {
		case strings.HasPrefix(n, f):
			c.rank, c.dist = 0, len(n)-len(f)
		case strings.Contains(n, f):
			c.rank, c.dist = 1, len(n)-len(f)
		default:
			c.dist = levenshtein(f, n)
		}
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		if a.dist != b.dist {
			return a.dist < b.dist
		}
		return a.id < b.id
	})
	var out []string
	for _, c := range cs[:min(3, len(cs))] {
		// A name more than half rewritten is no suggestion.
		if c.rank == 2 && c.dist > max(2, len([]rune(f))/2) {
			break
		}
		out = append(out, fmt.Sprintf("%s (%s)", c.name, c.id))
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
