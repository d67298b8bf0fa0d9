package analytics

import (
	"github.com/hhjobs/hhjobs/internal/store"
)

// The sections a ColumnStore also answers for, so that a full computation
// on it walks no vacancy at all: the skills (ColumnQuery.Skills), the
// salary mix (Mix) and data quality (the total's counts and the skills'
// base). Once every section is fed, Compute skips the walk (Sections.walks):
// on the dashboard's snapshot that walk rebuilt every vacancy of the view,
// tested the filter a second time and normalised every salary again.

// SkillCounts are the skills as the walk counts them, for the TopSkills
// most listed only: what skillsSection holds after the walk.
type SkillCounts struct {
	// Distinct is the number of (folded) skills listed.
	Distinct int
	// Months are the months the vacancies with details start in (their
	// publication, else when first seen), in any order; Base how many per month.
	Months []int64
	Base   []int
	// Window is the vacancies with details that start in the recent and
	// in the previous window of WindowDays before the query's DataEnd.
	Window [2]int
	// Top are the TopSkills most listed skills (ties by key), in any order.
	Top []TopSkill
	// Roles are the roles of the records (AddRecord) by index, each with
	// the name its first record in the walk's order gives it.
	Roles []store.IDName
	recs  salaryRecs
}

// TopSkill is one of the most listed skills.
type TopSkill struct {
	Key, Name string // as Synonyms.Key folds it
	Vacancies int
	Monthly   []int // per SkillCounts.Months
	Window    [2]int
	// Spellings count the vacancies listing each trimmed spelling: the
	// first maxSpellings spellings of the skill in the walk's order.
	Spellings map[string]int
}

// MaxSpellings is the number of spellings a skill keeps (the first in the
// walk's order).
const MaxSpellings = maxSpellings

// AddRecord adds one vacancy with details, a usable salary and roles, as
// the premiums read it: its monthly RUR, its experience (index in
// ExperienceOrder + 1; 0 when not stated), its roles (indexes in Roles)
// and the top skills it lists (indexes in Top, once each, any order).
func (c *SkillCounts) AddRecord(monthly float64, exp uint8, roles, top []int32) {
	c.recs.add(monthly, exp, roles, top)
}

// HasDetails reports whether v counts in the skills' base (and in data
// quality's WithDetails): its details were fetched or its key skills are known.
func HasDetails(v *store.Vacancy) bool { return v.DetailFetchedAt != nil || v.KeySkills != nil }

// fedSkills is skillsSection fed from the columns.
type fedSkills struct{ fed }

func (f *fedSkills) Finish(r *Result) {
	if rep := f.cols().skillRep; rep != nil {
		r.Skills = rep
		return
	}
	r.Skills = finishSkillCounts(f.env, f.ans.Skills)
}

// finishSkillCounts is the skills section's Result.Skills from a
// ColumnStore's counts: the section filled with them, then finished.
func finishSkillCounts(env *Env, sc *SkillCounts) *SkillReport {
	s := newSkillsAcc(env)
	for i, m := range sc.Months {
		s.base[s.month(m)] += sc.Base[i]
	}
	s.win.base = sc.Window
	for i := range sc.Top {
		t := &sc.Top[i]
		sk := s.skills[s.skillOf(t.Key, t.Name)] // the i-th: the records' skill ids are Top's indexes
		sk.count, sk.win, sk.monthly, sk.spellings = t.Vacancies, t.Window, t.Monthly, t.Spellings
		if sk.spellings == nil {
			sk.spellings = map[string]int{}
		}
	}
	s.roles, s.recs = sc.Roles, sc.recs
	var r Result
	s.Finish(&r)
	r.Skills.Distinct = sc.Distinct
	return r.Skills
}

// fedMix is mixSection fed from the columns.
type fedMix struct{ fed }

func (f *fedMix) Finish(r *Result) {
	x := newMixSection(nil).(*mixSection)
	for _, c := range f.ans.Mix {
		x.m.add(c.MixKey, c.N)
	}
	x.Finish(r)
}

// fedQuality is qualitySection fed from the columns: the total's counts
// and the skills' base.
type fedQuality struct{ fed }

func (f *fedQuality) Finish(r *Result) {
	q := &qualitySection{env: f.env, vacancies: f.ans.Total.Vacancies, open: f.ans.Total.Open, disclosed: f.ans.Total.Disclosed}
	for _, n := range f.ans.Skills.Base {
		q.withDetail += n
	}
	q.Finish(r)
}
