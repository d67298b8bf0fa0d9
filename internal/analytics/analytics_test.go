package analytics

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
)

func i64(v int64) *int64 { return &v }
func bp(v bool) *bool    { return &v }

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6*math.Max(1, math.Abs(b)) }

func testRates() *Rates {
	return NewRates([]store.CurrencyRate{
		{Date: day("2025-06-01"), Code: "RUR", Rate: 1},
		{Date: day("2025-06-01"), Code: "USD", Rate: 0.0125}, // 80 ₽
		{Date: day("2025-06-10"), Code: "USD", Rate: 0.0100}, // 100 ₽
	})
}

func TestNormalise(t *testing.T) {
	seen := time.Date(2025, 6, 5, 12, 0, 0, 0, time.UTC)
	base := func(mut func(*store.Vacancy)) store.Vacancy {
		v := store.Vacancy{ID: "1", SalaryCurrency: "RUR", SalaryMode: "MONTH", SalaryGross: bp(true), FirstSeenAt: seen}
		mut(&v)
		return v
	}
	tests := []struct {
		name    string
		v       store.Vacancy
		net     bool
		ok      bool
		monthly float64
		fork    Fork
		flags   Flag
	}{
		{"no salary", base(func(v *store.Vacancy) {}), false, false, 0, ForkNone, FlagNoSalary},
		{"both: midpoint", base(func(v *store.Vacancy) { v.SalaryFrom, v.SalaryTo = i64(100000), i64(200000) }), false, true, 150000, ForkBoth, 0},
		{"from only", base(func(v *store.Vacancy) { v.SalaryFrom = i64(120000) }), false, true, 120000, ForkFrom, 0},
		{"only to, net → gross", base(func(v *store.Vacancy) { v.SalaryTo, v.SalaryGross = i64(87000), bp(false) }), false, true, 100000, ForkTo, FlagTaxConverted},
		{"only to, net kept on net basis", base(func(v *store.Vacancy) { v.SalaryTo, v.SalaryGross = i64(87000), bp(false) }), true, true, 87000, ForkTo, 0},
		{"gross → net", base(func(v *store.Vacancy) { v.SalaryFrom = i64(100000) }), true, true, 87000, ForkFrom, FlagTaxConverted},
		// Progressive NDFL of 2025 (tax_test.go): 3.6 M net a year = 2.088 M + 1.512 M at 15 %.
		{"net 300 000 → gross, 2025 scale", base(func(v *store.Vacancy) { v.SalaryFrom, v.SalaryGross = i64(300000), bp(false) }), false, true, 4_178_823.529411765 / 12, ForkFrom, FlagTaxConverted},
		{"net 300 000 → gross, 2024: flat 13 %", base(func(v *store.Vacancy) {
			v.SalaryFrom, v.SalaryGross, v.FirstSeenAt = i64(300000), bp(false), time.Date(2024, 12, 20, 12, 0, 0, 0, time.UTC)
		}), false, true, 300000 / 0.87, ForkFrom, FlagTaxConverted},
		// Foreign currency: the rouble amount is taxed on the same scale. 4 000 USD ÷ 0.0125 = 320 000 ₽ gross
		// = 3.84 M a year: 312 000 + 1.44 M × 0.15 = 528 000 tax → 276 000 ₽ a month net.
		{"USD gross → net, progressive", base(func(v *store.Vacancy) { v.SalaryFrom, v.SalaryCurrency = i64(4000), "USD" }), true, true, 276000, ForkFrom, FlagTaxConverted},
		// 10 USD/h ÷ 0.0125 = 800 ₽/h × 164.4 h = 131 520 ₽ gross.
		{"USD hourly gross", base(func(v *store.Vacancy) { v.SalaryFrom, v.SalaryCurrency, v.SalaryMode = i64(10), "USD", "HOUR" }), false, true, 131520, ForkFrom, FlagRosterAssumed | FlagFTE},
		{"USD hourly to net", base(func(v *store.Vacancy) { v.SalaryFrom, v.SalaryCurrency, v.SalaryMode = i64(10), "USD", "HOUR" }), true, true, 131520 * 0.87, ForkFrom, FlagTaxConverted | FlagRosterAssumed | FlagFTE},
		{"USD: later rate applies from its day", base(func(v *store.Vacancy) {
			v.SalaryFrom, v.SalaryCurrency, v.FirstSeenAt = i64(1000), "USD", time.Date(2025, 6, 10, 15, 0, 0, 0, time.UTC)
		}), false, true, 100000, ForkFrom, 0},
		{"USD: seen before any rate → earliest after", base(func(v *store.Vacancy) {
			v.SalaryFrom, v.SalaryCurrency, v.FirstSeenAt = i64(1000), "USD", day("2025-05-20")
		}), false, true, 80000, ForkFrom, FlagRateAfter},
		{"shift", base(func(v *store.Vacancy) { v.SalaryFrom, v.SalaryMode = i64(3000), "SHIFT" }), false, true, 3000 * 20.55, ForkFrom, FlagRosterAssumed},
		{"no mode → month", base(func(v *store.Vacancy) { v.SalaryFrom, v.SalaryMode = i64(90000), "" }), false, true, 90000, ForkFrom, FlagModeAssumed},
		{"fly-in-fly-out excluded", base(func(v *store.Vacancy) { v.SalaryFrom, v.SalaryMode = i64(200000), "FLY_IN_FLY_OUT" }), false, false, 0, ForkFrom, FlagExcludedMode},
		{"service excluded", base(func(v *store.Vacancy) { v.SalaryTo, v.SalaryMode = i64(5000), "SERVICE" }), false, false, 0, ForkTo, FlagExcludedMode},
		{"no rate", base(func(v *store.Vacancy) { v.SalaryFrom, v.SalaryCurrency = i64(1000), "EUR" }), false, false, 0, ForkFrom, FlagNoRate},
		{"gross unknown taken as is", base(func(v *store.Vacancy) { v.SalaryFrom, v.SalaryGross = i64(50000), nil }), false, true, 50000, ForkFrom, FlagTaxUnknown},
		{"outlier low flagged", base(func(v *store.Vacancy) { v.SalaryFrom = i64(5000) }), false, true, 5000, ForkFrom, FlagOutlier},
		{"outlier high flagged", base(func(v *store.Vacancy) { v.SalaryFrom = i64(6_000_000) }), false, true, 6_000_000, ForkFrom, FlagOutlier},
		{"zero from ignored", base(func(v *store.Vacancy) { v.SalaryFrom, v.SalaryTo = i64(0), i64(60000) }), false, true, 60000, ForkTo, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Normalise(tt.v, testRates(), Options{Net: tt.net})
			if got.OK != tt.ok || got.Fork != tt.fork || got.Flags != tt.flags {
				t.Fatalf("got ok=%v fork=%q flags=%b, want ok=%v fork=%q flags=%b", got.OK, got.Fork, got.Flags, tt.ok, tt.fork, tt.flags)
			}
			if tt.ok && !near(got.MonthlyRUR, tt.monthly) {
				t.Errorf("monthly = %v, want %v", got.MonthlyRUR, tt.monthly)
			}
		})
	}
}

