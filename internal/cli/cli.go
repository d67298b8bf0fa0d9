// Package cli implements the hhjobs command line: one options struct, one
// NewCmdX and one runX per command, a small Factory for lazily built
// dependencies, and one place where errors become exit codes.
package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/hhjobs/hhjobs/internal/safetext"
)

// Exit codes (DESIGN.md §4).
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
)

// UsageError marks a mistake in how hhjobs was called: exit code 2.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// usageErrorf builds a UsageError.
func usageErrorf(format string, a ...any) error {
	return &UsageError{Err: fmt.Errorf(format, a...)}
}

// Main runs hhjobs with args (without the program name) and returns the exit code.
func Main(ctx context.Context, args []string, ios *IOStreams) int {
	f := NewFactory(ios)
	defer f.Close()
	root := NewCmdRoot(f)
	root.SetArgs(args)
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.Err)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	msg := safetext.Terminal(oneLine(explain(err))) // external text: hh.ru's error_description, bodies
	var ue *UsageError
	switch {
	case errors.As(err, &ue) || isCobraUsage(err):
		f.discardCreated(ctx)
		fmt.Fprintf(ios.Err, "hhjobs: %s\n", oneLine(explain(friendlyFlagError(err))))
		fmt.Fprintln(ios.Err, "Run 'hhjobs --help' for usage.")
		return ExitUsage
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(ios.Err, interruptedMessage(cmd))
		return ExitError
	default:
		f.discardCreated(ctx)
		fmt.Fprintf(ios.Err, "hhjobs: %s\n", msg)
		return ExitError
	}
}

// isCobraUsage recognises cobra's own flag and argument errors, which are not typed.
func isCobraUsage(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown flag", "unknown shorthand flag", "unknown command", "flag needs an argument",
		"invalid argument", "accepts ", "requires at least", "requires at most", "if any flags in the group",
		"required flag", "bad flag syntax"} {
		if strings.HasPrefix(s, p) || strings.Contains(s, " "+p) {
			return true
		}
	}
	return false
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// NewCmdRoot builds the command tree.
func NewCmdRoot(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:           "hhjobs",
		Short:         "Collect hh.ru vacancies completely and turn them into HR analytics",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return f.Settings.Resolve(cmd)
		},
	}
	root.CompletionOptions.HiddenDefaultCmd = true
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &UsageError{Err: err} })
	f.Settings.AddFlags(root)

	root.AddCommand(
		NewCmdStats(f), NewCmdReport(f), NewCmdExport(f),
		NewCmdSandbox(f, nil),
		NewCmdAuth(f),
		NewCmdCollect(f),
		NewCmdSync(f),
		NewCmdStatus(f),
		NewCmdDemo(f),
		NewCmdBench(f),
		NewCmdQuery(f), NewCmdAreas(f), NewCmdRoles(f),
		NewCmdServe(f),
	)
	return root
}
