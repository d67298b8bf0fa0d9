package report

import (
	"fmt"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

// Who the salary figures describe: only the vacancies that disclose a salary.
// When that share differs by more than disclosureGap between the groups a
// table shows (those with at least disclosureMinBase vacancies), the table
// says so: a median of the few who publish pay is compared with one of many.
const (
	disclosureGap     = 0.05
	disclosureMinBase = 30
)

func disclosureNote(t *table, groups []analytics.GroupStats, limit int) {
	if limit > 0 && len(groups) > limit {
		groups = groups[:limit]
	}
	lo, hi := -1, -1
	for i, g := range groups {
		if g.Vacancies < disclosureMinBase {
			continue
		}
		if lo < 0 || g.DisclosureShare < groups[lo].DisclosureShare {
			lo = i
		}
		if hi < 0 || g.DisclosureShare > groups[hi].DisclosureShare {
			hi = i
		}
	}
	if lo < 0 || groups[hi].DisclosureShare-groups[lo].DisclosureShare <= disclosureGap {
		return
	}
	note := fmt.Sprintf("Зарплату указывают от %s («%s») до %s («%s») вакансий группы: медианы описывают только вакансии с указанной зарплатой, и их доля в группах разная (группы от %d вакансий).",
		fmtPct(groups[lo].DisclosureShare), label(groups[lo]), fmtPct(groups[hi].DisclosureShare), label(groups[hi]), disclosureMinBase)
	if t.Note != "" {
		note = t.Note + " " + note
	}
	t.Note = note
}

func label(g analytics.GroupStats) string {
	s := ""
	for i, l := range g.Label {
		if i > 0 {
			s += " · "
		}
		s += l
	}
	return s
}
