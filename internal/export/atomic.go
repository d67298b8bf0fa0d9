package export

import (
	"io"

	"github.com/hhjobs/hhjobs/internal/atomicfile"
)

// AtomicWrite writes path through a temporary file renamed over it only when
// fn succeeded (atomicfile.Write): a new file gets the user's umask, a
// replaced one keeps its mode. Kept for its callers (cli export, report).
func AtomicWrite(path string, fn func(w io.Writer) error) error {
	return atomicfile.Write(path, fn)
}
