package report

import (
	"strings"
	"testing"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

func TestDisclosureNote(t *testing.T) {
	g := func(name string, vac, disc int) analytics.GroupStats {
		return analytics.GroupStats{Label: []string{name}, Vacancies: vac, Disclosed: disc, DisclosureShare: float64(disc) / float64(vac)}
	}
	var tb table
	// 40 % vs 52 %: 12 points apart → a sentence; the tiny group (90 %) is ignored.
	disclosureNote(&tb, []analytics.GroupStats{g("Москва", 1000, 400), g("Казань", 100, 52), g("Яранск", 10, 9)}, 0)
	if !strings.Contains(tb.Note, "от 40,0"+nbsp+"% («Москва») до 52,0"+nbsp+"% («Казань»)") {
		t.Errorf("note %q", tb.Note)
	}
	tb = table{}
	disclosureNote(&tb, []analytics.GroupStats{g("Москва", 1000, 400), g("Казань", 100, 44)}, 0) // 4 points: quiet
	if tb.Note != "" {
		t.Errorf("note %q", tb.Note)
	}
}
