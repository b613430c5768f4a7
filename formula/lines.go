package formula

import (
	"errors"

	"github.com/backproof/backproof/internal/printf"
)

// ErrorLines are the lines that tell a user the errors of the formula file
// named file, as `backproof formula` prints them (and the page in the
// browser shows them): one a line, FILE:LINE:COL: message, the last saying
// what became of the rest of the file. ok is false when err is not a
// formula error (*Error or ErrorList).
func ErrorLines(file string, err error) (lines []string, ok bool) {
	var list ErrorList
	if !errors.As(err, &list) {
		var fe *Error
		if !errors.As(err, &fe) {
			return nil, false
		}
		list = ErrorList{fe}
	}
	lines = list.Lines(file + ":")
	reading := true // say what became of the rest of the file
	for _, e := range list {
		reading = reading && (e.Kind == KindSyntax || e.Kind == KindName)
	}
	if reading && len(lines) == len(list) {
		lines[len(lines)-1] += printf.Sprintf(" (the rest of the file was read, and %s: nothing is checked until %s fixed)",
			map[bool]string{true: "this is its only error", false: "these are all its errors"}[len(list) == 1],
			map[bool]string{true: "it is", false: "they are"}[len(list) == 1])
	}
	return lines, true
}
