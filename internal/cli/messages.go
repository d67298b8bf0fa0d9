package cli

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
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
