package jsonio

import (
	"io"
	"strconv"
	"unicode/utf8"
)

// Kind is what a token is: its first byte, for the punctuation.
type Kind byte

// The kinds of token.
const (
	BeginObject Kind = '{'
	EndObject   Kind = '}'
	BeginArray  Kind = '['
	EndArray    Kind = ']'
	String      Kind = '"' // a key or a string value
	Number      Kind = '0'
	True        Kind = 't'
	False       Kind = 'f'
	Null        Kind = 'n'
)

// Token is one token of a JSON text.
type Token struct {
	Kind Kind
	// Text is a string's value, unescaped as encoding/json unescapes it
	// (\u escapes and surrogate pairs decoded, a lone surrogate and each
	// byte of invalid UTF-8 read as U+FFFD), or a number as it is
	// written; empty for the others.
	Text string
	// Offset is the byte offset of the token's first byte.
	Offset int
}

// SyntaxError is JSON that is not: Msg is encoding/json's message for the
// same fault ("invalid character 'x' looking for beginning of value");
// Offset is the byte offset of the byte at fault.
type SyntaxError struct {
	Msg    string
	Offset int
}

func (e *SyntaxError) Error() string { return e.Msg }

// MaxDepth is how deeply objects and lists may nest, as in encoding/json.
const MaxDepth = 10000

// What the reader expects next.
const (
	expectValue      = iota // a value: at the top, after ':' or after ',' in a list
	expectValueOrEnd        // after '['
	expectKeyOrEnd          // after '{'
	expectKey               // after ',' in an object
	expectColon             // after a key
	expectCommaOrEnd        // after a value in an object or a list
	expectNext              // after a value at the top: another one, or the end
)

// Reader reads the tokens of JSON text from an io.Reader as they are
// needed, keeping every byte read (Seen), so that a fault is placed by
// offset and JSON that is no JSON is refused at its first byte. It checks
// the grammar as encoding/json's Decoder.Token does: commas and colons
// are read between the tokens, never returned. Values at the top may
// follow one another, as in a stream; End says whether only space is
// left.
type Reader struct {
	src    io.Reader // nil when buf holds everything
	buf    []byte
	pos    int
	rerr   error // the source's error, io.EOF at its end
	expect int
	stack  []Kind // the open objects and lists
	err    error
}

// NewReader reads JSON from r.
func NewReader(r io.Reader) *Reader { return &Reader{src: r} }

// NewBytes reads the JSON in b.
func NewBytes(b []byte) *Reader { return &Reader{buf: b, rerr: io.EOF} }

// Seen returns every byte read so far, for placing an offset by line and
// column.
func (r *Reader) Seen() []byte { return r.buf }

// Offset is the offset just past the last token read.
func (r *Reader) Offset() int { return r.pos }

// fill reads more of the source; false at its end or on its error.
func (r *Reader) fill() bool {
	if r.rerr != nil {
		return false
	}
	if cap(r.buf)-len(r.buf) < 512 {
		grown := make([]byte, len(r.buf), 2*cap(r.buf)+4096)
		copy(grown, r.buf)
		r.buf = grown
	}
	for {
		n, err := r.src.Read(r.buf[len(r.buf):cap(r.buf)])
		r.buf = r.buf[:len(r.buf)+n]
		if err != nil {
			r.rerr = err
		}
		if n > 0 || err != nil {
			return n > 0
		}
	}
}

// peek skips space and returns the next byte; false at the end of the
// input.
func (r *Reader) peek() (byte, bool) {
	for r.pos < len(r.buf) || r.fill() {
		switch c := r.buf[r.pos]; c {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return c, true
		}
	}
	return 0, false
}

// fault records a syntax error at the byte at offset off.
func (r *Reader) fault(off int, context string) error {
	c := r.buf[off]
	var q string
	switch c {
	case '\'':
		q = `'\''`
	case '"':
		q = `'"'`
	default:
		s := strconv.Quote(string(rune(c)))
		q = "'" + s[1:len(s)-1] + "'"
	}
	r.err = &SyntaxError{"invalid character " + q + " " + context, off}
	return r.err
}

// atEnd is the error for an input that ends at the reader's position: the
// source's error, or io.ErrUnexpectedEOF inside a value.
func (r *Reader) atEnd() error {
	if r.rerr != io.EOF {
		r.err = r.rerr
	} else {
		r.err = io.ErrUnexpectedEOF
	}
	return r.err
}

// More says whether the object or list being read has another element: the
// next token is not its closing bracket.
func (r *Reader) More() bool {
	c, ok := r.peek()
	return r.err == nil && ok && c != '}' && c != ']'
}

