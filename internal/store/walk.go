package store

import "context"

// WalkChunks drives a keyset walk in id order, the way every engine streams
// vacancies. next appends to buf up to size rows with ids after `after` and
// returns them with the last one's id; conv turns a row into a Vacancy, which
// goes to fn; a short chunk ends the walk. R is whatever the engine reads
// fastest (a Vacancy, or a row of driver values).
//
// Reading and converting run on two goroutines: next reads the following
// chunk while conv and fn work through the current one, so that the
// database and the caller's computation use both cores of a small machine.
// next runs on one goroutine at a time (a transaction may be used from it)
// and never after WalkChunks returns. At most three chunks are in memory;
// their buffers are handed back to next for reuse.
func WalkChunks[R any](ctx context.Context, size int,
	next func(after string, buf []R) (rows []R, last string, err error),
	conv func(*R) (Vacancy, error), fn func(Vacancy) error) error {
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	type chunk struct {
		rows []R
		err  error
	}
	full := make(chan chunk, 1)
	free := make(chan []R, 3)
	for range 3 {
		free <- make([]R, 0, size)
	}
	go func() {
		defer close(full)
		after := ""
		for {
			var buf []R
			select {
			case buf = <-free:
			case <-ctx.Done():
				return
			}
			rows, last, err := next(after, buf[:0])
			if err == nil && len(rows) == 0 {
				return
			}
			select {
			case full <- chunk{rows, err}:
			case <-ctx.Done():
				return
			}
			if err != nil || len(rows) < size {
				return
			}
			after = last
		}
	}()
	// stop ends the reader and waits for it: the caller may close the
	// transaction next uses as soon as WalkChunks returns.
	stop := func(err error) error {
		cancel()
		for range full {
		}
		return err
	}
	for c := range full {
		if c.err != nil {
			return stop(c.err)
		}
		for i := range c.rows {
			v, err := conv(&c.rows[i])
			if err != nil {
				return stop(err)
			}
			if err := fn(v); err != nil {
				return stop(err)
			}
		}
		free <- c.rows
	}
	// The reader also stops when the caller's context ends: that walk is
	// cut short, not complete.
	return stop(parent.Err())
}
