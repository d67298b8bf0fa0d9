package harvest

import (
	"slices"
	"testing"
)

func TestPack(t *testing.T) {
	tests := []struct {
		name   string
		vals   []valueCount
		target int
		want   [][]string
	}{
		{"empty", nil, 100, nil},
		{"all fit in one", []valueCount{{"a", 10}, {"b", 20}, {"c", 30}}, 100, [][]string{{"c", "b", "a"}}},
		{"first fit largest first", []valueCount{{"a", 60}, {"b", 50}, {"c", 40}, {"d", 30}}, 100,
			[][]string{{"a", "c"}, {"b", "d"}}},
		{"over target alone", []valueCount{{"big", 500}, {"a", 10}, {"b", 20}}, 100,
			[][]string{{"big"}, {"b", "a"}}},
		{"exactly target", []valueCount{{"a", 100}, {"b", 1}}, 100, [][]string{{"a"}, {"b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got [][]string
			for _, bin := range pack(tt.vals, tt.target) {
				var vs []string
				sum := 0
				for _, v := range bin {
					vs = append(vs, v.v)
					sum += v.n
				}
				if len(bin) > 1 && sum > tt.target {
					t.Errorf("bin %v holds %d > %d", vs, sum, tt.target)
				}
				got = append(got, vs)
			}
			if !slices.EqualFunc(got, tt.want, slices.Equal) {
				t.Errorf("pack = %v, want %v", got, tt.want)
			}
		})
	}
}
