package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/analytics/analyticstest"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/sqlite"
)

func TestFormatRU(t *testing.T) {
	for got, want := range map[string]string{
		fmtInt(1234567):           "1\u00a0234\u00a0567",
		fmtInt(999):               "999",
		fmtInt(-1000):             "−1\u00a0000",
		fmtRub(150000.4):          "150\u00a0000\u00a0₽",
		fmtPct(0.125):             "12,5\u00a0%",
		fmtNum(1234.56, 1):        "1\u00a0234,6",
		fmtNum(0.05, 1):           "0,1",
		fmtK(150000):              "150\u00a0тыс.",
		fmtK(2_500_000):           "2,5\u00a0млн",
		fmtSignedPct(0.2):         "+20,0\u00a0%",
		plural(21, "a", "b", "c"): "a",
		plural(12, "a", "b", "c"): "c",
		plural(3, "a", "b", "c"):  "b",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func TestSafeHH(t *testing.T) {
	got := string(SafeHH(`<p>Ищем <strong>HR</strong></p><script>alert(1)</script><a href="javascript:x()">x</a>`))
	if strings.Contains(got, "<script") || strings.Contains(got, "javascript:") || !strings.Contains(got, "<strong>HR</strong>") {
		t.Errorf("SafeHH = %q", got)
	}
}

// fakeStore serves the few calls analytics makes.
type fakeStore struct {
	store.Store
	vs []store.Vacancy
}

func (f *fakeStore) CurrencyRates(context.Context) ([]store.CurrencyRate, error) { return nil, nil }
func (f *fakeStore) Areas(context.Context) ([]store.Area, error)                 { return nil, nil }
func (f *fakeStore) Runs(context.Context, int64) ([]store.Run, error)            { return nil, nil }
func (f *fakeStore) Queries(context.Context) ([]store.Query, error)              { return nil, nil }
func (f *fakeStore) EachVacancy(_ context.Context, _ store.Filter, fn func(store.Vacancy) error) error {
	for _, v := range f.vs {
		if err := fn(v); err != nil {
			return err
		}
	}
	return nil
}

func TestRenderEscapesAndEmpty(t *testing.T) {
	from := int64(100000)
	now := time.Date(2025, 6, 2, 10, 0, 0, 0, analytics.MSK)
	evil := `<script>alert("x")</script><img src=x onerror=alert(1)>`
	f := &fakeStore{vs: []store.Vacancy{{ID: "1", Name: evil, EmployerID: "9", EmployerName: evil, AreaName: evil, AreaID: "5",
		Roles: []store.IDName{{ID: "1", Name: evil}}, SalaryFrom: &from, SalaryCurrency: "RUR", PublishedAt: now, FirstSeenAt: now, LastSeenAt: now,
		KeySkills: []string{evil}, DetailFetchedAt: &now}}}
	res, err := analytics.Compute(context.Background(), f, analytics.Config{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Render(&buf, res, Meta{Query: evil}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, `<script>alert`) || strings.Contains(out, "<img") {
		t.Error("unescaped hh.ru text in the report")
	}
	if !strings.Contains(out, "&lt;script&gt;") {
		t.Error("escaped text missing")
	}
	// An empty database still renders.
	res, err = analytics.Compute(context.Background(), &fakeStore{}, analytics.Config{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := Render(&buf, res, Meta{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "Нет данных") {
		t.Error("empty charts not labelled")
	}
}

// chartIDs are the charts a full report must have.
var chartIDs = []string{"box-grade", "box-role", "bar-skills", "bar-regions", "bar-employers", "line-format", "col-weeks", "line-median", "km-life"}

// filledDB is a new SQLite database of n synthetic vacancies (seed),
// closed when the test ends.
func filledDB(tb testing.TB, n int, seed int64) *sqlite.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "t.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := analyticstest.Fill(ctx, db, n, seed); err != nil {
		tb.Fatal(err)
	}
	return db
}

func filledReport(t testing.TB, n int) string {
	t.Helper()
	ctx := context.Background()
	db := filledDB(t, n, 3)
	q, err := db.QueryByName(ctx, analyticstest.QueryName)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.html")
	cfg := analytics.Config{Filter: store.Filter{QueryID: q.ID}, Now: analyticstest.End}
	if err := Generate(ctx, db, cfg, Meta{Query: q.Name}, path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestGenerate(t *testing.T) {
	path := filledReport(t, 2000)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := string(b)
	for _, id := range chartIDs {
		if !strings.Contains(out, `data-chart="`+id+`"`) {
			t.Errorf("chart %s missing", id)
		}
	}
	if strings.Contains(out, "Нет данных") {
		t.Error("a chart is empty on a full database")
	}
	// Self-contained: nothing is loaded from anywhere.
	if m := regexp.MustCompile(`(?i)<(script|img|link|iframe)[^>]+(src|href)=|url\(|@import`).FindString(out); m != "" {
		t.Errorf("external load: %s", m)
	}
	for _, want := range []string{"Зарплаты по опыту", "Каплан", "\u00a0₽", "Качество данных", "Московская область", "Excel"} {
		if !strings.Contains(out, want) {
			t.Errorf("%q missing", want)
		}
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("temp files left: %v", ents)
	}
}
