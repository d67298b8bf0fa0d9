package cli

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hhjobs/hhjobs/internal/auth"
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
	case *auth.TokenError:
		return e.Message() + ": " + tokenErrorAdvice(e) + e.Raw(), true
	case *auth.AuthError:
		if a := authErrorAdvice(e); a != "" {
			return e.Error() + a, true
		}
		return "", false
	case *auth.LoginError:
		return e.Error() + ": run 'hhjobs auth login' again", true
	case *auth.ListenError:
		return fmt.Sprintf("listen on %s for the login redirect (is another 'hhjobs auth login' running? the port comes from HH_REDIRECT_URI): %v", e.Addr, e.Err), true
	case *auth.CorruptTokensError:
		return e.Error() + ": delete it and run 'hhjobs auth app' / 'hhjobs auth login' again", true
	}
	for _, s := range sentinelAdvice {
		if err == s.err {
			return s.worded, true
		}
	}
	return "", false
}

// sentinelAdvice words auth's sentinel errors. (A slice, not a map: a map
// lookup would hash any error, and some error types are not comparable.)
var sentinelAdvice = []struct {
	err    error
	worded string
}{
	{auth.ErrNoAppToken, auth.ErrNoAppToken.Error() + ": run 'hhjobs auth app'"},
	{auth.ErrNotLoggedIn, auth.ErrNotLoggedIn.Error() + ": run 'hhjobs auth login'"},
	{auth.ErrAppTokenInvalid, auth.ErrAppTokenInvalid.Error() + ": run 'hhjobs auth app --force'"},
	{auth.ErrLoginRequired, auth.ErrLoginRequired.Error() + ": run 'hhjobs auth login'"},
	{auth.ErrAccessDenied, auth.ErrAccessDenied.Error() + ": run 'hhjobs auth login' again and allow access"},
	{auth.ErrLoginTimeout, auth.ErrLoginTimeout.Error() + ": run 'hhjobs auth login' again (use --timeout for more time)"},
	{auth.ErrNoAccessToken, auth.ErrNoAccessToken.Error() + ": check --api-base"},
	{auth.ErrNoRevocation, "hh.ru has no token revocation endpoint at this --api-base"},
}

// authErrorAdvice is what to do about a token hh.ru refused, "" if nothing.
func authErrorAdvice(e *auth.AuthError) string {
	bad := e.Value == "bad_authorization" || e.Value == "token_revoked"
	switch {
	case e.App && bad:
		return ": run 'hhjobs auth app --force'"
	case bad || e.Value == "token_expired", e.Value == "user_auth_expected":
		return ": run 'hhjobs auth login'"
	case e.Value == "application_not_found":
		return ": check your app at dev.hh.ru and HH_CLIENT_ID"
	case e.Value == "application_auth_expected":
		return ": run 'hhjobs auth app'"
	}
	return ""
}

// tokenAdviceByKey says what to do about hh.ru's token-endpoint errors
// (REFERENCE §3.5), by auth.TokenError.Key.
var tokenAdviceByKey = map[string]string{
	"invalid_request/account not found":                   "check HH_CLIENT_ID and HH_CLIENT_SECRET against your app at dev.hh.ru",
	"invalid_request/account is locked":                   "unlock it on hh.ru, then run 'hhjobs auth login'",
	"invalid_request/password invalidated":                "reset it on hh.ru, then run 'hhjobs auth login'",
	"invalid_request/login not verified":                  "confirm it on hh.ru, then run 'hhjobs auth login'",
	"invalid_request/bad redirect url":                    "set HH_REDIRECT_URI to exactly the redirect URI registered for your app at dev.hh.ru",
	"invalid_request/token is empty":                      "run 'hhjobs auth login'",
	"invalid_request/token not found":                     "run 'hhjobs auth login'",
	"invalid_request/code not found":                      "run 'hhjobs auth login' again",
	"invalid_client/client_id or client_secret not found": "check HH_CLIENT_ID and HH_CLIENT_SECRET at dev.hh.ru",
	"invalid_grant/token has already been refreshed":      "run 'hhjobs auth login'",
	"invalid_grant/token not expired":                     "keep using it (if this repeats, check the system clock)",
	"invalid_grant/token was revoked":                     "run 'hhjobs auth login'",
	"invalid_grant/bad token":                             "run 'hhjobs auth login'",
	"invalid_grant/code has already been used":            "run 'hhjobs auth login' again for a new one",
	"invalid_grant/code expired":                          "run 'hhjobs auth login' again and finish it promptly",
	"invalid_grant/code was revoke":                       "run 'hhjobs auth login' again",
	"invalid_grant/code was revoked":                      "run 'hhjobs auth login' again",
	"invalid_grant/token deactivated":                     "run 'hhjobs auth login'",
	"unsupported_grant_type/unsupported grant_type":       "update hhjobs, and report it if the newest version fails too",
	"forbidden/app token refresh too early":               "wait a few minutes, then retry 'hhjobs auth app --force'",
}

func tokenErrorAdvice(e *auth.TokenError) string {
	if a, ok := tokenAdviceByKey[e.Key()]; ok {
		return a
	}
	switch {
	case e.Code == "invalid_grant":
		return "run 'hhjobs auth login'"
	case e.Code == "invalid_client":
		return "check HH_CLIENT_ID and HH_CLIENT_SECRET at dev.hh.ru"
	case e.Code == "unsupported_grant_type":
		return tokenAdviceByKey["unsupported_grant_type/unsupported grant_type"]
	case e.StatusCode >= 500:
		return "retry later"
	}
	return "check --api-base and your app settings at dev.hh.ru"
}

// loginPageMessage words an error for the login's browser page: like the
// terminal, but without hh.ru's raw codes.
func loginPageMessage(err error) string {
	var te *auth.TokenError
	if errors.As(err, &te) {
		return te.Message() + ": " + tokenErrorAdvice(te)
	}
	return explain(err)
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
