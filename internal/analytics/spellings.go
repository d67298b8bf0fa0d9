package analytics

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
}
