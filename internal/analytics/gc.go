package analytics

import "runtime/debug"

// BatchGCPercent is the garbage collector's target that suits a one-pass
// batch such as `hhjobs stats`. A stats pass over a million vacancies keeps
// ~25 MB live but allocates a few short-lived values per row; at Go's
// default of 100 the collector runs hundreds of times and costs ~10 % of the
// pass on a two-core machine. 300 trades ~50 MB of extra heap for that time.
// Whether to use it (the user's GOGC wins) is the caller's decision.
const BatchGCPercent = 300

// WithGCPercent sets the collector's target to percent and returns the
// function that restores the previous one; percent ≤ 0 changes nothing.
// The target is process-wide: call it around a one-shot batch, not per
// request of a server answering in parallel.
func WithGCPercent(percent int) (restore func()) {
	if percent <= 0 {
		return func() {}
	}
	old := debug.SetGCPercent(percent)
	return func() { debug.SetGCPercent(old) }
}
