package export

import (
	"context"
	"strings"

	"github.com/hhjobs/hhjobs/internal/analytics"
	"github.com/hhjobs/hhjobs/internal/store"
)

// salary normalises v as stats and the report do: pay per shift or hour by
// the vacancy's roster, read from the store's raw JSON for those few rows
// (docs/methodology.md §1.2); other rows need no lookup.
func (m *rowMaker) salary(v store.Vacancy) analytics.Salary {
	var roster *store.Roster
	if mode := strings.ToUpper(v.SalaryMode); m.rosters != nil && (mode == analytics.ModeShift || mode == analytics.ModeHour) {
		if rs, err := m.rosters.Rosters(m.ctx, []string{v.ID}); err == nil {
			if r, ok := rs[v.ID]; ok {
				roster = &r
			}
		}
		// A failed lookup falls back to the constants, as a vacancy without a roster does.
	}
	return analytics.NormaliseRoster(v, roster, m.rates, m.basis)
}

// withRosters lets m read rosters from s when it can.
func (m *rowMaker) withRosters(ctx context.Context, s store.Store) {
	m.ctx = ctx
	m.rosters, _ = s.(store.RosterReader)
}
