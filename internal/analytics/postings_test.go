package analytics

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
)

func TestMassPostings(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2025, 6, d, 10, 0, 0, 0, MSK) }
	var vs []store.Vacancy
	add := func(emp, name, area string, pay int64, d int) {
		p := pay
		vs = append(vs, store.Vacancy{ID: fmt.Sprint(100 + len(vs)), Name: name, EmployerID: emp, EmployerName: "Employer " + emp, AreaID: area,
			SalaryFrom: &p, SalaryCurrency: "RUR", SalaryGross: bp(true), SalaryMode: "MONTH", PublishedAt: day(d), FirstSeenAt: day(d), LastSeenAt: day(d)})
	}
	// Agency A: one job copied to three cities on days 1, 2 and 4 (gaps ≤ 3 days) → 2 copies;
	// the same job in Moscow again on day 20 is a repost, not a copy; «Менеджер  по персоналу.»
	// is the same title folded.
	add("A", "Менеджер по персоналу", "1", 200000, 1)
	add("A", "менеджер  по персоналу.", "2", 200000, 2)
	add("A", "Менеджер по персоналу", "88", 200000, 4)
	add("A", "Менеджер по персоналу", "1", 200000, 20)
	// Employer B: the same title in two cities, different pay → two jobs.
	add("B", "Рекрутер", "1", 80000, 1)
	add("B", "Рекрутер", "2", 90000, 1)
	// Employer C: same title and pay in two cities but 10 days apart → two postings.
	add("C", "HR BP", "1", 150000, 1)
	add("C", "HR BP", "2", 150000, 11)
	f := &fakeStore{vs: vs}
	small := Thresholds{MinNMedian: 1, MinNQuartiles: 1}
	res, err := Compute(context.Background(), f, Config{Now: day(30), Small: small})
	if err != nil {
		t.Fatal(err)
	}
	p := res.Postings
	if p == nil || p.Checked != 8 || p.Copies != 2 || p.Dropped != 0 || p.Unique || len(p.ByEmployer) != 1 ||
		p.ByEmployer[0].EmployerID != "A" || p.ByEmployer[0].Vacancies != 4 || !near(p.ByEmployer[0].Share, 0.5) {
		t.Fatalf("postings %+v", p)
	}
	// All copies: 80, 90, 150, 150, 200, 200, 200, 200 → median 175 000.
	if m := res.Total.Salary.Median; m != 175000 {
		t.Errorf("median with copies %v", m)
	}
	res, err = Compute(context.Background(), f, Config{Now: day(30), Small: small, UniquePostings: true})
	if err != nil {
		t.Fatal(err)
	}
	// One copy per posting: 80, 90, 150, 150, 200, 200 → median 150 000; vacancies still 8.
	if p := res.Postings; p == nil || !p.Unique || p.Copies != 2 || p.Dropped != 2 {
		t.Errorf("unique postings %+v", p)
	}
	if s := res.Total.Salary; s.N != 6 || s.Median != 150000 || res.Total.Vacancies != 8 || res.Total.Disclosed != 8 {
		t.Errorf("unique: total %+v", res.Total)
	}
}

// postingKey hashes the parts in turn: the same as FNV-1a of the joined key.
func TestPostingKeyIsFNVOfTheJoinedKey(t *testing.T) {
	joined := func(v *store.Vacancy, title string) uint64 {
		key := v.EmployerID + "\x00" + title + "\x00" + v.SalaryCurrency + "\x00" + v.SalaryMode
		for _, p := range []*int64{v.SalaryFrom, v.SalaryTo} {
			key += "\x00"
			if p != nil {
				key += strconv.FormatInt(*p, 10)
			}
		}
		if v.SalaryGross != nil && *v.SalaryGross {
			key += "\x00g"
		}
		h := fnv.New64a()
		h.Write([]byte(key))
		return h.Sum64()
	}
	tests := []struct {
		name  string
		v     store.Vacancy
		title string
	}{
		{"from only, gross", store.Vacancy{EmployerID: "1455", SalaryFrom: i64(120000), SalaryCurrency: "RUR", SalaryMode: "MONTH", SalaryGross: bp(true)}, "менеджер по персоналу"},
		{"to only, net", store.Vacancy{EmployerID: "9", SalaryTo: i64(90000), SalaryCurrency: "RUR", SalaryGross: bp(false)}, "рекрутер"},
		{"both, no gross flag", store.Vacancy{EmployerID: "77", SalaryFrom: i64(1000), SalaryTo: i64(-5), SalaryCurrency: "USD", SalaryMode: "HOUR"}, "hr bp"},
		{"extremes", store.Vacancy{EmployerID: "x", SalaryFrom: i64(math.MinInt64), SalaryTo: i64(math.MaxInt64)}, ""},
		{"empty", store.Vacancy{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := postingKey(&tt.v, tt.title), joined(&tt.v, tt.title); got != want {
				t.Errorf("postingKey = %#x, want %#x", got, want)
			}
		})
	}
}
