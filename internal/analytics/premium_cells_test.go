package analytics

import (
	"cmp"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/hhjobs/hhjobs/internal/store"
)

// naivePremium is the premiums as first written: every record split into
// maps of cells for the one skill, each cell sorted by TrimIQR. The cells
// grouped once (premiumCells) must give the very same figures.
func naivePremium(s *skillsSection, skill int32, name string) []SkillPremium {
	with := map[cellKey][]float64{}
	without := map[cellKey][]float64{}
	for i := range s.recs.recs {
		r := &s.recs.recs[i]
		_, has := slices.BinarySearch(s.recs.skills(r), skill)
		for _, role := range s.recs.roles(r) {
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
		if len(kw) < s.env.MinN || len(kwo) < s.env.MinN {
			continue
		}
		mw, mwo := Quantile(kw, 0.5), Quantile(kwo, 0.5)
		sw, _ := naiveMedianSE(kw)
		swo, _ := naiveMedianSE(kwo)
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

// naiveMedianSE is medianSE as first written, without the memo.
func naiveMedianSE(sorted []float64) (float64, bool) {
	l, u, ok := MedianCIRanks(len(sorted), 0.95)
	if !ok {
		return 0, false
	}
	return (sorted[u-1] - sorted[l-1]) / (2 * z95), true
}

func TestPremiumCellsMatchNaive(t *testing.T) {
	cases := []struct {
		name           string
		recs, roles    int
		skills, perRec int
		minN           int
		salaries       int // distinct salaries: few give many ties
		repeatRoles    bool
	}{
		{"small cells", 300, 4, 6, 3, 5, 1000, false},
		{"many ties", 2000, 3, 5, 2, 20, 12, false},
		{"a role listed twice", 1500, 5, 8, 3, 20, 200, true},
		{"big cells", 20000, 2, 10, 4, 20, 5000, false},
		{"no cell big enough", 100, 10, 4, 2, 20, 100, false},
		// One role, as on a dashboard filtered by it: few, big cells, and
		// a skill's salaries a sliver of each.
		{"one role, rare skills", 30000, 1, 40, 2, 20, 3000, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(c.recs)))
			s := &skillsSection{env: &Env{Config: Config{MinN: c.minN}}}
			for i := range c.roles {
				s.roles = append(s.roles, store.IDName{ID: string(rune('a' + i)), Name: "role"})
			}
			for range c.recs {
				var roles, skills []int32
				for range 1 + rng.IntN(2) {
					roles = append(roles, int32(rng.IntN(c.roles)))
				}
				if c.repeatRoles && rng.IntN(4) == 0 {
					roles = append(roles, roles[0])
				}
				for range rng.IntN(c.perRec + 1) {
					if id := int32(rng.IntN(c.skills)); !slices.Contains(skills, id) {
						skills = append(skills, id)
					}
				}
				// Lognormal-ish pay with a far tail, so the trim has work.
				pay := math.Round(float64(1+rng.IntN(c.salaries)) * (1 + 9*float64(rng.IntN(50)/49)))
				s.recs.add(pay*1000, uint8(rng.IntN(len(ExperienceOrder)+1)), roles, skills)
			}
			top := make([]int32, c.skills)
			for i := range top {
				top[i] = int32(c.skills - 1 - i)
			}
			var want [][]SkillPremium
			for _, id := range top {
				want = append(want, naivePremium(s, id, "x"))
			}
			pc := newPremiumCells(&s.recs, top, len(s.roles), c.skills)
			cells := 0
			for i := range top {
				got := s.premium(pc, i, "x")
				if !reflect.DeepEqual(got, want[i]) {
					t.Fatalf("skill %d: premiums\n%+v\nwant\n%+v", top[i], got, want[i])
				}
				cells += len(got)
			}
			t.Logf("%d cells", cells)
		})
	}
}

// BenchmarkPremiums times the premiums of 40 top skills over 370,000
// salaried records of one role (a broad dashboard view, /?role=118 at a
// million vacancies): a handful of cells of some 70,000 salaries each.
func BenchmarkPremiums(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	s := &skillsSection{env: &Env{Config: Config{MinN: 20}}}
	s.roles = []store.IDName{{ID: "118", Name: "HR"}, {ID: "69", Name: "Recruiter"}}
	const nSkills = 300
	for range 370_000 {
		roles := []int32{0}
		if rng.IntN(20) == 0 {
			roles = append(roles, 1)
		}
		var skills []int32
		for range rng.IntN(9) {
			// Popular skills first: a power law over ids.
			if id := int32(float64(nSkills) * math.Pow(rng.Float64(), 3)); !slices.Contains(skills, id) {
				skills = append(skills, id)
			}
		}
		pay := math.Round(30+rng.ExpFloat64()*40) * 1000
		s.recs.add(pay, uint8(rng.IntN(len(ExperienceOrder)+1)), roles, skills)
	}
	top := make([]int32, 40)
	for i := range top {
		top[i] = int32(i)
	}
	cells := 0
	for b.Loop() {
		pc := newPremiumCells(&s.recs, top, len(s.roles), nSkills)
		cells = 0
		for i := range top {
			cells += len(s.premium(pc, i, "x"))
		}
	}
	b.ReportMetric(float64(cells), "cells")
}
