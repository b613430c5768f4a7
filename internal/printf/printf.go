// Package printf formats like fmt, byte for byte, without reflect: fmt
// prints what it does not know through reflect, and linking it made the
// page in the browser (web/) about 0.2 MB larger, with encoding/json, than
// the 1.5 MB its whole site may weigh.
//
// It knows the types a type switch can name: nil, bool, string, every int,
// uint and float kind, []int, error and anything with a String() string
// method, which it formats with fmt's verbs, flags, widths, precisions and
// argument indices ([n]). A value of a named type without a String method
// (type Status string) is not one of them: convert it where it is passed
// (string(s), int(l)), and a %d of a Stringer likewise (int(c)); the test
// TestCallsPassFormattableTypes holds every call in the repository to
// that, and an argument it cannot format prints as %!v(printf: unsupported
// type) instead of panicking.
//
// The formatting code is adapted from Go's fmt (LICENSE-GO).
package printf

import "io"

// Sprintf is fmt.Sprintf.
func Sprintf(format string, a ...any) string {
	var p printer
	p.doPrintf(format, a)
	return string(p.buf)
}

// Sprint is fmt.Sprint: operands are separated by a space when neither
// is a string; here a string is a value of type string, where fmt also
// counts named string types (give those a String method or convert them).
func Sprint(a ...any) string {
	var p printer
	p.doPrint(a)
	return string(p.buf)
}

// Fprintf is fmt.Fprintf.
func Fprintf(w io.Writer, format string, a ...any) (n int, err error) {
	var p printer
	p.doPrintf(format, a)
	return w.Write(p.buf)
}

// Fprintln is fmt.Fprintln.
func Fprintln(w io.Writer, a ...any) (n int, err error) {
	var p printer
	p.doPrintln(a)
	return w.Write(p.buf)
}
