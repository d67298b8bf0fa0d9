package report

import (
	"maps"
	"slices"
	"strings"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/safetext"
)

// Bidi isolates (U+2068 FIRST STRONG ISOLATE … U+2069 POP DIRECTIONAL
// ISOLATE): a label between them cannot reorder the text around it, which
// matters in tooltips (plain text, no <bdi> possible) where a name sits next
// to its figures. Tables and SVG labels also get unicode-bidi: isolate in CSS.
const (
	fsi = "\u2068"
	pdi = "\u2069"
)

// displayLabel is a third-party string (a title, an employer, area or role
// name, a skill) as the report shows it: without explicit bidi controls (an
// override inside would still mirror the label itself), clipped to
// safetext.DisplayLimit runes, and isolated. The report never holds more
// than that of one absurd string, whatever its size in the store.
func displayLabel(s string) string {
	s = safetext.Clip(s, safetext.DisplayLimit+8) // bound the work before cleaning
	s = strings.Map(func(r rune) rune {
		if r == 0x061c || r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			return -1
		}
		return r
	}, s)
	return fsi + safetext.Clip(s, safetext.DisplayLimit) + pdi
}

// displayResult returns a copy of res whose third-party strings are display
// labels; res itself is not changed (it may be shared, e.g. with --json).
func displayResult(res *analytics.Result) *analytics.Result {
	out := *res
	labels := func(gs []analytics.GroupStats) []analytics.GroupStats {
		gs = slices.Clone(gs)
		for i := range gs {
			l := make([]string, len(gs[i].Label))
			for j, s := range gs[i].Label {
				l[j] = displayLabel(s)
			}
			gs[i].Label = l
		}
		return gs
	}
	out.Groupings = slices.Clone(res.Groupings)
	for i := range out.Groupings {
		out.Groupings[i].Groups = labels(out.Groupings[i].Groups)
	}
	if res.RegionExperience != nil {
		g := *res.RegionExperience
		g.Groups = labels(g.Groups)
		out.RegionExperience = &g
	}
	if res.Employers != nil {
		e := *res.Employers
		e.ByOpen, e.ByPay = labels(e.ByOpen), labels(e.ByPay)
		out.Employers = &e
	}
	if res.Skills != nil {
		sk := *res.Skills
		sk.Top = slices.Clone(sk.Top)
		for i := range sk.Top {
			sk.Top[i].Name = displayLabel(sk.Top[i].Name)
			sp := make(map[string]int, len(sk.Top[i].Spellings))
			for k, n := range maps.All(sk.Top[i].Spellings) {
				sp[displayLabel(k)] += n
			}
			sk.Top[i].Spellings = sp
		}
		sk.Premiums = slices.Clone(sk.Premiums)
		for i := range sk.Premiums {
			sk.Premiums[i].Skill = displayLabel(sk.Premiums[i].Skill)
			sk.Premiums[i].Role = displayLabel(sk.Premiums[i].Role)
		}
		out.Skills = &sk
	}
	if res.Quality != nil {
		q := *res.Quality
		q.Runs = slices.Clone(q.Runs)
		for i := range q.Runs {
			q.Runs[i].Query = displayLabel(q.Runs[i].Query)
		}
		out.Quality = &q
	}
	return &out
}
