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

// The reserved keys of a slice's stored params that hold its SlicePlan.
// hh.ru has no parameter starting with "_".
const (
	planWhyKey         = "_why"
	planNoAreaSplitKey = "_no_area_split"
)

// StoredParams is a slice's params with its plan under the reserved keys:
// the params column's content (and what status shows as the slice's params).
func (s Slice) StoredParams() map[string][]string {
	if s.Plan == (SlicePlan{}) {
		return s.Params
	}
	p := make(map[string][]string, len(s.Params)+2)
	for k, v := range s.Params {
		p[k] = v
	}
	if s.Plan.Why != "" {
		p[planWhyKey] = []string{s.Plan.Why}
	}
	if s.Plan.NoAreaSplit {
		p[planNoAreaSplitKey] = []string{"1"}
	}
	return p
}

// EncodeSliceParams is the stored JSON form of a slice's params and plan:
// EncodeParams of StoredParams, byte for byte what versions that kept the
// plan inside the params wrote.
func EncodeSliceParams(s Slice) (string, error) { return EncodeParams(s.StoredParams()) }

// DecodeSliceParams reads EncodeSliceParams' form (also a row written by an
// older version) back into params without the reserved keys, and the plan.
func DecodeSliceParams(b []byte) (map[string][]string, SlicePlan, error) {
	p, err := DecodeParams(b)
	if err != nil {
		return nil, SlicePlan{}, err
	}
	var pl SlicePlan
	if v, ok := p[planWhyKey]; ok {
		if len(v) > 0 {
			pl.Why = v[0]
		}
		delete(p, planWhyKey)
	}
	if _, ok := p[planNoAreaSplitKey]; ok {
		pl.NoAreaSplit = true
		delete(p, planNoAreaSplitKey)
	}
	return p, pl, nil
}

// SplitList splits a comma-joined id list column ("" is none): the ids the
// engines store this way (roles, work formats) never contain a comma.
func SplitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
