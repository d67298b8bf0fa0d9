package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/fixture"
)

// testDictionaries: entries come back in the order given, and a replace
// drops what the new set does not have.
func testDictionaries(t *testing.T, s store.Store) {
	if got := must[[]store.DictEntry](t)(s.Dictionaries(ctx)); len(got) != 0 {
		t.Fatalf("fresh store has dictionaries: %+v", got)
	}
	first := []store.DictEntry{
		{Dict: "experience", ID: "noExperience", Name: "Нет опыта"},
		{Dict: "experience", ID: "between1And3", Name: "От 1 года до 3 лет"},
		{Dict: "currency", ID: "RUR", Name: "Рубли"},
		{Dict: "currency", ID: "USD", Name: "Доллары"},
		{Dict: "work_format", ID: "REMOTE", Name: "Удалённо"},
	}
	check(t, s.ReplaceDictionaries(ctx, first))
	diff(t, "dictionaries", first, must[[]store.DictEntry](t)(s.Dictionaries(ctx)))
	second := []store.DictEntry{{Dict: "work_format", ID: "HYBRID", Name: "Гибрид"}, {Dict: "experience", ID: "moreThan6", Name: "Более 6 лет"}}
	check(t, s.ReplaceDictionaries(ctx, second))
	diff(t, "dictionaries after replace", second, must[[]store.DictEntry](t)(s.Dictionaries(ctx)))
}

// testDeleteQuery: a deleted query takes its runs, slices and links along;
// the vacancies it collected and other queries stay.
func testDeleteQuery(t *testing.T, s store.Store) {
	q, r := setup(t, s, "gone")
	other, or := setup(t, s, "kept")
	must[[]store.Slice](t)(s.AddSlices(ctx, r.ID, []store.Slice{{Params: map[string][]string{"area": {"1"}}, Found: -1}}))
	must[[]store.Slice](t)(s.AddSlices(ctx, or.ID, []store.Slice{{Params: map[string][]string{"area": {"2"}}, Found: -1}}))
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, q.ID, r.ID, []store.Vacancy{fixture.Item(1, 0), fixture.Item(2, 0)}, base))
	must[store.UpsertResult](t)(s.UpsertSearchItems(ctx, other.ID, or.ID, []store.Vacancy{fixture.Item(2, 0)}, base))

	check(t, s.DeleteQuery(ctx, "gone"))
	if _, err := s.QueryByName(ctx, "gone"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("QueryByName after delete: %v, want ErrNotFound", err)
	}
	if _, err := s.GetRun(ctx, r.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetRun of a deleted query's run: %v, want ErrNotFound", err)
	}
	if sl := must[[]store.Slice](t)(s.Slices(ctx, r.ID)); len(sl) != 0 {
		t.Errorf("slices of a deleted query's run remain: %+v", sl)
	}
	if got := must[int](t)(s.CountVacancies(ctx, store.Filter{})); got != 2 {
		t.Errorf("vacancies after deleting a query: %d, want 2 (they stay)", got)
	}
	if got := must[int](t)(s.CountVacancies(ctx, store.Filter{QueryID: other.ID})); got != 1 {
		t.Errorf("vacancies of the other query: %d, want 1", got)
	}
	if sl := must[[]store.Slice](t)(s.Slices(ctx, or.ID)); len(sl) != 1 {
		t.Errorf("slices of the other query: %d, want 1", len(sl))
	}
	diff(t, "runs left", []int64{or.ID}, runIDs(must[[]store.Run](t)(s.Runs(ctx, 0))))
	if err := s.DeleteQuery(ctx, "gone"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second DeleteQuery: %v, want ErrNotFound", err)
	}
	// The name is free again.
	again := must[store.Query](t)(s.SaveQuery(ctx, store.Query{Name: "gone"}))
	if again.ID == q.ID {
		t.Errorf("a new query reuses the deleted id %d", q.ID)
	}
}

// testAbandonRun: an abandoned run is closed for good and says so.
func testAbandonRun(t *testing.T, s store.Store) {
	_, r := setup(t, s, "q")
	if !r.Open() {
		t.Fatalf("a new run is not open: %+v", r)
	}
	at := base.Add(time.Hour)
	check(t, s.FinishRun(ctx, r.ID, store.RunAbandoned, "abandoned by the user", &at))
	got := must[store.Run](t)(s.GetRun(ctx, r.ID))
	if got.Status != store.RunAbandoned || got.Open() || got.FinishedAt == nil || !got.FinishedAt.Equal(at) {
		t.Errorf("abandoned run = %+v, want status abandoned, closed at %v", got, at)
	}
}

func runIDs(rs []store.Run) []int64 {
	var out []int64
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}
