package analytics

import "strings"

// maxSpellings bounds the spellings kept per skill: real spellings repeat a
// lot, and the report shows the five most frequent.
const maxSpellings = 16

// countSpelling counts one vacancy listing the skill as sp. A vacancy that
// lists two spellings of one skill («MS Excel» and «Excel») counts for each
// spelling, so a spelling's count is the number of vacancies that list it
// (and the counts of a skill may add up to more than its vacancies).
func countSpelling(sk *skillAcc, sp string) {
	if _, ok := sk.spellings[sp]; ok || len(sk.spellings) < maxSpellings {
		sk.spellings[sp]++
	}
	sk.admitted = len(sk.spellings)
}

// rawSpelling is what the walk caches of one raw spelling: its skill (−1:
// it folds to nothing) and the index of its trimmed spelling in the
// section's spellTable (−1: not counted, its skill is full).
type rawSpelling struct {
	skill, spell int32
}

// spellTable counts the spellings of the walk by index, so a key skill
// listed costs no trim and no hashing of its spelling; flush moves the
// counts into the skills' maps before anything reads them.
//
// It keeps countSpelling's rule: a spelling is admitted when first counted
// while its skill has fewer than maxSpellings (skillAcc.admitted counts the
// map's spellings and the admitted ones not flushed yet); the others get no
// index and are never counted, rightly so as a skill's map only grows. A
// trimmed spelling has one skill: SkillKey ignores leading and trailing space.
type spellTable struct {
	ids   map[string]int32 // trimmed spelling → index
	text  []string
	skill []int32
	n     []int // vacancies that list the spelling, not flushed yet
}

func newSpellTable() spellTable { return spellTable{ids: map[string]int32{}} }

// spellingOf returns the index of raw's trimmed spelling of skill id,
// admitting it when new, or −1 when the skill has no room for it.
func (s *skillsSection) spellingOf(id int32, raw string) int32 {
	sp := strings.TrimSpace(raw)
	t := &s.spells
	if k, ok := t.ids[sp]; ok {
		return k
	}
	sk := s.skills[id]
	if _, ok := sk.spellings[sp]; !ok {
		if sk.admitted >= maxSpellings {
			return -1
		}
		sk.admitted++
	}
	sp = strings.Clone(sp) // not to keep the vacancy's string alive
	k := int32(len(t.text))
	t.ids[sp] = k
	t.text = append(t.text, sp)
	t.skill = append(t.skill, id)
	t.n = append(t.n, 0)
	return k
}

// flushSpellings adds the table's counts to the skills' maps and zeroes them.
func (s *skillsSection) flushSpellings() {
	t := &s.spells
	for k, n := range t.n {
		if n > 0 {
			s.skills[t.skill[k]].spellings[t.text[k]] += n
			t.n[k] = 0
		}
	}
}
