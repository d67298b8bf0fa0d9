package store

import "context"

// VersionWalker is implemented by stores that can stream the version history
// of many vacancies in one query (both engines do); analytics of revisions
// need it.
type VersionWalker interface {
	// EachChangedVersion streams, in (vacancy id, observed_at) order, every
	// version row of the filtered vacancies that have more than one: the
	// vacancies whose tracked fields were seen to change.
	EachChangedVersion(ctx context.Context, f Filter, fn func(Version) error) error
}
