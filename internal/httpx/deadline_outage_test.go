package httpx

import (
	"testing"
	"time"
)

// A user's longer outage budget is not cut short by the default deadline.
func TestDeadlineOutlastsMaxOutage(t *testing.T) {
	for _, tc := range []struct {
		outage, deadline, want time.Duration
	}{
		{0, 0, DefaultDeadline},
		{10 * time.Minute, 0, 10*time.Minute + defaultPerTry + defaultMax},
		{10 * time.Minute, time.Minute, time.Minute}, // an explicit deadline stays
	} {
		if got := requestDeadline(Options{Retry: RetryPolicy{MaxOutage: tc.outage}, Deadline: tc.deadline}); got != tc.want {
			t.Errorf("outage %s, deadline %s: %s, want %s", tc.outage, tc.deadline, got, tc.want)
		}
	}
}
