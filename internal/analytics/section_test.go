package analytics

import (
	"context"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
)

// handMarket is a few vacancies whose salary figures are computed by hand in
// the tests below: Moscow (region 1) and Balashikha (city 2020 of region 2019).
func handMarket(t *testing.T) *fakeStore {
	t.Helper()
	pub := time.Date(2025, 6, 2, 10, 0, 0, 0, MSK)
	n := 0
	mk := func(area, exp string, monthly int64, mode string) store.Vacancy {
		n++
		return store.Vacancy{ID: string(rune('a'+n/26)) + string(rune('a'+n%26)), Name: "HR", AreaID: area, ExperienceID: exp,
			SalaryFrom: i64(monthly), SalaryCurrency: "RUR", SalaryGross: bp(true), SalaryMode: mode,
			PublishedAt: pub, FirstSeenAt: pub, LastSeenAt: pub}
	}
	f := &fakeStore{areas: []store.Area{{ID: "113", Name: "Россия"}, {ID: "1", ParentID: "113", Name: "Москва"},
		{ID: "2019", ParentID: "113", Name: "Московская область"}, {ID: "2020", ParentID: "2019", Name: "Балашиха"}}}
	// Twelve salaries in thousands: Moscow, 1–3 years: 40 45 52 58 60 61 75;
	// Moscow, 3–6 years: 80 99 100 120; Balashikha, 1–3 years: 130.
	for _, k := range []int64{40, 45, 52, 58, 60, 61, 75} {
		f.vs = append(f.vs, mk("1", "between1And3", k*1000, "MONTH"))
	}
	for _, k := range []int64{80, 99, 100, 120} {
		f.vs = append(f.vs, mk("1", "between3And6", k*1000, "MONTH"))
	}
	f.vs = append(f.vs,
		mk("2020", "between1And3", 130_000, "MONTH"),
		mk("1", "between3And6", 1_000_000, "MONTH"),        // beyond Q3 + 3·IQR of the thirteen: an IQR outlier
		mk("1", "between3And6", 5_000, "MONTH"),            // below 10 000 ₽: an absolute outlier
		mk("1", "between3And6", 200_000, "FLY_IN_FLY_OUT"), // no monthly equivalent: excluded
		store.Vacancy{ID: "nosalary", AreaID: "1", ExperienceID: "noExperience", PublishedAt: pub, FirstSeenAt: pub, LastSeenAt: pub},
	)
	return f
}

func TestSalaryHistogram(t *testing.T) {
	f := handMarket(t)
	res, err := Compute(context.Background(), f, Config{Now: time.Date(2025, 7, 1, 0, 0, 0, 0, MSK), Small: Thresholds{MinNMedian: 1, MinNQuartiles: 10}})
	if err != nil {
		t.Fatal(err)
	}
	h := res.SalaryHistogram
	// Thirteen usable salaries: Q1 = x₃ = 58 000, Q3 = x₉ = 100 000 (type 7,
	// 0-based), upper fence 100 000 + 3·42 000 = 226 000 drops 1 000 000.
	// The twelve kept: Q1 = 52 + 0.75·6 = 56.5, Q3 = 99 + 0.25·1 = 99.25
	// thousand; 2·42 750 / ∛12 = 37 346 → rounded up to 50 000.
	// Bins [0; 50), [50; 100), [100; 150) thousand: 40 45 | 52 58 60 61 75 80 99 | 100 120 130.
	want := []Bin{{0, 50_000, 2}, {50_000, 100_000, 7}, {100_000, 150_000, 3}}
	if h == nil || h.N != 12 || h.Width != 50_000 || h.OutliersAbs != 1 || h.OutliersIQR != 1 || h.Excluded != 1 || h.Withheld {
		t.Fatalf("histogram %+v", h)
	}
	if len(h.Bins) != len(want) {
		t.Fatalf("bins %+v, want %+v", h.Bins, want)
	}
	for i := range want {
		if h.Bins[i] != want[i] {
			t.Errorf("bin %d = %+v, want %+v", i, h.Bins[i], want[i])
		}
	}
	if h.N != res.Total.Salary.N || h.OutliersIQR != res.Total.OutliersIQR {
		t.Errorf("histogram n %d / IQR outliers %d, total's %d / %d: the same sample", h.N, h.OutliersIQR, res.Total.Salary.N, res.Total.OutliersIQR)
	}

	// Under the default rule (quartiles from 30 salaries) it is withheld.
	res, err = Compute(context.Background(), f, Config{Now: time.Date(2025, 7, 1, 0, 0, 0, 0, MSK)})
	if err != nil {
		t.Fatal(err)
	}
	if h := res.SalaryHistogram; !h.Withheld || len(h.Bins) != 0 || h.N != 12 {
		t.Errorf("default rules: %+v", h)
	}
}

