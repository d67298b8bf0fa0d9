package report

import (
	"slices"
	"strings"
	"testing"
)

func TestWrapLabel(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"Менеджер по персоналу", []string{"Менеджер по персоналу"}},
		{"Специалист по подбору персонала", []string{"Специалист по подбору", "персонала"}},
		{fsi + "Специалист по подбору персонала" + pdi, []string{fsi + "Специалист по подбору" + pdi, fsi + "персонала" + pdi}},
		{"Оченьдлинноесловобезпробеловвообщеникаких", []string{"Оченьдлинноесловобезпробело", "ввообщеникаких"}},
		{"Руководитель отдела персонала и административно-хозяйственной службы филиала", []string{"Руководитель отдела", "персонала и административно-…"}},
	} {
		got := wrapLabel(tc.in, labelRunes)
		if !slices.Equal(got, tc.want) {
			t.Errorf("wrapLabel(%q) = %q, want %q", tc.in, got, tc.want)
		}
		for _, l := range got {
			if n := len([]rune(strings.Trim(l, fsi+pdi))); n > labelRunes+2 {
				t.Errorf("line %q: %d runes", l, n)
			}
		}
	}
}
