package store

import (
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
