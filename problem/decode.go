package problem

import (
	"bytes"
	"errors"
	"io"
	"strconv"

	"github.com/backproof/backproof/internal/jsonio"
	"github.com/backproof/backproof/internal/printf"
)

// maxDepth bounds the nesting of a problem file. The deepest value a
// problem file has is a matrix entry, layers[i].W[r][c]: depth 5. A file
// nested far deeper is not a problem file, and refusing it early keeps the
// decoder's recursion short.
const maxDepth = 16

// number is a JSON number as it is written, parsed where its path is known.
type number string

// tree decodes one JSON value into map[string]any, []any, number, string,
// bool and nil, token by token, so that a key that appears twice in one
// object is an error naming its path instead of the last one silently
// winning.
type tree struct {
	r *jsonio.Reader
}

// pathError is a fault at a JSON path; syntax errors from the reader pass
// through unchanged, to be placed by line and column.
type pathError struct {
	path, msg string
}

func (e *pathError) Error() string { return e.path + ": " + e.msg }

// errTooDeep is a value nested deeper than maxDepth, named by the caller.
var errTooDeep = errors.New("nested more than " + strconv.Itoa(maxDepth) + " deep: a problem file's deepest value is a matrix entry such as layers[0].W[0][0]")

// value decodes the value that begins with tok, at path and depth.
func (t *tree) value(tok jsonio.Token, path string, depth int) (any, error) {
	switch tok.Kind {
	case jsonio.BeginObject, jsonio.BeginArray:
		if depth >= maxDepth {
			return nil, &pathError{pathOrTop(path), errTooDeep.Error()}
		}
	}
	switch tok.Kind {
	case jsonio.BeginObject:
		obj := map[string]any{}
		for t.r.More() {
			k, err := t.r.Next()
			if err != nil {
				return nil, err
			}
			kp := join(path, k.Text)
			if _, dup := obj[k.Text]; dup {
				return nil, &pathError{kp, printf.Sprintf("duplicate key %q: each field may appear once in an object (JSON readers disagree on which copy wins)", k.Text)}
			}
			v, err := t.next(kp, depth+1)
			if err != nil {
				return nil, err
			}
			obj[k.Text] = v
		}
		_, err := t.r.Next() // '}'
		return obj, err
	case jsonio.BeginArray:
		list := []any{}
		for i := 0; t.r.More(); i++ {
			v, err := t.element(printf.Sprintf("%s[%d]", path, i), depth+1)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		_, err := t.r.Next() // ']'
		return list, err
	}
	return scalar(tok), nil
}

// next decodes the next value, at path and depth.
func (t *tree) next(path string, depth int) (any, error) {
	tok, err := t.r.Next()
	if err != nil {
		return nil, err
	}
	return t.value(tok, path, depth)
}

// element decodes one array element at path and depth. An object is
// walked key by key, for its duplicate keys (layers[i] is an object in a
// list); anything else is decoded whole, and a nesting too deep anywhere
// in it is named by the element's path. An object nested inside such an
// element is not searched for duplicate keys: no problem file has one
// there, and the reader refuses it as a value of the wrong kind.
func (t *tree) element(path string, depth int) (any, error) {
	tok, err := t.r.Next()
	if err != nil {
		return nil, err
	}
	if tok.Kind == jsonio.BeginObject {
		return t.value(tok, path, depth)
	}
	v, err := t.plain(tok, depth)
	if err == errTooDeep {
		return nil, &pathError{path, err.Error()}
	}
	return v, err
}

// plain decodes the value that begins with tok, a later key of an object
// replacing an earlier one; errTooDeep when it nests too deep.
func (t *tree) plain(tok jsonio.Token, depth int) (any, error) {
	switch tok.Kind {
	case jsonio.BeginObject, jsonio.BeginArray:
		if depth >= maxDepth {
			return nil, errTooDeep
		}
	}
	switch tok.Kind {
	case jsonio.BeginObject:
		obj := map[string]any{}
		for t.r.More() {
			k, err := t.r.Next()
			if err != nil {
				return nil, err
			}
			v, err := t.r.Next()
			if err != nil {
				return nil, err
			}
			if obj[k.Text], err = t.plain(v, depth+1); err != nil {
				return nil, err
			}
		}
		_, err := t.r.Next() // '}'
		return obj, err
	case jsonio.BeginArray:
		list := []any{}
		for t.r.More() {
			v, err := t.r.Next()
			if err != nil {
				return nil, err
			}
			e, err := t.plain(v, depth+1)
			if err != nil {
				return nil, err
			}
			list = append(list, e)
		}
		_, err := t.r.Next() // ']'
		return list, err
	}
	return scalar(tok), nil
}

// scalar is a string, number, boolean or null token's value.
func scalar(tok jsonio.Token) any {
	switch tok.Kind {
	case jsonio.String:
		return tok.Text
	case jsonio.Number:
		return number(tok.Text)
	case jsonio.True:
		return true
	case jsonio.False:
		return false
	}
	return nil
}

func pathOrTop(path string) string {
	if path == "" {
		return "the top level"
	}
	return path
}

// decode reads one JSON value from jr and checks that nothing but space
// follows it; a syntax error is placed by line and column.
func decode(name string, jr *jsonio.Reader) (any, error) {
	t := &tree{r: jr}
	top, err := t.next("", 0)
	if err == io.EOF && len(bytes.TrimSpace(jr.Seen())) == 0 {
		return nil, &Error{File: name, Msg: "empty file: want a JSON object (see docs/conventions.md)"}
	}
	if err == nil {
		end := jr.Offset()
		if jr.End() != nil {
			line, col := position(jr.Seen(), end)
			return nil, &Error{File: name, Line: line, Col: col, Msg: "extra data after the JSON object"}
		}
	}
	var pe *pathError
	var fe *Error
	switch {
	case err == nil:
		return top, nil
	case errors.As(err, &fe):
		return nil, err
	case errors.As(err, &pe):
		return nil, &Error{File: name, Path: pe.path, Msg: pe.msg}
	}
	return nil, syntaxError(name, jr.Seen(), err)
}
