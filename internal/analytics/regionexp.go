package analytics

// Salary by region × required experience (docs/methodology.md §2.4): the
// groups of the two dimensions with the same figures, outlier rules and
// small-sample rules as every grouping; the report draws their medians as
// a grid with the base n in each cell and withheld cells greyed.

// RegionExperienceDims are the dimensions of Result.RegionExperience.
var RegionExperienceDims = []Dim{DimRegion, DimExperience}

// regionExperienceSection: Result.RegionExperience.
type regionExperienceSection struct {
	env    *Env
	groups *grouper
}

func newRegionExperienceSection(env *Env) Section {
	return &regionExperienceSection{env: env, groups: newGrouper([][]int{dimIndexes(RegionExperienceDims)})}
}

func (s *regionExperienceSection) Observe(o *Seen) { s.groups.observe(o) }

func (s *regionExperienceSection) Merge(other Section) {
	s.groups.merge(other.(*regionExperienceSection).groups)
}

func (s *regionExperienceSection) Finish(r *Result) {
	g := &Grouping{Dims: RegionExperienceDims, Groups: s.groups.finish(0)}
	for i := range g.Groups {
		g.Groups[i].Salary.Withhold(s.env.Small)
	}
	r.RegionExperience = g
}
