package analytics

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hhjobs/hhjobs/internal/store"
)

// rosterPass holds back the vacancies paid per shift or hour during the walk
// (a few per cent of salaries) and adds them after it with their roster,
// which a worker reads from the store's raw JSON in batches while the walk
// goes on. The walk itself never touches raw JSON.
type rosterPass struct {
	rosters   store.RosterReader // nil: the store cannot read rosters (constants apply)
	deferred  []store.Vacancy
	pending   []string          // ids held since the last batch went to the worker
	batches   chan []string     // to the worker (nil until the first batch)
	results   chan rosterResult // from the worker, one per batch, then closed
	replaying bool
}

type rosterResult struct {
	m   map[string]store.Roster
	err error
}

// hold keeps v for later when its pay needs a roster.
func (w *walk) hold(ctx context.Context, v store.Vacancy) bool {
	p := &w.rosterPass
	if p.rosters == nil || p.replaying {
		return false
	}
	if !NeedsRoster(&v) {
		return false
	}
	// The store may reuse its buffers after the callback returns.
	v.Roles, v.WorkFormat, v.KeySkills = slices.Clone(v.Roles), slices.Clone(v.WorkFormat), slices.Clone(v.KeySkills)
	v.Codes = nil // valid during the callback only
	p.deferred = append(p.deferred, v)
	p.pending = append(p.pending, v.ID)
	if len(p.pending) == store.RosterBatch {
		p.send(ctx)
	}
	return true
}

// NeedsRoster reports whether v's pay needs its roster: it is paid per
// shift or hour and names an amount. Compute holds these back until their
// rosters are read.
func NeedsRoster(v *store.Vacancy) bool {
	if m := strings.ToUpper(v.SalaryMode); m != ModeShift && m != ModeHour {
		return false
	}
	return positive(v.SalaryFrom) != nil || positive(v.SalaryTo) != nil
}

// send hands the pending ids to the worker, starting it on the first batch.
func (p *rosterPass) send(ctx context.Context) {
	if p.batches == nil {
		p.batches, p.results = make(chan []string, 64), make(chan rosterResult, 64)
		go func() {
			defer close(p.results)
			for ids := range p.batches {
				m, err := p.rosters.Rosters(ctx, ids)
				p.results <- rosterResult{m, err}
			}
		}()
	}
	p.batches <- p.pending
	p.pending = nil
}

// replayRosters collects the rosters of the held vacancies and adds them, in walk order.
func (w *walk) replayRosters(ctx context.Context) error {
	p := &w.rosterPass
	if len(p.deferred) == 0 {
		return nil
	}
	if len(p.pending) > 0 {
		p.send(ctx)
	}
	close(p.batches)
	all := map[string]store.Roster{}
	var err error
	for r := range p.results {
		if r.err != nil && err == nil {
			err = r.err
		}
		maps.Copy(all, r.m)
	}
	if err != nil {
		return fmt.Errorf("read rosters: %w", err)
	}
	p.replaying = true
	for i := range p.deferred {
		var roster *store.Roster // nil: unknown
		if r, ok := all[p.deferred[i].ID]; ok {
			roster = &r
		}
		w.ss.Observe(&p.deferred[i], roster)
	}
	p.deferred = nil
	return nil
}

// abandon stops the worker when the walk failed.
func (p *rosterPass) abandon() {
	if p.batches != nil {
		close(p.batches)
		for range p.results {
		}
		p.batches = nil
	}
}