func TestBinWidthRule(t *testing.T) {
	for _, tt := range []struct{ x, want float64 }{
		{1000, 1000}, {1001, 2000}, {2400, 2500}, {2600, 5000}, {5001, 10_000}, {37_346, 50_000}, {120_000, 200_000},
	} {
		if got := roundUp(tt.x); got != tt.want {
			t.Errorf("roundUp(%v) = %v, want %v", tt.x, got, tt.want)
		}
	}
	// IQR 0 → the minimum width 1 000; 10 000 … 200 000 would take 191 bins,
	// 2 000 → 96, 2 500 → 77, 5 000 → 39 ≤ MaxBins.
	xs := []float64{10_000}
	for range 20 {
		xs = append(xs, 100_000)
	}
	xs = append(xs, 200_000)
	if got := binWidth(xs); got != 5000 {
		t.Errorf("binWidth = %v, want 5000", got)
	}
	bins := binCounts(xs, 5000)
	if len(bins) != 39 || bins[0].From != 10_000 || bins[0].Count != 1 || bins[18].From != 100_000 || bins[18].Count != 20 || bins[38].Count != 1 {
		t.Errorf("bins %+v", bins)
	}
}

func TestRegionExperience(t *testing.T) {
	res, err := Compute(context.Background(), handMarket(t), Config{Now: time.Date(2025, 7, 1, 0, 0, 0, 0, MSK), Small: Thresholds{MinNMedian: 2, MinNQuartiles: 5}})
	if err != nil {
		t.Fatal(err)
	}
	g := res.RegionExperience
	if g == nil || len(g.Dims) != 2 || g.Dims[0] != DimRegion || g.Dims[1] != DimExperience {
		t.Fatalf("grouping %+v", g)
	}
	type cell struct {
		vacancies, n     int
		median           float64
		medianOK, quarts bool
	}
	want := map[[2]string]cell{
		// 40 45 52 58 60 61 75: median 58 000, n 7 ≥ 5: quartiles shown.
		{"1", "between1And3"}: {7, 7, 58_000, true, true},
		// 80 99 100 120 (1 000 000 kept: fewer than 10 salaries, no IQR
		// trim), the 5 000 outlier and the excluded one: n 5, median 100 000.
		{"1", "between3And6"}: {7, 5, 100_000, true, true},
		// One salary: below MinNMedian 2, withheld.
		{"2019", "between1And3"}: {1, 1, 0, false, false},
		{"1", "noExperience"}:    {1, 0, 0, false, false},
	}
	if len(g.Groups) != len(want) {
		t.Fatalf("%d cells, want %d: %+v", len(g.Groups), len(want), g.Groups)
	}
	for _, c := range g.Groups {
		w, ok := want[[2]string{c.Key[0], c.Key[1]}]
		if !ok {
			t.Errorf("unexpected cell %v", c.Key)
			continue
		}
		s := c.Salary
		if c.Vacancies != w.vacancies || s.N != w.n || s.HasMedian() != w.medianOK || s.HasQuartiles() != w.quarts || (w.medianOK && s.Median != w.median) {
			t.Errorf("cell %v: vacancies %d n %d median %v (shown %v, quartiles %v), want %+v", c.Key, c.Vacancies, s.N, s.Median, s.HasMedian(), s.HasQuartiles(), w)
		}
	}
	// Largest first; the two Moscow cells of 7 by label.
	if g.Groups[0].Label[0] != "Москва" || g.Groups[0].Key[1] != "between1And3" || g.Groups[1].Key[1] != "between3And6" {
		t.Errorf("order: %v, %v", g.Groups[0].Key, g.Groups[1].Key)
	}
}
