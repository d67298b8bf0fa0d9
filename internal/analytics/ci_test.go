package analytics

import (
	"encoding/json"
	"strings"
	"testing"
)

// Ranks checked against the binomial table by hand: P(B ≤ k) for B ~ Bin(n, ½).
func TestMedianCIRanks(t *testing.T) {
	for _, c := range []struct {
		n, l, u int
		ok      bool
		why     string
	}{
		{n: 0},
		{n: 5, why: "P(B ≤ 0) = 1/32 = 0.031 > 0.025: no 95 % interval"},
		{n: 6, l: 1, u: 6, ok: true, why: "P(B ≤ 0) = 1/64 = 0.016"},
		{n: 10, l: 2, u: 9, ok: true, why: "P(B ≤ 1) = 11/1024 = 0.011, P(B ≤ 2) = 56/1024 = 0.055"},
		{n: 20, l: 6, u: 15, ok: true, why: "P(B ≤ 5) = 0.0207, P(B ≤ 6) = 0.0577"},
		{n: 100, l: 40, u: 61, ok: true, why: "P(B ≤ 39) = 0.0176, P(B ≤ 40) = 0.0284"},
	} {
		l, u, ok := MedianCIRanks(c.n, 0.95)
		if l != c.l || u != c.u || ok != c.ok {
			t.Errorf("n = %d: (%d, %d, %v), want (%d, %d, %v): %s", c.n, l, u, ok, c.l, c.u, c.ok, c.why)
		}
	}
	// Large n: the exact rank is within one of the normal approximation n/2 − 0.98·√n.
	l, u, ok := MedianCIRanks(1_000_000, 0.95)
	if !ok || l < 499_018 || l > 499_021 || u != 1_000_000-l+1 {
		t.Errorf("n = 1e6: (%d, %d, %v)", l, u, ok)
	}
	if p := binomHalfCDF(10, 2); !near(p, 56.0/1024) {
		t.Errorf("P(Bin(10, ½) ≤ 2) = %v, want 56/1024", p)
	}
}

// TestMedianCIRanksRemembered: the remembered ranks are the computed ones,
// on the first call and on the next, whatever the level.
func TestMedianCIRanksRemembered(t *testing.T) {
	for _, conf := range []float64{0.95, 0.99, 0.5} {
		for _, n := range []int{1, 5, 6, 7, 10, 31, 100, 999, 12_345} {
			want := medianCILower(n, conf)
			for call := range 2 {
				l, u, ok := MedianCIRanks(n, conf)
				if l != want || ok != (want > 0) || (ok && u != n-want+1) {
					t.Errorf("conf %v, n %d, call %d: (%d, %d, %v), want lower rank %d", conf, n, call, l, u, ok, want)
				}
			}
		}
	}
}

func TestSummaryCIAndWithholding(t *testing.T) {
	seq := func(n int) []float64 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64((n - i) * 1000) // descending: Summarise sorts
		}
		return xs
	}
	for _, c := range []struct {
		name string
		n    int
		want string // the JSON salary object
	}{
		{"empty", 0, `{"n":0,"mean":null,"min":null,"p10":null,"p25":null,"median":null,"p75":null,"p90":null,"max":null,"median_ci95":null,"withheld":null}`},
		{"n = 4: nothing shown", 4, `{"n":4,"mean":null,"min":null,"p10":null,"p25":null,"median":null,"p75":null,"p90":null,"max":null,"median_ci95":null,"withheld":"min_n_median=10"}`},
		// 1 000 … 10 000: median 5 500, CI [x(2), x(9)] = [2 000, 9 000].
		{"n = 10: median, no quartiles", 10, `{"n":10,"mean":5500,"min":null,"p10":null,"p25":null,"median":5500,"p75":null,"p90":null,"max":null,"median_ci95":[2000,9000],"withheld":"min_n_quartiles=30"}`},
		// 1 000 … 30 000: median 15 500; P25 = x[7.25] = 8 250; P75 = x[21.75] = 22 750;
		// P10 = x[2.9] = 3 900 (to binary rounding). CI ranks for n = 30:
		// P(B ≤ 9) = 0.0214, P(B ≤ 10) = 0.0494 → [x(10), x(21)].
		{"n = 30: everything", 30, `{"n":30,"mean":15500,"min":1000,"p10":3900.0000000000005,"p25":8250,"median":15500,"p75":22750,"p90":27100,"max":30000,"median_ci95":[10000,21000],"withheld":null}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := Summarise(seq(c.n))
			s.Withhold(Thresholds{})
			b, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != c.want {
				t.Errorf("got  %s\nwant %s", b, c.want)
			}
		})
	}
	// The thresholds are settings.
	s := Summarise(seq(4))
	s.Withhold(Thresholds{MinNMedian: 3, MinNQuartiles: 4})
	if !s.HasMedian() || !s.HasQuartiles() || s.Median != 2500 || s.Withheld != "" {
		t.Errorf("lowered thresholds: %+v", s)
	}
}

func TestEmployerRankingByCILowerBound(t *testing.T) {
	g := func(key string, xs []float64) GroupStats {
		s := Summarise(xs)
		s.Withhold(Thresholds{})
		return GroupStats{Key: []string{key}, Label: []string{key}, Salary: s}
	}
	many := func(n int, lo, step float64) []float64 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = lo + float64(i)*step
		}
		return xs
	}
	// "lucky": 5 salaries of 500 000 — highest median, too small a base.
	// "wide": n = 20, median 245 000 but CI from x(6) = 150 000.
	// "tight": n = 40, median 200 000, CI from x(14) = 193 500 (P(B ≤ 13) = 0.019, P(B ≤ 14) = 0.040).
	gs := []GroupStats{
		g("lucky", many(5, 500000, 0)),
		g("wide", many(20, 100000, 10000)),
		g("tight", many(40, 180500, 1000)),
		g("", many(40, 900000, 0)), // anonymous: never ranked
	}
	got := rankByPay(gs, DefaultMinNRank)
	var keys []string
	for _, x := range got {
		keys = append(keys, x.Key[0])
	}
	if strings.Join(keys, ",") != "tight,wide" {
		t.Errorf("ranking %v, want tight,wide", keys)
	}
	if got[0].Salary.CI95[0] != 193500 || got[1].Salary.CI95[0] != 150000 {
		t.Errorf("lower bounds %v %v", got[0].Salary.CI95, got[1].Salary.CI95)
	}
}

func TestSharesOfNothingAreNull(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{GroupStats{}, `"disclosure_share":null`},
		{GroupStats{Vacancies: 4, Disclosed: 1, DisclosureShare: 0.25}, `"disclosure_share":0.25`},
		{GroupStats{Vacancies: 4}, `"disclosure_share":0}`},
		{SalaryMix{}, `"disclosure_share":null`},
		{Period{Published: 3}, `"remote_share":null,"hybrid_share":null`},
		{SkillStat{Key: "excel"}, `"premium":null`},
		{SkillStat{Key: "excel", Premium: 0.05, PremiumBase: 40}, `"premium":0.05`},
		{Period{Published: 3, WorkFormatBase: 2, Remote: 1, RemoteShare: 0.5}, `"remote_share":0.5,"hybrid_share":0}`},
	} {
		b, err := json.Marshal(c.v)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), c.want) || strings.Count(string(b), `"disclosure_share"`) > 1 {
			t.Errorf("%T %s: want %s", c.v, b, c.want)
		}
	}
}
