package harvest

// Errors that stop a whole run, and how a request error becomes one.

import (
	"errors"
	"fmt"

	"github.com/hhjobs/hhjobs/internal/hhapi"
)

// StopKind says why a run stopped, so that the edge (the CLI, a web handler)
// can say what to do about it without parsing the text.
type StopKind int

// Stop kinds.
const (
	StopOther       StopKind = iota
	StopCaptcha              // hh.ru asked for a captcha (CaptchaURL, when it gave one)
	StopToken                // hh.ru refused the token (Token is its oauth value)
	StopForbidden            // 403 without a token problem: no app token, or the ddos-guard
	StopOutage               // requests got no answer for their whole retry budget
	StopUnreachable          // the API never answered: refused, no DNS name, TLS failed
	StopBadQuery             // hh.ru's bad_argument for the query's own filters
)

// StopError stops a whole run: captcha, ddos-guard, a dead token. Everything
// collected so far is committed. It carries the facts (Kind, Token,
// CaptchaURL); Hint, what the user should do, is left to the edge, which
// words it through Harvester.Explain before the run's message is stored.
type StopError struct {
	Kind       StopKind
	Reason     string
	Hint       string
	Token      string // StopToken: hh.ru's oauth value (bad_authorization, token_revoked, …)
	CaptchaURL string // StopCaptcha: the captcha page hh.ru gave, if any
	Err        error
	// Transient: the cause may heal by itself (the API did not answer), so
	// 'sync --every' tries again at its next turn instead of giving up.
	Transient bool
	// Permanent: the query itself is wrong (hh.ru's bad_argument), so the
	// run fails rather than stops for a resume.
	Permanent bool
}

func (e *StopError) Error() string {
	if e.Hint == "" {
		return e.Reason + "; everything collected so far is saved."
	}
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
		return &StopError{Kind: StopCaptcha, Reason: "hh.ru asked for a captcha", CaptchaURL: u, Err: err}
	case rejectedToken(err) != "":
		v := rejectedToken(err)
		return &StopError{Kind: StopToken, Reason: "hh.ru refused the token (" + v + ")", Token: v, Err: err}
	case errors.Is(err, hhapi.ErrForbidden):
		return &StopError{Kind: StopForbidden, Reason: "hh.ru answered 403 forbidden (no application token, or the ddos-guard blocked this IP)", Err: err}
	}
	return err
}