// End reads the space after the values at the top and returns nil when
// nothing else follows; anything else is a SyntaxError at its first byte,
// as encoding/json's Unmarshal reports it.
func (r *Reader) End() error {
	if r.err != nil {
		return r.err
	}
	if _, ok := r.peek(); !ok {
		if r.rerr != io.EOF {
			return r.rerr
		}
		if r.expect != expectNext {
			return r.atEnd()
		}
		return nil
	}
	if r.expect != expectNext {
		// Inside a value: the next token says what is wrong.
		if _, err := r.Next(); err != nil {
			return err
		}
		return r.End()
	}
	return r.fault(r.pos, "after top-level value")
}

// Next returns the next token. At the end of the input it returns io.EOF
// between values at the top (before the first one, or after a complete
// one) and io.ErrUnexpectedEOF inside one; a fault of the grammar is a
// *SyntaxError, and the reader stays at it.
func (r *Reader) Next() (Token, error) {
	if r.err != nil {
		return Token{}, r.err
	}
	for {
		c, ok := r.peek()
		if !ok {
			if r.rerr != io.EOF {
				r.err = r.rerr
				return Token{}, r.err
			}
			if r.expect == expectNext || (r.expect == expectValue && len(r.stack) == 0) {
				return Token{}, io.EOF
			}
			return Token{}, r.atEnd()
		}
		switch r.expect {
		case expectColon:
			if c != ':' {
				return Token{}, r.fault(r.pos, "after object key")
			}
			r.pos++
			r.expect = expectValue
			continue
		case expectCommaOrEnd:
			if r.stack[len(r.stack)-1] == BeginObject {
				switch c {
				case ',':
					r.pos++
					r.expect = expectKey
					continue
				case '}':
					return r.close(EndObject), nil
				}
				return Token{}, r.fault(r.pos, "after object key:value pair")
			}
			switch c {
			case ',':
				r.pos++
				r.expect = expectValue
				continue
			case ']':
				return r.close(EndArray), nil
			}
			return Token{}, r.fault(r.pos, "after array element")
		case expectKeyOrEnd, expectKey:
			if c == '}' && r.expect == expectKeyOrEnd {
				return r.close(EndObject), nil
			}
			if c != '"' {
				return Token{}, r.fault(r.pos, "looking for beginning of object key string")
			}
			t, err := r.str()
			if err == nil {
				r.expect = expectColon
			}
			return t, err
		case expectValueOrEnd:
			if c == ']' {
				return r.close(EndArray), nil
			}
		}
		return r.value(c)
	}
}

// close returns the closing token of the innermost object or list.
func (r *Reader) close(k Kind) Token {
	t := Token{Kind: k, Offset: r.pos}
	r.pos++
	r.stack = r.stack[:len(r.stack)-1]
	r.ended()
	return t
}

// ended is called after a value: what may follow it.
func (r *Reader) ended() {
	if len(r.stack) == 0 {
		r.expect = expectNext
	} else {
		r.expect = expectCommaOrEnd
	}
}

// value reads a value that begins with c.
func (r *Reader) value(c byte) (Token, error) {
	off := r.pos
	switch c {
	case '{', '[':
		if len(r.stack) >= MaxDepth {
			return Token{}, r.fault(off, "exceeded max depth")
		}
		r.pos++
		r.stack = append(r.stack, Kind(c))
		r.expect = expectKeyOrEnd
		if c == '[' {
			r.expect = expectValueOrEnd
		}
		return Token{Kind: Kind(c), Offset: off}, nil
	case '"':
		t, err := r.str()
		if err == nil {
			r.ended()
		}
		return t, err
	case 't':
		return r.literal("true", True)
	case 'f':
		return r.literal("false", False)
	case 'n':
		return r.literal("null", Null)
	}
	if c == '-' || (c >= '0' && c <= '9') {
		return r.number()
	}
	return Token{}, r.fault(off, "looking for beginning of value")
}

// byteAt returns the byte at offset i, reading more when needed; false at
// the end of the input.
func (r *Reader) byteAt(i int) (byte, bool) {
	for i >= len(r.buf) {
		if !r.fill() {
			return 0, false
		}
	}
	return r.buf[i], true
}

// literal reads true, false or null.
func (r *Reader) literal(word string, k Kind) (Token, error) {
	off := r.pos
	for i := 1; i < len(word); i++ {
		c, ok := r.byteAt(off + i)
		if !ok {
			return Token{}, r.atEnd()
		}
		if c != word[i] {
			return Token{}, r.fault(off+i, "in literal "+word+" (expecting "+strconv.QuoteRune(rune(word[i]))+")")
		}
	}
	r.pos = off + len(word)
	r.ended()
	return Token{Kind: k, Offset: off}, nil
}

