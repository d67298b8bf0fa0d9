package harvest_test

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/sandbox"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

// Validate checks every filter against the /dictionaries EnsureReference
// stored from the sandbox (which serves hh.ru's real dictionaries).
func TestValidateFilters(t *testing.T) {
	e := newEnv(t, sandbox.Config{Seed: 1, Vacancies: 200})
	ctx := context.Background()
	dicts, err := e.st.Dictionaries(ctx)
	if err != nil || len(dicts) == 0 {
		t.Fatalf("EnsureReference stored no dictionaries: %d, %v", len(dicts), err)
	}
	tests := []struct {
		name   string
		params url.Values
		bad    string            // the refused parameter; "" = valid
		want   map[string]string // normalised values of a valid query
	}{
		{"valid ids", url.Values{"experience": {"between1And3"}, "work_format": {"REMOTE"}, "area": {"1"}}, "", nil},
		{"case forgiven", url.Values{"work_format": {"remote"}, "experience": {"NOEXPERIENCE"}}, "", map[string]string{"work_format": "REMOTE", "experience": "noExperience"}},
		{"name for the id", url.Values{"experience": {"от 1 года до 3 лет"}}, "", map[string]string{"experience": "between1And3"}},
		{"experience", url.Values{"experience": {"senior"}}, "experience", nil},
		{"work_format", url.Values{"work_format": {"office"}}, "work_format", nil},
		{"employment_form of the search", url.Values{"employment_form": {"SIDE_JOB"}}, "employment_form", nil},
		{"schedule", url.Values{"schedule": {"nightly"}}, "schedule", nil},
		{"working_hours", url.Values{"working_hours": {"HOURS_1"}}, "working_hours", nil},
		{"work_schedule_by_days", url.Values{"work_schedule_by_days": {"SEVEN_ON"}}, "work_schedule_by_days", nil},
		{"label", url.Values{"label": {"bogus"}}, "label", nil},
		{"order_by", url.Values{"order_by": {"newest"}}, "order_by", nil},
		{"currency", url.Values{"currency": {"XYZ"}, "salary": {"100"}}, "currency", nil},
		{"search_field", url.Values{"search_field": {"title"}}, "search_field", nil},
		{"salary", url.Values{"salary": {"100k"}}, "salary", nil},
		{"negative salary", url.Values{"salary": {"-5"}}, "salary", nil},
		{"period", url.Values{"period": {"45"}}, "period", nil},
		{"employer id", url.Values{"employer_id": {"abc"}}, "employer_id", nil},
		{"industry", url.Values{"industry": {"seven"}}, "industry", nil},
		{"boolean", url.Values{"only_with_salary": {"yes"}}, "only_with_salary", nil},
		{"date", url.Values{"date_from": {"20.11.2026"}}, "date_from", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := harvest.Resolve(ctx, e.st, tt.params)
			var bv *harvest.BadValueError
			switch {
			case tt.bad == "" && err != nil:
				t.Fatalf("valid filters refused: %v", err)
			case tt.bad != "" && !errors.As(err, &bv):
				t.Fatalf("Validate = %v, want a BadValueError for %s", err, tt.bad)
			case tt.bad != "":
				if bv.Param != tt.bad || !strings.Contains(err.Error(), "want") || strings.Contains(err.Error(), "\n") {
					t.Errorf("error %q (param %s), want one line naming %s and the valid forms", err, bv.Param, tt.bad)
				}
			}
			for k, v := range tt.want {
				if got := tt.params.Get(k); got != v {
					t.Errorf("%s normalised to %q, want %q", k, got, v)
				}
			}
		})
	}
	// The valid forms are listed from the dictionary, in hh.ru's order.
	err = harvest.Resolve(ctx, e.st, url.Values{"experience": {"senior"}})
	if want := "want one of noExperience (Нет опыта), between1And3"; !strings.Contains(err.Error(), want) {
		t.Errorf("message %q, want it to list %q", err, want)
	}
}

// Unknown areas and roles get suggestions by name, never by look-alike digits.
func TestNearestByName(t *testing.T) {
	names := map[string]string{"1": "Москва", "2": "Санкт-Петербург", "11": "Новочеремшанск", "1002": "Минск", "88": "Казань", "99": "Уфа", "3": "Екатеринбург"}
	tests := []struct {
		in   string
		want string // first suggestion, "" = none
	}{
		{"99999999", ""},
		{"моксва", "Москва (1)"},
		{"МОСКВ", "Москва (1)"},
		{"санкт", "Санкт-Петербург (2)"},
		{"петербург", "Санкт-Петербург (2)"},
		{"екатеринбурr", "Екатеринбург (3)"},
		{"Ёкатеринбург", "Екатеринбург (3)"},
		{"qwertyuiop", ""},
	}
	for _, tt := range tests {
		got := harvest.Nearest(tt.in, names)
		first := ""
		if len(got) > 0 {
			first = got[0]
		}
		if first != tt.want {
			t.Errorf("Nearest(%q) = %v, want first %q", tt.in, got, tt.want)
		}
	}
	if got, want := harvest.Fold(" Ёлки "), "елки"; got != want {
		t.Errorf("Fold = %q, want %q", got, want)
	}
}

