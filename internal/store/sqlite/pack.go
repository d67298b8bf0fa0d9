package sqlite

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
)

// The packed columns of vacancies (roles, key_skills and the generated core)
// are JSON arrays, readable from SQL with json_each. A walk decodes two or
// three of them per vacancy, so the compact forms that hhjobs and SQLite
// write are sliced out without encoding/json; anything else (escapes,
// spacing) goes through encoding/json, which has the last word.

// encodeJSON renders v compactly, without HTML escaping.
func encodeJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // strings and IDName always encode
	return strings.TrimSuffix(b.String(), "\n")
}

// encodeList renders key skills; nil and empty both give "[]".
func encodeList(xs []string) string {
	if len(xs) == 0 {
		return "[]"
	}
	return encodeJSON(xs)
}

// encodeRoles renders roles as [{"id":…,"name":…}], the API's own shape.
func encodeRoles(rs []store.IDName) string {
	if len(rs) == 0 {
		return "[]"
	}
	return encodeJSON(rs)
}

// flatInside returns the inside of a JSON array, if s is one.
func flatInside(s string) (string, bool) {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return "", false
	}
	return s[1 : len(s)-1], true
}

// flatNext cuts the first element off rest, the inside of a flat JSON array
// in compact form: a string without its quotes (str true), another value as
// it is. ok is false when rest is not in that form or the string has an
// escape: the caller then decodes the whole array with encoding/json.
func flatNext(rest string) (tok string, str bool, tail string, ok bool) {
	if rest == "" {
		return "", false, "", false
	}
	if str = rest[0] == '"'; str {
		end := strings.IndexByte(rest[1:], '"')
		if end < 0 {
			return "", false, "", false
		}
		tok, tail = rest[1:1+end], rest[end+2:]
		if strings.IndexByte(tok, '\\') >= 0 {
			return "", false, "", false
		}
	} else {
		end := 0
		for ; end < len(rest) && rest[end] != ','; end++ {
			switch rest[end] {
			case '[', ']', '{', '}', '"', ' ', '\t', '\r', '\n':
				return "", false, "", false
			}
		}
		if end == 0 {
			return "", false, "", false
		}
		tok, tail = rest[:end], rest[end:]
	}
	if tail != "" {
		if tail[0] != ',' || len(tail) == 1 {
			return "", false, "", false
		}
		tail = tail[1:]
	}
	return tok, str, tail, true
}

// decodeList parses key skills; "[]" gives an empty, non-nil slice.
func decodeList(s string) ([]string, error) {
	in, ok := flatInside(s)
	out := make([]string, 0, strings.Count(in, `","`)+1)
	for ok && in != "" {
		var tok string
		var str bool
		tok, str, in, ok = flatNext(in)
		ok = ok && str
		out = append(out, tok)
	}
	if ok {
		return out, nil
	}
	out = nil
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("%.60q: %w", s, err)
	}
	if out == nil {
		return nil, fmt.Errorf("%.60q: not a list", s)
	}
	return out, nil
}