func TestQuantileType7(t *testing.T) {
	xs := []float64{1, 2, 3, 4}
	for _, tt := range []struct{ p, want float64 }{{0, 1}, {0.25, 1.75}, {0.5, 2.5}, {0.75, 3.25}, {1, 4}, {0.1, 1.3}} {
		if got := Quantile(xs, tt.p); !near(got, tt.want) {
			t.Errorf("Quantile(%v) = %v, want %v", tt.p, got, tt.want)
		}
	}
	if got := Quantile([]float64{7}, 0.9); got != 7 {
		t.Errorf("single = %v", got)
	}
	if !math.IsNaN(Quantile(nil, 0.5)) {
		t.Error("empty should be NaN")
	}
	s := Summarise([]float64{40, 10, 30, 20, 1000})
	if s.N != 5 || s.Median != 30 || s.P25 != 20 || s.P75 != 40 || s.Mean != 220 {
		t.Errorf("Summarise = %+v", s)
	}
	if s := Summarise(nil); s.N != 0 || s.Median != 0 {
		t.Errorf("empty Summarise = %+v", s)
	}
}

func TestTrimIQR(t *testing.T) {
	xs := []float64{100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 1000}
	kept, out := TrimIQR(xs)
	// Q1 = 102.5, Q3 = 107.5, IQR = 5, fences [87.5, 122.5]: 1000 is out.
	if out != 1 || len(kept) != 10 || kept[9] != 109 {
		t.Errorf("kept %v out %d", kept, out)
	}
	small := []float64{1, 1000}
	if kept, out := TrimIQR(small); out != 0 || len(kept) != 2 {
		t.Errorf("small group trimmed: %v %d", kept, out)
	}
}

