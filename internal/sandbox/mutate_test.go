package sandbox

import (
	"slices"
	"testing"
	"time"
)

func TestArchiveRemoveChangePublish(t *testing.T) {
	e := newEnv(t, Config{})
	before := e.s.Truth(nil)
	arch := e.s.Archive(5)
	rem := e.s.Remove(5)
	after := e.s.Truth(nil)
	if len(after) != len(before)-10 {
		t.Errorf("truth %d → %d", len(before), len(after))
	}
	for _, id := range arch {
		if slices.Contains(after, id) {
			t.Errorf("archived %s still searchable", id)
		}
		r := e.get("/vacancies/" + id)
		if r.code != 200 || r.json(t)["archived"] != true {
			t.Errorf("archived %s: %d %.100s", id, r.code, r.body)
		}
	}
	for _, id := range rem {
		if r := e.get("/vacancies/" + id); r.code != 404 || r.errItem(t) != "not_found/" {
			t.Errorf("removed %s: %d", id, r.code)
		}
	}
	// change: name and/or salary differ; published_at does not
	type snap struct{ name, sal, pub string }
	get := func(id string) snap {
		m := e.get("/vacancies/" + id).json(t)
		return snap{m["name"].(string), mustJSON(m["salary_range"]), m["published_at"].(string)}
	}
	open := e.s.Truth(nil)[:0:0]
	for _, v := range e.s.vacs[:200] {
		if !v.archived && !v.removed {
			open = append(open, v.ids)
		}
	}
	old := map[string]snap{}
	for _, id := range open {
		old[id] = get(id)
	}
	ch := e.s.Change(len(open) / 2)
	changed := 0
	for _, id := range ch {
		s2 := get(id)
		o, ok := old[id]
		if !ok {
			continue // changed one outside our snapshot
		}
		changed++
		if s2.pub != o.pub {
			t.Errorf("change bumped published_at of %s", id)
		}
		if s2.name == o.name && s2.sal == o.sal {
			t.Errorf("change left %s unchanged", id)
		}
	}
	_ = changed
	// publish: new ids, published now, searchable, newest first
	e.clock.Advance(time.Minute)
	pub := e.s.Publish(3)
	if len(pub) != 3 {
		t.Fatalf("publish: %v", pub)
	}
	_, sr := e.search("order_by=publication_time&per_page=3")
	for i, it := range sr.Items {
		if it.ID != pub[2-i] || it.PublishedAt != e.clock.Now().Format(hhTimeLayout) {
			t.Errorf("published item %d: %s %s (want %s)", i, it.ID, it.PublishedAt, pub[2-i])
		}
	}
	if pub[0] <= before[len(before)-1] {
		t.Errorf("new id %s not above %s", pub[0], before[len(before)-1])
	}
}