// decodeRoles parses roles; none gives nil.
func decodeRoles(s string) ([]store.IDName, error) {
	if s == "[]" {
		return nil, nil
	}
	if out, ok := fastRoles(s); ok {
		return out, nil
	}
	var out []store.IDName
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("%.60q: %w", s, err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func fastRoles(s string) ([]store.IDName, bool) {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' || strings.IndexByte(s, '\\') >= 0 {
		return nil, false
	}
	rest := s[1 : len(s)-1]
	out := make([]store.IDName, 0, strings.Count(rest, "},{")+1)
	for {
		var r store.IDName
		var ok bool
		if rest, ok = strings.CutPrefix(rest, `{"id":"`); !ok {
			return nil, false
		}
		i := strings.IndexByte(rest, '"')
		if i < 0 {
			return nil, false
		}
		r.ID = rest[:i]
		if rest, ok = strings.CutPrefix(rest[i+1:], `,"name":"`); !ok {
			return nil, false
		}
		if i = strings.IndexByte(rest, '"'); i < 0 {
			return nil, false
		}
		r.Name = rest[:i]
		if rest, ok = strings.CutPrefix(rest[i+1:], "}"); !ok {
			return nil, false
		}
		out = append(out, r)
		if rest == "" {
			return out, true
		}
		if rest, ok = strings.CutPrefix(rest, ","); !ok {
			return nil, false
		}
	}
}

// salaryBox holds the pointed-to values of one vacancy's salary and
// closing time, so that decoding them allocates once, not four times.
type salaryBox struct {
	from, to int64
	gross    bool
	closed   time.Time
}

// coreLen is the length of the generated core column: [published_at,
// first_seen_at, closed_at, salary_from, salary_to, salary_currency,
// salary_gross, salary_mode, salary_frequency].
const coreLen = 9

// decodeCore parses the generated core column into v: the publication,
// first-seen and closing times and the salary.
func decodeCore(s string, v *store.Vacancy) error {
	if fastCore(s, v) {
		return nil
	}
	return slowCore(s, v)
}

// slowCore is decodeCore for any JSON spelling of the array.
func slowCore(s string, v *store.Vacancy) error {
	var el [coreLen]string
	var isStr [coreLen]bool
	n := 0
	in, ok := flatInside(s)
	for ok && in != "" {
		if n == len(el) {
			ok = false
			break
		}
		el[n], isStr[n], in, ok = flatNext(in)
		n++
	}
	if !ok || n != len(el) {
		var raw []json.RawMessage
		if err := json.Unmarshal([]byte(s), &raw); err != nil || len(raw) != len(el) {
			return fmt.Errorf("%.80q: want an array of %d values (%v)", s, len(el), err)
		}
		for i, r := range raw {
			var x string
			if string(r) == "null" {
				el[i], isStr[i] = "null", false
			} else if err := json.Unmarshal(r, &x); err == nil {
				el[i], isStr[i] = x, true
			} else {
				el[i], isStr[i] = string(r), false
			}
		}
	}
	// Integers: the three times, salary_from, salary_to, salary_gross.
	var vals [coreLen]int64
	var has [coreLen]bool
	for _, i := range [...]int{0, 1, 2, 3, 4, 6} {
		if !isStr[i] && el[i] == "null" {
			continue
		}
		x, err := strconv.ParseInt(el[i], 10, 64)
		if err != nil || isStr[i] {
			return fmt.Errorf("%.80q: element %d is not an integer", s, i)
		}
		vals[i], has[i] = x, true
	}
	if !has[0] || !has[1] {
		return fmt.Errorf("%.80q: no publication or first-seen time", s)
	}
	for _, i := range [...]int{5, 7, 8} {
		if !isStr[i] {
			el[i] = "" // null
		}
	}
	setCore(v, &vals, &has, &el)
	return nil
}

// setCore stores the decoded core values in v: integers in n (where has),
// strings in strs.
func setCore(v *store.Vacancy, n *[coreLen]int64, has *[coreLen]bool, strs *[coreLen]string) {
	v.PublishedAt, v.FirstSeenAt = fromMS(n[0]), fromMS(n[1])
	v.ClosedAt, v.SalaryFrom, v.SalaryTo, v.SalaryGross = nil, nil, nil, nil
	if has[2] || has[3] || has[4] || has[6] {
		box := &salaryBox{from: n[3], to: n[4], gross: n[6] != 0, closed: fromMS(n[2])}
		if has[2] {
			v.ClosedAt = &box.closed
		}
		if has[3] {
			v.SalaryFrom = &box.from
		}
		if has[4] {
			v.SalaryTo = &box.to
		}
		if has[6] {
			v.SalaryGross = &box.gross
		}
	}
	v.SalaryCurrency, v.SalaryMode, v.SalaryFrequency = strs[5], strs[7], strs[8]
}

// cursor reads the compact core array that SQLite's json_array writes.
type cursor struct {
	s string
	i int
}

func (c *cursor) byte(b byte) bool {
	if c.i < len(c.s) && c.s[c.i] == b {
		c.i++
		return true
	}
	return false
}

func (c *cursor) null() bool {
	if strings.HasPrefix(c.s[c.i:], "null") {
		c.i += 4
		return true
	}
	return false
}

// int reads an integer or null (has false).
func (c *cursor) int() (n int64, has, ok bool) {
	if c.null() {
		return 0, false, true
	}
	neg := c.byte('-')
	start := c.i
	for c.i < len(c.s) && c.s[c.i] >= '0' && c.s[c.i] <= '9' {
		if c.i-start == 18 {
			return 0, false, false // may overflow: leave it to the slow path
		}
		n = n*10 + int64(c.s[c.i]-'0')
		c.i++
	}
	if c.i == start {
		return 0, false, false
	}
	if neg {
		n = -n
	}
	return n, true, true
}

// str reads a string without escapes, or null ("").
func (c *cursor) str() (string, bool) {
	if c.null() {
		return "", true
	}
	if !c.byte('"') {
		return "", false
	}
	end := strings.IndexByte(c.s[c.i:], '"')
	if end < 0 {
		return "", false
	}
	x := c.s[c.i : c.i+end]
	if strings.IndexByte(x, '\\') >= 0 {
		return "", false
	}
	c.i += end + 1
	return x, true
}

// fastCore decodes the compact form of the core column in one pass; false
// sends anything else to decodeCore's general path.
func fastCore(s string, v *store.Vacancy) bool {
	c := cursor{s: s}
	var n [coreLen]int64
	var has [coreLen]bool
	var strs [coreLen]string
	if !c.byte('[') {
		return false
	}
	for i := range coreLen {
		if i > 0 && !c.byte(',') {
			return false
		}
		var ok bool
		switch i {
		case 5, 7, 8:
			strs[i], ok = c.str()
		default:
			n[i], has[i], ok = c.int()
		}
		if !ok {
			return false
		}
	}
	if !c.byte(']') || c.i != len(s) || !has[0] || !has[1] {
		return false
	}
	setCore(v, &n, &has, &strs)
	return true
}
