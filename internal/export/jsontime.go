package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
)

// hhTime matches hh.ru's timestamps: 2025-06-10T12:00:00+0300 (no colon in the offset).
var hhTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{4}$`)

// FixTime rewrites an hh.ru timestamp to RFC 3339 (colon in the offset);
// any other string is returned unchanged.
func FixTime(s string) string {
	if len(s) < 24 || !hhTime.MatchString(s) {
		return s
	}
	return s[:len(s)-2] + ":" + s[len(s)-2:]
}

type frame struct {
	obj bool
	n   int  // members written
	key bool // in an object: the next token is a key
}

// RewriteJSON re-encodes the JSON object raw compactly, in its own key order,
// with every string value that is an hh.ru timestamp rewritten by FixTime
// (at any depth), and with extra set in the top-level object: a member of
// the same name takes the extra value in its place, the others are appended
// as the last members. Numbers keep their text. extra is a list of key,
// value pairs.
func RewriteJSON(raw []byte, extra ...any) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out bytes.Buffer
	var stack []frame
	started := false
	set := map[string]int{} // extra key → its index in extra, until written
	for i := 0; i+1 < len(extra); i += 2 {
		if k, ok := extra[i].(string); ok {
			set[k] = i
		}
	}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if !started {
			if d, ok := tok.(json.Delim); !ok || d != '{' {
				return nil, fmt.Errorf("not a JSON object")
			}
			started = true
		}
		closing := tok == json.Delim('}') || tok == json.Delim(']')
		isKey := false
		if len(stack) > 0 && !closing {
			top := &stack[len(stack)-1]
			switch {
			case top.obj && top.key:
				isKey = true
				if top.n > 0 {
					out.WriteByte(',')
				}
			case top.obj:
				out.WriteByte(':')
			case top.n > 0:
				out.WriteByte(',')
			}
		}
		complete := true
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				out.WriteByte(byte(t))
				stack = append(stack, frame{obj: t == '{', key: t == '{'})
				complete = false
			case '}':
				if len(stack) == 1 {
					n := stack[0].n
					for i := 0; i+1 < len(extra); i += 2 {
						if k, ok := extra[i].(string); ok {
							if _, pending := set[k]; !pending {
								continue // written in place
							}
						}
						if n > 0 {
							out.WriteByte(',')
						}
						n++
						if err := encode(&out, extra[i]); err != nil {
							return nil, err
						}
						out.WriteByte(':')
						if err := encode(&out, extra[i+1]); err != nil {
							return nil, err
						}
					}
				}
				out.WriteByte('}')
				stack = stack[:len(stack)-1]
			case ']':
				out.WriteByte(']')
				stack = stack[:len(stack)-1]
			}
		case string:
			if isKey {
				if err := encode(&out, t); err != nil {
					return nil, err
				}
				i, ok := set[t]
				if !ok || len(stack) != 1 {
					stack[len(stack)-1].key = false
					continue
				}
				// A member extra sets: its value in place of the API's.
				delete(set, t)
				out.WriteByte(':')
				if err := encode(&out, extra[i+1]); err != nil {
					return nil, err
				}
				if err := skipValue(dec); err != nil {
					return nil, err
				}
				stack[0].n++
				continue
			}
			if err := encode(&out, FixTime(t)); err != nil {
				return nil, err
			}
		case json.Number:
			out.WriteString(t.String())
		case bool:
			if t {
				out.WriteString("true")
			} else {
				out.WriteString("false")
			}
		case nil:
			out.WriteString("null")
		}
		if complete && len(stack) > 0 {
			top := &stack[len(stack)-1]
			top.n++
			if top.obj {
				top.key = true
			}
		}
	}
	if len(stack) != 0 || !started {
		return nil, fmt.Errorf("truncated JSON")
	}
	return out.Bytes(), nil
}

// skipValue reads one JSON value (a scalar, or an object or array whole).
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return fmt.Errorf("truncated JSON")
			}
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// encode writes v as JSON without HTML escaping (hh's own text stays byte-for-byte readable).
func encode(buf *bytes.Buffer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Write(bytes.TrimRight(b.Bytes(), "\n"))
	return nil
}
