package analytics

import (
	"cmp"
	"math"
	"slices"
)

// Skill premiums within role × experience (docs/methodology.md §4): a skill
// common in senior or well-paid roles must not be credited with their pay,
// so medians with and without the skill are compared inside each cell of
// the same role and the same required experience, and the cells are pooled.
//
// Uncertainty: the standard error of a median is taken from its
// distribution-free 95 % interval, se = (x(u) − x(l)) / (2·1.96) (the
// McKean–Schrader estimate); a cell's premium p = mw/mwo − 1 gets
// se(p)² = (se_w/mwo)² + (mw·se_wo/mwo²)² (delta method, the two samples
// independent); the pooled premium P = Σ wᵢpᵢ with wᵢ = nᵢ/Σn has
// se(P)² = Σ wᵢ² se(pᵢ)², and its interval is P ± 1.96·se(P) (z95, survival.go).

// medianRanks memoises MedianCIRanks(n, 0.95) by n: its exact binomial
// search would cost most of the premiums, and the cells of the top skills
// ask for the same sizes again and again.
type medianRanks map[int]struct {
	l, u int
	ok   bool
}

func (m medianRanks) at(n int) (l, u int, ok bool) {
	r, hit := m[n]
	if !hit {
		r.l, r.u, r.ok = MedianCIRanks(n, 0.95)
		m[n] = r
	}
	return r.l, r.u, r.ok
}

// medianSE is the McKean–Schrader standard error of the median of sorted.
func (m medianRanks) medianSE(sorted []float64) (float64, bool) {
	l, u, ok := m.at(len(sorted))
	if !ok {
		return 0, false
	}
	return (sorted[u-1] - sorted[l-1]) / (2 * z95), true
}

// salaryRec is one vacancy with a usable salary and roles, as the premiums need it.
type salaryRec struct {
	monthly float64
	off     int   // where its role ids, then its skill ids, start in salaryRecs.ids
	nRoles  int32 // role ids
	nSkills int32 // skill ids, sorted
	exp     uint8 // index in ExperienceOrder + 1 (0: not stated)
}

// salaryRecs are the records of the walk with their ids in one arena (two
// small slices per salaried vacancy were most of the walk's allocations).
type salaryRecs struct {
	recs []salaryRec
	ids  []int32
}

// add appends a record; skills need not be sorted.
func (rs *salaryRecs) add(monthly float64, exp uint8, roles, skills []int32) {
	off := len(rs.ids)
	rs.ids = append(rs.ids, roles...)
	rs.ids = append(rs.ids, skills...)
	slices.Sort(rs.ids[off+len(roles):])
	rs.recs = append(rs.recs, salaryRec{monthly: monthly, off: off, nRoles: int32(len(roles)), nSkills: int32(len(skills)), exp: exp})
}

func (rs *salaryRecs) roles(r *salaryRec) []int32 { return rs.ids[r.off : r.off+int(r.nRoles)] }

func (rs *salaryRecs) skills(r *salaryRec) []int32 {
	at := r.off + int(r.nRoles)
	return rs.ids[at : at+int(r.nSkills)]
}

type cellKey struct {
	role int32
	exp  uint8
}

// premiumCells are the salaried records grouped once into role × experience
// cells for the premiums of every top skill. The cells are filled in order
// of salary, so a cell's salaries, and the parts of them with and without a
// skill, come out sorted: no sort per skill and cell, and the same figures
// (a sorted list of floats is the same whatever order it was built in).
// Each top skill's records are listed, so a skill counts its cells from its
// own records and walks only the cells where it can have a premium.
type premiumCells struct {
	recs    *salaryRecs
	nExp    int         // experience values: ExperienceOrder and "not stated"
	cellOf  []int32     // role·nExp + exp → cell (−1: none yet)
	keys    []cellKey   // per cell
	vals    [][]float64 // per cell: its salaries, ascending
	owner   [][]int32   // per cell: the record (index in recs) behind each salary
	bySkill [][]int32   // per top skill: the records that list it
	ranks   medianRanks

	// Scratch of premium, cleared after each skill.
	has     []bool  // per record: lists the skill at hand
	nWith   []int   // per cell: salaries with the skill at hand
	touched []int32 // the cells with nWith > 0
	w, wo   []float64
}

// newPremiumCells groups recs; top are the skill ids premiums are asked
// for, nRoles and nSkills the sizes of the id spaces.
func newPremiumCells(recs *salaryRecs, top []int32, nRoles, nSkills int) *premiumCells {
	pc := &premiumCells{recs: recs, nExp: len(ExperienceOrder) + 1,
		bySkill: make([][]int32, len(top)), has: make([]bool, len(recs.recs)), ranks: medianRanks{}}
	pc.cellOf = make([]int32, nRoles*pc.nExp)
	for i := range pc.cellOf {
		pc.cellOf[i] = -1
	}
	// Sorting (salary, record) pairs moves less than sorting the records.
	byPay := make([]recPay, len(recs.recs))
	for i, r := range recs.recs {
		byPay[i] = recPay{r.monthly, int32(i)}
	}
	slices.SortFunc(byPay, func(a, b recPay) int { return cmp.Compare(a.monthly, b.monthly) })
	for _, p := range byPay {
		r := &recs.recs[p.rec]
		for _, role := range recs.roles(r) {
			c := pc.cell(role, r.exp)
			pc.vals[c] = append(pc.vals[c], p.monthly)
			pc.owner[c] = append(pc.owner[c], p.rec)
		}
	}
	topOf := make([]int32, nSkills) // skill id → index in top (−1: not a top skill)
	for i := range topOf {
		topOf[i] = -1
	}
	for i, id := range top {
		topOf[id] = int32(i)
	}
	for i := range recs.recs {
		skills := recs.skills(&recs.recs[i])
		for k, id := range skills {
			if t := topOf[id]; t >= 0 && (k == 0 || skills[k-1] != id) {
				pc.bySkill[t] = append(pc.bySkill[t], int32(i))
			}
		}
	}
	pc.nWith = make([]int, len(pc.keys))
	return pc
}

