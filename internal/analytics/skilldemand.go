package analytics

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/hhjobs/hhjobs/internal/store"
)

// SharePoint is a share in one period.
type SharePoint struct {
	Start time.Time `json:"start"`
	Base  int       `json:"base"`
	Count int       `json:"count"`
	Share float64   `json:"share"`
}

// SkillStat is the demand for one (folded) skill.
type SkillStat struct {
	Key       string  `json:"key"`
	Name      string  `json:"name"`
	Vacancies int     `json:"vacancies"`
	Share     float64 `json:"share"` // of SkillReport.Base
	// Spellings counts the raw spellings folded into this skill.
	Spellings map[string]int `json:"spellings"`
	// Monthly is the share per month of publication.
	Monthly []SharePoint `json:"monthly"`
	// Recent and Previous are the shares in the last 28 days of the data
	// and the 28 before (windows.go).
	Recent   WindowShare `json:"recent_28d"`
	Previous WindowShare `json:"previous_28d"`
	// Premium is the pooled premium (premium.go): the mean over role ×
	// experience cells (weighted by NWith) of median(with)/median(without) − 1,
	// over cells where both bases are ≥ MinN, with its 95 % interval.
	Premium      float64     `json:"premium"`
	PremiumCI95  *[2]float64 `json:"premium_ci95"`
	PremiumBase  int         `json:"premium_base"` // salaries with the skill behind Premium (0 = no premium)
	PremiumRoles int         `json:"premium_roles"`
	PremiumCells int         `json:"premium_cells"`
}

// SkillPremium compares medians with and without a skill inside one role ×
// experience cell.
type SkillPremium struct {
	Skill         string  `json:"skill"`
	RoleID        string  `json:"role_id"`
	Role          string  `json:"role"`
	ExperienceID  string  `json:"experience_id"`
	Experience    string  `json:"experience"`
	NWith         int     `json:"n_with"`
	NWithout      int     `json:"n_without"`
	MedianWith    float64 `json:"median_with"`
	MedianWithout float64 `json:"median_without"`
	Premium       float64 `json:"premium"` // MedianWith/MedianWithout − 1
	// CI95 is the premium's approximate 95 % interval (premium.go).
	CI95 [2]float64 `json:"premium_ci95"`
}

// SkillReport is skill demand: shares of the vacancies whose key skills are known.
type SkillReport struct {
	Base     int            `json:"base"` // vacancies with details (key skills known)
	Distinct int            `json:"distinct"`
	Top      []SkillStat    `json:"top"`
	Premiums []SkillPremium `json:"premiums"`
}

type skillAcc struct {
	key       string
	name      string
	count     int
	spellings map[string]int
	admitted  int    // spellings in the map or admitted to the walk's spellTable
	win       [2]int // in the recent and the previous window (windows.go)
	monthly   []int  // per month index of the section: vacancies listing the skill
}

// countMonth adds n vacancies listing the skill in the month of index mi.
func (sk *skillAcc) countMonth(mi int32, n int) {
	for int(mi) >= len(sk.monthly) {
		sk.monthly = append(sk.monthly, 0)
	}
	sk.monthly[mi] += n
}

// skillsSection: skill demand, its monthly and windowed shares and the
// premiums within role × experience (Result.Skills).
type skillsSection struct {
	env      *Env
	skillIDs map[string]int32
	rawSkill map[string]rawSpelling // a cache of SkillKey and spellingOf
	rawCode  codeMemo[rawSpelling]  // the same by the spelling's code (codes.go)
	spells   spellTable
	skills   []*skillAcc
	roleIDs  map[string]int32
	roles    []store.IDName
	recs     salaryRecs
	seen     bool // some vacancy of the walk listed its skills
	win      windows
	ids      []int32 // scratch of Observe
	sps      []int32 // scratch of Observe
	rids     []int32 // scratch of Observe

	// The months by index, so that a skill counts its months in a slice
	// (skillAcc.monthly) rather than a map looked up per listed skill.
	monthOf map[int64]int32 // month (monthKey) → index in months and base
	months  []int64         // in order of first sight
	base    []int           // vacancies with details per month
}

func newSkillsSection(env *Env) Section {
	if env.cols != nil && env.cols.skills {
		return &fedSkills{fed{env: env}}
	}
	return newSkillsAcc(env)
}

func newSkillsAcc(env *Env) *skillsSection {
	return &skillsSection{env: env, skillIDs: map[string]int32{}, rawSkill: map[string]rawSpelling{}, spells: newSpellTable(),
		monthOf: map[int64]int32{}, roleIDs: map[string]int32{}, win: windows{end: env.DataEnd}}
}

func (s *skillsSection) baseTotal() int {
	n := 0
	for _, b := range s.base {
		n += b
	}
	return n
}

