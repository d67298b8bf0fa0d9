package analytics

import (
	"context"
	"fmt"
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
