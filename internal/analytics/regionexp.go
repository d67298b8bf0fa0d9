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
	if env.cols != nil {
		return &fedRegionExperience{fed{env: env}}
	}
	return &regionExperienceSection{env: env, groups: newGrouper([][]int{dimIndexes(RegionExperienceDims)})}
}

func (s *regionExperienceSection) Observe(o *Seen) { s.groups.observe(o) }

func (s *regionExperienceSection) Merge(other Section) {
	s.groups.merge(other.(*regionExperienceSection).groups)
}

func (s *regionExperienceSection) Finish(r *Result) {
	finishRegionExperience(s.env, r, s.groups.finish(0))
}

// finishRegionExperience writes groups, largest first, as Result.RegionExperience.
func finishRegionExperience(env *Env, r *Result, groups []GroupStats) {
	g := &Grouping{Dims: RegionExperienceDims, Groups: groups}
	for i := range g.Groups {
		g.Groups[i].Salary.Withhold(env.Small)
	}
	r.RegionExperience = g
}
