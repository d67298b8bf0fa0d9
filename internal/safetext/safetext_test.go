package safetext

import (
	"strings"
	"testing"
)

func TestTerminal(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"Яндекс", "Яндекс"},
		{"ООО «Ромашка» — C++/Go", "ООО «Ромашка» — C++/Go"},
		{"\x1b]0;pwned\x07Title", `\x1b]0;pwned\x07Title`},
		{"\x1b[2J\x1b[31mred", `\x1b[2J\x1b[31mred`},
		{"a\tb\nc\rd", `a\tb\nc\rd`},
		{"nul\x00del\x7f", `nul\x00del\x7f`},
		{"c1\u009b31m", `c1\u009b31m`},
		{"rlo\u202e321\u202c", `rlo\u202e321\u202c`},
		{"iso\u2066x\u2069 lrm\u200e", `iso\u2066x\u2069 lrm\u200e`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"zero\u200bwidth", "zero\u200bwidth"}, // harmless on a terminal: kept
	} {
		got := Terminal(c.in)
		if got != c.want {
			t.Errorf("Terminal(%q) = %q, want %q", c.in, got, c.want)
		}
		if strings.ContainsAny(got, "\x1b\x07\x00\n\r\t\u009b\u202e") {
			t.Errorf("Terminal(%q) left a control: %q", c.in, got)
		}
	}
}

func TestClip(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"", 5, ""},
		{"abc", 5, "abc"},
		{"abcde", 5, "abcde"},
		{"abcdef", 5, "abcd…"},
		{"Менеджер", 8, "Менеджер"},
		{"Менеджеры", 8, "Менедже…"},
		{"Менеджер", 3, "Ме…"},
		{"ab", 1, "…"},
		{"a", 1, "a"},
		{"abc", 0, ""},
	} {
		if got := Clip(c.in, c.n); got != c.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
	huge := strings.Repeat("Щ", 5<<20)
	if got := Clip(huge, DisplayLimit); len([]rune(got)) != DisplayLimit || !strings.HasSuffix(got, "…") {
		t.Errorf("huge: %d runes", len([]rune(got)))
	}
}

func BenchmarkTerminalClean(b *testing.B) {
	s := strings.Repeat("Менеджер по персоналу ", 4)
	b.ReportAllocs()
	for b.Loop() {
		Terminal(s)
	}
}
