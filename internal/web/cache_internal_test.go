package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

// TestCachesKeepWithinBudget: the view and answer caches drop their oldest
// entries when the bytes they hold pass their budget (at a million rows a
// view is 10-14 MB), keep the newest whatever its size, and still drop by
// count.
func TestCachesKeepWithinBudget(t *testing.T) {
	defer func(v int64, a int) { viewBudget, answerBudget = v, a }(viewBudget, answerBudget)
	viewBudget, answerBudget = 1<<20, 1<<20

	vc := newViewCache(64)
	big := func(groups int) *view { // 500 bytes a group, 64 KB a page
		return &view{res: &analytics.Result{Groupings: []analytics.Grouping{{Groups: make([]analytics.GroupStats, groups)}}}, html: make([]byte, 64<<10)}
	}
	for i := range 4 {
		vc.put(fmt.Sprint(i), big(700)) // ~0.46 MB each: two fit
	}
	if len(vc.m) != 2 || vc.m["2"] == nil || vc.m["3"] == nil || vc.bytes > viewBudget {
		t.Errorf("views kept: %d (%v), %d bytes of %d", len(vc.m), vc.order, vc.bytes, viewBudget)
	}
	vc.put("huge", big(10000))
	if len(vc.m) != 1 || vc.m["huge"] == nil || vc.bytes != vc.m["huge"].size {
		t.Errorf("a view over the budget: kept %v, %d bytes", vc.order, vc.bytes)
	}
	vc.put("huge", big(1)) // the same key again: counted once
	if len(vc.m) != 1 || vc.bytes != viewBytes(big(1)) {
		t.Errorf("a view put twice: %v, %d bytes", vc.order, vc.bytes)
	}
	vc.budget = 1 << 30
	for i := range 100 {
		vc.put(fmt.Sprint("small", i), &view{})
	}
	if len(vc.m) != 64 {
		t.Errorf("%d small views kept, want 64", len(vc.m))
	}

	ac := newAnswerCache(nil, 256)
	ctx := context.Background()
	for i := range 4 {
		if _, err := ac.get(ctx, fmt.Sprint(i), func(context.Context) ([]byte, error) { return []byte(strings.Repeat("x", 400<<10)), nil }); err != nil {
			t.Fatal(err)
		}
	}
	if ac.ll.Len() != 2 || ac.m["2"] == nil || ac.m["3"] == nil || ac.bytes != 800<<10 {
		t.Errorf("answers kept: %d, %d bytes of %d", ac.ll.Len(), ac.bytes, answerBudget)
	}
}
