package formula

import (
	"strings"
	"unicode/utf8"
)

// HeaderPrefix starts the comment a file gives its own problem in:
//
//	# backproof: --convention row --cost sum-squares --reduction sum
//
// so that a derivation carries the setting it is right in, and runs as
// written without flags (the command line's flags win over it).
const HeaderPrefix = "backproof:"

// Header is a file's header line: where it is and its flags in order.
type Header struct {
	Line  int
	Flags []HeaderFlag
}

// HeaderFlag is one --name value (or --name=value) of a header.
type HeaderFlag struct {
	Name, Value string
	Col         int  // where --name starts, in characters from 1
	Bare        bool // no value follows: every flag a header may give takes one
}

// ReadHeader finds the header line of a formula file: a line that is only
// a # comment starting with "backproof:". It returns nil when there is
// none, and an *Error for a second header or one that is not a list of
// --name value pairs. Which names are allowed, and whether a bare one is,
// is the command's to say.
func ReadHeader(src string) (*Header, error) {
	var h *Header
	for i, line := range splitLines(src) {
		text := strings.TrimLeft(line, " \t\ufeff")
		rest, ok := strings.CutPrefix(text, "#")
		if !ok {
			continue
		}
		rest = strings.TrimLeft(rest, " \t")
		args, ok := strings.CutPrefix(rest, HeaderPrefix)
		if !ok {
			continue
		}
		col := utf8.RuneCountInString(line[:len(line)-len(args)]) + 1
		if h != nil {
			return nil, errorf(Pos{i + 1, 1}, KindSyntax, "a second header line (the first is line %d): give the flags on one # %s line", h.Line, HeaderPrefix)
		}
		h = &Header{Line: i + 1}
		fields := fieldsAt(args, col)
		for k := 0; k < len(fields); k++ {
			f := fields[k]
			name, ok := strings.CutPrefix(f.text, "--")
			if !ok || name == "" {
				return nil, errorf(Pos{i + 1, f.col}, KindSyntax, "%q in the header is not a flag: the header is --name value pairs, as in # %s --convention row --cost sum-squares", f.text, HeaderPrefix)
			}
			if n, v, eq := strings.Cut(name, "="); eq {
				h.Flags = append(h.Flags, HeaderFlag{Name: n, Value: v, Col: f.col})
				continue
			}
			if k+1 == len(fields) || strings.HasPrefix(fields[k+1].text, "--") {
				h.Flags = append(h.Flags, HeaderFlag{Name: name, Col: f.col, Bare: true})
				continue
			}
			h.Flags = append(h.Flags, HeaderFlag{Name: name, Value: fields[k+1].text, Col: f.col})
			k++
		}
	}
	return h, nil
}

type field struct {
	text string
	col  int
}

// fieldsAt splits s at spaces, with each field's column given that s
// starts at column col.
func fieldsAt(s string, col int) []field {
	var out []field
	start := -1
	for i, r := range []rune(s + " ") {
		if r == ' ' || r == '\t' {
			if start >= 0 {
				out = append(out, field{string([]rune(s)[start:i]), col + start})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	return out
}
