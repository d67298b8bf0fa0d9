package analytics

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hhjobs/hhjobs/internal/store"
)

// rosterPass holds back the vacancies paid per shift or hour during the walk
// (a few per cent of salaries), reads their rosters from the store's raw JSON
// in batches afterwards, and then adds them with their roster. The walk
// itself never touches raw JSON.
type rosterPass struct {
	rosters   store.RosterReader // nil: the store cannot read rosters (constants apply)
	deferred  []store.Vacancy
	replaying bool
	roster    *store.Roster // the roster of the vacancy being added (nil: unknown)
}

// hold keeps v for later when its pay needs a roster.
func (p *rosterPass) hold(v store.Vacancy) bool {
	if p.rosters == nil || p.replaying {
		return false
	}
	if m := strings.ToUpper(v.SalaryMode); m != ModeShift && m != ModeHour {
		return false
	}
	if positive(v.SalaryFrom) == nil && positive(v.SalaryTo) == nil {
		return false
	}
	// The store may reuse its buffers after the callback returns.
	v.Roles, v.WorkFormat, v.KeySkills = slices.Clone(v.Roles), slices.Clone(v.WorkFormat), slices.Clone(v.KeySkills)
	p.deferred = append(p.deferred, v)
	return true
}

// replay reads the rosters of the held vacancies and adds them, in walk order.
func (c *computer) replayRosters(ctx context.Context) error {
	p := &c.rosterPass
	if len(p.deferred) == 0 {
		return nil
	}
	ids := make([]string, len(p.deferred))
	for i, v := range p.deferred {
		ids[i] = v.ID
	}
	m, err := p.rosters.Rosters(ctx, ids)
	if err != nil {
		return fmt.Errorf("read rosters: %w", err)
	}
	p.replaying = true
	for _, v := range p.deferred {
		p.roster = nil
		if r, ok := m[v.ID]; ok {
			p.roster = &r
		}
		c.add(v)
	}
	p.roster, p.deferred = nil, nil
	return nil
}

// countRoster adds s to the roster counters of the salary mix.
func (m *SalaryMix) countRoster(s Salary) {
	if s.Mode != ModeShift && s.Mode != ModeHour || !s.OK {
		return
	}
	switch {
	case s.Flags.Has(FlagFTE):
		m.RosterFTE++
	case s.Flags.Has(FlagRosterAssumed):
		m.RosterAssumed++
	default:
		m.RosterKnown++
	}
}