func TestKaplanMeier(t *testing.T) {
	obs := []Obs{{8, true}, {2, true}, {3, false}, {4, true}, {4, true}, {6, false}}
	km := KaplanMeier(obs)
	// t=2: 6 at risk, 1 event → 5/6; t=3 censored; t=4: 4 at risk, 2 events → 5/6·1/2 = 5/12; t=8: 1 at risk → 0.
	want := []KMPoint{{2, 5.0 / 6, 6, 1, 0, 0}, {3, 5.0 / 6, 5, 0, 1, 0}, {4, 5.0 / 12, 4, 2, 0, 0}, {6, 5.0 / 12, 2, 0, 1, 0}, {8, 0, 1, 1, 0, 0}}
	if len(km.Curve) != len(want) {
		t.Fatalf("curve %+v", km.Curve)
	}
	for i, w := range want {
		g := km.Curve[i]
		if g.T != w.T || !near(g.S, w.S) || g.AtRisk != w.AtRisk || g.Events != w.Events || g.Censored != w.Censored {
			t.Errorf("point %d = %+v, want %+v", i, g, w)
		}
	}
	if !km.MedianReached || km.Median != 4 || km.Events != 4 || km.Censored != 2 {
		t.Errorf("median %v reached %v events %d censored %d", km.Median, km.MedianReached, km.Events, km.Censored)
	}
	if got := km.At(3.5); !near(got, 5.0/6) {
		t.Errorf("At(3.5) = %v", got)
	}
	// The naive mean of the closed ones would be (2+4+4+8)/4 = 4.5; KM keeps the censored.
	open := KaplanMeier([]Obs{{1, true}, {2, false}, {3, false}})
	if open.MedianReached || !near(open.Curve[len(open.Curve)-1].S, 2.0/3) {
		t.Errorf("censored-heavy curve: %+v", open)
	}
	// A tie of an event and a censoring: the censored one is at risk at t.
	tie := KaplanMeier([]Obs{{5, false}, {5, true}})
	if !near(tie.Curve[0].S, 0.5) || tie.Median != 5 {
		t.Errorf("tie: %+v", tie)
	}
}

func TestSkillKey(t *testing.T) {
	tests := []struct{ in, key, name string }{
		{"Excel", "excel", "Excel"},
		{"MS Excel", "excel", "Excel"},
		{" Microsoft\u00a0Excel. ", "excel", "Excel"},
		{"1С", "1c", "1С"}, // Cyrillic С
		{"1C", "1c", "1С"}, // Latin C
		{"1С:Предприятие", "1c:предприятие", "1С:Предприятие"},
		{"Сбер", "сбер", ""},
		{"Работа с ёлками", "работа с елками", ""},
		{"Node.js", "node.js", ""},
		{"HR-аналитика", "hr аналитика", "HR-аналитика"},
		{"HR аналитика", "hr аналитика", "HR-аналитика"},
		{"1С: Зарплата и управление персоналом", "1c:зуп", "1С:ЗУП"},
		{"Подбор  кадров", "подбор персонала", "Подбор персонала"},
		{"...", "", ""},
	}
	for _, tt := range tests {
		k, n := SkillKey(tt.in)
		if k != tt.key || n != tt.name {
			t.Errorf("SkillKey(%q) = %q, %q; want %q, %q", tt.in, k, n, tt.key, tt.name)
		}
	}
}

