// Package atomicfile is the one way hhjobs replaces a file: through a
// temporary file in the same directory, flushed, synced and renamed over the
// target only when everything succeeded, so that an interrupted or failed
// write never leaves a half file and never replaces a good one. Exports and
// reports use Write; tokens, credentials and remembered rates WritePrivate.
// It imports nothing internal.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Write writes path with what fn writes. A new file gets the user's umask
// (0666 &^ umask, like any program's output: 0600 under umask 077); a
// replaced file keeps its mode. The directory must exist: a typo in an
// output path should fail, not grow directories. fn's error is returned
// as is.
func Write(path string, fn func(w io.Writer) error) error {
	return write(path, false, fn)
}

// WritePrivate writes data to path with mode 0600 inside a directory created
// 0700 when missing: for secrets, whatever the umask and the old file's mode.
func WritePrivate(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	return write(path, true, func(w io.Writer) error {
		_, err := w.Write(data)
		return cannotWrite(path, err)
	})
}

func write(path string, private bool, fn func(w io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	perm := fs.FileMode(0o666)
	if private {
		perm = 0o600
	}
	f, err := createTemp(dir, "."+base+".tmp-", perm)
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
	switch fi, serr := os.Stat(path); {
	case private:
		// The umask may have taken more than group and other: a token
		// file must stay readable and writable by its owner.
		err = f.Chmod(0o600)
	case serr == nil && fi.Mode().IsRegular():
		err = f.Chmod(fi.Mode().Perm())
	}
	if err != nil {
		return cannotWrite(path, err)
	}
	if err := f.Close(); err != nil {
		return cannotWrite(path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return cannotWrite(path, err)
	}
	// The rename is durable only once the directory is synced; a platform
	// that cannot open or sync a directory still has the new file.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// cannotWrite names the user's path, not the temporary file's.
func cannotWrite(path string, err error) error {
	if err == nil {
		return nil
	}
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