// month returns the index of month m, adding it when new.
func (s *skillsSection) month(m int64) int32 {
	mi, ok := s.monthOf[m]
	if !ok {
		mi = int32(len(s.months))
		s.monthOf[m] = mi
		s.months = append(s.months, m)
		s.base = append(s.base, 0)
	}
	return mi
}

func (s *skillsSection) role(r store.IDName) int32 {
	id, ok := s.roleIDs[r.ID]
	if !ok {
		id = int32(len(s.roles))
		s.roleIDs[r.ID] = id
		s.roles = append(s.roles, r)
	}
	return id
}

func (s *skillsSection) Observe(o *Seen) {
	v := o.V
	if !HasDetails(v) {
		return
	}
	month := s.month(monthKey(startOf(v)))
	s.base[month]++
	ids, sps := s.ids[:0], s.sps[:0]
	var codes []int32
	if v.Codes != nil {
		codes = v.Codes.KeySkills
	}
	for j, raw := range v.KeySkills {
		var rs rawSpelling
		ok := false
		if codes != nil {
			rs, ok = s.rawCode.get(codes[j])
		}
		if !ok {
			if rs, ok = s.rawSkill[raw]; !ok {
				rs = s.rawSpelling(raw)
				if len(s.rawSkill) < 200_000 { // bounded: real spellings repeat a lot
					s.rawSkill[strings.Clone(raw)] = rs
				}
			}
			if codes != nil {
				s.rawCode.put(codes[j], rs)
			}
		}
		id := rs.skill
		if id < 0 {
			continue
		}
		s.seen = true
		// Every spelling a vacancy lists is counted (once per vacancy), also
		// the second spelling of a skill it already has.
		if sp := rs.spell; sp >= 0 && !slices.Contains(sps, sp) {
			sps = append(sps, sp)
			s.spells.n[sp]++
		}
		if slices.Contains(ids, id) {
			continue // the same skill spelled twice in one vacancy counts once
		}
		ids = append(ids, id)
		sk := s.skills[id]
		sk.count++
		sk.countMonth(month, 1)
	}
	s.ids, s.sps = ids, sps
	s.addWindow(startOf(v), ids)
	if o.Salary.Usable() && len(v.Roles) > 0 {
		roles := s.rids[:0]
		for _, r := range v.Roles {
			roles = append(roles, s.role(r))
		}
		s.rids = roles
		s.recs.add(o.Salary.MonthlyRUR, uint8(slices.Index(ExperienceOrder, v.ExperienceID)+1), roles, ids)
	}
}

// rawSpelling folds raw to its skill's id and finds its spelling's index.
func (s *skillsSection) rawSpelling(raw string) rawSpelling {
	key, name := s.env.Synonyms.Key(raw)
	if key == "" {
		return rawSpelling{-1, -1}
	}
	id := s.skillOf(key, name)
	return rawSpelling{id, s.spellingOf(id, raw)}
}

// skillOf returns the id of the skill key, adding it when new.
func (s *skillsSection) skillOf(key, name string) int32 {
	id, ok := s.skillIDs[key]
	if !ok {
		id = int32(len(s.skills))
		s.skillIDs[key] = id
		s.skills = append(s.skills, &skillAcc{key: key, name: name, spellings: map[string]int{}})
	}
	return id
}

// afterWalk counts from EachSkill when the store did not fill KeySkills in
// EachVacancy (demand only; no monthly trend or premium then).
func (s *skillsSection) afterWalk(ctx context.Context, st store.Store) error {
	if s.seen || s.baseTotal() == 0 {
		return nil
	}
	s.flushSpellings()
	seen := map[[2]string]bool{}
	spelt := map[[2]string]bool{}
	return st.EachSkill(ctx, s.env.Filter, func(vid, raw string) error {
		key, name := s.env.Synonyms.Key(raw)
		if key == "" {
			return nil
		}
		sk := s.skills[s.skillOf(key, name)]
		if sp := strings.TrimSpace(raw); !spelt[[2]string{vid, sp}] {
			spelt[[2]string{vid, sp}] = true
			countSpelling(sk, sp)
		}
		if seen[[2]string{vid, key}] {
			return nil
		}
		seen[[2]string{vid, key}] = true
		sk.count++
		return ctx.Err()
	})
}

