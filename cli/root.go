// Package cli is the backproof command line: one file per subcommand, each
// a thin layer of flags over a library call.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// Exit statuses, as DESIGN.md's contract has them.
const (
	ExitOK       = 0 // success, or the check passed
	ExitMismatch = 1 // the check ran and found a mismatch, or training diverged
	ExitBadInput = 2 // bad input or usage
)

// exitError carries the exit status a command ends with.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// badInput marks err as the user's input being wrong: exit status 2.
func badInput(err error) error { return &exitError{ExitBadInput, err} }

// mismatch ends a command with exit status 1 after its report is printed;
// err may be nil when the report already says everything.
func mismatch(err error) error { return &exitError{ExitMismatch, err} }

// commands are added by each subcommand's file.
var commands []func() *cobra.Command

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "backproof",
		Short: "Check backpropagation derivations against finite differences",
		Long: `backproof checks backpropagation derivations. It compares analytic gradients
with finite differences entry by entry in the row, column and per-example
conventions, names the mistake when they differ, checks a learner's own
formulas, and reproduces training runs on MNIST.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return badInput(err) })
	for _, c := range commands {
		root.AddCommand(c())
	}
	return root
}

// Main runs the command line with args and returns the exit status. Errors
// are printed as one line on stderr; no panic reaches the user.
func Main(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "backproof: internal error: %v (please report it)\n", r)
			code = ExitBadInput
		}
	}()
	root := newRoot()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	var e *exitError
	if errors.As(err, &e) {
		if e.err != nil {
			fmt.Fprintf(stderr, "backproof: %s\n", oneLine(e.err))
		}
		return e.code
	}
	// cobra's own errors: unknown command, wrong number of arguments.
	fmt.Fprintf(stderr, "backproof: %s (see backproof --help)\n", oneLine(err))
	return ExitBadInput
}

// oneLine folds a multi-line message (cobra's "Did you mean this?") onto
// one line, so that every error is one line on stderr.
func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

// Run is Main on the process's arguments and streams.
func Run() int { return Main(os.Args[1:], os.Stdout, os.Stderr) }
