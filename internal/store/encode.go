package store

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Column encodings every engine shares, so that a database written by one
// engine's rules reads the same in the other (and a saved query keeps its
// JSON form across engines).

// EncodeParams is the stored JSON form of a query's parameters; nil is "{}".
func EncodeParams(p map[string][]string) (string, error) {
	if p == nil {
		return "{}", nil
	}
	b, err := json.Marshal(p)
	if err != nil {
		return "", fmt.Errorf("encode params: %w", err)
	}
	return string(b), nil
}

// DecodeParams reads EncodeParams' form back; empty is an empty map.
func DecodeParams(b []byte) (map[string][]string, error) {
	p := map[string][]string{}
	if len(b) == 0 {
		return p, nil
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("decode params: %w", err)
	}
	return p, nil
}

// SplitList splits a comma-joined id list column ("" is none): the ids the
// engines store this way (roles, work formats) never contain a comma.
func SplitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
