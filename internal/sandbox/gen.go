package sandbox

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
)

// Hard cells: (role, area) pairs whose volume defeats naive query splitting.
// They exist in every dataset (unless Config.NoHardCells is set).
const (
	// HardDayRole in HardDayArea has more than 2000 vacancies published on
	// one calendar day (Moscow time); see Server.HardDay for the day.
	HardDayRole  = "118" // Специалист по подбору персонала
	HardDayArea  = "1"   // Москва
	HardDayCount = 2100
	// HardHourRole in HardHourArea has more than 2000 vacancies published
	// within one clock hour, spread evenly over it so that every 5-minute
	// window stays under 2000; see Server.HardHour.
	HardHourRole  = "69" // Менеджер по персоналу
	HardHourArea  = "2"  // Санкт-Петербург
	HardHourCount = 2100
)

// HRRoles are the HR professional roles (category 12).
var HRRoles = []string{"17", "38", "69", "117", "118", "153", "171"}

type weighted[T any] struct {
	items []T
	cum   []float64
}

func (w *weighted[T]) add(it T, weight float64) {
	tot := 0.0
	if n := len(w.cum); n > 0 {
		tot = w.cum[n-1]
	}
	w.items = append(w.items, it)
	w.cum = append(w.cum, tot+weight)
}

func (w *weighted[T]) pick(r *rand.Rand) T {
	x := r.Float64() * w.cum[len(w.cum)-1]
	i := sort.SearchFloat64s(w.cum, x)
	if i >= len(w.items) {
		i = len(w.items) - 1
	}
	return w.items[i]
}

type gen struct {
	s         *Server
	r         *rand.Rand
	roles     weighted[string]
	hrRoles   weighted[string]
	ruRegions weighted[*areaNode]
	capital   map[string]string
	employers []*employer
	anon      []*employer
	empZipf   *rand.Zipf
	itSkills  weighted[string]
	itNames   map[string][]string
	skewed    map[string][]*areaNode // region id -> shuffled children
}

func newGen(s *Server, seed int64) *gen {
	g := &gen{s: s, r: rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)), skewed: map[string][]*areaNode{}}
	ref := s.ref
	// roles: half HR, half the rest
	for _, rw := range []struct {
		id string
		w  float64
	}{{"118", 30}, {"69", 25}, {"117", 25}, {"17", 5}, {"38", 5}, {"153", 4}, {"171", 6}} {
		g.hrRoles.add(rw.id, rw.w)
	}
	other := map[string]float64{
		"96": 12, "124": 4, "156": 2, "150": 2, "160": 2, "148": 2, "113": 2, "104": 1, "165": 1, "164": 1,
		"70": 12, "97": 6, "129": 3, "106": 2, "83": 3, "21": 3, "58": 3, "31": 2, "52": 2, "131": 2,
		"18": 4, "8": 2, "88": 2, "110": 2, "94": 2, "89": 2, "64": 2, "40": 2, "146": 2, "68": 2,
	}
	for _, id := range ref.roleOrder {
		w, ok := other[id]
		if !ok {
			w = 0.25
		}
		if roleGroup(id) == gRecruit || id == "69" || id == "117" || id == "17" || id == "38" || id == "153" || id == "171" {
			continue
		}
		g.roles.add(id, w)
	}
	// areas
	big := map[string]float64{"2019": 10, "1261": 5, "1202": 4, "1624": 4.5, "1438": 4.5, "1679": 3.5, "1530": 3.5,
		"1586": 3, "145": 2.5, "1347": 3, "1317": 2.5, "1384": 3, "1844": 2.5, "1511": 2, "1146": 2.5, "1249": 1.8}
	for _, c := range ref.areas["113"].Areas {
		if c.ID == "1" || c.ID == "2" {
			continue
		}
		w, ok := big[c.ID]
		if !ok {
			w = 0.6
		}
		g.ruRegions.add(c, w)
	}
	g.capital = map[string]string{"1261": "3", "1202": "4", "1624": "88", "1438": "53", "1679": "66", "1530": "76",
		"1586": "78", "1347": "99", "1317": "72", "1384": "104", "1844": "26", "1511": "24", "1146": "54", "1249": "68",
		"2019": "2020", "145": "2", "2237": "1002"}
	// IT skills and names from the real sample
	skillCount := map[string]int{}
	g.itNames = map[string][]string{}
	for _, smp := range ref.samples {
		var ks []skillJSON
		_ = json.Unmarshal(smp["key_skills"], &ks)
		for _, k := range ks {
			skillCount[k.Name]++
		}
		var name string
		var roles []idName
		_ = json.Unmarshal(smp["name"], &name)
		_ = json.Unmarshal(smp["professional_roles"], &roles)
		for _, ro := range roles {
			g.itNames[ro.ID] = append(g.itNames[ro.ID], name)
		}
	}
	skills := make([]string, 0, len(skillCount))
	for k := range skillCount {
		skills = append(skills, k)
	}
	sort.Strings(skills)
	for _, k := range skills {
		g.itSkills.add(k, float64(skillCount[k]))
	}
	g.buildEmployers()
	return g
}

