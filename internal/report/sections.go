package report

import "github.com/hhjobs/hhjobs/internal/analytics"

// A section of the page is one function from the Result (and the basis
// text) to a section; ok false leaves it out. Adding one: a file with its
// function, one line in sectionFuncs (the page order).
type sectionFunc func(res *analytics.Result, basis string) (s section, ok bool)

var sectionFuncs = []sectionFunc{
	histogramSection,
	gradeSection,
	rolesSection,
	skillsSection,
	regionsSection,
	regionExperienceSection,
	employersSection,
	formatSection,
	trendsSection,
	func(res *analytics.Result, _ string) (section, bool) {
		if res.Lifetime == nil {
			return section{}, false
		}
		return lifetimeSection(res.Lifetime), true
	},
	func(res *analytics.Result, _ string) (section, bool) {
		if len(res.Revisions) == 0 {
			return section{}, false
		}
		return revisionSection(res.Revisions), true
	},
	comboSection,
	func(res *analytics.Result, _ string) (section, bool) { return postingsSection(res) },
	func(res *analytics.Result, _ string) (section, bool) { return qualitySection(res), true },
}
