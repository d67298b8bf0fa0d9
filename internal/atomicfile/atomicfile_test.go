package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	boom := errors.New("interrupted")
	for _, c := range []struct {
		name    string
		old     string // "" = no old file
		sub     string // path below the temp dir
		fn      func(io.Writer) error
		want    string // content afterwards ("" = file absent)
		wantErr string // substring; "" = success
	}{
		{"new", "", "out.csv", writeStr("new"), "new", ""},
		{"replace", "old", "out.csv", writeStr("new"), "new", ""},
		{"fn fails: old kept", "old", "out.csv", func(w io.Writer) error { io.WriteString(w, "half"); return boom }, "old", "interrupted"},
		{"fn fails: nothing created", "", "out.csv", func(w io.Writer) error { return boom }, "", "interrupted"},
		{"missing dir", "", filepath.Join("no", "such", "x.csv"), writeStr("x"), "", "cannot write "},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, c.sub)
			if c.old != "" {
				if err := os.WriteFile(path, []byte(c.old), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err := Write(path, c.fn)
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatal(err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Fatalf("err = %v, want %q", err, c.wantErr)
			case err != nil && strings.Contains(err.Error(), ".tmp-"):
				t.Errorf("error names the temporary file: %v", err)
			}
			b, rerr := os.ReadFile(path)
			if c.want == "" && rerr == nil || c.want != "" && string(b) != c.want {
				t.Errorf("content %q (%v), want %q", b, rerr, c.want)
			}
			ents, _ := os.ReadDir(dir)
			for _, e := range ents {
				if strings.Contains(e.Name(), ".tmp-") {
					t.Errorf("temporary file left: %s", e.Name())
				}
			}
		})
	}
	if err := Write(filepath.Join(t.TempDir(), "x"), func(io.Writer) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("fn's error not returned as is: %v", err)
	}
}

func writeStr(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}