var (
	empA = []string{"Альфа", "Вектор", "Гранит", "Дельта", "Евро", "Зенит", "Интер", "Капитал", "Лидер", "Мега", "Нова",
		"Омега", "Прайм", "Ресурс", "Сфера", "Техно", "Флагман", "Центр", "Эко", "Юнит", "Север", "Восток", "Сибирь",
		"Волга", "Урал", "Балтика", "Меридиан", "Атлант", "Орбита", "Пульс"}
	empB = []string{"Строй", "Трейд", "Софт", "Логистик", "Пром", "Сервис", "Фуд", "Фарм", "Авто", "Инвест", "Групп",
		"Маркет", "Ритейл", "Энерго", "Телеком", "Медиа", "Агро", "Консалт", "Девелопмент", "Лаб", "Тех", "Системс"}
	empForm  = []string{"ООО ", "АО ", "ГК ", "", "", "", "ПАО "}
	anonName = []string{"Крупная производственная компания", "Федеральная розничная сеть", "IT-компания",
		"Международная компания", "Кадровое агентство"}
)

func (g *gen) buildEmployers() {
	ref := g.s.ref
	n := g.s.cfg.Vacancies / 10
	n = max(30, min(n, 4000))
	used := map[string]bool{}
	ruCountry := 1
	// real employers of the sample first
	for _, smp := range ref.samples {
		var e employerRefJSON
		if json.Unmarshal(smp["employer"], &e) != nil || e.ID == nil || used[*e.ID] {
			continue
		}
		used[*e.ID] = true
		g.employers = append(g.employers, &employer{id: *e.ID, name: e.Name, trusted: e.Trusted,
			accredited: e.Accredited, logo: e.LogoURLs, countryID: ruCountry, typ: "company"})
	}
	for len(g.employers) < n {
		id := fmt.Sprint(1000 + g.r.IntN(11000000))
		if used[id] {
			continue
		}
		used[id] = true
		a, b := empA[g.r.IntN(len(empA))], empB[g.r.IntN(len(empB))]
		var name string
		if g.r.IntN(2) == 0 {
			name = empForm[g.r.IntN(len(empForm))] + "«" + a + " " + b + "»"
		} else {
			name = a + strings.ToLower(b)
		}
		e := &employer{id: id, name: name, trusted: g.r.Float64() < 0.9, countryID: ruCountry, typ: "company"}
		if g.r.Float64() < 0.08 {
			e.typ = "agency"
			e.name = "Кадровое агентство «" + a + "»"
		}
		if g.r.Float64() < 0.8 {
			l := 1000000 + g.r.IntN(9000000)
			e.logo = &logoURLs{
				Original: fmt.Sprintf("https://img.hhcdn.ru/employer-logo-original/%d.png", l),
				L90:      fmt.Sprintf("https://img.hhcdn.ru/employer-logo/%d.png", l+1),
				L240:     fmt.Sprintf("https://img.hhcdn.ru/employer-logo/%d.png", l+2),
			}
		}
		g.employers = append(g.employers, e)
	}
	for _, e := range g.employers {
		e.nameTok = tokenize(e.name)
		k := 1 + g.r.IntN(2)
		for i := 0; i < k; i++ {
			e.industries = append(e.industries, ref.subInds[g.r.IntN(len(ref.subInds))])
		}
		if strings.Contains(strings.ToLower(e.name), "софт") || g.r.Float64() < 0.1 {
			e.accredited = true
		}
		e.area = ref.areas["1"]
		if g.r.Float64() < 0.3 {
			e.area = ref.areas["113"]
		}
		e.site = "https://" + strings.ToLower(fmt.Sprintf("company%s.example", e.id))
		e.descr = "<p>" + e.name + " — работодатель на hh.ru.</p>"
	}
	g.r.Shuffle(len(g.employers), func(i, j int) { g.employers[i], g.employers[j] = g.employers[j], g.employers[i] })
	g.empZipf = rand.NewZipf(g.r, 1.07, 2, uint64(len(g.employers)-1))
	for _, nm := range anonName {
		e := &employer{name: nm, countryID: ruCountry, typ: "company"}
		e.nameTok = tokenize(nm)
		g.anon = append(g.anon, e)
	}
}

