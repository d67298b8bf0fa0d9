package store

// WalkChunks drives a keyset walk in id order, the way every engine streams
// vacancies: next returns up to size vacancies with ids after `after` (with
// their roles and skills); each goes to fn, and a short chunk ends the walk.
// Only one chunk is held in memory.
func WalkChunks(size int, next func(after string) ([]Vacancy, error), fn func(Vacancy) error) error {
	after := ""
	for {
		buf, err := next(after)
		if err != nil {
			return err
		}
		if len(buf) == 0 {
			return nil
		}
		after = buf[len(buf)-1].ID
		for i := range buf {
			if err := fn(buf[i]); err != nil {
				return err
			}
			buf[i] = Vacancy{} // let the GC have the chunk's strings early
		}
		if len(buf) < size {
			return nil
		}
	}
}
