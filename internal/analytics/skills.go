package analytics

import (
	"strings"
	"unicode"
)

// cyrToLat maps Cyrillic letters that look like Latin ones (lower case).
var cyrToLat = map[rune]rune{
	'а': 'a', 'в': 'b', 'е': 'e', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o',
	'р': 'p', 'с': 'c', 'т': 't', 'у': 'y', 'х': 'x',
}

// SkillKey folds a key skill to the key skills are counted by:
//
//   - hyphens, dashes, underscores, non-breaking and repeated spaces collapse
//     to one space («HR-аналитика» = «HR аналитика»); leading and trailing
//     spaces, dots, commas and semicolons go;
//   - lower case; ё → е;
//   - in a word (a run of letters and digits) that mixes Latin letters or digits
//     with Cyrillic look-alikes only (а в е к м н о р с т у х), the look-alikes
//     become Latin: «1С» (Cyrillic С) = «1C»; «Сбер» stays Cyrillic;
//   - then the shipped synonym groups (synonyms.go): «MS Excel», «Microsoft Excel» → «excel».
//
// It returns the key and the canonical display name ("" when no group has
// it: the caller shows the most frequent spelling).
func SkillKey(raw string) (key, name string) { return DefaultSynonyms().Key(raw) }

// foldSkill is SkillKey without the synonym groups.
func foldSkill(raw string) string {
	s := strings.Join(strings.FieldsFunc(raw, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u00a0' || r == '-' || r == '‐' || r == '–' || r == '—' || r == '_'
	}), " ")
	s = strings.Trim(s, " .,;")
	s = strings.ToLower(s)
	s = strings.ReplaceAll(s, "ё", "е")
	return foldHomoglyphs(s)
}

func foldHomoglyphs(s string) string {
	rs := []rune(s)
	changed := false
	for i := 0; i < len(rs); {
		if !isWordRune(rs[i]) {
			i++
			continue
		}
		j := i
		latin, otherCyr, lookalike := false, false, false
		for j < len(rs) && isWordRune(rs[j]) {
			r := rs[j]
			switch {
			case r < 128:
				latin = true // ASCII letter or digit
			case cyrToLat[r] != 0:
				lookalike = true
			default:
				otherCyr = true
			}
			j++
		}
		if latin && lookalike && !otherCyr {
			for k := i; k < j; k++ {
				if l := cyrToLat[rs[k]]; l != 0 {
					rs[k] = l
					changed = true
				}
			}
		}
		i = j
	}
	if !changed {
		return s
	}
	return string(rs)
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
