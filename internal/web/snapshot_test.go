package web

import (
	"context"
	"math"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/storetest"
)

// listStore is a store of the vacancies of a test, in memory.
type listStore struct {
	store.Store // nil: what the snapshot does not read
	vs          []store.Vacancy
}

func (l *listStore) EachVacancy(_ context.Context, _ store.Filter, fn func(store.Vacancy) error) error {
	for _, v := range l.vs {
		if err := fn(v); err != nil {
			return err
		}
	}
	return nil
}

func (l *listStore) CountVacancies(context.Context, store.Filter) (int, error) { return len(l.vs), nil }
func (l *listStore) Areas(context.Context) ([]store.Area, error)               { return nil, nil }
func (l *listStore) Roles(context.Context) ([]store.Role, error)               { return nil, nil }
func (l *listStore) CurrencyRates(context.Context) ([]store.CurrencyRate, error) {
	return nil, nil
}

func ptr[T any](x T) *T { return &x }

// TestSnapshotKeepsEveryValue: each vacancy read back from the snapshot,
// on a walk (a slab) and alone, is the one it was built from, to the
// nanosecond and beyond 32 bits.
func TestSnapshotKeepsEveryValue(t *testing.T) {
	at := func(s string) time.Time {
		x, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	pub := at("2026-03-01T10:00:00Z")
	for _, c := range []struct {
		name string
		v    store.Vacancy
	}{
		{"bare", store.Vacancy{ID: "1", PublishedAt: pub}},
		{"everything", store.Vacancy{
			ID: "2", Name: "Менеджер", AreaID: "1", AreaName: "Москва", EmployerID: "10", EmployerName: "Ромашка",
			Roles: []store.IDName{{ID: "118", Name: "HR"}}, ExperienceID: "between1And3", EmploymentFormID: "FULL",
			WorkFormat: []string{"REMOTE", "HYBRID"}, ScheduleID: "fullDay", SalaryFrom: ptr[int64](100000), SalaryTo: ptr[int64](150000),
			SalaryCurrency: "RUR", SalaryGross: ptr(true), SalaryMode: "MONTH", SalaryFrequency: "TWICE_PER_MONTH",
			PublishedAt: pub, CreatedAt: ptr(pub.Add(-time.Hour)), InitialCreatedAt: ptr(pub.Add(-48 * time.Hour)),
			Archived: true, FirstSeenAt: pub.Add(time.Minute), LastSeenAt: pub.Add(72 * time.Hour),
			ClosedAt: ptr(pub.Add(96 * time.Hour)), DetailFetchedAt: ptr(pub.Add(2 * time.Minute)),
			KeySkills: []string{"Excel", "Сорсинг"},
		}},
		{"skills known, none", store.Vacancy{ID: "3", PublishedAt: pub, KeySkills: []string{}}},
		{"net, one bound", store.Vacancy{ID: "4", PublishedAt: pub, SalaryGross: ptr(false), SalaryTo: ptr[int64](0)}},
		{"sub-second instants", store.Vacancy{
			ID: "5", PublishedAt: at("2026-03-01T10:00:00.5Z"), CreatedAt: ptr(at("2026-03-01T09:00:00.001Z")),
			InitialCreatedAt: ptr(at("2026-02-01T09:00:00.000001Z")), FirstSeenAt: at("2026-03-01T10:00:01.123Z"),
			LastSeenAt: at("2026-03-02T10:00:01.999999999Z"), ClosedAt: ptr(at("2026-03-03T00:00:00.25Z")),
			DetailFetchedAt: ptr(at("2026-03-01T10:00:02.000456Z")),
		}},
		{"far instants", store.Vacancy{
			ID: "6", PublishedAt: at("1960-01-01T00:00:00Z"), CreatedAt: ptr(at("2200-01-01T00:00:00Z")),
			InitialCreatedAt: ptr(at("1999-12-31T23:59:59Z")), FirstSeenAt: at("2140-01-01T00:00:00Z"),
			LastSeenAt: at("2141-01-01T00:00:00Z"),
		}},
		{"edges of the seconds' range", store.Vacancy{
			ID: "10", PublishedAt: pub, CreatedAt: ptr(time.Unix(secBase, 0).UTC()),
			InitialCreatedAt: ptr(time.Unix(secBase+int64(secWide)-1, 999999999).UTC()),
			FirstSeenAt:      time.Unix(secBase+int64(secWide), 0).UTC(), LastSeenAt: time.Unix(secBase+int64(nilTime), 0).UTC(),
			ClosedAt: ptr(time.Unix(secBase-1, 999999999).UTC()),
		}},
		{"wide salaries", store.Vacancy{ID: "7", PublishedAt: pub, SalaryFrom: ptr[int64](math.MaxInt32 + 1), SalaryTo: ptr[int64](math.MaxInt64)}},
		{"negative salaries", store.Vacancy{ID: "8", PublishedAt: pub, SalaryFrom: ptr[int64](math.MinInt64), SalaryTo: ptr[int64](-1)}},
		{"edge salaries", store.Vacancy{ID: "9", PublishedAt: pub, SalaryFrom: ptr[int64](math.MinInt32), SalaryTo: ptr[int64](math.MaxInt32)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			// Between two others: the columns made at a later row, and
			// the row after, must still line up.
			src := &listStore{vs: []store.Vacancy{{ID: "0", PublishedAt: pub}, c.v, {ID: "z", PublishedAt: pub, FirstSeenAt: pub}}}
			s, err := BuildSnapshot(ctx, src)
			if err != nil {
				t.Fatal(err)
			}
			s.WaitIndex()
			var walked []store.Vacancy
			if err := s.EachVacancy(ctx, store.Filter{}, func(v store.Vacancy) error {
				walked = append(walked, uncoded(t, s, v)) // the codes are valid during the call only
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			for i, want := range src.vs {
				for _, got := range []store.Vacancy{walked[i], uncoded(t, s, s.vacancyIn(i, &slab{}))} {
					if !reflect.DeepEqual(got, want) {
						t.Errorf("row %d read back\n%+v\nwant\n%+v", i, got, want)
					}
					if cap(got.KeySkills) != len(got.KeySkills) {
						t.Errorf("row %d key skills: capacity %d, length %d", i, cap(got.KeySkills), len(got.KeySkills))
					}
				}
			}
			// A walk narrowed to some parts (Filter.Fields: the analytics'
			// groups-only walk) fills those as the full walk does.
			for f := store.FieldName; f <= store.FieldSkills; f <<= 1 {
				i := 0
				if err := s.EachVacancy(ctx, store.Filter{Fields: f}, func(v store.Vacancy) error {
					want := storetest.Project(src.vs[i], f)
					if got := storetest.Project(uncoded(t, s, v), f); !reflect.DeepEqual(got, want) {
						t.Errorf("Fields %b, row %d read back\n%+v\nwant\n%+v", f, i, got, want)
					}
					i++
					return nil
				}); err != nil || i != len(src.vs) {
					t.Fatalf("Fields %b: %d rows (%v)", f, i, err)
				}
			}
		})
	}
}

// TestSnapshotKeepsManyValues: past the 255 values a row's term8 holds,
// schedules, currencies, modes and frequencies still read back, and so do
// titles past the maxTitles the build remembers to share.
func TestSnapshotKeepsManyValues(t *testing.T) {
	ctx := context.Background()
	defer func(n int) { maxTitles = n }(maxTitles)
	maxTitles = 1000
	src := &listStore{}
	distinct := maxTitles + 500
	for i := range 2 * distinct {
		j := i % 600
		src.vs = append(src.vs, store.Vacancy{
			ID: strconv.Itoa(i), Name: "t" + strconv.Itoa(i%distinct), PublishedAt: time.Date(2026, 3, 1, 0, 0, i, 0, time.UTC),
			ScheduleID: "s" + strconv.Itoa(j), SalaryCurrency: "c" + strconv.Itoa(j%300),
			SalaryMode: "m" + strconv.Itoa(j/2), SalaryFrequency: []string{"", "f"}[j%2],
		})
	}
	s, err := BuildSnapshot(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	s.WaitIndex()
	if len(s.terms) != int(termWide) || len(s.titles) != maxTitles+2*(distinct-maxTitles) {
		t.Errorf("%d terms, %d titles: the overflows are not tested", len(s.terms), len(s.titles))
	}
	k := 0
	if err := s.EachVacancy(ctx, store.Filter{}, func(v store.Vacancy) error {
		if v = uncoded(t, s, v); !reflect.DeepEqual(v, src.vs[k]) {
			t.Errorf("row %d read back\n%+v\nwant\n%+v", k, v, src.vs[k])
		}
		k++
		return nil
	}); err != nil || k != len(src.vs) {
		t.Fatalf("%d vacancies, %v", k, err)
	}
}

// uncoded checks that v's codes stand for its values (so that equal codes
// are equal values, what the analytics rely on) and returns v without them.
func uncoded(t *testing.T, s *Snapshot, v store.Vacancy) store.Vacancy {
	t.Helper()
	c := v.Codes
	if c == nil {
		t.Fatalf("vacancy %s: no codes", v.ID)
	}
	d := s.dict
	one := map[string][2]string{
		"area": {d[c.Area], v.AreaID}, "employer": {d[c.Employer], v.EmployerID},
		"experience": {d[c.Experience], v.ExperienceID}, "employment form": {d[c.EmploymentForm], v.EmploymentFormID},
	}
	for f, x := range one {
		if x[0] != x[1] {
			t.Errorf("vacancy %s: %s code %q, value %q", v.ID, f, x[0], x[1])
		}
	}
	var roles, wf []string
	for _, r := range v.Roles {
		roles = append(roles, r.ID)
	}
	lists := []struct {
		name  string
		codes []int32
		want  []string
	}{{"roles", c.Roles, roles}, {"work formats", c.WorkFormat, wf}, {"skills", c.KeySkills, v.KeySkills}}
	lists[1].want = append(wf, v.WorkFormat...)
	for _, l := range lists {
		var got []string
		for _, k := range l.codes {
			got = append(got, d[k])
		}
		if len(got) != len(l.want) || !slices.Equal(got, l.want) {
			t.Errorf("vacancy %s: %s codes read %q, want %q", v.ID, l.name, got, l.want)
		}
	}
	v.Codes = nil
	return v
}