// Merge renumbers other's skills and roles into s's.
func (s *skillsSection) Merge(other Section) {
	b := other.(*skillsSection)
	b.flushSpellings()
	s.flushSpellings()
	// The cached spelling indices and admissions change with the merged maps.
	s.rawSkill, s.spells, s.rawCode = map[string]rawSpelling{}, newSpellTable(), codeMemo[rawSpelling]{}
	month := make([]int32, len(b.months)) // b's month index → s's
	for i, m := range b.months {
		month[i] = s.month(m)
		s.base[month[i]] += b.base[i]
	}
	skill := make([]int32, len(b.skills))
	for i, sk := range b.skills {
		id := s.skillOf(sk.key, sk.name)
		skill[i] = id
		a := s.skills[id]
		a.count += sk.count
		a.win[0] += sk.win[0]
		a.win[1] += sk.win[1]
		for mi, n := range sk.monthly {
			if n != 0 {
				a.countMonth(month[mi], n)
			}
		}
	}
	s.mergeSpellings(b, skill)
	s.win.base[0] += b.win.base[0]
	s.win.base[1] += b.win.base[1]
	role := make([]int32, len(b.roles))
	for i, r := range b.roles {
		role[i] = s.role(r)
	}
	for i := range b.recs.recs {
		r := &b.recs.recs[i]
		roles, skills := b.recs.roles(r), b.recs.skills(r)
		for k, id := range roles {
			roles[k] = role[id]
		}
		for k, id := range skills {
			skills[k] = skill[id]
		}
		s.recs.add(r.monthly, r.exp, roles, skills)
	}
	s.seen = s.seen || b.seen
}

// mergeSpellings adds b's spellings to s's skills (skill: b's id → s's)
// as one walk over s's part then b's would have admitted them: a skill
// keeps its first maxSpellings spellings, so b's are taken in the order b
// met them (its spellTable), and those a full skill of s has no room for
// are dropped. b met at most as many of s's spellings as s holds, so
// its first maxSpellings include every one the walk would have admitted.
func (s *skillsSection) mergeSpellings(b *skillsSection, skill []int32) {
	add := func(id int32, sp string, n int) {
		a := s.skills[id]
		if _, ok := a.spellings[sp]; ok || len(a.spellings) < maxSpellings {
			a.spellings[sp] += n
		}
		a.admitted = len(a.spellings)
	}
	done := map[[2]string]bool{}
	for k, sp := range b.spells.text {
		sk := b.skills[b.spells.skill[k]]
		if n, ok := sk.spellings[sp]; ok {
			add(skill[b.spells.skill[k]], sp, n)
			done[[2]string{sk.key, sp}] = true
		}
	}
	// Spellings b holds that its table does not (counted from EachSkill,
	// or merged into b): in a fixed order.
	for i, sk := range b.skills {
		rest := make([]string, 0, len(sk.spellings))
		for sp := range sk.spellings {
			if !done[[2]string{sk.key, sp}] {
				rest = append(rest, sp)
			}
		}
		slices.Sort(rest)
		for _, sp := range rest {
			add(skill[i], sp, sk.spellings[sp])
		}
	}
}

func (s *skillsSection) Finish(r *Result) {
	sr := &SkillReport{Base: s.baseTotal(), Distinct: len(s.skills)}
	r.Skills = sr
	if sr.Base == 0 {
		return
	}
	s.flushSpellings()
	order := make([]int32, len(s.skills))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		if x := cmp.Compare(s.skills[b].count, s.skills[a].count); x != 0 {
			return x
		}
		return cmp.Compare(s.skills[a].key, s.skills[b].key)
	})
	order = head(order, s.env.TopSkills)
	months := make([]int32, len(s.months)) // month indices, in time order
	for i := range months {
		months[i] = int32(i)
	}
	slices.SortFunc(months, func(a, b int32) int { return cmp.Compare(s.months[a], s.months[b]) })
	pc := newPremiumCells(&s.recs, order, len(s.roles), len(s.skills))
	for t, id := range order {
		sk := s.skills[id]
		st := SkillStat{Key: sk.key, Name: sk.name, Vacancies: sk.count, Share: float64(sk.count) / float64(sr.Base), Spellings: sk.spellings}
		if st.Name == "" {
			st.Name = mostFrequent(sk.spellings)
		}
		for _, mi := range months {
			n := 0
			if int(mi) < len(sk.monthly) {
				n = sk.monthly[mi]
			}
			st.Monthly = append(st.Monthly, SharePoint{Start: monthStart(s.months[mi]), Base: s.base[mi], Count: n, Share: float64(n) / float64(s.base[mi])})
		}
		st.Recent, st.Previous = s.win.share(0, sk.win[0]), s.win.share(1, sk.win[1])
		prem := s.premium(pc, t, st.Name)
		poolPremium(&st, prem)
		sr.Premiums = append(sr.Premiums, prem...)
		sr.Top = append(sr.Top, st)
	}
	s.recs = salaryRecs{}
}

func mostFrequent(m map[string]int) string {
	best, n := "", -1
	for k, v := range m {
		if v > n || (v == n && k < best) {
			best, n = k, v
		}
	}
	return best
}
