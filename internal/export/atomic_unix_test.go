//go:build unix

package export

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestAtomicWriteModes: a new file gets 0666 &^ umask (0600 under umask
// 077, 0644 under 022); a replaced file keeps its mode.
func TestAtomicWriteModes(t *testing.T) {
	write := func(path string) {
		t.Helper()
		if err := AtomicWrite(path, func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err }); err != nil {
			t.Fatal(err)
		}
	}
	mode := func(path string) fs.FileMode {
		t.Helper()
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode().Perm()
	}
	dir := t.TempDir()
	for _, c := range []struct {
		umask int
		want  fs.FileMode
	}{{0o077, 0o600}, {0o022, 0o644}, {0o002, 0o664}} {
		old := syscall.Umask(c.umask)
		path := filepath.Join(dir, "new.csv")
		os.Remove(path)
		write(path)
		syscall.Umask(old)
		if got := mode(path); got != c.want {
			t.Errorf("umask %03o: new file %03o, want %03o", c.umask, got, c.want)
		}
	}
	// A replaced file keeps its mode, whatever the umask.
	path := filepath.Join(dir, "private.html")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	old := syscall.Umask(0o022)
	write(path)
	syscall.Umask(old)
	if got := mode(path); got != 0o600 {
		t.Errorf("replaced 0600 file became %03o", got)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	write(path)
	if got := mode(path); got != 0o640 {
		t.Errorf("replaced 0640 file became %03o", got)
	}
}
