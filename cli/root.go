// Package cli is the backproof command line: one file per subcommand, each
// a thin layer of flags over a library call.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/backproof/backproof/budget"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Exit statuses, the same for every command (see exitHelp).
const (
	ExitOK       = 0 // success, or the check passed
	ExitMismatch = 1 // the check ran and found a mismatch, or training diverged
	ExitBadInput = 2 // bad input or usage, or the output could not be written
	ExitInternal = 3 // a bug in backproof: a recovered panic
)

// exitHelp documents the exit statuses in the root command's help.
const exitHelp = `Exit status, for every command:
  0  success: the check passed, the run finished
  1  the check found a mismatch (or could not tell), or training diverged
  2  bad input or usage, one line on stderr naming the file or flag; also
     when the output cannot be written (a full disk): the result did not
     reach its reader, so it must not count as a success
  3  internal error: a bug in backproof, whatever the input; please report
     it with the command line`

// exitError carries the exit status a command ends with.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// internal marks err as a bug: exit status 3. For a failure the input
// cannot cause, such as encoding a result that was built in memory.
func internal(err error) error {
	return &exitError{ExitInternal, fmt.Errorf("internal error: %w (a bug, whatever the input: please report it with the command line)", err)}
}

// badInput marks err as the user's input being wrong: exit status 2.
func badInput(err error) error { return &exitError{ExitBadInput, err} }

// mismatch ends a command with exit status 1 after its report is printed;
// err may be nil when the report already says everything.
func mismatch(err error) error { return &exitError{ExitMismatch, err} }

// version is what --version prints: the module's version ("(devel)" for a
// build from a checkout), the commit and whether the tree was modified when
// the go tool recorded them, and the Go that built it.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown version)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision" && len(s.Value) >= 12:
			v += " " + s.Value[:12]
		case s.Key == "vcs.modified" && s.Value == "true":
			v += " (modified)"
		}
	}
	return v + ", " + bi.GoVersion
}

// commands are added by each subcommand's file.
var commands []func() *cobra.Command

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "backproof",
		Short: "Check backpropagation derivations against finite differences",
		Long: `backproof checks backpropagation derivations. It compares analytic gradients
with finite differences entry by entry in the row, column and per-example
conventions, names the mistake when they differ, checks a learner's own
gradient (numpy files: check --gradient; Go: the backprooftest package) and
written formulas, and reproduces training runs on MNIST in a report.

Every command refuses a request whose estimated memory is larger than
--max-memory (default 4GiB) before allocating it, naming the estimate.

` + exitHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
	}
	root.SetVersionTemplate("backproof {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return badInput(err) })
	for _, c := range commands {
		root.AddCommand(c())
	}
	refuseEmptyValues(root)
	return root
}

// refuseEmptyValues makes every command refuse a flag given an empty
// value, such as --gradient= or --problem "$UNSET": a string flag would
// take "" as "not given" and silently do something else. An empty
// argument ("$UNSET" for FILE) is refused the same way. Other kinds of
// flag refuse "" when parsing it. The check runs before each command's own
// PreRunE (or PreRun), which it wraps: a PersistentPreRunE on the root
// would be skipped by cobra for any subcommand that declared its own.
func refuseEmptyValues(c *cobra.Command) {
	for _, sub := range c.Commands() {
		refuseEmptyValues(sub)
	}
	pre, preE := c.PreRun, c.PreRunE
	c.PreRun = nil
	c.PreRunE = func(cmd *cobra.Command, args []string) error {
		var empty error
		cmd.Flags().Visit(func(f *pflag.Flag) {
			if empty == nil && f.Value.Type() == "string" && f.Value.String() == "" {
				empty = fmt.Errorf("--%s is empty (an unset shell variable?): give it a value, or leave the flag out", f.Name)
			}
		})
		for i, a := range args {
			if empty == nil && a == "" {
				empty = fmt.Errorf("argument %d of %s is empty (an unset shell variable?): give the file name", i+1, cmd.Name())
			}
		}
		if empty != nil {
			return badInput(empty)
		}
		if preE != nil {
			return preE(cmd, args)
		}
		if pre != nil {
			pre(cmd, args)
		}
		return nil
	}
}

// Main runs the command line with args and returns the exit status. Errors
// are printed as one line on stderr; no panic reaches the user: one is
// reported as an internal error, exit status 3. Every write to stdout is
// checked, so a result that could not be written (> /dev/full) does not
// exit 0.
func Main(args []string, stdout, stderr io.Writer) (code int) {
	out := &checkedWriter{w: stdout}
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "backproof: internal error: %v (a bug, whatever the input: please report it with the command line)\n", r)
			code = ExitInternal
		}
	}()
	root := newRoot()
	root.SetArgs(args)
	root.SetOut(out)
	root.SetErr(stderr)
	err := root.Execute()
	code = ExitOK
	var e *exitError
	switch {
	case err == nil:
	case errors.As(err, &e):
		if e.err != nil {
			fmt.Fprintf(stderr, "backproof: %s\n", oneLine(withHint(e.err)))
		}
		code = e.code
	default:
		// cobra's own errors: unknown command, wrong number of arguments.
		fmt.Fprintf(stderr, "backproof: %s (see backproof --help)\n", oneLine(err))
		code = ExitBadInput
	}
	if out.err != nil && code != ExitInternal {
		fmt.Fprintf(stderr, "backproof: cannot write the output: %v; the result was not delivered\n", out.err)
		code = ExitBadInput
	}
	return code
}

// withHint adds to an error over the memory limit how to raise it.
func withHint(err error) error {
	if errors.Is(err, budget.ErrTooLarge) {
		return fmt.Errorf("%w; raise the limit with --max-memory if the machine has the memory", err)
	}
	return err
}

// checkedWriter keeps the first error a write returns and refuses later
// writes, so a command that prints with fmt.Fprint (which returns errors
// nobody checks) still ends with a non-zero status when its output was lost.
type checkedWriter struct {
	w   io.Writer
	err error
}

func (c *checkedWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	if err != nil {
		c.err = err
	}
	return n, err
}

// oneLine folds a multi-line message (cobra's "Did you mean this?") onto
// one line, so that every error is one line on stderr.
func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

// Run is Main on the process's arguments and streams.
// A SIGINT or SIGTERM ends it with status 130 or 143 after removing the
// outputs still being written (onSignal).
func Run() int {
	defer onSignal(os.Stderr)()
	return Main(os.Args[1:], os.Stdout, os.Stderr)
}
