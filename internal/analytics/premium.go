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

// medianSE is the McKean–Schrader standard error of the median of sorted.
func medianSE(sorted []float64) (float64, bool) {
	l, u, ok := MedianCIRanks(len(sorted), 0.95)
	if !ok {
		return 0, false
	}
	return (sorted[u-1] - sorted[l-1]) / (2 * z95), true
}

type cellKey struct {
	role int32
	exp  uint8
}

// premium compares, inside each role × experience cell, the median salary
// of the vacancies that list the skill with the median of those that do not,
// keeping cells with at least MinN salaries on each side (after the trim).
// The cells come best first by the lower bound of their interval.
func (s *skillsSection) premium(skill int32, name string) []SkillPremium {
	with := map[cellKey][]float64{}
	without := map[cellKey][]float64{}
	for _, r := range s.recs {
		_, has := slices.BinarySearch(r.skills, skill)
		for _, role := range r.roles {
			k := cellKey{role, r.exp}
			if has {
				with[k] = append(with[k], r.monthly)
			} else {
				without[k] = append(without[k], r.monthly)
			}
		}
	}
	var out []SkillPremium
	for k, w := range with {
		wo := without[k]
		if len(w) < s.env.MinN || len(wo) < s.env.MinN {
			continue
		}
		kw, _ := TrimIQR(w)
		kwo, _ := TrimIQR(wo)
		if len(kw) < s.env.MinN || len(kwo) < s.env.MinN { // the bases after the trim
			continue
		}
		mw, mwo := Quantile(kw, 0.5), Quantile(kwo, 0.5)
		sw, _ := medianSE(kw)
		swo, _ := medianSE(kwo)
		p := mw/mwo - 1
		se := math.Hypot(sw/mwo, mw*swo/(mwo*mwo))
		expID, exp := "", Unknown
		if k.exp > 0 {
			expID = ExperienceOrder[k.exp-1]
			exp = ExperienceNames[expID]
		}
		out = append(out, SkillPremium{
			Skill: name, RoleID: s.roles[k.role].ID, Role: s.roles[k.role].Name, ExperienceID: expID, Experience: exp,
			NWith: len(kw), NWithout: len(kwo), MedianWith: mw, MedianWithout: mwo, Premium: p,
			CI95: [2]float64{p - z95*se, p + z95*se},
		})
	}
	// Ties go by role and experience: the order feeds the pooled premium's
	// sum, and a report must not change between runs over the same data.
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
