package cli

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hhjobs/hhjobs/internal/harvest"
	"github.com/hhjobs/hhjobs/internal/hhapi"
)

// interruptedMessage is the line for Ctrl-C: only collect and sync keep a
// checkpoint that a rerun resumes; the other commands just stop.
func interruptedMessage(cmd *cobra.Command) string {
	name := ""
	if cmd != nil {
		name = cmd.Name()
	}
	switch name {
	case "collect", "sync":
		return "hhjobs: interrupted; everything collected so far is saved (rerun the command to resume)"
	case "export", "report":
		return "hhjobs: interrupted; no output file was written (files are written only when complete)"
	case "demo":
		return "hhjobs: interrupted; 'hhjobs demo' starts over from scratch when run again"
	default:
		return "hhjobs: interrupted"
	}
}

// pflag's own messages quote Go's parsers ("strconv.ParseFloat: parsing
// "fast": invalid syntax"); this turns them into what the flag wants.
var badFlagValue = regexp.MustCompile(`^invalid argument "(.*)" for "(?:-\w, )?(--[\w-]+)" flag: (.*)$`)

// flagWants describes the valid forms of a flag by the parser that refused it.
func flagWants(flag, cause string) string {
	switch {
	case flag == "--salary":
		return "want a whole amount in the currency's units, e.g. 150000"
	case flag == "--rps":
		return "want auto or a number of requests per second, e.g. 4 or 0.5 (0 = unlimited)"
	case strings.Contains(cause, "ParseFloat"):
		return "want a number, e.g. 0.5 or 4"
	case strings.Contains(cause, "ParseInt"), strings.Contains(cause, "ParseUint"):
		if strings.Contains(cause, "out of range") {
			return "want a smaller whole number"
		}
		return "want a whole number"
	case strings.Contains(cause, "ParseBool"):
		return "want true or false (e.g. " + flag + "=false)"
	case strings.Contains(cause, "time: "):
		return "want a duration like 90s, 30m or 6h"
	}
	return "not a valid value"
}

// friendlyFlagError rewrites a flag parser's error as one line naming the
// flag and the valid forms; other errors pass through.
func friendlyFlagError(err error) error {
	m := badFlagValue.FindStringSubmatch(oneLine(err.Error()))
	if m == nil {
		return err
	}
	return &UsageError{Err: fmt.Errorf("%s %q: %s", m[2], m[1], flagWants(m[2], m[3]))}
}

// explain is the one place a domain error gets its advice. auth, hhapi and
// harvest return errors that state facts (which URL, which token, which
// slice); explain finds each such error in err's chain and puts the worded
// form — the facts plus which command to run or which flag to check — where
// its plain text stands in err's message, so a wrapped error reads as before.
// A web handler maps the same typed errors to its own words.
func explain(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	walkErrors(err, func(e error) {
		plain := e.Error()
		worded, ok := advise(e)
		if !ok || worded == plain || strings.Contains(s, worded) {
			return // nothing to add, or worded already (a run's stored message)
		}
		s = strings.Replace(s, plain, worded, 1)
	})
	return s
}

// walkErrors calls fn for err and every error it wraps, outermost first. It
// does not look inside a *harvest.RunError: its message was worded by
// Harvester.Explain when the run ended (and is stored so), and the cause it
// wraps would otherwise be advised a second time.
func walkErrors(err error, fn func(error)) {
	for err != nil {
		fn(err)
		switch u := err.(type) {
		case *harvest.RunError:
			return
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walkErrors(e, fn)
			}
			return
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		default:
			return
		}
	}
}

// advise returns the worded form of one error, or false when it has none.
func advise(err error) (string, bool) {
	switch e := err.(type) {
	case *harvest.StopError:
		if e.Hint != "" {
			return "", false // worded when the run stopped (TokenAdvice)
		}
		w := *e
		w.Hint = stopHint(e)
		return w.Error(), w.Hint != ""
	case *harvest.UnknownIDError:
		if len(e.Nearest) > 0 {
			return "", false
		}
		if e.ByID() {
			return e.Error() + fmt.Sprintf(" id; names work too: look names and ids up with 'hhjobs %ss SEARCH'", e.Kind), true
		}
		return e.Error() + fmt.Sprintf("; look names and ids up with 'hhjobs %ss SEARCH'", e.Kind), true
	case *harvest.BadValueError:
		if !e.Deprecated {
			return "", false
		}
		w := *e
		w.Want += " ('hhjobs roles SEARCH')"
		return w.Error(), true
	case *hhapi.DecodeError:
		if e.Err != nil {
			return fmt.Sprintf("%s answered %d with %s; is --api-base right?", e.Host(), e.StatusCode, e.What()), true
		}
		return fmt.Sprintf("%s answered %d with %s: is --api-base right? body starts %q", e.Host(), e.StatusCode, e.What(), e.Snippet), true
	case *hhapi.UnreachableError:
		return fmt.Sprintf("cannot reach the hh.ru API at %s (check --api-base and your network): %v", e.Base, e.Err), true
	}
	return "", false
}

// stopHint says what to do about a stopped run.
func stopHint(e *harvest.StopError) string {
	switch e.Kind {
	case harvest.StopCaptcha:
		h := "hh.ru wants a captcha: make sure an application token is used ('hhjobs auth app'), wait, then rerun the same command to resume"
		if e.CaptchaURL != "" {
			h += " (captcha page: " + e.CaptchaURL + ")"
		}
		return h
	case harvest.StopToken:
		return "run 'hhjobs auth app --force' (or 'hhjobs auth login' for a user token), then rerun to resume"
	case harvest.StopForbidden:
		return "check 'hhjobs auth status', slow down with --rps, and rerun later to resume"
	case harvest.StopOutage:
		return "Check the network (and --api-base), then rerun the same command to resume; --max-outage sets how long a request waits for the API to come back."
	case harvest.StopUnreachable:
		return "Check --api-base (HH_API_BASE) and the network, then rerun the same command to resume."
	case harvest.StopBadQuery:
		return "Rerunning the query as it is fails the same way: change its filters with 'collect --replace' or remove it with 'query rm'."
	}
	return ""
}
