// Package bad holds calls that TestCallsPassFormattableTypes must refuse
// (a call whose comment says "want" and a text must draw a problem
// containing that text) and calls it must accept (no comment).
package bad

import (
	"errors"
	"io"

	"github.com/backproof/backproof/internal/printf"
)

type Status string

type Layer int

type Act int

func (a Act) String() string { return "sigmoid" }

type Shape struct{ R, C int }

type Formatted struct{}

func (Formatted) Format(w io.Writer, verb rune) {}
func (Formatted) String() string                { return "f" }

type PtrStringer struct{}

func (*PtrStringer) String() string { return "p" }

// errorf passes its format and operands on, as formula's does.
func errorf(line int, format string, args ...any) error {
	_ = line
	return printf.Errorf(format, args...)
}

// say passes them on too, to a print without a format.
func say(w io.Writer, args ...any) {
	printf.Fprintln(w, args...)
}

func calls(w io.Writer, s Status, l Layer, a Act, shape Shape, v any, err error, sizes []int, xs []float64) {
	printf.Sprintf("%s %d %v %q %w", "x", 3, 2.5, "y", err) // want: %w of err
	_ = printf.Errorf("%w: %v", err, err)
	printf.Sprintf("%s", s) // want: convert it (string(…))
	printf.Sprintf("%d", l) // want: convert it (int(…))
	printf.Sprintf("%s and %v", a, a)
	printf.Sprintf("%d", a)             // want: convert it (int(…))
	printf.Sprintf("%v", shape)         // want: does not format that type
	printf.Sprintf("%v", v)             // want: interface without a String or Error
	printf.Sprintf("%v", PtrStringer{}) // want: does not format that type
	printf.Sprintf("%v", &PtrStringer{})
	printf.Sprintf("%v", Formatted{})    // want: has a Format method
	printf.Sprintf("%d", "text")         // want: that verb does not fit it
	printf.Sprintf("%.3g %+.8e", 1, 2.0) // want: %.3g of 1 (int)
	printf.Sprintf("%v", sizes)
	printf.Sprintf("%v", xs)   // want: does not format that type
	printf.Sprintf("%d %d", 1) // want: %d has no operand
	printf.Sprintf("%d", 1, 2) // want: 2 operands for 1 verbs
	printf.Sprintf("%[2]s %[1]d", 1, "a")
	printf.Sprintf("%*d", 1.5, 2) // want: needs an int
	printf.Sprint(s)              // want: convert it (string(…))
	printf.Sprint(s.String2(), 1)
	printf.Fprintf(w, "%T %v", 1, nil)
	printf.Fprintf(w, "%T", a) // want: names of basic types only
	_ = errorf(3, "%s at %d", "x", 4)
	_ = errorf(3, "%s at %d", "x", l) // want: convert it (int(…))
	say(w, "a", 1, err)
	say(w, shape) // want: does not format that type
	_ = errors.New("not a printf call")
	defer func() {
		if r := recover(); r != nil {
			printf.Sprint(r)
		}
	}()
}

func (s Status) String2() string { return string(s) }
