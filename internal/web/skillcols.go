package web

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

// The skills and the salary mix from the snapshot's columns (see
// columns.go): with them a view's analytics walk no vacancy at all.

// mixTable numbers the salary mix's keys of one part of the build.
type mixTable struct {
	keys []analytics.MixKey
	ix   map[analytics.MixKey]int
}

// code returns k's number in t (rows keep it in basisCols.mix).
func (t *mixTable) code(k analytics.MixKey) uint16 {
	if t.ix == nil {
		t.ix = map[analytics.MixKey]int{}
	}
	c, ok := t.ix[k]
	if !ok {
		c = len(t.keys)
		t.ix[k] = c
		t.keys = append(t.keys, k)
	}
	return uint16(min(c, math.MaxUint16)) // more keys fail mergeMixes
}

// mergeMixes numbers the parts' keys in one table and recodes the rows of
// each part (part k holds rows [k·n/len(parts), (k+1)·n/len(parts))); false
// when the keys are too many for uint16.
func (gc *countCols) mergeMixes(parts []mixTable, n int) bool {
	all := mixTable{}
	for k := range parts {
		if len(parts[k].keys) > math.MaxUint16 {
			return false
		}
		to := make([]uint16, len(parts[k].keys))
		for j, key := range parts[k].keys {
			to[j] = all.code(key)
		}
		for b := range gc.bases {
			m := gc.bases[b].mix
			for i := k * n / len(parts); i < (k+1)*n/len(parts); i++ {
				m[i] = to[m[i]]
			}
		}
	}
	if len(all.keys) > math.MaxUint16 {
		return false
	}
	gc.mixKeys = all.keys
	return true
}

// mixCounts counts the salary mix's keys of rows.
func (c *counter) mixCounts(rows []int32) []analytics.MixCount {
	n := make([]int, len(c.gc.mixKeys))
	m := c.basis.mix
	for _, i := range rows {
		n[m[i]]++
	}
	var out []analytics.MixCount
	for k, x := range n {
		if x > 0 {
			out = append(out, analytics.MixCount{MixKey: c.gc.mixKeys[k], N: x})
		}
	}
	return out
}

// skillFold is every raw key skill of the snapshot folded with one set of
// synonyms (analytics.Synonyms.Key), by dictionary code.
type skillFold struct {
	skill     []int32  // per code: the folded skill, −1 for none (or not a skill's code)
	spell     []int32  // per code: its trimmed spelling
	keys      []string // per folded skill
	names     []string
	spellings []string // per spelling
}

// foldCache holds the folds of the first maxFolds sets of synonyms asked
// for (the dashboard asks for the shipped ones only; a caller that made a
// set per request would fold at every count rather than fill the memory).
type foldCache struct {
	mu sync.Mutex
	m  map[*analytics.Synonyms]*skillFold
}

// fold returns the snapshot's skills folded with syn, folding them the
// first time.
func (gc *countCols) fold(s *Snapshot, syn *analytics.Synonyms) *skillFold {
	gc.folds.mu.Lock()
	defer gc.folds.mu.Unlock()
	if f := gc.folds.m[syn]; f != nil {
		return f
	}
	f := &skillFold{skill: make([]int32, len(s.dict)), spell: make([]int32, len(s.dict))}
	for i := range f.skill {
		f.skill[i] = -2 // not seen yet
	}
	skillIx, spellIx := map[string]int32{}, map[string]int32{}
	for _, code := range s.skills {
		if f.skill[code] != -2 {
			continue
		}
		raw := s.dict[code]
		key, name := syn.Key(raw)
		if key == "" {
			f.skill[code] = -1
			continue
		}
		id, ok := skillIx[key]
		if !ok {
			id = int32(len(f.keys))
			skillIx[key] = id
			f.keys, f.names = append(f.keys, key), append(f.names, name)
		}
		sp := strings.TrimSpace(raw)
		k, ok := spellIx[sp]
		if !ok {
			k = int32(len(f.spellings))
			spellIx[sp] = k
			f.spellings = append(f.spellings, sp)
		}
		f.skill[code], f.spell[code] = id, k
	}
	if gc.folds.m == nil {
		gc.folds.m = map[*analytics.Synonyms]*skillFold{}
	}
	if len(gc.folds.m) < maxFolds {
		gc.folds.m[syn] = f
	}
	return f
}

const maxFolds = 4

// spellCount is one spelling of a top skill and the vacancies listing it.
type spellCount struct{ spell, n int32 }

