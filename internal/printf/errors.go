// Adapted from Go's src/fmt/errors.go (LICENSE-GO).

package printf

import (
	"errors"
	"slices"
	"strings"
)

// Errorf is fmt.Errorf: with one %w the error's Unwrap returns that
// operand, with several Unwrap returns them all (in argument order), so
// errors.Is and errors.As see through it as through fmt's.
func Errorf(format string, a ...any) error {
	if len(a) == 0 && !strings.Contains(format, "%") {
		return errors.New(format)
	}
	p := printer{wrapErrs: true}
	p.doPrintf(format, a)
	s := string(p.buf)
	switch len(p.wrappedErrs) {
	case 0:
		return errors.New(s)
	case 1:
		w := &wrapError{msg: s}
		w.err, _ = a[p.wrappedErrs[0]].(error)
		return w
	}
	if p.reordered {
		slices.Sort(p.wrappedErrs)
	}
	var errs []error
	for i, argNum := range p.wrappedErrs {
		if i > 0 && p.wrappedErrs[i-1] == argNum {
			continue
		}
		if e, ok := a[argNum].(error); ok {
			errs = append(errs, e)
		}
	}
	return &wrapErrors{s, errs}
}

type wrapError struct {
	msg string
	err error
}

func (e *wrapError) Error() string { return e.msg }
func (e *wrapError) Unwrap() error { return e.err }

type wrapErrors struct {
	msg  string
	errs []error
}

func (e *wrapErrors) Error() string   { return e.msg }
func (e *wrapErrors) Unwrap() []error { return e.errs }