func digit(c byte) bool { return c >= '0' && c <= '9' }

// number reads a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (r *Reader) number() (Token, error) {
	off := r.pos
	i := off
	c, _ := r.byteAt(i)
	// need reads the byte at i, which must be there and satisfy ok.
	need := func(ok func(byte) bool, context string) error {
		c, there := r.byteAt(i)
		if !there {
			return r.atEnd()
		}
		if !ok(c) {
			return r.fault(i, context)
		}
		i++
		return nil
	}
	// digits reads digits from i on.
	digits := func() {
		for {
			c, ok := r.byteAt(i)
			if !ok || !digit(c) {
				return
			}
			i++
		}
	}
	if c == '-' {
		i++
		if err := need(digit, "in numeric literal"); err != nil {
			return Token{}, err
		}
		i--
	}
	if c, _ = r.byteAt(i); c == '0' {
		i++
	} else {
		digits()
	}
	if c, ok := r.byteAt(i); ok && c == '.' {
		i++
		if err := need(digit, "after decimal point in numeric literal"); err != nil {
			return Token{}, err
		}
		digits()
	}
	if c, ok := r.byteAt(i); ok && (c == 'e' || c == 'E') {
		i++
		if c, ok := r.byteAt(i); ok && (c == '+' || c == '-') {
			i++
		}
		if err := need(digit, "in exponent of numeric literal"); err != nil {
			return Token{}, err
		}
		digits()
	}
	r.pos = i
	r.ended()
	return Token{Kind: Number, Text: string(r.buf[off:i]), Offset: off}, nil
}

// str reads a string; r.pos is at its opening quote.
func (r *Reader) str() (Token, error) {
	off := r.pos
	i := off + 1
	plain := true // no escape and valid UTF-8: the text is the bytes
	for {
		c, ok := r.byteAt(i)
		if !ok {
			return Token{}, r.atEnd()
		}
		switch {
		case c == '"':
			r.pos = i + 1
			raw := r.buf[off+1 : i]
			if plain && utf8.Valid(raw) {
				return Token{Kind: String, Text: string(raw), Offset: off}, nil
			}
			return Token{Kind: String, Text: unquote(raw), Offset: off}, nil
		case c == '\\':
			plain = false
			i++
			e, ok := r.byteAt(i)
			if !ok {
				return Token{}, r.atEnd()
			}
			switch e {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				i++
				for range 4 {
					h, ok := r.byteAt(i)
					if !ok {
						return Token{}, r.atEnd()
					}
					if hexValue(h) < 0 {
						return Token{}, r.fault(i, `in \u hexadecimal character escape`)
					}
					i++
				}
			default:
				return Token{}, r.fault(i, "in string escape code")
			}
		case c < 0x20:
			return Token{}, r.fault(i, "in string literal")
		default:
			i++
		}
	}
}

func hexValue(c byte) rune {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0')
	case c >= 'a' && c <= 'f':
		return rune(c - 'a' + 10)
	case c >= 'A' && c <= 'F':
		return rune(c - 'A' + 10)
	}
	return -1
}

// u4 decodes \uXXXX at the start of s; -1 when s does not start with one.
func u4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		r = r<<4 | hexValue(c)
	}
	return r
}

// unquote decodes a string's escapes (checked by str) as encoding/json
// does: a surrogate pair \uD83D\uDE00 is one character; a lone surrogate,
// and each byte that is not UTF-8, is U+FFFD.
func unquote(s []byte) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				out = utf8.AppendRune(out, utf8.RuneError)
			} else {
				out = append(out, s[i:i+size]...)
			}
			i += size
			continue
		}
		e := s[i+1]
		i += 2
		switch e {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := u4(s[i-2:])
			i += 4
			if r >= 0xD800 && r < 0xE000 { // a surrogate: a pair, or nothing
				if lo := u4(s[i:]); r < 0xDC00 && lo >= 0xDC00 && lo < 0xE000 {
					r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
		default: // " \ /
			out = append(out, e)
		}
	}
	return string(out)
}

// Valid checks that data is one JSON value, with space around it only,
// and returns the first fault as encoding/json's Unmarshal finds it: a
// *SyntaxError, or one whose Msg is "unexpected end of JSON input" at the
// end of data.
func Valid(data []byte) error {
	r := NewBytes(data)
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err == io.ErrUnexpectedEOF {
			return &SyntaxError{"unexpected end of JSON input", len(data)}
		}
		if err != nil {
			return err
		}
		if r.expect == expectNext {
			break
		}
	}
	if err := r.End(); err != nil {
		if err == io.ErrUnexpectedEOF {
			return &SyntaxError{"unexpected end of JSON input", len(data)}
		}
		return err
	}
	return nil
}
