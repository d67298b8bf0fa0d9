package report

import (
	"time"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

var windowHead = th{Label: "Изменение доли", Num: true,
	Tip: "доля за последние 28 дней данных минус доля за 28 дней до них (по дате публикации), в процентных пунктах; при базе окна меньше 30 вакансий — не показывается"}

// windowChange is the change of a skill's share between two equal windows,
// with both shares and bases in the tooltip.
func windowChange(s analytics.SkillStat) td {
	r, p := s.Recent, s.Previous
	tip := "последние 28 дн. (" + fmtDate(r.From) + " – " + fmtDate(r.To) + "): " + windowShare(r) +
		"; 28 дн. до них: " + windowShare(p)
	if r.Share == nil || p.Share == nil {
		return td{S: "—", Num: true, Class: "few", Tip: tip, V: "-999"}
	}
	change := *r.Share - *p.Share
	c := num(change, fmtNum(change*100, 1)+nbsp+"п.п.")
	if change > 0 {
		c.S = "+" + c.S
	}
	c.Tip = tip
	return c
}

func windowShare(w analytics.WindowShare) string {
	base := "n" + nbsp + "=" + nbsp + fmtInt(int64(w.Base))
	if w.Share == nil {
		return "мало данных (" + base + ")"
	}
	return fmtPct(*w.Share) + " (" + fmtInt(int64(w.Count)) + " из " + fmtInt(int64(w.Base)) + ")"
}

// unfinishedMark is "*" for a week or month that had not ended at now, as the charts mark them.
func unfinishedMark(tableID string, start, now time.Time) string {
	end := start.AddDate(0, 0, 7)
	if tableID == "t-months" {
		end = start.AddDate(0, 1, 0)
	}
	if end.After(now) {
		return "*"
	}
	return ""
}

// noteUnfinished explains the star when a period table has one.
func noteUnfinished(t *table) {
	for _, r := range t.Rows {
		if len(r) > 0 && len(r[0].S) > 0 && r[0].S[len(r[0].S)-1] == '*' {
			t.Note = "* — период ещё не закончился: его числа неполные, сравнивайте с осторожностью."
			return
		}
	}
}
