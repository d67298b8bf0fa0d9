package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

// summary is a Summary of xs with the default small-sample rules applied.
func summary(xs ...float64) analytics.Summary {
	s := analytics.Summarise(xs)
	s.Withhold(analytics.Thresholds{})
	return s
}

func TestHistogramSection(t *testing.T) {
	res := &analytics.Result{Small: analytics.SmallSampleRules{MinNMedian: 10, MinNQuartiles: 30, MinNRank: 20}}
	res.Total.Salary = analytics.Summary{N: 40, Median: 75_000}
	res.SalaryHistogram = &analytics.Histogram{N: 40, Width: 50_000, OutliersAbs: 2, OutliersIQR: 1, Excluded: 3,
		Bins: []analytics.Bin{{From: 0, To: 50_000, Count: 10}, {From: 50_000, To: 100_000, Count: 25}, {From: 100_000, To: 150_000, Count: 5}}}
	s, ok := histogramSection(res, "gross")
	if !ok || len(s.Charts) != 1 || len(s.Tables) != 1 {
		t.Fatalf("section %+v", s)
	}
	var bars []svgRect
	for _, r := range s.Charts[0].Rects {
		if r.Class == "bar" {
			bars = append(bars, r)
		}
	}
	// Three touching columns; the middle one 25 of 40 = 62,5 %.
	if len(bars) != 3 || !strings.Contains(bars[1].Tip, "от 50"+nbsp+"000"+nbsp+"₽ до 100"+nbsp+"000"+nbsp+"₽: 25 зарплат (62,5"+nbsp+"% от n = 40)") {
		t.Errorf("bars %+v", bars)
	}
	if len(s.Charts[0].Lines) == 0 || !strings.Contains(strings.Join(texts(s.Charts[0]), "|"), "медиана 75"+nbsp+"тыс.") {
		t.Errorf("no median line: %v", texts(s.Charts[0]))
	}
	if got := s.Tables[0].Rows[1]; got[0].S != "50"+nbsp+"000" || got[2].S != "25" || got[3].S != "62,5"+nbsp+"%" {
		t.Errorf("row %+v", got)
	}
	intro := strings.Join(s.Intro, " ")
	for _, want := range []string{"n = 40", "2 вне [10 000; 5 000 000]", "1 вне Q1", "3 без месячного"} {
		if !strings.Contains(intro, want) {
			t.Errorf("intro lacks %q: %s", want, intro)
		}
	}

	// Withheld: no bars, the reason instead.
	res.SalaryHistogram = &analytics.Histogram{N: 12, Withheld: true}
	s, _ = histogramSection(res, "gross")
	if len(s.Charts[0].Rects) != 0 || !strings.Contains(strings.Join(texts(s.Charts[0]), "|"), "мало данных (n"+nbsp+"="+nbsp+"12)") || len(s.Tables[0].Rows) != 0 {
		t.Errorf("withheld: %v", texts(s.Charts[0]))
	}
}

func texts(c chart) []string {
	var out []string
	for _, x := range c.Texts {
		out = append(out, x.S)
	}
	return out
}

func TestRegionExperienceSection(t *testing.T) {
	res := &analytics.Result{Small: analytics.SmallSampleRules{MinNMedian: 10, MinNQuartiles: 30, MinNRank: 20}}
	many := make([]float64, 12)
	for i := range many {
		many[i] = 100_000 + float64(i)*1000 // median 105 500
	}
	res.RegionExperience = &analytics.Grouping{Dims: analytics.RegionExperienceDims, Groups: []analytics.GroupStats{
		{Key: []string{"1", "between1And3"}, Label: []string{"Москва", "От 1 года до 3 лет"}, Vacancies: 20, Salary: summary(many...)},
		{Key: []string{"1", "moreThan6"}, Label: []string{"Москва", "Более 6 лет"}, Vacancies: 5, Salary: summary(300_000, 310_000, 320_000)},
		{Key: []string{"2019", "between1And3"}, Label: []string{"Московская область", "От 1 года до 3 лет"}, Vacancies: 4, Salary: summary(90_000)},
	}}
	s, ok := regionExperienceSection(res, "gross")
	if !ok || len(s.Charts) != 1 || len(s.Tables) != 1 {
		t.Fatalf("section %+v", s)
	}
	all := strings.Join(texts(s.Charts[0]), "|")
	// Columns in grade order; Moscow first (25 vacancies); its 1–3 years
	// shows 106 thousand (105 500 rounded) with n = 12; more than 6 years
	// (n = 3) and the region's one salary are withheld; the empty cells dash.
	for _, want := range []string{"1–3 года|Более 6 лет|Москва|106" + nbsp + "тыс.|n" + nbsp + "=" + nbsp + "12|мало данных|n" + nbsp + "=" + nbsp + "3|Московская область|мало данных|n" + nbsp + "=" + nbsp + "1|—"} {
		if !strings.Contains(all, want) {
			t.Errorf("grid texts %q lack %q", all, want)
		}
	}
	bars := 0
	for _, r := range s.Charts[0].Rects {
		if r.Class == "bar" {
			bars++
		}
	}
	if bars != 1 {
		t.Errorf("%d bars, want 1 (the only cell with a median shown)", bars)
	}
	// The table withholds the same cells.
	rows := s.Tables[0].Rows
	if len(rows) != 3 || rows[1][6].Class != "few" || rows[0][6].S != "105"+nbsp+"500"+nbsp+"₽" {
		t.Errorf("table rows %+v", rows)
	}
	var page bytes.Buffer
	if err := tmpl.Execute(&page, build(res, Meta{})); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.String(), `id="grid-region-exp"`) {
		t.Error("the grid is not on the page")
	}
}
