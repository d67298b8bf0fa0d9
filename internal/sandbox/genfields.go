package sandbox

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Generated fields of a vacancy: names, skills, salaries, addresses.

var groupNames = map[string][]string{
	gRecruit: {"Специалист по подбору персонала", "Рекрутер", "HR-менеджер (рекрутер)", "Менеджер по подбору персонала",
		"IT-рекрутер", "Ведущий специалист по подбору персонала", "Recruiter", "Специалист по массовому подбору"},
	gHR: {"Менеджер по персоналу", "HR-менеджер", "HR business partner", "HR generalist", "Менеджер по работе с персоналом",
		"HR-специалист"},
	gKadry: {"Специалист по кадрам", "Инспектор по кадрам", "Специалист отдела кадров",
		"Специалист по кадровому делопроизводству", "Кадровик", "Ведущий специалист по кадрам"},
	gTrain: {"Бизнес-тренер", "Тренинг-менеджер", "Корпоративный тренер", "Бизнес-тренер по продажам"},
	"38":   {"Директор по персоналу", "HR-директор", "HRD", "Директор по управлению персоналом"},
	"171":  {"Руководитель отдела персонала", "Руководитель отдела подбора", "Head of HR", "Начальник отдела кадров"},
	"153":  {"Менеджер по компенсациям и льготам", "Специалист по C&B", "C&B менеджер"},
}

var groupSkills = map[string][]string{
	gRecruit: {"Подбор персонала", "подбор персонала", "Подбор Персонала", "Массовый подбор персонала", "Проведение собеседований",
		"Проведение интервью", "Поиск и привлечение кандидатов", "Холодный поиск", "IT-рекрутинг", "Оценка кандидатов",
		"ATS", "HR brand", "Employer branding", "Телефонные переговоры", "MS Excel", "Excel", "Adaptation", "Адаптация персонала"},
	gHR: {"Управление персоналом", "Подбор персонала", "Адаптация персонала", "Adaptation", "Оценка персонала",
		"Обучение персонала", "Мотивация персонала", "Развитие персонала", "Кадровое делопроизводство", "Трудовое право",
		"HR-аналитика", "MS Excel", "Excel", "Деловая переписка"},
	gKadry: {"Кадровое делопроизводство", "Кадровый документооборот", "1С: Зарплата и управление персоналом", "1С: ЗУП",
		"1С:ЗУП", "Трудовое законодательство", "Трудовое право", "Воинский учет", "Табель учета рабочего времени",
		"MS Excel", "Excel", "Деловая переписка"},
	gTrain: {"Проведение тренингов", "Бизнес-тренинги", "Публичные выступления", "Обучение персонала", "Адаптация персонала",
		"Наставничество", "MS PowerPoint"},
	gHRLead: {"Управление персоналом", "Стратегическое управление персоналом", "C&B", "Компенсации и льготы",
		"Грейдирование", "Бюджетирование", "HR-аналитика", "Управление командой", "Трудовое право", "MS Excel"},
	gSales: {"Активные продажи", "Холодные продажи", "B2B Продажи", "Ведение переговоров", "Работа с CRM",
		"Телефонные переговоры", "Клиентоориентированность", "Поиск и привлечение клиентов", "Грамотная речь",
		"Навыки презентации"},
	gOther: {"Пользователь ПК", "Работа в команде", "Грамотная речь", "Ответственность", "MS Office",
		"Работа с большим объемом информации", "Деловая переписка"},
}

var baseSalary = map[string]float64{
	gRecruit: 85000, gHR: 90000, gKadry: 70000, gTrain: 100000, "38": 250000, "171": 170000, "153": 140000,
	gIT: 170000, "96": 200000, "124": 140000, gSales: 90000, gOther: 65000,
}

var expMul = map[string]float64{"noExperience": 0.6, "between1And3": 0.9, "between3And6": 1.25, "moreThan6": 1.6}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	r2, _ := utf8.DecodeRuneInString(s[n:])
	if unicode.IsUpper(r) && unicode.IsLower(r2) {
		return string(unicode.ToLower(r)) + s[n:]
	}
	return s
}

func (g *gen) nameFor(role string) string {
	grp := roleGroup(role)
	var names []string
	if ns, ok := groupNames[role]; ok {
		names = ns
	} else if ns, ok := groupNames[grp]; ok {
		names = ns
	} else if ns := g.itNames[role]; len(ns) > 0 && g.r.Float64() < 0.7 {
		names = ns
	} else {
		n := g.s.ref.roles[role]
		if i := strings.Index(n, ","); i > 0 {
			n = n[:i]
		}
		names = []string{n}
	}
	name := names[g.r.IntN(len(names))]
	if x := g.r.Float64(); x < 0.06 {
		name = "Старший " + lowerFirst(name)
	} else if x < 0.1 {
		name = "Младший " + lowerFirst(name)
	}
	return name
}

func roundTo(x float64, step float64) int {
	return int(math.Max(step, math.Round(x/step)*step))
}

