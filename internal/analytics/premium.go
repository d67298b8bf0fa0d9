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
// of salary, so a cell's salaries come out sorted: no sort per skill and
// cell, and the same figures (a sorted list of floats is the same whatever
// order it was built in). Each top skill lists where its records sit in
// the cells, in order of salary, so the salaries with the skill are read
// from those places and the salaries without it are never copied out: an
// order statistic of the rest is found by a binary search over the places
// (orderStats). A skill costs its own records, not its cells' sizes.
type premiumCells struct {
	nExp    int         // experience values: ExperienceOrder and "not stated"
	cellOf  []int32     // role·nExp + exp → cell (−1: none yet)
	keys    []cellKey   // per cell
	vals    [][]float64 // per cell: its salaries, ascending
	bySkill [][]cellPos // per top skill: its records' places, by salary
	ranks   medianRanks

	// Scratch of premium, cleared after each skill.
	nWith   []int32 // per cell: salaries with the skill at hand
	at      []int32 // per cell: where its places start in pos
	touched []int32 // the cells with nWith > 0
	pos     []int32 // the places with the skill at hand, cell by cell, ascending
}

// cellPos is a salary's place: its cell, and its index in the cell's vals.
type cellPos struct{ cell, pos int32 }

// newPremiumCells groups recs; top are the skill ids premiums are asked
// for, nRoles and nSkills the sizes of the id spaces.
func newPremiumCells(recs *salaryRecs, top []int32, nRoles, nSkills int) *premiumCells {
	pc := &premiumCells{nExp: len(ExperienceOrder) + 1, bySkill: make([][]cellPos, len(top)), ranks: medianRanks{}}
	pc.cellOf = make([]int32, nRoles*pc.nExp)
	for i := range pc.cellOf {
		pc.cellOf[i] = -1
	}
	topOf := make([]int32, nSkills) // skill id → index in top (−1: not a top skill)
	for i := range topOf {
		topOf[i] = -1
	}
	for i, id := range top {
		topOf[id] = int32(i)
	}
	// Each skill's places, counted first and allocated at their size: at a
	// whole country they are some 2 million, at the peak of the server's
	// memory.
	nPlaces := make([]int, len(top))
	for i := range recs.recs {
		r := &recs.recs[i]
		skills := recs.skills(r)
		for k, id := range skills {
			if t := topOf[id]; t >= 0 && (k == 0 || skills[k-1] != id) {
				nPlaces[t] += int(r.nRoles)
			}
		}
	}
	for t, n := range nPlaces {
		pc.bySkill[t] = make([]cellPos, 0, n)
	}
	// Sorting (salary, record) pairs moves less than sorting the records.
	byPay := make([]recPay, len(recs.recs))
	for i, r := range recs.recs {
		byPay[i] = recPay{r.monthly, int32(i)}
	}
	slices.SortFunc(byPay, func(a, b recPay) int { return cmp.Compare(a.monthly, b.monthly) })
	for _, p := range byPay {
		r := &recs.recs[p.rec]
		skills := recs.skills(r)
		for _, role := range recs.roles(r) {
			c := pc.cell(role, r.exp)
			at := cellPos{c, int32(len(pc.vals[c]))}
			pc.vals[c] = append(pc.vals[c], p.monthly)
			for k, id := range skills {
				if t := topOf[id]; t >= 0 && (k == 0 || skills[k-1] != id) {
					pc.bySkill[t] = append(pc.bySkill[t], at)
				}
			}
		}
	}
	pc.nWith = make([]int32, len(pc.keys))
	pc.at = make([]int32, len(pc.keys))
	return pc
}

// recPay is a record's salary and its index in the salaryRecs.
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
	}
	return pc.cellOf[at]
}

