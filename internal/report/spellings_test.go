package report

import (
	"bytes"
	"context"
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/analytics/analyticstest"
	"github.com/hhjobs/hhjobs/internal/store"
	"github.com/hhjobs/hhjobs/internal/store/fixture"
)

// The skill tooltip's number for a spelling is the number of vacancies that
// list that spelling, also those that list a second spelling of the skill.
func TestSkillTooltipCountsEverySpelling(t *testing.T) {
	ctx := context.Background()
	db := filledDB(t, 600, 3)
	// Vacancies that list Excel twice, in two spellings, as hh.ru's do.
	var both []store.Vacancy
	for i := range 40 {
		v := fixture.Full(900_000+i, 0)
		v.KeySkills = []string{"Excel", "MS Excel"}
		if i%2 == 1 {
			v.KeySkills = []string{"MS Excel", "Microsoft Excel"}
		}
		both = append(both, v)
	}
	if err := db.SaveDetails(ctx, 0, both, analyticstest.End.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	listing := map[string]map[string]bool{} // spelling → vacancies listing it
	if err := db.EachSkill(ctx, store.Filter{}, func(id, skill string) error {
		skill = strings.TrimSpace(skill)
		if listing[skill] == nil {
			listing[skill] = map[string]bool{}
		}
		listing[skill][id] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	res, err := analytics.Compute(ctx, db, analytics.Config{Now: analyticstest.End})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Render(&buf, res, Meta{}); err != nil {
		t.Fatal(err)
	}
	tips := regexp.MustCompile(`title="`+regexp.QuoteMeta(html.EscapeString(spellingsTip))+`([^"]*)"`).FindAllStringSubmatch(buf.String(), -1)
	if len(tips) < 3 {
		t.Fatalf("%d skill tooltips in the report", len(tips))
	}
	checked, excel := 0, ""
	for _, tip := range tips {
		// Labels from hh.ru are bidi-isolated (FSI … PDI, display.go).
		text := strings.NewReplacer("\u2068", "", "\u2069", "").Replace(html.UnescapeString(tip[1]))
		if strings.Contains(text, "«MS Excel»") {
			excel = text
		}
		for _, m := range regexp.MustCompile(`«([^»]+)» ([0-9\x{00a0}]+)`).FindAllStringSubmatch(text, -1) {
			n, err := strconv.Atoi(strings.ReplaceAll(m[2], "\u00a0", ""))
			if err != nil {
				t.Fatal(err)
			}
			if want := len(listing[m[1]]); n != want {
				t.Errorf("tooltip says «%s» %d, but %d vacancies list it", m[1], n, want)
			}
			checked++
		}
	}
	if checked < 6 || excel == "" {
		t.Errorf("%d spellings checked; Excel's tooltip %q", checked, excel)
	}
	t.Logf("Excel: %s", excel)
}