// skewedChild picks a child of region, skewed towards a seeded "large" few.
func (g *gen) skewedChild(region *areaNode) *areaNode {
	ch, ok := g.skewed[region.ID]
	if !ok {
		ch = append([]*areaNode(nil), region.Areas...)
		g.r.Shuffle(len(ch), func(i, j int) { ch[i], ch[j] = ch[j], ch[i] })
		g.skewed[region.ID] = ch
	}
	u := g.r.Float64()
	return ch[int(float64(len(ch))*u*u*u)]
}

func (g *gen) inRegion(region *areaNode, regionShare float64) *areaNode {
	if len(region.Areas) == 0 {
		return region
	}
	if g.r.Float64() < regionShare {
		return region // attached to the region node itself
	}
	if c, ok := g.capital[region.ID]; ok && g.r.Float64() < 0.6 {
		if a := g.s.ref.areas[c]; a != nil && a.parent == region {
			return a
		}
	}
	a := g.skewedChild(region)
	if len(a.Areas) > 0 {
		return g.inRegion(a, 0.2)
	}
	return a
}

func (g *gen) pickArea() *areaNode {
	ref := g.s.ref
	x := g.r.Float64()
	switch {
	case x < 0.36:
		return ref.areas["1"]
	case x < 0.49:
		return ref.areas["2"]
	case x < 0.91:
		return g.inRegion(g.ruRegions.pick(g.r), 0.05)
	case x < 0.97:
		y := g.r.Float64()
		if y < 0.45 {
			return ref.areas["160"]
		} else if y < 0.75 {
			return ref.areas["159"]
		}
		return g.inRegion(ref.areas["40"], 0)
	default:
		if g.r.Float64() < 0.65 {
			return ref.areas["1002"]
		}
		return g.inRegion(ref.areas["16"], 0)
	}
}

func (g *gen) pickTime(from, to int64, diurnal bool) int64 {
	for {
		t := from + g.r.Int64N(max(1, to-from))
		if !diurnal {
			return t
		}
		tm := time.Unix(t, 0).In(msk)
		w := 0.08
		switch h := tm.Hour(); {
		case h >= 9 && h < 19:
			w = 1
		case h >= 7 && h < 22:
			w = 0.45
		}
		if wd := tm.Weekday(); wd == time.Saturday || wd == time.Sunday {
			w *= 0.35
		}
		if g.r.Float64() < w {
			return t
		}
	}
}