// skillCounts counts the skills of rows as Compute's walk does
// (analytics.SkillCounts): its base, every skill's vacancies, then, for
// the top skills, their months, windows and spellings, and the records
// of the premiums.
func (c *counter) skillCounts(rows []int32, q analytics.ColumnQuery) *analytics.SkillCounts {
	s, gc := c.s, c.gc
	f := gc.fold(s, q.Synonyms)
	out := &analytics.SkillCounts{}
	base := make([]int, gc.monthN)
	count := make([]int32, len(f.keys))
	var ids []int32
	// The windows as instants: [recent, end) is window 0, [previous,
	// recent) window 1, as the skills section's windows.of decides.
	end := q.DataEnd.UnixNano()
	recent := q.DataEnd.Add(-analytics.WindowDays * 24 * time.Hour).UnixNano()
	previous := q.DataEnd.Add(-2 * analytics.WindowDays * 24 * time.Hour).UnixNano()
	window := func(t int64) int {
		switch {
		case t >= end || t < previous:
			return -1
		case t >= recent:
			return 0
		}
		return 1
	}
	// Pass 1: the rows with details in the walk's order (the rows held
	// for their rosters last), each with its month and window, and every
	// skill's vacancies.
	type detRow struct {
		i int32
		m uint16 // month offset (crow.month)
		w int8   // window (−1: none)
	}
	det := make([]detRow, 0, len(rows))
	for pass := range 2 {
		for _, i := range rows {
			cr := &gc.rows[i]
			if cr.flags&rowDetail == 0 || (cr.flags&rowHeld != 0) != (pass == 1) {
				continue
			}
			r := &s.rows[i]
			d := detRow{i: i, m: cr.month, w: int8(window(s.startNano(int(i), r)))}
			det = append(det, d)
			base[d.m]++
			if d.w >= 0 {
				out.Window[d.w]++
			}
			ids = ids[:0]
			for _, code := range s.rowSkills(r) {
				if id := f.skill[code]; id >= 0 && !slices.Contains(ids, id) {
					ids = append(ids, id)
					count[id]++
				}
			}
		}
	}
	var listed []int32
	for id, n := range count {
		if n > 0 {
			listed = append(listed, int32(id))
		}
	}
	out.Distinct = len(listed)
	slices.SortFunc(listed, func(a, b int32) int {
		if x := cmp.Compare(count[b], count[a]); x != 0 {
			return x
		}
		return strings.Compare(f.keys[a], f.keys[b])
	})
	top := listed[:min(len(listed), max(q.TopSkills, 0))]
	topOf := make([]int32, len(f.keys))
	for i := range topOf {
		topOf[i] = -1
	}
	for t, id := range top {
		topOf[id] = int32(t)
	}
	// The months with a base, in order, and each one's index in out.Months.
	monthIx := make([]int, gc.monthN)
	for m, n := range base {
		monthIx[m] = -1
		if n > 0 {
			monthIx[m] = len(out.Months)
			out.Months, out.Base = append(out.Months, int64(gc.monthLo)+int64(m)), append(out.Base, n)
		}
	}
	out.Top = make([]analytics.TopSkill, len(top))
	spells := make([][]spellCount, len(top))   // the admitted spellings of each, in the walk's order
	spellAt := make([]int32, len(f.spellings)) // per spelling: its index in its skill's spells, plus one (0: not admitted)
	for t, id := range top {
		out.Top[t] = analytics.TopSkill{Key: f.keys[id], Name: f.names[id], Vacancies: int(count[id]), Monthly: make([]int, len(out.Months))}
	}
	roleOf := make([]int32, c.gc.ndense[dRole]) // dense role → index in out.Roles (−1: none yet)
	for i := range roleOf {
		roleOf[i] = -1
	}
	// Pass 2, the same rows in the same order: the top skills' months,
	// windows and spellings, and the premiums' records.
	var tops, sps, roles []int32
	for _, d := range det {
		i, w := d.i, int(d.w)
		tops, sps = tops[:0], sps[:0]
		m := monthIx[d.m]
		for _, code := range s.rowSkills(&s.rows[i]) {
			id := f.skill[code]
			if id < 0 || topOf[id] < 0 {
				continue
			}
			t := topOf[id]
			// Every spelling a vacancy lists counts once; a skill keeps the
			// first MaxSpellings spellings the walk meets.
			if sp := f.spell[code]; !slices.Contains(sps, sp) {
				sps = append(sps, sp)
				switch k := spellAt[sp]; {
				case k > 0:
					spells[t][k-1].n++
				case len(spells[t]) < analytics.MaxSpellings:
					spells[t] = append(spells[t], spellCount{sp, 1})
					spellAt[sp] = int32(len(spells[t]))
				}
			}
			if !slices.Contains(tops, t) {
				tops = append(tops, t)
				out.Top[t].Monthly[m]++
				if w >= 0 {
					out.Top[t].Window[w]++
				}
			}
		}
		cr := &gc.rows[i]
		if c.basis.class[i] != classValue || len(s.roleSets[cr.roleSet]) == 0 {
			continue
		}
		roles = roles[:0]
		for k, d := range gc.roleIDs[cr.roleSet] {
			if roleOf[d] < 0 {
				roleOf[d] = int32(len(out.Roles))
				out.Roles = append(out.Roles, s.roleSets[cr.roleSet][k])
			}
			roles = append(roles, roleOf[d])
		}
		out.AddRecord(c.basis.sorted[c.basis.rank[i]], gc.expOrd[cr.exp], roles, tops)
	}
	for t := range out.Top {
		out.Top[t].Spellings = make(map[string]int, len(spells[t]))
		for _, x := range spells[t] {
			out.Top[t].Spellings[f.spellings[x.spell]] = int(x.n)
		}
	}
	return out
}

// startNano is when row i (r) starts for the skills' months and windows,
// in nanoseconds: its publication, else when it was first seen (nanoNone
// when neither is known), as the skills section reads a vacancy.
func (s *Snapshot) startNano(i int, r *row) int64 {
	switch {
	case r.pub != nanoNone:
		return r.pub
	case r.first != nilTime:
		return s.nanos(i, instFirst, r.first)
	}
	return nanoNone
}

// rowSkills are the dictionary codes of r's key skills.
func (s *Snapshot) rowSkills(r *row) []int32 {
	if r.skN == math.MaxUint16 {
		return nil
	}
	return s.skills[r.skStart : r.skStart+uint32(r.skN)]
}
