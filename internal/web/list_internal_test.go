package web

import "testing"

func TestContainsFold(t *testing.T) {
	for _, c := range []struct {
		s, sub string
		want   bool
	}{
		{"Менеджер по ПЕРСОНАЛУ", "персоналу", true},
		{"HR-Менеджер", "hr-м", true},
		{"Рекрутер", "рекрутёр", false},
		{"Рекрутер", "", true},
		{"Ре", "рекрутер", false},
		{"Специалист по подбору", "по п", true},
	} {
		if got := containsFold(c.s, c.sub); got != c.want {
			t.Errorf("containsFold(%q, %q) = %v", c.s, c.sub, got)
		}
	}
}
