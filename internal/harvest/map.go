package harvest

import (
	"time"

	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/store"
)

// FromItem maps a search item onto the store's vacancy row, keeping its raw JSON.
func FromItem(it *hhapi.VacancyItem) store.Vacancy {
	v := store.Vacancy{
		ID:          it.ID,
		Name:        it.Name,
		AreaID:      it.Area.ID,
		AreaName:    it.Area.Name,
		Roles:       roles(it.ProfessionalRoles),
		WorkFormat:  ids(it.WorkFormat),
		PublishedAt: it.PublishedAt.Time,
		CreatedAt:   optTime(it.CreatedAt),
		RawItem:     it.Raw,
	}
	v.Archived = bool(it.Archived)
	employer(&v, it.Employer)
	v.ExperienceID = idOf(it.Experience)
	v.EmploymentFormID = idOf(it.EmploymentForm)
	v.ScheduleID = idOf(it.Schedule)
	salary(&v, it.Salary, it.SalaryRange)
	return v
}

// FromFull maps a full vacancy onto the store's vacancy row, keeping its raw JSON.
func FromFull(f *hhapi.Vacancy) store.Vacancy {
	v := store.Vacancy{
		ID:               f.ID,
		Name:             f.Name,
		AreaID:           f.Area.ID,
		AreaName:         f.Area.Name,
		Roles:            roles(f.ProfessionalRoles),
		WorkFormat:       ids(f.WorkFormat),
		PublishedAt:      f.PublishedAt.Time,
		CreatedAt:        optTime(f.CreatedAt),
		InitialCreatedAt: optTime(f.InitialCreatedAt),
		Archived:         bool(f.Archived),
		KeySkills:        make([]string, 0, len(f.KeySkills)),
		RawFull:          f.Raw,
	}
	for _, k := range f.KeySkills {
		v.KeySkills = append(v.KeySkills, k.Name)
	}
	employer(&v, f.Employer)
	v.ExperienceID = idOf(f.Experience)
	v.EmploymentFormID = idOf(f.EmploymentForm)
	v.ScheduleID = idOf(f.Schedule)
	salary(&v, f.Salary, f.SalaryRange)
	return v
}

func employer(v *store.Vacancy, e *hhapi.VacancyEmployer) {
	if e != nil {
		v.EmployerID, v.EmployerName = e.ID, e.Name
	}
}

// salary prefers salary_range (current) over the deprecated salary.
func salary(v *store.Vacancy, s *hhapi.Salary, r *hhapi.SalaryRange) {
	switch {
	case r != nil:
		v.SalaryFrom, v.SalaryTo, v.SalaryCurrency, v.SalaryGross = r.From, r.To, r.Currency, r.Gross
		v.SalaryMode = idOf(r.Mode)
		v.SalaryFrequency = idOf(r.Frequency)
	case s != nil:
		v.SalaryFrom, v.SalaryTo, v.SalaryCurrency, v.SalaryGross = s.From, s.To, s.Currency, s.Gross
	}
}

func idOf(x *hhapi.IDName) string {
	if x == nil {
		return ""
	}
	return x.ID
}

func ids(xs []hhapi.IDName) []string {
	if len(xs) == 0 {
		return nil
	}
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.ID
	}
	return out
}

func roles(xs []hhapi.IDName) []store.IDName {
	out := make([]store.IDName, len(xs))
	for i, x := range xs {
		out[i] = store.IDName{ID: x.ID, Name: x.Name}
	}
	return out
}

func optTime(t hhapi.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	tt := t.Time
	return &tt
}