// premium compares, inside each role × experience cell, the median salary
// of the vacancies that list the skill (top[t]) with the median of those
// that do not, keeping cells with at least MinN salaries on each side
// (after the trim). The cells come best first by the lower bound of their
// interval.
func (s *skillsSection) premium(pc *premiumCells, t int, name string) []SkillPremium {
	places := pc.bySkill[t]
	touched := pc.touched[:0]
	for _, p := range places {
		if pc.nWith[p.cell] == 0 {
			touched = append(touched, p.cell)
		}
		pc.nWith[p.cell]++
	}
	n := int32(0)
	for _, c := range touched {
		pc.at[c] = n
		n += pc.nWith[c]
	}
	pos := slices.Grow(pc.pos[:0], int(n))[:n]
	for _, p := range places { // by salary: ascending within each cell
		pos[pc.at[p.cell]] = p.pos
		pc.at[p.cell]++
	}
	var out []SkillPremium
	for _, c := range touched {
		nw := pc.nWith[c]
		pc.nWith[c] = 0
		if int(nw) < s.env.MinN || len(pc.vals[c])-int(nw) < s.env.MinN {
			continue
		}
		wpos := pos[pc.at[c]-nw : pc.at[c]]
		w := orderStats{vals: pc.vals[c], pos: wpos, n: int(nw)}
		wo := orderStats{vals: pc.vals[c], pos: wpos, n: len(pc.vals[c]) - int(nw), rest: true}
		if p, ok := s.cellPremium(pc, pc.keys[c], w, wo, name); ok {
			out = append(out, p)
		}
	}
	pc.touched, pc.pos = touched, pos
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

// orderStats is a sorted sample read in place from a cell's sorted
// salaries (vals): the salaries at the places pos (ascending), or, with
// rest, those at every other place; of those, the n from the from-th.
// Its k-th smallest is found without copying the sample out: a cell of
// 70,000 salaries split for each of 40 skills cost more than the rest of a
// dashboard view's skills.
type orderStats struct {
	vals    []float64
	pos     []int32
	from, n int
	rest    bool
}

func (o orderStats) len() int { return o.n }

// at is the k-th smallest (from 0). For the rest: pos[i] − i salaries of
// the rest lie before place pos[i], a count that never falls as i grows,
// so the k-th of the rest has the m places with pos[i] − i ≤ k before it,
// and sits at place k + m.
func (o orderStats) at(k int) float64 {
	k += o.from
	if !o.rest {
		return o.vals[o.pos[k]]
	}
	lo, hi := 0, len(o.pos)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if int(o.pos[mid])-mid <= k {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return o.vals[k+lo]
}

// search is the smallest k in [0, n) with f(at(k)), or n; f must be
// false then true along the sample.
func (o orderStats) search(f func(float64) bool) int {
	lo, hi := 0, o.n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if !f(o.at(mid)) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// quantile is Quantile of the sample, computed the same way.
func (o orderStats) quantile(p float64) float64 {
	n := o.n
	switch {
	case n == 0:
		return math.NaN()
	case p <= 0:
		return o.at(0)
	case p >= 1:
		return o.at(n - 1)
	}
	h := float64(n-1) * p
	lo := int(math.Floor(h))
	if lo+1 >= n {
		return o.at(n - 1)
	}
	x := o.at(lo)
	return x + (h-float64(lo))*(o.at(lo+1)-x)
}

// trimIQR is trimSortedIQR of the sample: the part inside the fences.
func (o orderStats) trimIQR() orderStats {
	if o.n < MinGroupForIQR {
		return o
	}
	q1, q3 := o.quantile(0.25), o.quantile(0.75)
	iqr := q3 - q1
	lo, hi := q1-IQRFence*iqr, q3+IQRFence*iqr
	i := o.search(func(x float64) bool { return x >= lo })
	j := max(i, o.search(func(x float64) bool { return x > hi }))
	o.from, o.n = o.from+i, j-i
	return o
}

// medianSE is the McKean–Schrader standard error of the sample's median.
func (o orderStats) medianSE(m medianRanks) (float64, bool) {
	l, u, ok := m.at(o.n)
	if !ok {
		return 0, false
	}
	return (o.at(u-1) - o.at(l-1)) / (2 * z95), true
}

// cellPremium is the premium of one cell from its sorted salaries with (w)
// and without (wo) the skill; false when a base is below MinN after the trim.
func (s *skillsSection) cellPremium(pc *premiumCells, k cellKey, w, wo orderStats, name string) (SkillPremium, bool) {
	kw := w.trimIQR()
	kwo := wo.trimIQR()
	if kw.len() < s.env.MinN || kwo.len() < s.env.MinN { // the bases after the trim
		return SkillPremium{}, false
	}
	mw, mwo := kw.quantile(0.5), kwo.quantile(0.5)
	sw, _ := kw.medianSE(pc.ranks)
	swo, _ := kwo.medianSE(pc.ranks)
	p := mw/mwo - 1
	se := math.Hypot(sw/mwo, mw*swo/(mwo*mwo))
	expID, exp := "", Unknown
	if k.exp > 0 {
		expID = ExperienceOrder[k.exp-1]
		exp = ExperienceNames[expID]
	}
	return SkillPremium{
		Skill: name, RoleID: s.roles[k.role].ID, Role: s.roles[k.role].Name, ExperienceID: expID, Experience: exp,
		NWith: kw.len(), NWithout: kwo.len(), MedianWith: mw, MedianWithout: mwo, Premium: p,
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
