package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/safetext"
	"github.com/hhjobs/hhjobs/internal/store"
)

// minEvery is the shortest --every (a variable so that tests can cycle fast).
var minEvery = time.Minute

// QueriesFailedError is the end of a sync in which some queries failed: the
// others were synced; each failure is named with its cause.
type QueriesFailedError struct {
	Of     int
	Failed []QueryFailure
}

// QueryFailure is one failed query of a sync.
type QueryFailure struct {
	Name string
	Err  error
}

func (e *QueriesFailedError) Error() string {
	parts := make([]string, len(e.Failed))
	for i, f := range e.Failed {
		parts[i] = fmt.Sprintf("%s (%s)", f.Name, oneLine(explain(f.Err)))
	}
	return fmt.Sprintf("%d of %d queries failed: %s", len(e.Failed), e.Of, strings.Join(parts, "; "))
}

// BadQueryError is a query whose filters hh.ru refuses: named with the way out.
type BadQueryError struct {
	Name string
	Err  *harvest.BadQueryError
}

func (e *BadQueryError) Error() string {
	return fmt.Sprintf("query %q: %s: change its filters with 'hhjobs collect --name %s --replace [filters]' or remove it with 'hhjobs query rm %s'",
		e.Name, explain(e.Err), e.Name, e.Name)
}
func (e *BadQueryError) Unwrap() error { return e.Err }

// BadFilterError is a saved query with a value the stored dictionaries refuse.
type BadFilterError struct {
	Name string
	Err  error
}

func (e *BadFilterError) Error() string {
	return fmt.Sprintf("query %q has a filter hh.ru refuses (%s); nothing was sent: change its filters with 'hhjobs collect --name %s --replace [filters]' or remove it with 'hhjobs query rm %s'",
		e.Name, explain(e.Err), e.Name, e.Name)
}
func (e *BadFilterError) Unwrap() error { return e.Err }

// runQueries harvests each query in turn. A query that fails does not stop
// the others: every failure is reported at the end. What no other query
// could get past either stops at once: Ctrl-C, a captcha, a refused token.
func runQueries(ctx context.Context, f *Factory, h *harvest.Harvester, qs []store.Query, hf HarvestFlags) error {
	var failed []QueryFailure
	for _, q := range qs {
		// A query saved by an older hhjobs may hold a value hh.ru refuses:
		// check it before anything is sent.
		err := harvest.CheckFilters(ctx, h.Store, q.Params)
		if err != nil {
			err = &BadFilterError{Name: q.Name, Err: err}
		} else {
			err = harvestQueries(ctx, f, h, []store.Query{q}, hf, 0)
		}
		if err == nil {
			continue
		}
		var se *harvest.StopError
		if ctx.Err() != nil || errors.Is(err, context.Canceled) || (errors.As(err, &se) && !se.Permanent) {
			return err
		}
		var bq *harvest.BadQueryError
		if errors.As(err, &bq) {
			err = &BadQueryError{Name: q.Name, Err: bq}
		}
		if len(qs) == 1 {
			return err
		}
		fmt.Fprintf(f.IO.Err, "%s: failed: %s\n", safetext.Terminal(q.Name), safetext.Terminal(oneLine(explain(err))))
		failed = append(failed, QueryFailure{Name: q.Name, Err: err})
	}
	if len(failed) > 0 {
		return &QueriesFailedError{Of: len(qs), Failed: failed}
	}
	return nil
}

// syncTargets resolves the queries of one sync cycle: the named ones, or all
// saved queries (read again every cycle, so that --every picks up queries
// added or removed meanwhile).
func syncTargets(ctx context.Context, st store.Store, names []string) ([]store.Query, error) {
	if len(names) == 0 {
		qs, err := st.Queries(ctx)
		if err != nil {
			return nil, err
		}
		if len(qs) == 0 {
			return nil, usageErrorf("no saved queries: run 'hhjobs collect --name NAME [filters]' first")
		}
		return qs, nil
	}
	var qs []store.Query
	for _, n := range names {
		q, err := st.QueryByName(ctx, n)
		if errors.Is(err, store.ErrNotFound) {
			return nil, usageErrorf("no saved query %q ('hhjobs query list' lists them)", n)
		}
		if err != nil {
			return nil, err
		}
		qs = append(qs, q)
	}
	return qs, nil
}
