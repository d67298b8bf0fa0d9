package cli

import "github.com/hhjobs/hhjobs/internal/analytics"

// batchGCPercent is the collector's target for a one-pass command (`stats`,
// and `bench` timing it): analytics.BatchGCPercent, unless the user set
// GOGC, whose choice the runtime already applied and which wins; 0 = leave
// the target alone. The server never raises it per request (requests run in
// parallel and the target is process-wide).
func batchGCPercent(getenv func(string) string) int {
	if getenv("GOGC") != "" {
		return 0
	}
	return analytics.BatchGCPercent
}
