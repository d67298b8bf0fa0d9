package report

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

// Russian number formatting (what Intl.NumberFormat("ru-RU") prints): digits
// grouped by three with a no-break space, a decimal comma, "₽" after a no-break space.
const nbsp = "\u00a0"

// fmtInt formats n as 1 234 567.
func fmtInt(n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	if neg {
		b.WriteString("−")
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(nbsp)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// fmtNum formats x with d decimals and a decimal comma: 1 234,5.
func fmtNum(x float64, d int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	if d == 0 {
		return fmtInt(int64(math.Round(x)))
	}
	p := math.Pow(10, float64(d))
	r := math.Round(math.Abs(x) * p)
	ip := int64(r / p)
	frac := int64(r) - ip*int64(p)
	s := fmtInt(ip) + "," + leftPad(strconv.FormatInt(frac, 10), d)
	if x < 0 && r != 0 {
		s = "−" + s
	}
	return s
}

func leftPad(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}

// fmtRub formats roubles rounded to the rouble: 150 000 ₽.
func fmtRub(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	return fmtInt(int64(math.Round(x))) + nbsp + "₽"
}

// fmtK formats an axis tick in thousands: 150 тыс.
func fmtK(x float64) string {
	if x == 0 {
		return "0"
	}
	if x >= 1_000_000 {
		return fmtNum(x/1_000_000, decimals(x/1_000_000)) + nbsp + "млн"
	}
	return fmtNum(x/1000, decimals(x/1000)) + nbsp + "тыс."
}

func decimals(x float64) int {
	if x == math.Trunc(x) {
		return 0
	}
	return 1
}

// fmtPct formats a share (0..1) as 12,5 %.
func fmtPct(x float64) string {
	return fmtNum(x*100, 1) + nbsp + "%"
}

// fmtSignedPct formats a change as +12,5 % or −3,0 %.
func fmtSignedPct(x float64) string {
	s := fmtPct(x)
	if x > 0 {
		return "+" + s
	}
	return s
}

func fmtDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(analytics.MSK).Format("02.01.2006")
}

func fmtDateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(analytics.MSK).Format("02.01.2006 15:04") + " МСК"
}

// plural picks the Russian plural form for n: one (1, 21), few (2–4, 22–24), many.
func plural(n int, one, few, many string) string {
	n %= 100
	if n >= 11 && n <= 14 {
		return many
	}
	switch n % 10 {
	case 1:
		return one
	case 2, 3, 4:
		return few
	}
	return many
}

// short truncates s to n runes with an ellipsis.
func short(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	if r[0] == []rune(fsi)[0] { // keep a display label's isolate closed
		return string(r[:n-1]) + "…" + pdi
	}
	return string(r[:n-1]) + "…"
}
