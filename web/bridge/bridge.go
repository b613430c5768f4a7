// Package bridge is what the page in the browser computes: the checks of
// `backproof formula` and `backproof check --gradient`, and the problem
// file of `backproof check --save`, on text and bytes instead of files, so
// that they run in WebAssembly where there is no file system. Each
// function returns what the command line prints for the same inputs, byte
// for byte, and how it ends.
package bridge

import (
	"bytes"
	"errors"
	"strings"

	"github.com/backproof/backproof/budget"
	"github.com/backproof/backproof/internal/jsonio"
	"github.com/backproof/backproof/internal/printf"
)

// Exit statuses, the command line's.
const (
	ExitOK       = 0 // the check passed
	ExitMismatch = 1 // the check found a mismatch, or could not tell
	ExitBadInput = 2 // bad input: the message names where
	ExitInternal = 3 // a bug in backproof
)

// Output is what a command prints and how it ends.
type Output struct {
	Exit   int      `json:"exit"`
	Stdout string   `json:"stdout"` // the report: text, or the JSON object with --json
	Stderr []string `json:"stderr"` // each line as the command prints it, "backproof: " first
	// Verdict is the page's headline: the word of the command's last line
	// in capitals (PASS, FAIL, INCOMPLETE, CANNOT TELL) and its summary,
	// or ERROR and the message of a bad input.
	Verdict string `json:"verdict"`
	// File is the output file's content (the problem of Problem).
	File string `json:"file,omitempty"`
}

// exitError ends a command with a status and, unless nil, a message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func badInput(err error) error { return &exitError{ExitBadInput, err} }
func mismatch() error          { return &exitError{ExitMismatch, nil} }

// BadInput ends a command body (Run) with exit status 2 and err's message.
func BadInput(err error) error { return badInput(err) }

// Mismatch ends a command body (Run) with exit status 1, its report
// having said why.
func Mismatch() error { return mismatch() }

// Run runs a command's body and renders its end as the command line does
// (cli.Main): an error as one line on stderr, a panic as an internal
// error. The body writes the command's stdout and says lines on stderr;
// it returns the report's text, whose last line is the verdict.
func Run(body func(stdout *bytes.Buffer, say func(string)) (text string, err error)) (o Output) {
	var stdout bytes.Buffer
	o.Stderr = []string{}
	say := func(line string) { o.Stderr = append(o.Stderr, "backproof: "+line) }
	defer func() {
		if r := recover(); r != nil {
			say(printf.Sprintf("internal error: %v (a bug, whatever the input: please report it with the command line)", r))
			o.Exit, o.Stdout, o.Verdict = ExitInternal, stdout.String(), "ERROR: "+strings.TrimPrefix(o.Stderr[len(o.Stderr)-1], "backproof: ")
		}
	}()
	text, err := body(&stdout, say)
	o.Stdout = stdout.String()
	var e *exitError
	switch {
	case err == nil:
	case errors.As(err, &e):
		if e.err != nil {
			say(oneLine(withHint(e.err)))
		}
		o.Exit = e.code
	default:
		say(oneLine(err))
		o.Exit = ExitBadInput
	}
	switch o.Exit {
	case ExitOK, ExitMismatch:
		o.Verdict = headline(text)
	default:
		o.Verdict = "ERROR: " + strings.TrimPrefix(o.Stderr[len(o.Stderr)-1], "backproof: ")
	}
	return o
}

// headline is the last line of a report with its first word in capitals:
// "pass: every checked line is correct (…)" is "PASS: every checked …";
// "FAIL: …" and "INCOMPLETE, not a pass: …" stay as they are.
func headline(text string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	last := lines[len(lines)-1]
	end := strings.IndexFunc(last, func(r rune) bool { return r < 'a' || r > 'z' })
	if end < 0 {
		end = len(last)
	}
	return strings.ToUpper(last[:end]) + last[end:]
}

// withHint adds to an error over the memory limit how to raise it.
func withHint(err error) error {
	if errors.Is(err, budget.ErrTooLarge) {
		return printf.Errorf("%w; raise the limit with --max-memory if the machine has the memory", err)
	}
	return err
}

// oneLine folds a multi-line message onto one line.
func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

// JSON is the output as the page reads it, one object with the fields
// in the order of their tags, as encoding/json writes them
// (bridge_test.go compares the bytes).
func (o *Output) JSON() ([]byte, error) {
	var w jsonio.Writer
	w.BeginObject()
	o.Fields(&w)
	w.EndObject()
	return w.Bytes()
}

// Fields writes the output's fields into the object w is writing, for an
// output that adds fields of its own (arrays.Output).
func (o *Output) Fields(w *jsonio.Writer) {
	w.Key("exit")
	w.Int(o.Exit)
	w.Key("stdout")
	w.String(o.Stdout)
	w.Key("stderr")
	w.Strings(o.Stderr)
	w.Key("verdict")
	w.String(o.Verdict)
	if o.File != "" {
		w.Key("file")
		w.String(o.File)
	}
}
