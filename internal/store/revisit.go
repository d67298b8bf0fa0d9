package store

// RunCounts are the New, Changed and Unchanged counters one page adds to its
// run. Ids the run has already seen for its query (revisits: a vacancy in
// two overlapping slices, or a slice paged again after a resume) are not
// counted again, so over a run New + Changed + Unchanged is the number of
// distinct vacancies it saw.
func RunCounts(res UpsertResult, revisits map[string]bool) (newN, changed, unchanged int) {
	count := func(ids []string) (n int) {
		for _, id := range ids {
			if !revisits[id] {
				n++
			}
		}
		return n
	}
	return count(res.New), count(res.Changed), count(res.Unchanged)
}