// salary builds a salary for role/experience in area a (amounts plausible
// per role and experience; local currency for Kazakhstan and Belarus).
func (g *gen) salary(v *vacancy) *salaryInfo {
	if g.r.Float64() >= 0.45 {
		return nil
	}
	grp := roleGroup(v.roles[0])
	base, ok := baseSalary[v.roles[0]]
	if !ok {
		base = baseSalary[grp]
	}
	base *= expMul[v.exp]
	country := v.area
	for country.parent != nil {
		country = country.parent
	}
	switch {
	case v.area.ID == "1":
	case v.area.ID == "2":
		base *= 0.85
	case country.ID == "113":
		base *= 0.65
	default:
		base *= 0.55
	}
	base *= math.Exp(g.r.NormFloat64() * 0.22)
	sa := &salaryInfo{gross: g.r.Float64() < 0.35, mode: "MONTH"}
	x := g.r.Float64()
	switch country.ID {
	case "40":
		sa.cur = pickStr(g.r, x, []string{"KZT", "RUR", "USD"}, []float64{0.85, 0.1})
	case "16":
		sa.cur = pickStr(g.r, x, []string{"BYR", "USD", "RUR"}, []float64{0.8, 0.15})
	default:
		sa.cur = pickStr(g.r, x, []string{"RUR", "USD", "EUR"}, []float64{0.955, 0.03})
	}
	if grp != gIT && grp != gHRLead {
		if y := g.r.Float64(); y < 0.06 {
			sa.mode = "HOUR"
		} else if y < 0.12 {
			sa.mode = "SHIFT"
		}
	}
	step := 5000.0
	switch sa.mode {
	case "HOUR":
		base /= 165
		step = 10
	case "SHIFT":
		base /= 15
		step = 100
	}
	rate := g.s.ref.currency[sa.cur]
	base *= rate
	if sa.cur != "RUR" {
		step = math.Max(1, step*rate)
		step = math.Pow(10, math.Round(math.Log10(step)))
	}
	from := roundTo(base, step)
	to := roundTo(base*(1.15+g.r.Float64()*0.4), step)
	switch y := g.r.Float64(); {
	case y < 0.55:
		sa.from, sa.to = &from, &to
	case y < 0.83:
		sa.from = &from
	default:
		sa.to = &to
	}
	switch sa.mode {
	case "MONTH":
		sa.freq = pickStr(g.r, g.r.Float64(), []string{"TWICE_PER_MONTH", "MONTHLY", ""}, []float64{0.58, 0.2})
	default:
		sa.freq = pickStr(g.r, g.r.Float64(), []string{"DAILY", "WEEKLY", "TWICE_PER_MONTH", ""}, []float64{0.4, 0.25, 0.2})
	}
	g.s.convertSalary(sa)
	return sa
}

func pickStr(_ *rand.Rand, x float64, vals []string, probs []float64) string {
	acc := 0.0
	for i, p := range probs {
		acc += p
		if x < acc {
			return vals[i]
		}
	}
	return vals[len(vals)-1]
}

var metroMoscow = []metroJSON{
	{"Алексеевская", "Калужско-Рижская", "6.8", "6", 55.807794, 37.638699},
	{"Павелецкая", "Замоскворецкая", "2.53", "2", 55.729828, 37.638471},
	{"Белорусская", "Кольцевая", "5.71", "5", 55.775179, 37.582303},
	{"Киевская", "Арбатско-Покровская", "3.56", "3", 55.743117, 37.564132},
	{"Верхние Котлы", "МЦК", "95.532", "95", 55.69, 37.618889},
	{"Тульская", "Серпуховско-Тимирязевская", "9.142", "9", 55.70961, 37.622569},
}

var metroSPb = []metroJSON{
	{"Площадь Восстания", "Кировско-Выборгская", "14.198", "14", 59.931366, 30.360611},
	{"Московские ворота", "Московско-Петроградская", "16.220", "16", 59.891924, 30.317751},
	{"Василеостровская", "Невско-Василеостровская", "17.230", "17", 59.942577, 30.278254},
}

var streets = []string{"улица Ленина", "проспект Мира", "Садовая улица", "улица Гагарина", "Центральная улица",
	"Новоданиловская набережная", "улица Льва Толстого", "Ленинградский проспект", "Московская улица"}

func (g *gen) address(a *areaNode) *addressJSON {
	if g.r.Float64() >= 0.5 || len(a.Areas) > 0 {
		return nil
	}
	city := a.Name
	st := streets[g.r.IntN(len(streets))]
	bld := fmt.Sprint(1 + g.r.IntN(120))
	if g.r.Float64() < 0.2 {
		bld += "к" + fmt.Sprint(1+g.r.IntN(4))
	}
	raw := city + ", " + st + ", " + bld
	ad := &addressJSON{City: &city, Street: &st, Building: &bld, Raw: &raw, MetroStations: []metroJSON{}}
	if a.Lat != nil && a.Lng != nil {
		lat := math.Round((*a.Lat+(g.r.Float64()-0.5)*0.1)*1e6) / 1e6
		lng := math.Round((*a.Lng+(g.r.Float64()-0.5)*0.1)*1e6) / 1e6
		ad.Lat, ad.Lng = &lat, &lng
	}
	var ms []metroJSON
	switch a.ID {
	case "1":
		ms = metroMoscow
	case "2":
		ms = metroSPb
	}
	if len(ms) > 0 && g.r.Float64() < 0.85 {
		m := ms[g.r.IntN(len(ms))]
		ad.Metro = &m
		ad.MetroStations = append(ad.MetroStations, m)
		if g.r.Float64() < 0.4 {
			if m2 := ms[g.r.IntN(len(ms))]; m2.StationID != m.StationID {
				ad.MetroStations = append(ad.MetroStations, m2)
			}
		}
	}
	return ad
}

func (g *gen) pickN(list []int32, n int) []int32 {
	n = min(n, len(list))
	perm := g.r.Perm(len(list))[:n]
	sort.Ints(perm)
	out := make([]int32, n)
	for i, p := range perm {
		out[i] = list[p]
	}
	return out
}

// vacancy generates one vacancy. role/area may be forced ("" / nil = random).
