package analytics

import (
	"strings"
	"testing"
)

// The pairs fold together, with their spelling variants.
func TestSemanticSynonymGroups(t *testing.T) {
	for _, c := range []struct {
		spellings []string
		key, name string
	}{
		{[]string{"Adaptation", "Адаптация персонала", "адаптация  персонала.", "Onboarding", "Адаптация сотрудников"}, "адаптация персонала", "Адаптация персонала"},
		{[]string{"Проведение интервью", "Проведение собеседований", "проведение-собеседований"}, "проведение собеседований", "Проведение собеседований"},
		{[]string{"HR brand", "Employer branding", "HR-бренд", "HR бренд", "Бренд работодателя"}, "employer branding", "Employer branding"},
		{[]string{"Трудовое право", "Трудовое законодательство", "ТК РФ", "Знание трудового законодательства"}, "трудовое законодательство", "Трудовое законодательство"},
		{[]string{"Подбор кадров", "Рекрутинг", "Recruiting", "подбор персонала"}, "подбор персонала", "Подбор персонала"},
		{[]string{"1С:ЗУП", "1C: ЗУП", "1с зуп"}, "1c:зуп", "1С:ЗУП"},
		{[]string{"MS Excel", "Эксель", "excel"}, "excel", "Excel"},
	} {
		for _, sp := range c.spellings {
			if k, n := SkillKey(sp); k != c.key || n != c.name {
				t.Errorf("%q → %q %q, want %q %q", sp, k, n, c.key, c.name)
			}
		}
	}
	// Related but different skills stay apart.
	if k, _ := SkillKey("Массовый подбор персонала"); k == "подбор персонала" {
		t.Error("mass recruiting folded into recruiting")
	}
}

func TestUserSynonyms(t *testing.T) {
	user, err := ParseSynonyms(strings.NewReader("# mine\nПодбор персонала = Массовый подбор персонала\nHRBP = HR business partner; HR BP\n"), "mine.txt")
	if err != nil {
		t.Fatal(err)
	}
	s := DefaultSynonyms().With(user)
	for _, c := range []struct{ raw, key string }{
		{"Массовый подбор персонала", "подбор персонала"}, // moved by the user
		{"HR BP", "hrbp"},
		{"Recruiting", "подбор персонала"}, // the shipped groups still apply
	} {
		if k, _ := s.Key(c.raw); k != c.key {
			t.Errorf("%q → %q, want %q", c.raw, k, c.key)
		}
	}
	for _, bad := range []string{"no equals sign here", "= a; b", "A = x\nB = x"} {
		if _, err := ParseSynonyms(strings.NewReader(bad), "bad.txt"); err == nil || !strings.Contains(err.Error(), "bad.txt:") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if DefaultSynonyms().Len() < 80 {
		t.Errorf("shipped groups hold %d spellings", DefaultSynonyms().Len())
	}
}
