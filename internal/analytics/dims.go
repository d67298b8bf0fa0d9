package analytics

import (
	"fmt"
	"strings"

	"github.com/hhjobs/hhjobs/internal/store"
)

// Dim is a grouping dimension. User words are matched against Dims, never
// interpolated anywhere.
type Dim string

// Dimensions.
const (
	DimRole           Dim = "role"
	DimExperience     Dim = "experience"
	DimArea           Dim = "area"   // the vacancy's own area (usually the city)
	DimRegion         Dim = "region" // the area's top-level parent under the country
	DimEmployer       Dim = "employer"
	DimWorkFormat     Dim = "work_format"
	DimEmploymentForm Dim = "employment_form"
)

// Dims lists every dimension, in display order.
var Dims = []Dim{DimRole, DimExperience, DimArea, DimRegion, DimEmployer, DimWorkFormat, DimEmploymentForm}

// dimFields are the parts of a vacancy each dimension reads.
var dimFields = map[Dim]store.Fields{
	DimRole:           store.FieldRoles,
	DimExperience:     store.FieldTerms,
	DimArea:           store.FieldArea,
	DimRegion:         store.FieldArea,
	DimEmployer:       store.FieldEmployer,
	DimWorkFormat:     store.FieldTerms,
	DimEmploymentForm: store.FieldTerms,
}

// DimTitle is the Russian heading of each dimension.
var DimTitle = map[Dim]string{
	DimRole:           "Роль",
	DimExperience:     "Опыт",
	DimArea:           "Город (area)",
	DimRegion:         "Регион",
	DimEmployer:       "Работодатель",
	DimWorkFormat:     "Формат работы",
	DimEmploymentForm: "Тип занятости",
}

// ParseDims matches names (comma-separated values allowed) against Dims.
func ParseDims(names []string) ([]Dim, error) {
	var out []Dim
	seen := map[Dim]bool{}
	for _, n := range names {
		for _, p := range strings.Split(n, ",") {
			p = strings.ToLower(strings.TrimSpace(p))
			if p == "" {
				continue
			}
			var d Dim
			for _, c := range Dims {
				if string(c) == p {
					d = c
				}
			}
			if d == "" {
				return nil, fmt.Errorf("unknown grouping %q: valid are %s", p, DimList())
			}
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	return out, nil
}

// DimList is the comma-separated list of valid dimension names.
func DimList() string {
	s := make([]string, len(Dims))
	for i, d := range Dims {
		s[i] = string(d)
	}
	return strings.Join(s, ", ")
}

// Russian names of dictionary ids the vacancy row stores without names
// (from /dictionaries, 2026-04).
var (
	ExperienceNames = map[string]string{
		"noExperience": "Нет опыта",
		"between1And3": "От 1 года до 3 лет",
		"between3And6": "От 3 до 6 лет",
		"moreThan6":    "Более 6 лет",
	}
	// ExperienceOrder is the natural order of grades.
	ExperienceOrder = []string{"noExperience", "between1And3", "between3And6", "moreThan6"}
	WorkFormatNames = map[string]string{
		"ON_SITE":    "На месте работодателя",
		"REMOTE":     "Удалённо",
		"HYBRID":     "Гибрид",
		"FIELD_WORK": "Разъездной",
	}
	EmploymentFormNames = map[string]string{
		"FULL":           "Полная",
		"PART":           "Частичная",
		"PROJECT":        "Проект",
		"FLY_IN_FLY_OUT": "Вахта",
		"SIDE_JOB":       "Подработка",
	}
)

// Unknown is the label of a missing value.
const Unknown = "не указано"

// AreaIndex answers area names and regions from the stored /areas tree.
type AreaIndex struct {
	parent map[string]string
	name   map[string]string
	region map[string]areaRegion
}

// areaRegion is the region of an area and its name, found with one look-up
// per vacancy.
type areaRegion struct{ id, name string }

// NewAreaIndex indexes areas. The index is read-only afterwards (regions
// are resolved here), so goroutines computing sections in parallel share it.
func NewAreaIndex(areas []store.Area) *AreaIndex {
	ix := &AreaIndex{parent: make(map[string]string, len(areas)), name: make(map[string]string, len(areas)), region: make(map[string]areaRegion, len(areas))}
	for _, a := range areas {
		ix.parent[a.ID] = a.ParentID
		ix.name[a.ID] = a.Name
	}
	for id := range ix.parent {
		r := ix.regionOf(id)
		ix.region[id] = areaRegion{r, ix.name[r]}
	}
	return ix
}

// Name returns the area's name ("" when unknown).
func (ix *AreaIndex) Name(id string) string { return ix.name[id] }

// Region returns the id of the area's region: the ancestor (or the area
// itself) whose parent is a root (a country). A root is its own region; an
// area missing from the tree is its own region.
func (ix *AreaIndex) Region(id string) string {
	r, _ := ix.regionName(id)
	return r
}

// regionName is Region(id) and its Name.
func (ix *AreaIndex) regionName(id string) (region, name string) {
	if r, ok := ix.region[id]; ok {
		return r.id, r.name
	}
	return id, ix.name[id]
}

func (ix *AreaIndex) regionOf(id string) string {
	if id == "" {
		return ""
	}
	cur := id
	for depth := 0; depth < 32; depth++ {
		p, ok := ix.parent[cur]
		if !ok || p == "" {
			break // unknown or a root
		}
		if pp := ix.parent[p]; pp == "" {
			break // p is a root: cur is the region
		}
		cur = p
	}
	return cur
}
