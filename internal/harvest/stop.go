package harvest

// Errors that stop a whole run, and how a request error becomes one.

import (
	"errors"
	"fmt"

	"github.com/hhjobs/hhjobs/internal/hhapi"
)

// StopError stops a whole run: captcha, ddos-guard, a dead token. Everything
// collected so far is committed; Hint says what the user should do.
type StopError struct {
	Reason string
	Hint   string
	Err    error
	// Transient: the cause may heal by itself (the API did not answer), so
	// 'sync --every' tries again at its next turn instead of giving up.
	Transient bool
	// Permanent: the query itself is wrong (hh.ru's bad_argument), so the
	// run fails rather than stops for a resume.
	Permanent bool
}

func (e *StopError) Error() string {
	return fmt.Sprintf("%s; everything collected so far is saved. %s", e.Reason, e.Hint)
}
func (e *StopError) Unwrap() error { return e.Err }

// stopFor turns errors that no retry can heal into a StopError.
func stopFor(err error) error {
	var se *StopError
	switch {
	case err == nil, errors.As(err, &se):
		return err
	case isOutage(err):
		return outageStop(err)
	case badQuery(err) != nil:
		return badQuery(err)
	case errors.Is(err, hhapi.ErrCaptcha):
		u, _ := hhapi.IsCaptcha(err)
		hint := "hh.ru wants a captcha: make sure an application token is used ('hhjobs auth app'), wait, then rerun the same command to resume"
		if u != "" {
			hint += " (captcha page: " + u + ")"
		}
		return &StopError{Reason: "hh.ru asked for a captcha", Hint: hint, Err: err}
	case rejectedToken(err) != "":
		return &StopError{Reason: "hh.ru refused the token (" + rejectedToken(err) + ")",
			Hint: "run 'hhjobs auth app --force' (or 'hhjobs auth login' for a user token), then rerun to resume", Err: err}
	case errors.Is(err, hhapi.ErrForbidden):
		return &StopError{Reason: "hh.ru answered 403 forbidden (no application token, or the ddos-guard blocked this IP)",
			Hint: "check 'hhjobs auth status', slow down with --rps, and rerun later to resume", Err: err}
	}
	return err
}
