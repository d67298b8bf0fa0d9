package sandbox

import (
	"encoding/json"
	"html"
	"regexp"
	"sort"
	"strings"
)

// Paragraph kinds of a generated description.
const (
	kIntro uint8 = iota
	kDuty
	kReq
	kCond
	kRaw // a whole real description from the sample
)

type para struct {
	kind uint8
	html string
	text string   // plain text (for snippets)
	tok  []string // sorted distinct tokens
	lis  []string // kRaw: plain text of the first <li> items
}

// textPool holds every description fragment; a vacancy's description is a
// list of indices into it, so 50k vacancies cost little memory and text
// search works on pre-tokenised fragments.
type textPool struct {
	paras []para
	// per group: indices of fragments by kind
	groups map[string]map[uint8][]int32
	raw    map[string][]int32 // role id -> real sample descriptions
	rawAll []int32
}

var tagRE = regexp.MustCompile(`<[^>]*>`)
var liRE = regexp.MustCompile(`(?s)<li>(.*?)</li>`)

func plain(h string) string {
	t := tagRE.ReplaceAllString(h, " ")
	t = html.UnescapeString(t)
	return strings.Join(strings.Fields(t), " ")
}

func uniqTok(s string) []string {
	t := tokenize(s)
	sort.Strings(t)
	out := t[:0]
	for i, w := range t {
		if i == 0 || w != t[i-1] {
			out = append(out, w)
		}
	}
	return out
}

func (p *textPool) add(kind uint8, htmlText string) int32 {
	pl := plain(htmlText)
	pa := para{kind: kind, html: htmlText, text: pl, tok: uniqTok(pl)}
	if kind == kRaw {
		for _, m := range liRE.FindAllStringSubmatch(htmlText, 4) {
			pa.lis = append(pa.lis, plain(m[1]))
		}
	}
	p.paras = append(p.paras, pa)
	return int32(len(p.paras) - 1)
}

func (p *textPool) has(idx []int32, w string) bool {
	for _, i := range idx {
		t := p.paras[i].tok
		j := sort.SearchStrings(t, w)
		if j < len(t) && t[j] == w {
			return true
		}
	}
	return false
}

var sectionTitle = map[uint8]string{
	kDuty: "Обязанности:",
	kReq:  "Требования:",
	kCond: "Условия:",
}

func (p *textPool) html(idx []int32) string {
	var b strings.Builder
	var open uint8 = 255
	for _, i := range idx {
		pa := &p.paras[i]
		switch pa.kind {
		case kRaw, kIntro:
			if open != 255 {
				b.WriteString("</ul> ")
				open = 255
			}
			if pa.kind == kIntro {
				b.WriteString("<p>" + pa.html + "</p> ")
			} else {
				b.WriteString(pa.html)
			}
		default:
			if open != pa.kind {
				if open != 255 {
					b.WriteString("</ul> ")
				}
				b.WriteString("<p><strong>" + sectionTitle[pa.kind] + "</strong></p> <ul> ")
				open = pa.kind
			}
			b.WriteString("<li>" + pa.html + "</li> ")
		}
	}
	if open != 255 {
		b.WriteString("</ul>")
	}
	return strings.TrimSpace(b.String())
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "..."
}

// snippet returns (requirement, responsibility) plain-text excerpts.
func (p *textPool) snippet(idx []int32) (*string, *string) {
	var req, resp []string
	for _, i := range idx {
		pa := &p.paras[i]
		switch pa.kind {
		case kReq:
			req = append(req, pa.text)
		case kDuty:
			resp = append(resp, pa.text)
		case kRaw:
			for j, li := range pa.lis {
				if j < 2 {
					resp = append(resp, li)
				} else {
					req = append(req, li)
				}
			}
		}
	}
	var a, b *string
	if len(req) > 0 {
		a = strp(clip(strings.Join(req[:min(2, len(req))], ". "), 200))
	}
	if len(resp) > 0 {
		b = strp(clip(strings.Join(resp[:min(2, len(resp))], ". "), 200))
	}
	return a, b
}

// Role groups used for texts, names, skills and salaries.
const (
	gRecruit = "recruit" // 118
	gHR      = "hr"      // 69
	gKadry   = "kadry"   // 117
	gTrain   = "train"   // 17
	gHRLead  = "hrlead"  // 38, 171, 153
	gIT      = "it"
	gSales   = "sales"
	gOther   = "other"
)

func roleGroup(role string) string {
	switch role {
	case "118":
		return gRecruit
	case "69":
		return gHR
	case "117":
		return gKadry
	case "17":
		return gTrain
	case "38", "171", "153":
		return gHRLead
	case "96", "104", "112", "113", "114", "116", "124", "125", "126", "148", "156", "160", "164", "165", "10", "150", "36", "157", "73":
		return gIT
	case "70", "97", "129", "106", "83", "54", "71", "53", "105", "161", "123":
		return gSales
	}
	return gOther
}

