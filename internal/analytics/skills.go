package analytics

import (
	"strings"
	"unicode"
)

// skillSynonyms maps a normalised skill key (see SkillKey) to its canonical
// key and display name. Keep it small and obvious: it is documented in
// docs/methodology.md §3, and every entry is a true synonym, not a related skill.
var skillSynonyms = map[string]struct{ key, name string }{
	"excel":                {"excel", "Excel"},
	"ms excel":             {"excel", "Excel"},
	"microsoft excel":      {"excel", "Excel"},
	"ms office excel":      {"excel", "Excel"},
	"эксель":               {"excel", "Excel"},
	"word":                 {"word", "Word"},
	"ms word":              {"word", "Word"},
	"microsoft word":       {"word", "Word"},
	"powerpoint":           {"powerpoint", "PowerPoint"},
	"ms powerpoint":        {"powerpoint", "PowerPoint"},
	"microsoft powerpoint": {"powerpoint", "PowerPoint"},
	"power point":          {"powerpoint", "PowerPoint"},
	"ms office":            {"ms office", "MS Office"},
	"microsoft office":     {"ms office", "MS Office"},
	"ms outlook":           {"outlook", "Outlook"},
	"microsoft outlook":    {"outlook", "Outlook"},
	"outlook":              {"outlook", "Outlook"},
	"1c":                   {"1c", "1С"},
	"1c предприятие":       {"1c:предприятие", "1С:Предприятие"},
	"1c:предприятие":       {"1c:предприятие", "1С:Предприятие"},
	"1c: предприятие":      {"1c:предприятие", "1С:Предприятие"},
	"1c:предприятие 8":     {"1c:предприятие", "1С:Предприятие"},
	"1c: зуп":              {"1c:зуп", "1С:ЗУП"},
	"1c:зуп":               {"1c:зуп", "1С:ЗУП"},
	"1c зуп":               {"1c:зуп", "1С:ЗУП"},
	"1c: зарплата и управление персоналом": {"1c:зуп", "1С:ЗУП"},
	"1c:зарплата и управление персоналом":  {"1c:зуп", "1С:ЗУП"},
	"postgresql":       {"postgresql", "PostgreSQL"},
	"postgres":         {"postgresql", "PostgreSQL"},
	"golang":           {"go", "Go"},
	"go":               {"go", "Go"},
	"js":               {"javascript", "JavaScript"},
	"javascript":       {"javascript", "JavaScript"},
	"английский язык":  {"английский язык", "Английский язык"},
	"english":          {"английский язык", "Английский язык"},
	"sourcing":         {"сорсинг", "Сорсинг"},
	"сорсинг":          {"сорсинг", "Сорсинг"},
	"подбор кадров":    {"подбор персонала", "Подбор персонала"},
	"подбор персонала": {"подбор персонала", "Подбор персонала"},
	"пк":               {"пользователь пк", "Пользователь ПК"},
	"пользователь пк":  {"пользователь пк", "Пользователь ПК"},
	"уверенный пользователь пк": {"пользователь пк", "Пользователь ПК"},
}

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
//   - then the synonym table: «MS Excel», «Microsoft Excel» → «excel».
//
// It returns the key and the canonical display name ("" when the table has
// none: the caller shows the most frequent spelling).
func SkillKey(raw string) (key, name string) {
	s := strings.Join(strings.FieldsFunc(raw, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u00a0' || r == '-' || r == '‐' || r == '–' || r == '—' || r == '_'
	}), " ")
	s = strings.Trim(s, " .,;")
	s = strings.ToLower(s)
	s = strings.ReplaceAll(s, "ё", "е")
	s = foldHomoglyphs(s)
	if syn, ok := skillSynonyms[s]; ok {
		return syn.key, syn.name
	}
	return s, ""
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