// A query that slipped past the checks (saved by an older hhjobs) and that
// hh.ru answers with 400 bad_argument fails its run for good.
func TestBadArgumentFailsTheRun(t *testing.T) {
	e := newEnv(t, sandbox.Config{Seed: 1, Vacancies: 200})
	ctx := context.Background()
	q, err := e.st.SaveQuery(ctx, store.Query{Name: "bad", Params: map[string][]string{"area": {"1"}, "experience": {"senior"}}})
	if err != nil {
		t.Fatal(err)
	}
	before := e.metrics.Snapshot().Requests
	res, err := e.h.Run(ctx, q, harvest.RunOptions{})
	var se *harvest.StopError
	var bq *harvest.BadQueryError
	if !errors.As(err, &se) || !se.Permanent || !errors.As(err, &bq) || strings.Join(bq.Params, ",") != "experience" {
		t.Fatalf("Run = %v, want a permanent stop naming experience", err)
	}
	if res.Run.Status != store.RunFailed || strings.Contains(res.Run.Error, "rerun to retry") {
		t.Errorf("run %+v, want failed without 'rerun to retry'", res.Run)
	}
	// The run's clock probe (per_page=0, no filters) and the one refused search.
	if n := e.metrics.Snapshot().Requests - before; n != 2 {
		t.Errorf("%d requests, want 2: a bad_argument must stop the run at once, unretried", n)
	}
}

// A role hh.ru no longer searches by is refused, naming the role.
func TestDeprecatedRoleRefused(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.ReplaceRoles(ctx, []store.Role{{ID: "9", Name: "Старая роль", SearchDeprecated: true}, {ID: "96", Name: "Программист, разработчик"}}); err != nil {
		t.Fatal(err)
	}
	if err := harvest.Resolve(ctx, st, url.Values{"professional_role": {"96"}}); err != nil {
		t.Errorf("a current role refused: %v", err)
	}
	err = harvest.Resolve(ctx, st, url.Values{"professional_role": {"9"}})
	var bv *harvest.BadValueError
	if !errors.As(err, &bv) || bv.Param != "professional_role" || !strings.Contains(err.Error(), "«Старая роль» is deprecated") {
		t.Errorf("Resolve of a deprecated role = %v, want a BadValueError naming it", err)
	}
}

// countingStore counts the reference reads Resolve makes.
type countingStore struct {
	store.Store
	areas, roles, dicts int
}

func (c *countingStore) Areas(ctx context.Context) ([]store.Area, error) {
	c.areas++
	return c.Store.Areas(ctx)
}

func (c *countingStore) Roles(ctx context.Context) ([]store.Role, error) {
	c.roles++
	return c.Store.Roles(ctx)
}

func (c *countingStore) Dictionaries(ctx context.Context) ([]store.DictEntry, error) {
	c.dicts++
	return c.Store.Dictionaries(ctx)
}

// Resolve turns names into ids, drops repeats and validates, reading each
// reference table once; a query that needs none reads none.
func TestResolveOneRead(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.ReplaceAreas(ctx, []store.Area{{ID: "113", Name: "Россия"}, {ID: "1", ParentID: "113", Name: "Москва"}}); err != nil {
		t.Fatal(err)
	}
	if err := st.ReplaceRoles(ctx, []store.Role{{ID: "118", Name: "Специалист по подбору персонала"}, {ID: "96", Name: "Программист, разработчик"}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name                string
		p                   url.Values
		want                url.Values
		areas, roles, dicts int
		unknown             string
	}{
		{"names and ids", url.Values{"area": {"москва", "1", "Россия"}, "professional_role": {"специалист по подбору персонала", "96"}},
			url.Values{"area": {"1", "113"}, "professional_role": {"118", "96"}}, 1, 1, 0, ""},
		{"text only", url.Values{"text": {"go"}}, url.Values{"text": {"go"}}, 0, 0, 0, ""},
		{"unknown area", url.Values{"area": {"Мосвка"}}, nil, 1, 0, 0, "Мосвка"},
		{"with a dictionary filter", url.Values{"area": {"Москва"}, "experience": {"between1And3"}}, nil, 1, 0, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := &countingStore{Store: st}
			err := harvest.Resolve(ctx, cs, tt.p)
			var ui *harvest.UnknownIDError
			switch {
			case tt.unknown != "":
				if !errors.As(err, &ui) || ui.ID != tt.unknown || len(ui.Nearest) == 0 {
					t.Fatalf("Resolve = %v, want unknown %q with suggestions", err, tt.unknown)
				}
			case tt.dicts > 0:
				// No dictionaries stored: the check reads them once and refuses.
			case err != nil:
				t.Fatalf("Resolve: %v", err)
			case tt.want.Encode() != tt.p.Encode():
				t.Errorf("params %s, want %s", tt.p.Encode(), tt.want.Encode())
			}
			if cs.areas != tt.areas || cs.roles != tt.roles || cs.dicts != tt.dicts {
				t.Errorf("reads: areas %d roles %d dictionaries %d, want %d %d %d", cs.areas, cs.roles, cs.dicts, tt.areas, tt.roles, tt.dicts)
			}
		})
	}
}
