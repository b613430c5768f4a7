// Package jsonio reads and writes JSON without reflection, for the page
// in the browser (encoding/json links reflect): a Writer whose bytes equal
// encoding/json's for the values backproof writes, and a token Reader that
// places every token and syntax error by byte offset. encoding/json is the
// tests' oracle for both.
package jsonio

import (
	"errors"
	"math"
	"strconv"
	"unicode/utf8"
)

// Writer appends compact JSON to a buffer, byte for byte as
// encoding/json's Marshal writes the same Go values: strings escaped as it
// escapes them (<, > and & as \u003c…, U+2028 and U+2029 escaped, invalid
// UTF-8 as \ufffd), floats as it formats them. The caller writes the
// structure (BeginObject, Key, a value, …, EndObject); commas are placed
// by the Writer. The first error (a NaN or an infinity, which JSON cannot
// hold) is kept and returned by Bytes.
type Writer struct {
	buf []byte
	err error
}

// Bytes returns what was written, or the first error.
func (w *Writer) Bytes() ([]byte, error) {
	if w.err != nil {
		return nil, w.err
	}
	return w.buf, nil
}

// Fail records err as the Writer's error unless one is recorded already:
// a value the caller cannot write (a name whose MarshalText fails).
func (w *Writer) Fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

// sep writes the comma before a value or key that follows another, and
// makes room for a number: the buffer doubles when it grows (append grows
// a large slice by a quarter, five times the output allocated in all).
func (w *Writer) sep() {
	if cap(w.buf)-len(w.buf) < 64 {
		grown := make([]byte, len(w.buf), 2*cap(w.buf)+512)
		copy(grown, w.buf)
		w.buf = grown
	}
	if n := len(w.buf); n > 0 {
		switch w.buf[n-1] {
		case '{', '[', ':':
		default:
			w.buf = append(w.buf, ',')
		}
	}
}

// BeginObject writes '{'.
func (w *Writer) BeginObject() { w.sep(); w.buf = append(w.buf, '{') }

// EndObject writes '}'.
func (w *Writer) EndObject() { w.buf = append(w.buf, '}') }

// BeginArray writes '['.
func (w *Writer) BeginArray() { w.sep(); w.buf = append(w.buf, '[') }

// EndArray writes ']'.
func (w *Writer) EndArray() { w.buf = append(w.buf, ']') }

// Key writes an object's key and its colon; the value follows.
func (w *Writer) Key(k string) {
	w.sep()
	w.buf = AppendString(w.buf, k)
	w.buf = append(w.buf, ':')
}

// String writes s as a JSON string.
func (w *Writer) String(s string) { w.sep(); w.buf = AppendString(w.buf, s) }

// Bool writes true or false.
func (w *Writer) Bool(b bool) {
	w.sep()
	w.buf = strconv.AppendBool(w.buf, b)
}

// Null writes null.
func (w *Writer) Null() { w.sep(); w.buf = append(w.buf, "null"...) }

// Int writes an integer.
func (w *Writer) Int(n int) { w.sep(); w.buf = strconv.AppendInt(w.buf, int64(n), 10) }

// Uint writes an unsigned integer.
func (w *Writer) Uint(n uint64) { w.sep(); w.buf = strconv.AppendUint(w.buf, n, 10) }

// Float writes a float64 as encoding/json does; a NaN or an infinity is
// the Writer's error, with encoding/json's message.
func (w *Writer) Float(f float64) {
	w.sep()
	var err error
	if w.buf, err = AppendFloat(w.buf, f); err != nil {
		w.Fail(err)
	}
}

// FloatOrNull writes *f, or null when f is nil (a *float64 field).
func (w *Writer) FloatOrNull(f *float64) {
	if f == nil {
		w.Null()
		return
	}
	w.Float(*f)
}

// Floats writes a list of numbers; nil is null, as encoding/json writes a
// nil slice.
func (w *Writer) Floats(v []float64) {
	if v == nil {
		w.Null()
		return
	}
	w.BeginArray()
	for _, f := range v {
		w.Float(f)
	}
	w.EndArray()
}

