package analytics

import (
	"os"
	"runtime/debug"
)

// BatchGCPercent is the garbage collector's target while `hhjobs stats`
// runs. A stats pass over a million vacancies keeps ~25 MB live but
// allocates a few short-lived values per row; at Go's default of 100 the
// collector runs hundreds of times and costs ~10 % of the pass on a
// two-core machine. 300 trades ~50 MB of extra heap for that time.
const BatchGCPercent = 300

// BatchGC raises the collector's target to BatchGCPercent for a one-pass
// batch, unless the user set GOGC, and returns the function that restores it.
func BatchGC() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(BatchGCPercent)
	return func() { debug.SetGCPercent(old) }
}