func TestRegion(t *testing.T) {
	ix := NewAreaIndex([]store.Area{
		{ID: "113", Name: "Россия"}, {ID: "1", ParentID: "113", Name: "Москва"},
		{ID: "2019", ParentID: "113", Name: "Московская область"}, {ID: "2020", ParentID: "2019", Name: "Балашиха"},
		{ID: "9999", ParentID: "2020", Name: "Микрорайон"},
	})
	for in, want := range map[string]string{"1": "1", "2020": "2019", "9999": "2019", "113": "113", "777": "777"} {
		if got := ix.Region(in); got != want {
			t.Errorf("Region(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestParseDims(t *testing.T) {
	d, err := ParseDims([]string{"role,experience", "region"})
	if err != nil || len(d) != 3 || d[2] != DimRegion {
		t.Fatalf("%v %v", d, err)
	}
	if _, err := ParseDims([]string{"role;drop table"}); err == nil {
		t.Fatal("want error")
	}
}

// fakeStore implements only what analytics calls.
type fakeStore struct {
	store.Store
	vs     []store.Vacancy
	rates  []store.CurrencyRate
	areas  []store.Area
	runs   []store.Run
	slices map[int64][]store.Slice
}

func (f *fakeStore) CurrencyRates(context.Context) ([]store.CurrencyRate, error) { return f.rates, nil }
func (f *fakeStore) Areas(context.Context) ([]store.Area, error)                 { return f.areas, nil }
func (f *fakeStore) Runs(context.Context, int64) ([]store.Run, error)            { return f.runs, nil }
func (f *fakeStore) Slices(_ context.Context, id int64) ([]store.Slice, error) {
	return f.slices[id], nil
}
func (f *fakeStore) Queries(context.Context) ([]store.Query, error) {
	return []store.Query{{ID: 1, Name: "hr"}}, nil
}
func (f *fakeStore) EachVacancy(_ context.Context, flt store.Filter, fn func(store.Vacancy) error) error {
	for _, v := range f.vs {
		if !flt.Since.IsZero() && v.PublishedAt.Before(flt.Since) {
			continue
		}
		if flt.OpenOnly && v.ClosedAt != nil {
			continue
		}
		if !flt.Raw {
			v.RawItem, v.RawFull = nil, nil
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return nil
}

func TestCompute(t *testing.T) {
	pub := time.Date(2025, 6, 2, 10, 0, 0, 0, MSK) // a Monday
	fetched := pub.Add(time.Hour)
	hr := store.IDName{ID: "69", Name: "Менеджер по персоналу"}
	mk := func(id string, exp string, from, to *int64, skills []string, closedDays int) store.Vacancy {
		v := store.Vacancy{
			ID: id, Name: "HR " + id, AreaID: "2020", AreaName: "Балашиха", EmployerID: "e" + id[:1], EmployerName: "Компания " + id[:1],
			Roles: []store.IDName{hr}, ExperienceID: exp, EmploymentFormID: "FULL", WorkFormat: []string{"REMOTE"},
			SalaryFrom: from, SalaryTo: to, SalaryCurrency: "RUR", SalaryGross: bp(true), SalaryMode: "MONTH",
			PublishedAt: pub, FirstSeenAt: pub, LastSeenAt: pub.Add(10 * 24 * time.Hour),
			KeySkills: skills, DetailFetchedAt: &fetched,
		}
		if closedDays > 0 {
			c := pub.Add(time.Duration(closedDays) * 24 * time.Hour)
			v.ClosedAt, v.LastSeenAt = &c, c
		}
		return v
	}
	f := &fakeStore{
		areas: []store.Area{{ID: "113", Name: "Россия"}, {ID: "2019", ParentID: "113", Name: "Московская область"}, {ID: "2020", ParentID: "2019", Name: "Балашиха"}},
		vs: []store.Vacancy{
			mk("10", "between1And3", i64(100000), nil, []string{"Excel", "1С"}, 4),
			mk("11", "between1And3", nil, i64(120000), []string{"MS Excel"}, 2),
			mk("12", "between1And3", i64(100000), i64(200000), []string{"Microsoft Excel", "1C"}, 0),
			mk("13", "between1And3", nil, nil, []string{"Кадровый учёт"}, 8),
			mk("24", "between3And6", i64(5000), nil, nil, 0),
		},
		runs:   []store.Run{{ID: 7, QueryID: 1, Status: store.RunDone, StartedAt: pub, FinishedAt: &fetched}},
		slices: map[int64][]store.Slice{7: {{State: store.SliceDone}, {State: store.SliceTruncated, Found: 2500, Stored: 2000}, {State: store.SliceSplit}}},
	}
	// Hand-sized sample: the small-sample rules are lowered to show every figure.
	res, err := Compute(context.Background(), f, Config{Now: pub.Add(30 * 24 * time.Hour), Small: Thresholds{MinNMedian: 1, MinNQuartiles: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total.Vacancies != 5 || res.Total.Disclosed != 4 || !near(res.Total.DisclosureShare, 0.8) || res.Total.OutliersAbs != 1 {
		t.Errorf("total %+v", res.Total)
	}
	// 100 000, 120 000, 150 000 → median 120 000, p25 110 000, p75 135 000.
	if s := res.Total.Salary; s.N != 3 || s.Median != 120000 || s.P25 != 110000 || s.P75 != 135000 {
		t.Errorf("salary %+v", s)
	}
	if m := res.Mix; m.ForkBoth != 1 || m.ForkFromOnly != 2 || m.ForkToOnly != 1 || m.OutliersAbs != 1 {
		t.Errorf("mix %+v", m)
	}
	exp := res.Grouping(DimExperience)
	if exp == nil || len(exp.Groups) != 2 || exp.Groups[0].Key[0] != "between1And3" || exp.Groups[0].Salary.N != 3 || exp.Groups[0].Vacancies != 4 {
		t.Fatalf("experience %+v", exp)
	}
	reg := res.Grouping(DimRegion)
	if reg == nil || reg.Groups[0].Label[0] != "Московская область" {
		t.Errorf("region %+v", reg)
	}
	combo := res.Grouping(DimRole, DimExperience, DimRegion)
	if combo == nil || len(combo.Groups) != 2 || combo.Groups[0].Label[2] != "Московская область" {
		t.Errorf("combo %+v", combo)
	}
	sk := res.Skills
	// Base: the 5 vacancies with details (id 24 has details but no key skills).
	if sk.Base != 5 || sk.Top[0].Name != "Excel" || sk.Top[0].Vacancies != 3 || !near(sk.Top[0].Share, 0.6) {
		t.Fatalf("skills %+v", sk)
	}
	if sk.Top[1].Name != "1С" || sk.Top[1].Vacancies != 2 {
		t.Errorf("1С not folded: %+v", sk.Top[1])
	}
	// Lifetimes (days): closed 4, 2, 8; open censored at last seen: 10 (id 12), 10 (id 24).
	// Three closures are too few for a median: it is withheld with the reason.
	lt := res.Lifetime
	if lt.N != 5 || lt.Closed != 3 || lt.Censored != 2 || lt.MedianDays != nil || lt.MedianCI95 != nil || !strings.Contains(lt.Reason, "закрытий 3") {
		t.Errorf("lifetime %+v", lt.LifetimeGroup)
	}
	if !near(lt.NaiveClosedAvg, 14.0/3) {
		t.Errorf("naive %v", lt.NaiveClosedAvg)
	}
	if len(res.Weekly) == 0 || res.Weekly[0].Published != 5 || res.Weekly[0].RemoteShare != 1 || !res.Weekly[0].Start.Equal(time.Date(2025, 6, 2, 0, 0, 0, 0, MSK)) {
		t.Errorf("weekly %+v", res.Weekly)
	}
	if q := res.Quality; q.TruncatedSlices != 1 || q.Runs[0].Slices != 2 || q.Runs[0].FoundTruncated != 2500 || q.LastSync == nil {
		t.Errorf("quality %+v", q)
	}
	if res.Employers == nil || len(res.Employers.ByOpen) == 0 {
		t.Errorf("employers %+v", res.Employers)
	}
	if res.Grouping(DimEmployer) == nil {
		t.Error("employer grouping requested by default")
	}
}

func TestComputeGroupsOnlyNet(t *testing.T) {
	f := &fakeStore{vs: []store.Vacancy{{ID: "1", SalaryFrom: i64(100000), SalaryGross: bp(true), SalaryCurrency: "RUR", ExperienceID: "moreThan6"}}}
	res, err := Compute(context.Background(), f, Config{Options: Options{Net: true}, Groupings: [][]Dim{{DimExperience}}, GroupsOnly: true, Small: Thresholds{MinNMedian: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Basis != "net" || res.Groupings[0].Groups[0].Salary.Median != 87000 || res.Skills != nil || res.Quality != nil {
		t.Errorf("%+v", res)
	}
}

func TestSkillPremiumSameRole(t *testing.T) {
	now := time.Date(2025, 6, 2, 10, 0, 0, 0, MSK)
	mk := func(id, role string, from int64, skills ...string) store.Vacancy {
		return store.Vacancy{ID: id, Roles: []store.IDName{{ID: role, Name: "r" + role}}, SalaryFrom: i64(from), SalaryCurrency: "RUR",
			SalaryGross: bp(true), SalaryMode: "MONTH", PublishedAt: now, FirstSeenAt: now, LastSeenAt: now, KeySkills: skills, DetailFetchedAt: &now}
	}
	f := &fakeStore{vs: []store.Vacancy{
		mk("1", "96", 200000, "Golang"), mk("2", "96", 220000, "Go"), mk("3", "96", 100000, "SQL"), mk("4", "96", 110000),
		// Another role where everybody knows Go: no "without" base, so no premium there.
		mk("5", "124", 50000, "Go"), mk("6", "124", 60000, "Go"),
	}}
	res, err := Compute(context.Background(), f, Config{MinN: 2, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var got *SkillStat
	for i := range res.Skills.Top {
		if res.Skills.Top[i].Key == "go" {
			got = &res.Skills.Top[i]
		}
	}
	// Role 96: median with = 210 000, without = 105 000 → +100 %.
	if got == nil || got.Vacancies != 4 || got.PremiumRoles != 1 || got.PremiumBase != 2 || !near(got.Premium, 1) {
		t.Fatalf("go: %+v", got)
	}
	if len(res.Skills.Premiums) != 1 || res.Skills.Premiums[0].RoleID != "96" || res.Skills.Premiums[0].MedianWithout != 105000 {
		t.Errorf("premiums %+v", res.Skills.Premiums)
	}
}
