package analytics

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
)

func TestPremiumWithinRoleAndExperience(t *testing.T) {
	now := time.Date(2025, 6, 2, 10, 0, 0, 0, MSK)
	var vs []store.Vacancy
	add := func(exp string, skill bool, thousands ...int64) {
		for _, k := range thousands {
			s := []string{"Подбор персонала"}
			if skill {
				s = append(s, "1С:ЗУП")
			}
			from := k * 1000
			vs = append(vs, store.Vacancy{ID: fmt.Sprint(len(vs) + 1), Roles: []store.IDName{{ID: "69", Name: "HR"}}, ExperienceID: exp,
				SalaryFrom: &from, SalaryCurrency: "RUR", SalaryGross: bp(true), SalaryMode: "MONTH",
				PublishedAt: now, FirstSeenAt: now, LastSeenAt: now, KeySkills: s, DetailFetchedAt: &now})
		}
	}
	// Juniors: with the skill median 125 000, without 102 500 → +21.95 %.
	add("between1And3", true, 100, 110, 120, 130, 140, 150)
	add("between1And3", false, 90, 95, 100, 105, 110, 115)
	// Seniors: the same pay with and without → 0 %.
	add("moreThan6", true, 200, 210, 220, 230, 240, 250)
	add("moreThan6", false, 200, 210, 220, 230, 240, 250)
	res, err := Compute(context.Background(), &fakeStore{vs: vs}, Config{MinN: 6, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var st *SkillStat
	for i := range res.Skills.Top {
		if res.Skills.Top[i].Key == "1c:зуп" {
			st = &res.Skills.Top[i]
		}
	}
	if st == nil || st.PremiumCells != 2 || st.PremiumRoles != 1 || st.PremiumBase != 12 || st.PremiumCI95 == nil {
		t.Fatalf("1С:ЗУП %+v", st)
	}
	// n = 6: the median's interval is [x(1), x(6)], so se = range / (2·1.96).
	// Juniors: se_w = 50 000/3.9199 = 12 755, se_wo = 6 378; se(p) = hypot(12 755/102 500,
	// 125 000·6 378/102 500²) = 0.14575. Seniors: se(p) = hypot(0.05669, 0.05669) = 0.08017.
	// Pooled (weights ½, ½): P = 0.109756, se = √(¼·0.14575² + ¼·0.08017²) = 0.083173,
	// interval 0.109756 ± 1.96·0.083173 = [−0.05326, 0.27277].
	if math.Abs(st.Premium-0.109756) > 1e-5 || math.Abs(st.PremiumCI95[0]+0.05326) > 1e-4 || math.Abs(st.PremiumCI95[1]-0.27277) > 1e-4 {
		t.Errorf("pooled %v %v", st.Premium, *st.PremiumCI95)
	}
	var cells []SkillPremium
	for _, p := range res.Skills.Premiums {
		if p.Skill == st.Name {
			cells = append(cells, p)
		}
	}
	// Best lower bound first: juniors 0.219512 − 1.96·0.14575 = −0.0662 vs seniors −0.1571.
	if len(cells) != 2 || cells[0].ExperienceID != "between1And3" || math.Abs(cells[0].Premium-0.219512) > 1e-5 ||
		math.Abs(cells[0].CI95[0]+0.06616) > 1e-4 || cells[1].Premium != 0 {
		t.Errorf("cells %+v", cells)
	}
}