// recPay is a record's salary and its index in premiumCells.recs.
type recPay struct {
	monthly float64
	rec     int32
}

// cell returns the index of the cell of role × exp, adding it when new.
func (pc *premiumCells) cell(role int32, exp uint8) int32 {
	at := int(role)*pc.nExp + int(exp)
	if pc.cellOf[at] < 0 {
		pc.cellOf[at] = int32(len(pc.keys))
		pc.keys = append(pc.keys, cellKey{role, exp})
		pc.vals = append(pc.vals, nil)
		pc.owner = append(pc.owner, nil)
	}
	return pc.cellOf[at]
}

// premium compares, inside each role × experience cell, the median salary
// of the vacancies that list the skill (top[t]) with the median of those
// that do not, keeping cells with at least MinN salaries on each side
// (after the trim). The cells come best first by the lower bound of their
// interval.
func (s *skillsSection) premium(pc *premiumCells, t int, name string) []SkillPremium {
	touched := pc.touched[:0]
	for _, i := range pc.bySkill[t] {
		pc.has[i] = true
		r := &pc.recs.recs[i]
		for _, role := range pc.recs.roles(r) {
			c := pc.cellOf[int(role)*pc.nExp+int(r.exp)]
			if pc.nWith[c] == 0 {
				touched = append(touched, c)
			}
			pc.nWith[c]++
		}
	}
	var out []SkillPremium
	for _, c := range touched {
		nw := pc.nWith[c]
		pc.nWith[c] = 0
		if nw < s.env.MinN || len(pc.vals[c])-nw < s.env.MinN {
			continue
		}
		w, wo := pc.split(c)
		if p, ok := s.cellPremium(pc, pc.keys[c], w, wo, name); ok {
			out = append(out, p)
		}
	}
	for _, i := range pc.bySkill[t] {
		pc.has[i] = false
	}
	pc.touched = touched
	// Ties go by role and experience: the order feeds the pooled premium's
	// sum, and a report must not change between runs over the same data.
	// (Role and experience tell the cells apart, so the order is total.)
	slices.SortFunc(out, func(a, b SkillPremium) int {
		if x := cmp.Compare(b.CI95[0], a.CI95[0]); x != 0 {
			return x
		}
		if x := cmp.Compare(a.RoleID, b.RoleID); x != 0 {
			return x
		}
		return cmp.Compare(a.ExperienceID, b.ExperienceID)
	})
	return out
}

// split returns cell c's salaries with and without the skill marked in
// pc.has, each ascending (in scratch reused by the next call).
func (pc *premiumCells) split(c int32) (w, wo []float64) {
	w, wo = pc.w[:0], pc.wo[:0]
	vals := pc.vals[c]
	for j, i := range pc.owner[c] {
		if pc.has[i] {
			w = append(w, vals[j])
		} else {
			wo = append(wo, vals[j])
		}
	}
	pc.w, pc.wo = w, wo
	return w, wo
}

// cellPremium is the premium of one cell from its sorted salaries with (w)
// and without (wo) the skill; false when a base is below MinN after the trim.
func (s *skillsSection) cellPremium(pc *premiumCells, k cellKey, w, wo []float64, name string) (SkillPremium, bool) {
	kw, _ := trimSortedIQR(w)
	kwo, _ := trimSortedIQR(wo)
	if len(kw) < s.env.MinN || len(kwo) < s.env.MinN { // the bases after the trim
		return SkillPremium{}, false
	}
	mw, mwo := Quantile(kw, 0.5), Quantile(kwo, 0.5)
	sw, _ := pc.ranks.medianSE(kw)
	swo, _ := pc.ranks.medianSE(kwo)
	p := mw/mwo - 1
	se := math.Hypot(sw/mwo, mw*swo/(mwo*mwo))
	expID, exp := "", Unknown
	if k.exp > 0 {
		expID = ExperienceOrder[k.exp-1]
		exp = ExperienceNames[expID]
	}
	return SkillPremium{
		Skill: name, RoleID: s.roles[k.role].ID, Role: s.roles[k.role].Name, ExperienceID: expID, Experience: exp,
		NWith: len(kw), NWithout: len(kwo), MedianWith: mw, MedianWithout: mwo, Premium: p,
		CI95: [2]float64{p - z95*se, p + z95*se},
	}, true
}

// poolPremium sets st's pooled premium and interval from its cells.
func poolPremium(st *SkillStat, cells []SkillPremium) {
	if len(cells) == 0 {
		return
	}
	var n int
	for _, p := range cells {
		n += p.NWith
	}
	var sum, v float64
	roles := map[string]bool{}
	for _, p := range cells {
		w := float64(p.NWith) / float64(n)
		sum += w * p.Premium
		se := (p.CI95[1] - p.CI95[0]) / (2 * z95)
		v += w * w * se * se
		roles[p.RoleID] = true
	}
	st.Premium, st.PremiumBase, st.PremiumCells, st.PremiumRoles = sum, n, len(cells), len(roles)
	se := math.Sqrt(v)
	st.PremiumCI95 = &[2]float64{sum - z95*se, sum + z95*se}
}
