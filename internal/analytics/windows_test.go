package analytics

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
)

func TestSkillShareInEqualWindows(t *testing.T) {
	now := time.Date(2025, 6, 30, 12, 0, 0, 0, MSK)
	synced := time.Date(2025, 6, 29, 12, 0, 0, 0, MSK) // the data's end
	var vs []store.Vacancy
	add := func(n, withExcel int, pub time.Time) {
		for i := 0; i < n; i++ {
			skills := []string{"Подбор персонала"}
			if i < withExcel {
				skills = append(skills, "Excel")
			}
			p := pub
			vs = append(vs, store.Vacancy{ID: fmt.Sprintf("%d", len(vs)+1), PublishedAt: p, FirstSeenAt: p, LastSeenAt: p, KeySkills: skills, DetailFetchedAt: &p})
		}
	}
	add(30, 10, synced.Add(-9*24*time.Hour))  // recent window (the 28 days to 29 June noon)
	add(40, 20, synced.Add(-40*24*time.Hour)) // previous window (28–56 days before)
	add(5, 5, synced.Add(-70*24*time.Hour))   // before both: counts in demand, not in the windows
	add(3, 3, synced.Add(time.Hour))          // after the last sync (cannot happen, ignored)
	f := &fakeStore{vs: vs, runs: []store.Run{{ID: 1, QueryID: 1, Status: store.RunDone, StartedAt: synced.Add(-time.Hour), FinishedAt: &synced}}}
	res, err := Compute(context.Background(), f, Config{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var excel, hiring *SkillStat
	for i := range res.Skills.Top {
		switch res.Skills.Top[i].Key {
		case "excel":
			excel = &res.Skills.Top[i]
		case "подбор персонала":
			hiring = &res.Skills.Top[i]
		}
	}
	if excel == nil || hiring == nil {
		t.Fatalf("skills %+v", res.Skills.Top)
	}
	r, p := excel.Recent, excel.Previous
	// Recent: 10 of 30 = 1/3; previous: 20 of 40 = 1/2.
	if r.Base != 30 || r.Count != 10 || r.Share == nil || !near(*r.Share, 1.0/3) || !r.To.Equal(synced) || !r.From.Equal(synced.Add(-28*24*time.Hour)) {
		t.Errorf("recent %+v", r)
	}
	if p.Base != 40 || p.Count != 20 || p.Share == nil || !near(*p.Share, 0.5) || !p.To.Equal(r.From) {
		t.Errorf("previous %+v", p)
	}
	if hiring.Recent.Count != 30 || hiring.Previous.Count != 40 {
		t.Errorf("hiring %+v %+v", hiring.Recent, hiring.Previous)
	}

	// A window under MinShareBase shows no share.
	f.vs = vs[:29]
	res, err = Compute(context.Background(), f, Config{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if w := res.Skills.Top[0].Recent; w.Base != 29 || w.Share != nil {
		t.Errorf("small window %+v", w)
	}
}