// Rows writes a list of rows of numbers; nil is null.
func (w *Writer) Rows(m [][]float64) {
	if m == nil {
		w.Null()
		return
	}
	w.BeginArray()
	for _, r := range m {
		w.Floats(r)
	}
	w.EndArray()
}

// Strings writes a list of strings; nil is null.
func (w *Writer) Strings(v []string) {
	if v == nil {
		w.Null()
		return
	}
	w.BeginArray()
	for _, s := range v {
		w.String(s)
	}
	w.EndArray()
}

// UnsupportedValueError is encoding/json's error for a number JSON cannot
// hold, with its message.
type UnsupportedValueError struct{ Str string }

func (e *UnsupportedValueError) Error() string { return "json: unsupported value: " + e.Str }

// AppendFloat appends f as encoding/json writes a float64: the shortest
// decimal that reads back as f, in 'f' form for 1e-6 ≤ |f| < 1e21 and 0,
// in 'e' form otherwise with a one-digit negative exponent written e-7,
// not e-07. JSON has no NaN or infinity: they are an error.
func AppendFloat(dst []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return dst, &UnsupportedValueError{strconv.FormatFloat(f, 'g', -1, 64)}
	}
	form := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		form = 'e'
	}
	dst = strconv.AppendFloat(dst, f, form, -1, 64)
	if n := len(dst); form == 'e' && n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
		dst[n-2] = dst[n-1]
		dst = dst[:n-1]
	}
	return dst, nil
}

const hex = "0123456789abcdef"

// AppendString appends s as a JSON string, escaped as encoding/json
// escapes it by default: ", \ and the control characters (\b \f \n \r \t
// by name, the others as \u00XX), <, > and & as \u003c, \u003e, \u0026 so
// that the JSON can sit in HTML, U+2028 and U+2029 (line separators to
// JavaScript), and each byte of invalid UTF-8 as \ufffd.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// Indent lays out compact JSON (as Writer writes it) as encoding/json's
// MarshalIndent does: each element and key on its own line, prefix then
// depth times indent before it, ": " after a key, empty objects and lists
// kept as {} and []. It returns an error for input that is not compact
// JSON (a bug in its writer).
func Indent(compact []byte, prefix, indent string) ([]byte, error) {
	if err := Valid(compact); err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(compact)+len(compact)/4)
	newline := func(depth int) {
		out = append(out, '\n')
		out = append(out, prefix...)
		for range depth {
			out = append(out, indent...)
		}
	}
	depth, inString, open := 0, false, false
	for i := 0; i < len(compact); i++ {
		c := compact[i]
		if inString {
			out = append(out, c)
			switch c {
			case '\\':
				i++
				out = append(out, compact[i])
			case '"':
				inString = false
			}
			continue
		}
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			return nil, errors.New("jsonio: Indent wants compact JSON")
		}
		if open && c != '}' && c != ']' {
			open = false
			depth++
			newline(depth)
		}
		switch c {
		case '{', '[':
			open = true // an empty object or list stays {} or []
			out = append(out, c)
		case ',':
			out = append(out, c)
			newline(depth)
		case ':':
			out = append(out, c, ' ')
		case '}', ']':
			if open {
				open = false
			} else {
				depth--
				newline(depth)
			}
			out = append(out, c)
		case '"':
			inString = true
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	return out, nil
}

// List writes v as a list, each element by write (a method expression
// such as (*layer).write); nil is null, as encoding/json writes a nil
// slice.
func List[T any](w *Writer, v []T, write func(*T, *Writer)) {
	if v == nil {
		w.Null()
		return
	}
	w.BeginArray()
	for i := range v {
		write(&v[i], w)
	}
	w.EndArray()
}

// StringOrNull writes *s, or null when s is nil (a *string field).
func (w *Writer) StringOrNull(s *string) {
	if s == nil {
		w.Null()
		return
	}
	w.String(*s)
}
