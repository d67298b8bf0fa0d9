package report

import (
	"strings"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

func TestWindowChangeAndUnfinishedPeriods(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	end := time.Date(2025, 12, 2, 12, 0, 0, 0, analytics.MSK)
	w := func(i, base, count int, share *float64) analytics.WindowShare {
		to := end.AddDate(0, 0, -28*i)
		return analytics.WindowShare{From: to.AddDate(0, 0, -28), To: to, Base: base, Count: count, Share: share}
	}
	// 8.8 % → 2.0 %: −6.8 p.p.; the tooltip gives both windows with their bases.
	c := windowChange(analytics.SkillStat{Recent: w(0, 500, 10, f(0.02)), Previous: w(1, 1000, 88, f(0.088))})
	if c.S != "−6,8"+nbsp+"п.п." || !strings.Contains(c.Tip, "2,0"+nbsp+"% (10 из 500)") || !strings.Contains(c.Tip, "8,8"+nbsp+"% (88 из 1"+nbsp+"000)") {
		t.Errorf("change %q tip %q", c.S, c.Tip)
	}
	c = windowChange(analytics.SkillStat{Recent: w(0, 12, 1, nil), Previous: w(1, 1000, 88, f(0.088))})
	if c.S != "—" || c.Class != "few" || !strings.Contains(c.Tip, "мало данных (n"+nbsp+"="+nbsp+"12)") {
		t.Errorf("small window: %+v", c)
	}
	now := time.Date(2025, 12, 2, 12, 0, 0, 0, analytics.MSK)
	for _, x := range []struct {
		id    string
		start time.Time
		want  string
	}{
		{"t-weeks", time.Date(2025, 12, 1, 0, 0, 0, 0, analytics.MSK), "*"},
		{"t-weeks", time.Date(2025, 11, 24, 0, 0, 0, 0, analytics.MSK), ""},
		{"t-months", time.Date(2025, 12, 1, 0, 0, 0, 0, analytics.MSK), "*"},
		{"t-months", time.Date(2025, 11, 1, 0, 0, 0, 0, analytics.MSK), ""},
	} {
		if got := unfinishedMark(x.id, x.start, now); got != x.want {
			t.Errorf("%s %s: %q", x.id, x.start, got)
		}
	}
}
