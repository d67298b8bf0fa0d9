package synth

// Plain store.Vacancy rows for the store's conformance suite and the store
// benchmark (`hhjobs bench store`): cheap, a pure function of n, with raw
// JSON of a chosen size. (Fill in fill.go is the realistic market.)

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/hhjobs/hhjobs/internal/hhtime"
	"github.com/hhjobs/hhjobs/internal/store"
)

// ItemBase is a fixed instant with millisecond precision, in Moscow time, so
// the round trip checks the instant and not the zone.
var ItemBase = time.Date(2025, 6, 10, 12, 0, 0, 123_000_000, hhtime.Moscow)

func i64(v int64) *int64 { return &v }
func bp(v bool) *bool    { return &v }
func tp(t time.Time) *time.Time {
	return &t
}

var (
	rowAreas     = []store.IDName{{ID: "1", Name: "Москва"}, {ID: "2", Name: "Санкт-Петербург"}, {ID: "88", Name: "Казань"}}
	rowRoles     = [][]store.IDName{{{ID: "69", Name: "Менеджер по персоналу"}}, {{ID: "117", Name: "Специалист по подбору персонала"}, {ID: "118", Name: "HR-бизнес-партнер"}}, {{ID: "153", Name: "Тренинг-менеджер"}}}
	rowEmployers = []store.IDName{{ID: "1455", Name: "HeadHunter"}, {ID: "3529", Name: "СБЕР"}, {ID: "78638", Name: "Т-Банк"}}
	rowSkills    = []string{"Подбор персонала", "Кадровое делопроизводство", "Трудовое право", "1С: ЗУП", "Adaptation", "Onboarding", "HR-аналитика"}
)

// snippet pads raw JSON so that it is about size bytes.
func snippet(size int) string {
	const words = "Опыт подбора персонала от года, знание трудового законодательства, умение вести переговоры. "
	if size <= 0 {
		return ""
	}
	return strings.ToValidUTF8(strings.Repeat(words, size/len(words)+1)[:size], "")
}

// Item returns a realistic search item for id n: typed fields plus raw JSON of
// roughly rawSize bytes (the API's own shape, abridged).
func Item(n int, rawSize int) store.Vacancy {
	id := fmt.Sprintf("%09d", 100_000_000+n)
	area := rowAreas[n%len(rowAreas)]
	roles := rowRoles[n%len(rowRoles)]
	emp := rowEmployers[n%len(rowEmployers)]
	pub := ItemBase.Add(-time.Duration(n%500) * time.Hour).Truncate(time.Second)
	v := store.Vacancy{
		ID: id, Name: fmt.Sprintf("HR-менеджер %d", n), AreaID: area.ID, AreaName: area.Name,
		EmployerID: emp.ID, EmployerName: emp.Name, Roles: roles,
		ExperienceID: "between1And3", EmploymentFormID: "FULL", WorkFormat: []string{"ON_SITE", "HYBRID"},
		ScheduleID: "fullDay", SalaryCurrency: "RUR", SalaryGross: bp(n%2 == 0), SalaryMode: "MONTH",
		PublishedAt: pub, CreatedAt: tp(pub),
	}
	if n%5 != 0 {
		v.SalaryFrom = i64(int64(60_000 + 1000*(n%40)))
	}
	if n%3 == 0 {
		v.SalaryTo = i64(int64(120_000 + 1000*(n%40)))
	}
	if v.SalaryFrom == nil && v.SalaryTo == nil {
		v.SalaryCurrency, v.SalaryGross, v.SalaryMode = "", nil, ""
	}
	raw := map[string]any{
		"id": id, "name": v.Name, "premium": false, "has_test": false,
		"area":                map[string]any{"id": area.ID, "name": area.Name, "url": "https://api.hh.ru/areas/" + area.ID},
		"employer":            map[string]any{"id": emp.ID, "name": emp.Name, "trusted": true},
		"professional_roles":  roles,
		"experience":          map[string]any{"id": "between1And3", "name": "От 1 года до 3 лет"},
		"work_format":         []map[string]string{{"id": "ON_SITE", "name": "На месте работодателя"}, {"id": "HYBRID", "name": "Гибрид"}},
		"published_at":        pub.Format(hhtime.Layout),
		"alternate_url":       "https://hh.ru/vacancy/" + id,
		"snippet":             map[string]any{"requirement": "", "responsibility": ""},
		"salary_range":        nil,
		"employment_form":     map[string]string{"id": "FULL", "name": "Полная"},
		"schedule":            map[string]string{"id": "fullDay", "name": "Полный день"},
		"archived":            false,
		"response_letter_req": false,
	}
	b, _ := json.Marshal(raw)
	if pad := rawSize - len(b); pad > 0 {
		raw["snippet"] = map[string]any{"requirement": snippet(pad / 2), "responsibility": snippet(pad - pad/2)}
		b, _ = json.Marshal(raw)
	}
	v.RawItem = b
	return v
}

// Full returns the full vacancy for Item(n): key skills and raw JSON of about
// rawSize bytes. Only tests call it (the conformance suite and the engines'
// tests, through store/fixture), so deadcode ./cmd/hhjobs lists it; it stays
// beside Item, which `hhjobs bench store` uses: one generator of plain rows.
func Full(n int, rawSize int) store.Vacancy {
	v := Item(n, 0)
	v.RawItem = nil
	v.InitialCreatedAt = tp(v.PublishedAt.Add(-48 * time.Hour))
	v.KeySkills = make([]string, 0, 5)
	for i := 0; i < 5; i++ {
		v.KeySkills = append(v.KeySkills, rowSkills[(n+i)%len(rowSkills)])
	}
	raw := map[string]any{
		"id": v.ID, "name": v.Name, "description": "",
		"key_skills": v.KeySkills, "area": map[string]string{"id": v.AreaID, "name": v.AreaName},
		"initial_created_at": v.InitialCreatedAt.Format(hhtime.Layout),
	}
	b, _ := json.Marshal(raw)
	if pad := rawSize - len(b); pad > 0 {
		raw["description"] = "<p>" + snippet(pad-8) + "</p>"
		b, _ = json.Marshal(raw)
	}
	v.RawFull = b
	return v
}