func (g *gen) vacancy(role string, area *areaNode, published int64) *vacancy {
	ref := g.s.ref
	v := &vacancy{published: published, initial: published, relKey: g.r.Uint64()}
	if role == "" {
		if g.r.Float64() < 0.5 {
			role = g.hrRoles.pick(g.r)
		} else {
			role = g.roles.pick(g.r)
		}
	}
	v.roles = []string{role}
	if g.r.Float64() < 0.07 {
		second := map[string]string{"118": "69", "69": "118", "117": "69", "171": "38", "38": "171", "153": "69",
			"17": "69", "96": "124", "124": "96", "70": "97", "97": "70", "156": "150", "150": "156"}[role]
		if second == "" {
			second = g.roles.pick(g.r)
		}
		if second != role {
			v.roles = append(v.roles, second)
		}
	}
	grp := roleGroup(role)
	if area == nil {
		area = g.pickArea()
	}
	v.area = area
	if g.r.Float64() < 0.03 {
		v.emp = g.anon[g.r.IntN(len(g.anon))]
		v.vtype = "anonymous"
	} else {
		v.emp = g.employers[g.empZipf.Uint64()]
		v.vtype = "open"
	}
	if g.r.Float64() < 0.17 {
		v.initial = published - int64(1+g.r.IntN(60*86400))
	}
	v.name = g.nameFor(role)
	v.exp = pickStr(g.r, g.r.Float64(), []string{"noExperience", "between1And3", "between3And6", "moreThan6"}, []float64{0.15, 0.45, 0.3})
	v.empForm = pickStr(g.r, g.r.Float64(), []string{"FULL", "PART", "PROJECT", "SIDE_JOB", "FLY_IN_FLY_OUT"}, []float64{0.85, 0.08, 0.03, 0.03})
	// work format
	x := g.r.Float64()
	remoteShare := 0.12
	if grp == gIT {
		remoteShare = 0.45
	}
	switch {
	case x < remoteShare:
		v.workFormat = []string{"REMOTE"}
	case x < remoteShare+0.12:
		v.workFormat = []string{"ON_SITE", "HYBRID"}
	case x < remoteShare+0.2:
		v.workFormat = []string{"HYBRID"}
	case x < remoteShare+0.23:
		v.workFormat = []string{"FIELD_WORK"}
	case x < remoteShare+0.26:
		v.workFormat = []string{}
	default:
		v.workFormat = []string{"ON_SITE"}
	}
	if grp == gIT && len(v.workFormat) == 1 && v.workFormat[0] == "ON_SITE" && g.r.Float64() < 0.4 {
		v.workFormat = []string{"ON_SITE", "REMOTE", "HYBRID"}
	}
	v.wsbd = []string{pickStr(g.r, g.r.Float64(), []string{"FIVE_ON_TWO_OFF", "TWO_ON_TWO_OFF", "FLEXIBLE", "SIX_ON_ONE_OFF", "OTHER"}, []float64{0.8, 0.07, 0.06, 0.04})}
	switch {
	case v.empForm == "PART" || v.empForm == "SIDE_JOB":
		v.hours = []string{pickStr(g.r, g.r.Float64(), []string{"HOURS_4", "HOURS_6", "FLEXIBLE"}, []float64{0.4, 0.35})}
		if g.r.Float64() < 0.3 {
			v.intervals = []string{"from_four_to_six_hours_in_a_day"}
		}
	case v.wsbd[0] == "TWO_ON_TWO_OFF":
		v.hours = []string{"HOURS_12"}
	default:
		v.hours = []string{pickStr(g.r, g.r.Float64(), []string{"HOURS_8", "HOURS_9", "FLEXIBLE", "HOURS_7"}, []float64{0.85, 0.06, 0.05})}
	}
	// legacy fields, consistent with the new ones
	switch {
	case v.empForm == "FLY_IN_FLY_OUT":
		v.schedule = "flyInFlyOut"
	case len(v.workFormat) == 1 && v.workFormat[0] == "REMOTE":
		v.schedule = "remote"
	case v.wsbd[0] == "TWO_ON_TWO_OFF" || v.wsbd[0] == "SIX_ON_ONE_OFF":
		v.schedule = "shift"
	case v.wsbd[0] == "FLEXIBLE" || v.hours[0] == "FLEXIBLE":
		v.schedule = "flexible"
	default:
		v.schedule = "fullDay"
	}
	v.employment = map[string]string{"FULL": "full", "PART": "part", "PROJECT": "project", "SIDE_JOB": "part", "FLY_IN_FLY_OUT": "full"}[v.empForm]
	v.internship = v.exp == "noExperience" && g.r.Float64() < 0.1
	if v.internship && g.r.Float64() < 0.5 {
		v.employment = "probation"
	}
	v.night = v.schedule == "shift" && g.r.Float64() < 0.3
	v.sal = g.salary(v)
	// skills
	var nsk int
	if g.r.Float64() < 0.65 {
		nsk = 1 + g.r.IntN(8)
	}
	seen := map[string]bool{}
	for i := 0; i < nsk; i++ {
		var sk string
		if grp == gIT {
			sk = g.itSkills.pick(g.r)
		} else {
			list := groupSkills[grp]
			sk = list[g.r.IntN(len(list))]
		}
		if !seen[sk] {
			seen[sk] = true
			v.skills = append(v.skills, sk)
		}
	}
	// description
	p := g.s.pool
	if grp == gIT && len(p.rawAll) > 0 {
		list := p.raw[role]
		if len(list) == 0 {
			list = p.rawAll
		}
		v.desc = []int32{list[g.r.IntN(len(list))]}
	} else {
		gr := p.groups[grp]
		if gr == nil {
			gr = p.groups[gOther]
		}
		if g.r.Float64() < 0.6 {
			v.desc = append(v.desc, gr[kIntro][g.r.IntN(len(gr[kIntro]))])
		}
		v.desc = append(v.desc, g.pickN(gr[kDuty], 3+g.r.IntN(3))...)
		v.desc = append(v.desc, g.pickN(gr[kReq], 2+g.r.IntN(3))...)
		v.desc = append(v.desc, g.pickN(gr[kCond], 3+g.r.IntN(3))...)
	}
	v.addr = g.address(area)
	v.billing = pickStr(g.r, g.r.Float64(), []string{"standard", "standard_plus", "premium", "free"}, []float64{0.7, 0.2, 0.05})
	if g.r.Float64() < 0.08 {
		v.dept = &idName{fmt.Sprintf("%s-%s-main", v.emp.id, v.emp.id), v.emp.name + " Отдел персонала"}
		if v.emp.id == "" {
			v.dept = nil
		}
	}
	if g.r.Float64() < 0.01 && v.emp.id != "" {
		iid := fmt.Sprint(10000 + g.r.IntN(90000))
		v.insider = &insiderJSON{iid, siteBase + "/interview/" + iid + "?employerId=" + v.emp.id}
	}
	v.hasTest = g.r.Float64() < 0.08
	v.respLetter = g.r.Float64() < 0.1
	v.acceptHandicapped = g.r.Float64() < 0.1
	v.acceptTemporary = v.empForm == "PROJECT" || g.r.Float64() < 0.03
	v.acceptKids = g.r.Float64() < 0.02
	v.acceptIncomplete = grp == gOther && g.r.Float64() < 0.5
	v.showContacts = g.r.Float64() < 0.3
	v.allowMessages = g.r.Float64() < 0.89
	v.autoResponse = g.r.Float64() < 0.5
	if g.r.Float64() < 0.07 {
		lv := []string{"a2", "b1", "b2", "c1"}[g.r.IntN(4)]
		v.languages = []langJSON{{"eng", "Английский", idName{lv, ref.dictName("language_level", lv)}}}
	}
	if g.r.Float64() < 0.02 {
		v.code = strp(fmt.Sprintf("HR-%d", 100+g.r.IntN(900)))
	}
	if g.r.Float64() < 0.27 {
		b := g.r.Float64() < 0.8
		v.showLogo = &b
	}
	v.responses = g.r.IntN(200)
	v.nameTok = tokenize(v.name)
	return v
}

