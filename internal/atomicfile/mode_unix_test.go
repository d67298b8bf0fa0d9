//go:build unix

package atomicfile

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func mode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// TestWriteModes: a new file gets 0666 &^ umask (0600 under umask 077, 0644
// under 022); a replaced file keeps its mode.
func TestWriteModes(t *testing.T) {
	write := func(path string) {
		t.Helper()
		if err := Write(path, func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err }); err != nil {
			t.Fatal(err)
		}
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
		if got := mode(t, path); got != c.want {
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
	if got := mode(t, path); got != 0o600 {
		t.Errorf("replaced 0600 file became %03o", got)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	write(path)
	if got := mode(t, path); got != 0o640 {
		t.Errorf("replaced 0640 file became %03o", got)
	}
}

// TestWritePrivateModes: a secret is 0600 in a 0700 directory whatever the
// umask and whatever mode the file it replaces had.
func TestWritePrivateModes(t *testing.T) {
	for _, c := range []struct {
		name  string
		umask int
		old   fs.FileMode // 0 = no old file
	}{
		{"new, umask 022", 0o022, 0},
		{"new, umask 077", 0o077, 0},
		{"replaces 0644", 0o022, 0o644},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "cfg")
			path := filepath.Join(dir, "tokens.json")
			if c.old != 0 {
				if err := os.MkdirAll(dir, 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte("old"), c.old); err != nil {
					t.Fatal(err)
				}
			}
			old := syscall.Umask(c.umask)
			err := WritePrivate(path, []byte("secret"))
			syscall.Umask(old)
			if err != nil {
				t.Fatal(err)
			}
			if got := mode(t, path); got != 0o600 {
				t.Errorf("file %03o, want 0600", got)
			}
			if c.old == 0 {
				if got := mode(t, dir); got&^fs.FileMode(c.umask) != 0o700&^fs.FileMode(c.umask) || got&0o077 != 0 {
					t.Errorf("dir %03o, want 0700 (umask %03o)", got, c.umask)
				}
			}
			if b, _ := os.ReadFile(path); string(b) != "secret" {
				t.Errorf("content %q", b)
			}
		})
	}
}
