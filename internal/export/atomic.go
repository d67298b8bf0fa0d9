package export

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// AtomicWrite writes path through a temporary file in the same directory,
// renamed over path only when fn and the flush succeed: an interrupted or
// failed write never leaves a half file (and never replaces a good one).
//
// A new file gets the user's umask (0666 &^ umask, like any program's
// output: 0600 under umask 077); a replaced file keeps its mode.
func AtomicWrite(path string, fn func(w io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := createTemp(dir, "."+base+".tmp-")
	if err != nil {
		return cannotWrite(path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err := fn(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return cannotWrite(path, err)
	}
	if err := f.Sync(); err != nil {
		return cannotWrite(path, err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		if err := f.Chmod(fi.Mode().Perm()); err != nil {
			return cannotWrite(path, err)
		}
	}
	if err := f.Close(); err != nil {
		return cannotWrite(path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return cannotWrite(path, err)
	}
	return nil
}

// cannotWrite names the user's path, not the temporary file's.
func cannotWrite(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		err = le.Err
	}
	return fmt.Errorf("cannot write %s: %w", path, err)
}
