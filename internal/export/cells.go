package export

import (
	"encoding/csv"
	"io"
	"strings"
)

// CSVOptions select how CSV cells are written (docs/export.md, "Spreadsheets").
type CSVOptions struct {
	// Excel writes for a double-click in Russian-locale Excel: a UTF-8 byte
	// order mark, ';' between cells and a decimal comma in numbers.
	Excel bool
	// RawText turns formula neutralisation off, for pipelines that want
	// every text cell exactly as hh.ru sent it.
	RawText bool
}

// Kind says how a cell is written: text is neutralised, a number is not
// (it is written by us from a Go number, so it cannot hold a formula).
type Kind uint8

// Cell kinds.
const (
	Text Kind = iota
	Number
)

// formulaStart are the first characters OWASP lists as starting a formula
// (or DDE payload) in Excel, LibreOffice Calc and Google Sheets.
const formulaStart = "=+-@\t\r"

// Neutralise prefixes s with a single quote when a spreadsheet would read it
// as a formula (OWASP "CSV Injection"): the cell then shows as text.
func Neutralise(s string) string {
	if s != "" && strings.IndexByte(formulaStart, s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// CSVWriter is the one cell-writing path of every CSV hhjobs writes: exports
// and the CSV of `stats`. Text cells are neutralised unless RawText; in
// Excel mode numbers get a decimal comma.
type CSVWriter struct {
	w    io.Writer
	cw   *csv.Writer
	o    CSVOptions
	bom  bool // the BOM is still to be written
	cell []string
}

// NewCSVWriter returns a CSVWriter on w.
func NewCSVWriter(w io.Writer, o CSVOptions) *CSVWriter {
	cw := csv.NewWriter(w)
	if o.Excel {
		cw.Comma = ';'
		// Excel on Windows expects CRLF; every reader accepts it.
		cw.UseCRLF = true
	}
	return &CSVWriter{w: w, cw: cw, o: o, bom: o.Excel}
}

// Write writes one record; kinds[i] is the kind of rec[i] (missing = Text).
// rec is not modified.
func (c *CSVWriter) Write(rec []string, kinds []Kind) error {
	if c.bom {
		c.bom = false
		if _, err := io.WriteString(c.w, "\uFEFF"); err != nil {
			return err
		}
	}
	c.cell = append(c.cell[:0], rec...)
	for i, s := range c.cell {
		k := Text
		if i < len(kinds) {
			k = kinds[i]
		}
		switch {
		case k == Number && c.o.Excel:
			c.cell[i] = strings.Replace(s, ".", ",", 1)
		case k == Text && !c.o.RawText:
			c.cell[i] = Neutralise(s)
		}
	}
	return c.cw.Write(c.cell)
}

// Flush writes any buffered data and returns the first error.
func (c *CSVWriter) Flush() error {
	c.cw.Flush()
	return c.cw.Error()
}

// Kinds returns n kinds, Number at the given indices and Text elsewhere.
func Kinds(n int, numbers ...int) []Kind {
	k := make([]Kind, n)
	for _, i := range numbers {
		k[i] = Number
	}
	return k
}
