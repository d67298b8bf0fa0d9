package store

import (
	"maps"
	"reflect"
	"testing"
)

func TestParamsRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   map[string][]string
		enc  string
		out  map[string][]string
	}{
		{"nil", nil, "{}", map[string][]string{}},
		{"empty", map[string][]string{}, "{}", map[string][]string{}},
		{"values", map[string][]string{"area": {"113"}, "professional_role": {"69", "118"}},
			`{"area":["113"],"professional_role":["69","118"]}`,
			map[string][]string{"area": {"113"}, "professional_role": {"69", "118"}}},
		{"escaping", map[string][]string{"text": {`"HR" & <b>`}}, `{"text":["\"HR\" \u0026 \u003cb\u003e"]}`,
			map[string][]string{"text": {`"HR" & <b>`}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			enc, err := EncodeParams(tc.in)
			if err != nil || enc != tc.enc {
				t.Fatalf("EncodeParams = %s, %v; want %s", enc, err, tc.enc)
			}
			out, err := DecodeParams([]byte(enc))
			if err != nil || !reflect.DeepEqual(out, tc.out) {
				t.Fatalf("DecodeParams = %v, %v; want %v", out, err, tc.out)
			}
		})
	}
	if p, err := DecodeParams(nil); err != nil || p == nil || len(p) != 0 {
		t.Errorf("DecodeParams(nil) = %v, %v; want an empty map", p, err)
	}
	if _, err := DecodeParams([]byte(`{"area":"113"}`)); err == nil {
		t.Error("DecodeParams accepted a string where a list belongs")
	}
}

func TestSliceParamsRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   Slice
		enc  string
	}{
		{"no plan", Slice{Params: map[string][]string{"area": {"1"}}}, `{"area":["1"]}`},
		{"no params", Slice{Plan: SlicePlan{Why: "x"}}, `{"_why":["x"]}`},
		{"why", Slice{Params: map[string][]string{"area": {"1"}}, Plan: SlicePlan{Why: "area: found 3 > 2"}},
			`{"_why":["area: found 3 \u003e 2"],"area":["1"]}`},
		{"no area split", Slice{Params: map[string][]string{"area": {"1"}}, Plan: SlicePlan{NoAreaSplit: true}},
			`{"_no_area_split":["1"],"area":["1"]}`},
		{"both", Slice{Params: map[string][]string{"area": {"1"}}, Plan: SlicePlan{Why: "time", NoAreaSplit: true}},
			`{"_no_area_split":["1"],"_why":["time"],"area":["1"]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			params := maps.Clone(tc.in.Params)
			enc, err := EncodeSliceParams(tc.in)
			if err != nil || enc != tc.enc {
				t.Fatalf("EncodeSliceParams = %s, %v; want %s", enc, err, tc.enc)
			}
			if !reflect.DeepEqual(tc.in.Params, params) {
				t.Errorf("EncodeSliceParams changed the slice's params: %v", tc.in.Params)
			}
			p, pl, err := DecodeSliceParams([]byte(enc))
			want := tc.in.Params
			if want == nil {
				want = map[string][]string{}
			}
			if err != nil || !reflect.DeepEqual(p, want) || pl != tc.in.Plan {
				t.Fatalf("DecodeSliceParams = %v %+v, %v; want %v %+v", p, pl, err, want, tc.in.Plan)
			}
		})
	}
	// An old row may hold an empty marker list; the key's presence is what counted.
	if p, pl, err := DecodeSliceParams([]byte(`{"_no_area_split":[],"_why":[],"area":["1"]}`)); err != nil ||
		len(p) != 1 || pl != (SlicePlan{NoAreaSplit: true}) {
		t.Errorf("empty markers: %v %+v %v", p, pl, err)
	}
	if _, _, err := DecodeSliceParams([]byte(`{"_why":"x"}`)); err == nil {
		t.Error("DecodeSliceParams accepted a string where a list belongs")
	}
}

func TestSplitList(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"69", []string{"69"}},
		{"69,117,118", []string{"69", "117", "118"}},
		{"ON_SITE,", []string{"ON_SITE", ""}},
	} {
		if got := SplitList(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("SplitList(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
