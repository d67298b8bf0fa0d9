package harvest

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hhjobs/hhjobs/internal/hhapi"
	"github.com/hhjobs/hhjobs/internal/httpx"
)

// Cause names why a request failed in a few words, without URLs or ids, so
// that failures of one kind are counted under one line: "the API did not
// answer (connection refused)", "HTTP 503", "malformed answer", ….
func Cause(err error) string {
	var ue *httpx.UnreachableError
	var ae *hhapi.APIError
	var de *hhapi.DecodeError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &ue):
		if c := ue.Cause(); c != "" {
			return "the API did not answer (" + c + ")"
		}
		return "the API did not answer"
	case isOutage(err):
		return "the API could not be reached (" + httpx.NetCause(err) + ")"
	case errors.As(err, &ae):
		c := fmt.Sprintf("HTTP %d", ae.StatusCode)
		if t := http.StatusText(ae.StatusCode); t != "" {
			c += " " + t
		}
		if len(ae.Errors) > 0 {
			c += ": " + ae.Errors[0].Type
			if v := ae.Errors[0].Value; v != "" && v != ae.Errors[0].Type {
				c += "=" + v
			}
		}
		return c
	case errors.As(err, &de):
		return "malformed answer from the API"
	}
	if c := httpx.NetCause(err); c != "" {
		return c
	}
	// The innermost error: the wrappers add the request's URL.
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
		err = u
	}
	s := err.Error()
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}

// failures counts a run's failed slices and full vacancies by cause. The
// first failure of each cause is logged as a warning; the others only at
// debug level (--debug), so an outage gives one line, not one per slice. A
// full vacancy that fails and is fetched later (the final sweep retries
// them) no longer counts.
type failures struct {
	log *slog.Logger

	mu      sync.Mutex
	slices  map[string]int    // cause → failed slices
	details map[string]string // vacancy id → cause
	order   []string          // causes in the order first seen
}

func newFailures(log *slog.Logger) *failures {
	return &failures{log: log, slices: map[string]int{}, details: map[string]string{}}
}

// add counts one failed slice (id == "") or full vacancy (its id) and
// returns the cause it was counted under. attrs go to the debug line only.
func (f *failures) add(id string, err error, attrs ...any) string {
	cause := Cause(err)
	f.mu.Lock()
	seen := slices.Contains(f.order, cause)
	if !seen {
		f.order = append(f.order, cause)
	}
	what := "slice failed"
	if id == "" {
		f.slices[cause]++
	} else {
		f.details[id] = cause
		what = "full vacancy not fetched"
		attrs = append(attrs, "id", id)
	}
	f.mu.Unlock()
	f.log.Debug(what, append(attrs, "cause", cause, "err", err)...)
	if !seen {
		f.log.Warn(what + ": " + cause + " (further failures of this kind are counted, not logged; --debug shows each)")
	}
	return cause
}

// fetched forgets the failures of ids fetched after all.
func (f *failures) fetched(ids []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range ids {
		delete(f.details, id)
	}
}

// causes lists the distinct causes still counted, in the order first seen.
func (f *failures) causes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	det := map[string]bool{}
	for _, c := range f.details {
		det[c] = true
	}
	var out []string
	for _, c := range f.order {
		if f.slices[c] > 0 || det[c] {
			out = append(out, c)
		}
	}
	return out
}

// counts returns the failed slices and full vacancies so far.
func (f *failures) counts() (slices, details int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range f.slices {
		slices += n
	}
	return slices, len(f.details)
}

// summary is one line: "connection refused: 3 slices and 22 details; HTTP 503: 1 slice".
func (f *failures) summary() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	det := map[string]int{}
	for _, c := range f.details {
		det[c]++
	}
	var parts []string
	for _, cause := range f.order {
		if f.slices[cause]+det[cause] > 0 {
			parts = append(parts, cause+": "+countFailed(f.slices[cause], det[cause]))
		}
	}
	return strings.Join(parts, "; ")
}

// countFailed is "3 slices and 22 details", "1 slice", "2 details".
func countFailed(slices, details int) string {
	var parts []string
	if slices > 0 {
		parts = append(parts, plural(slices, "slice"))
	}
	if details > 0 {
		parts = append(parts, plural(details, "detail"))
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, " and ")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// outageStop is the StopError for a request that got no answer: for its
// whole retry budget, or at all from an API that never answered this
// process (a refused connection, a failed DNS lookup or TLS handshake: most
// likely a wrong API address). Going on would only fail every other slice
// the same way.
func outageStop(err error) *StopError {
	var ue *httpx.UnreachableError
	if errors.As(err, &ue) {
		c := ue.Cause()
		if c == "" {
			c = "no answer"
		}
		return &StopError{
			Kind:      StopOutage,
			Reason:    fmt.Sprintf("the API did not answer for %s (%s)", ue.Elapsed.Round(time.Second), c),
			Err:       err,
			Transient: true,
		}
	}
	return &StopError{
		Kind:      StopUnreachable,
		Reason:    "the API could not be reached (" + httpx.NetCause(err) + ")",
		Err:       err,
		Transient: true,
	}
}

// isOutage reports a request that got no answer: it gave up after its retry
// budget, or the API has never answered and refuses, has no DNS name or
// fails the TLS handshake.
func isOutage(err error) bool {
	var ue *httpx.UnreachableError
	if errors.As(err, &ue) {
		return true
	}
	switch httpx.NetCause(err) {
	case "connection refused", "DNS lookup failed", "TLS handshake failed", "TLS certificate rejected", "network unreachable":
		return true
	}
	return false
}

// detailsFailed ends the details phase when some full vacancies could not be
// fetched for a reason a rerun may heal; finish words the run's message.
type detailsFailed struct{ n int }

func (e *detailsFailed) Error() string {
	return fmt.Sprintf("%d full vacancies could not be fetched; rerun to retry them", e.n)
}
