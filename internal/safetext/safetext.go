// Package safetext renders text written by third parties (employers, the
// API, anything answering in its place) for display: Terminal makes it
// inert on a terminal, Clip bounds its length in tables, charts and lines.
// The full text stays in the store and the JSONL export; docs/security.md.
package safetext

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Terminal returns s with every byte or rune that a terminal would act on
// replaced by a visible escape: C0 controls (TAB, LF and CR included, so a
// value cannot break a table row or rewrite a line), ESC (`\x1b`), DEL, C1
// controls (U+0080–U+009F, which some terminals read as CSI), bidi controls
// (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069, which reorder what
// follows) and invalid UTF-8 bytes. Everything else, Cyrillic included, is
// kept. It allocates only when s needs a change.
func Terminal(s string) string {
	i := unsafeIndex(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteString(`\x`)
			b.WriteString(hex2(s[i]))
		case r < 0x20 || r == 0x7f:
			switch r {
			case '\t':
				b.WriteString(`\t`)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			default:
				b.WriteString(`\x`)
				b.WriteString(hex2(byte(r)))
			}
		case isC1(r) || isBidi(r):
			b.WriteString(`\u`)
			s4 := strconv.FormatInt(int64(r), 16)
			b.WriteString(strings.Repeat("0", 4-len(s4)) + s4)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// unsafeIndex is the index of the first rune Terminal changes, or -1.
func unsafeIndex(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size <= 1) || isC1(r) || isBidi(r) {
			return i
		}
		i += size
	}
	return -1
}

func isC1(r rune) bool { return r >= 0x80 && r <= 0x9f }

func isBidi(r rune) bool {
	return r == 0x061c || r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}

// DisplayLimit is the longest title, name or skill (in runes) shown whole in
// tables, charts and terminal lines; longer ones are clipped with "…".
const DisplayLimit = 80

// Clip shortens s to at most n runes, the last being "…" when it was cut.
// It reads at most n+1 runes of s, so a megabyte name costs nothing.
func Clip(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n { // bytes ≥ runes
		return s
	}
	count := 0
	for i := range s {
		if count == n-1 {
			// i is the byte offset of rune n: is there more than one rune left?
			rest := s[i:]
			_, size := utf8.DecodeRuneInString(rest)
			if len(rest) == size {
				return s
			}
			return s[:i] + "…"
		}
		count++
	}
	return s
}
