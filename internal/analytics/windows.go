package analytics

import (
	"context"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
)

// Equal windows for trends (docs/methodology.md §5): a skill's share is
// compared between the last WindowDays days of the data and the WindowDays
// before, by publication date, each on its own base, so a two-day month is
// never set against a full one.
const (
	WindowDays = 28
	// MinShareBase is the smallest base a window's share is shown on.
	MinShareBase = 30
)

// WindowShare is a share within one window [From, To).
type WindowShare struct {
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
	Base  int       `json:"base"`  // vacancies with details published in the window
	Count int       `json:"count"` // of them, listing the skill
	Share *float64  `json:"share"` // null below MinShareBase
}

// windows are the two comparison windows, the recent one first.
type windows struct {
	end  time.Time // the data's end: the last finished sync, else Now
	base [2]int
}

// dataEnd is the end of the data: the latest finished run of the filter's
// query (any query without one), capped by now; now when nothing finished.
func dataEnd(ctx context.Context, s store.Store, f store.Filter, now time.Time) time.Time {
	runs, err := s.Runs(ctx, f.QueryID)
	if err != nil {
		return now
	}
	var end time.Time
	for _, r := range runs {
		if r.FinishedAt != nil && r.FinishedAt.After(end) {
			end = *r.FinishedAt
		}
	}
	if end.IsZero() || end.After(now) {
		return now
	}
	return end
}

// of says which window t falls in: 0 (recent), 1 (previous) or −1.
func (w *windows) of(t time.Time) int {
	d := w.end.Sub(t)
	switch {
	case d <= 0:
		return -1
	case d <= WindowDays*24*time.Hour:
		return 0
	case d <= 2*WindowDays*24*time.Hour:
		return 1
	}
	return -1
}

// share builds window i's share of count.
func (w *windows) share(i, count int) WindowShare {
	to := w.end.Add(-time.Duration(i*WindowDays) * 24 * time.Hour)
	ws := WindowShare{From: to.Add(-WindowDays * 24 * time.Hour), To: to, Base: w.base[i], Count: count}
	if ws.Base >= MinShareBase {
		s := float64(count) / float64(ws.Base)
		ws.Share = &s
	}
	return ws
}

// addWindow counts a vacancy with details published at t and its skills.
func (s *skillsSection) addWindow(t time.Time, ids []int32) {
	i := s.win.of(t)
	if i < 0 {
		return
	}
	s.win.base[i]++
	for _, id := range ids {
		s.skills[id].win[i]++
	}
}