var groupTexts = map[string]map[uint8][]string{
	gRecruit: {
		kDuty: {
			"Полный цикл подбора персонала: от заявки до выхода кандидата",
			"Поиск и привлечение кандидатов через hh.ru, социальные сети и рекомендации",
			"Проведение телефонных и очных интервью, оценка кандидатов",
			"Массовый подбор линейного персонала для розничной сети",
			"Ведение воронки подбора и отчётности в ATS",
			"Взаимодействие с руководителями подразделений по открытым вакансиям",
			"Подготовка и публикация текстов вакансий",
			"Подбор IT-специалистов: разработчиков, аналитиков, тестировщиков",
		},
		kReq: {
			"Опыт работы в подборе персонала от 1 года",
			"Опыт массового подбора будет преимуществом",
			"Знание современных методов поиска и оценки кандидатов",
			"Уверенный пользователь MS Excel и ATS",
			"Грамотная устная и письменная речь",
			"Опыт IT-рекрутинга приветствуется",
		},
	},
	gHR: {
		kDuty: {
			"Организация адаптации и обучения новых сотрудников",
			"Разработка и внедрение систем мотивации персонала",
			"Проведение ежегодной оценки персонала",
			"Консультирование руководителей и сотрудников по HR-вопросам",
			"Подбор персонала на открытые позиции",
			"Организация корпоративных мероприятий и развитие HR-бренда",
			"Ведение кадрового документооборота",
		},
		kReq: {
			"Опыт работы HR-менеджером или HR-generalist от 2 лет",
			"Знание Трудового кодекса РФ",
			"Высшее образование (управление персоналом, психология)",
			"Опыт выстраивания HR-процессов с нуля",
			"Коммуникабельность, стрессоустойчивость, клиентоориентированность",
		},
	},
	gKadry: {
		kDuty: {
			"Оформление приёма, переводов, увольнений и отпусков сотрудников",
			"Ведение личных дел и трудовых книжек, в том числе электронных",
			"Подготовка отчётности в СФР и военкомат",
			"Работа в 1С: Зарплата и управление персоналом",
			"Ведение табеля учёта рабочего времени",
			"Составление штатного расписания и графика отпусков",
		},
		kReq: {
			"Опыт работы специалистом по кадрам от 1 года",
			"Отличное знание Трудового кодекса РФ и кадрового делопроизводства",
			"Уверенный пользователь 1С: ЗУП 3.1",
			"Внимательность, аккуратность, ответственность",
			"Среднее специальное или высшее образование",
		},
	},
	gTrain: {
		kDuty: {
			"Разработка и проведение тренингов по продажам и сервису",
			"Оценка эффективности обучения и подготовка отчётов",
			"Организация наставничества и адаптации новых сотрудников",
			"Создание дистанционных курсов в LMS",
		},
		kReq: {
			"Опыт работы бизнес-тренером от 2 лет",
			"Навыки публичных выступлений и фасилитации",
			"Знание методик обучения взрослых",
		},
	},
	gHRLead: {
		kDuty: {
			"Разработка и реализация HR-стратегии компании",
			"Управление командой HR-специалистов",
			"Формирование и контроль бюджета на персонал",
			"Разработка системы компенсаций и льгот",
			"Анализ рынка заработных плат и участие в обзорах",
			"Развитие корпоративной культуры и HR-бренда",
		},
		kReq: {
			"Опыт руководства HR-функцией от 3 лет",
			"Опыт построения системы грейдов и C&B",
			"Знание трудового законодательства",
			"Высшее образование",
		},
	},
	gSales: {
		kDuty: {
			"Поиск и привлечение новых клиентов",
			"Ведение переговоров и заключение договоров",
			"Работа с клиентской базой в CRM",
			"Выполнение плана продаж",
			"Консультирование клиентов по продуктам компании",
		},
		kReq: {
			"Опыт продаж от 1 года",
			"Навыки ведения переговоров",
			"Грамотная речь, клиентоориентированность",
			"Опыт работы с CRM-системами",
		},
	},
	gOther: {
		kDuty: {
			"Выполнение задач в соответствии с должностной инструкцией",
			"Работа с документами и ведение отчётности",
			"Взаимодействие с коллегами из смежных подразделений",
			"Соблюдение стандартов качества и техники безопасности",
		},
		kReq: {
			"Опыт работы от 1 года",
			"Ответственность и внимательность к деталям",
			"Уверенный пользователь ПК",
			"Готовность к обучению",
		},
	},
}

var commonIntros = []string{
	"Мы — крупная федеральная компания и приглашаем в команду нового коллегу.",
	"Компания активно растёт и расширяет штат.",
	"Ищем в команду ответственного и инициативного специалиста.",
	"Наша компания работает на рынке более 15 лет и входит в число лидеров отрасли.",
}

var commonConds = []string{
	"Оформление по ТК РФ с первого дня",
	"Белая заработная плата, выплаты два раза в месяц",
	"ДМС после испытательного срока",
	"Удобный офис рядом с метро",
	"Гибкое начало рабочего дня",
	"Возможность удалённой работы",
	"Корпоративное обучение и развитие",
	"Компенсация питания и мобильной связи",
	"Возможности карьерного роста",
}

func buildPool(ref *refData) *textPool {
	p := &textPool{groups: map[string]map[uint8][]int32{}, raw: map[string][]int32{}}
	intros := make([]int32, 0, len(commonIntros))
	for _, t := range commonIntros {
		intros = append(intros, p.add(kIntro, t))
	}
	conds := make([]int32, 0, len(commonConds))
	for _, t := range commonConds {
		conds = append(conds, p.add(kCond, t))
	}
	names := make([]string, 0, len(groupTexts))
	for g := range groupTexts {
		names = append(names, g)
	}
	sort.Strings(names) // deterministic pool layout
	for _, g := range names {
		m := map[uint8][]int32{kIntro: intros, kCond: conds}
		for _, k := range []uint8{kDuty, kReq} {
			for _, t := range groupTexts[g][k] {
				m[k] = append(m[k], p.add(k, t))
			}
		}
		p.groups[g] = m
	}
	// IT: the real descriptions of the sample
	for _, smp := range ref.samples {
		var d string
		if json.Unmarshal(smp["description"], &d) != nil || d == "" {
			continue
		}
		var roles []idName
		_ = json.Unmarshal(smp["professional_roles"], &roles)
		i := p.add(kRaw, d)
		p.rawAll = append(p.rawAll, i)
		for _, r := range roles {
			p.raw[r.ID] = append(p.raw[r.ID], i)
		}
	}
	return p
}