// generate builds the initial dataset.
func (g *gen) generate(now int64) []*vacancy {
	cfg := g.s.cfg
	from := now - int64(cfg.Days)*86400
	vs := make([]*vacancy, 0, cfg.Vacancies+HardDayCount+HardHourCount)
	for i := 0; i < cfg.Vacancies; i++ {
		vs = append(vs, g.vacancy("", nil, g.pickTime(from, now, true)))
	}
	if !cfg.NoHardCells {
		ref := g.s.ref
		ds, de := g.s.hardDay.Unix(), g.s.hardDay.Add(24*time.Hour).Unix()
		for i := 0; i < HardDayCount; i++ {
			v := g.vacancy(HardDayRole, ref.areas[HardDayArea], g.pickTime(ds, de, false))
			v.roles = v.roles[:1]
			vs = append(vs, v)
		}
		hs := g.s.hardHour.Unix()
		for i := 0; i < HardHourCount; i++ {
			// evenly spread: i-th vacancy in second (i*3600/count) of the hour
			t := hs + int64(i)*3600/HardHourCount
			v := g.vacancy(HardHourRole, ref.areas[HardHourArea], t)
			v.roles = v.roles[:1]
			vs = append(vs, v)
		}
	}
	sort.SliceStable(vs, func(i, j int) bool { return vs[i].published < vs[j].published })
	id := int64(126000000)
	for _, v := range vs {
		id += 1 + g.r.Int64N(6)
		v.id = id
		v.ids = itoa(id)
	}
	g.s.nextID = id
	return vs
}
