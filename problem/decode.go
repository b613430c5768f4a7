package problem

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxDepth bounds the nesting of a problem file. The deepest value a
// problem file has is a matrix entry, layers[i].W[r][c]: depth 5. A file
// nested far deeper is not a problem file, and refusing it early keeps the
// decoder's recursion short.
const maxDepth = 16

// tree decodes one JSON value into the shapes encoding/json gives an any
// (map[string]any, []any, json.Number, string, bool, nil), token by token,
// so that a key that appears twice in one object is an error naming its
// path instead of the last one silently winning.
type tree struct {
	dec *json.Decoder
}

// errDuplicate and errDepth carry a JSON path; syntax errors from the
// decoder pass through unchanged, to be placed by line and column.
type pathError struct {
	path, msg string
}

func (e *pathError) Error() string { return e.path + ": " + e.msg }

func (t *tree) value(path string, depth int) (any, error) {
	tok, err := t.dec.Token()
	if err != nil {
		return nil, err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return tok, nil
	}
	if depth >= maxDepth {
		return nil, &pathError{pathOrTop(path), fmt.Sprintf("nested more than %d deep: a problem file's deepest value is a matrix entry such as layers[0].W[0][0]", maxDepth)}
	}
	switch d {
	case '{':
		obj := map[string]any{}
		for t.dec.More() {
			tok, err := t.dec.Token()
			if err != nil {
				return nil, err
			}
			key, ok := tok.(string)
			if !ok { // the decoder reports a non-string key as a syntax error first
				return nil, fmt.Errorf("object key %v is not a string", tok)
			}
			kp := join(path, key)
			if _, dup := obj[key]; dup {
				return nil, &pathError{kp, fmt.Sprintf("duplicate key %q: each field may appear once in an object (JSON readers disagree on which copy wins)", key)}
			}
			v, err := t.value(kp, depth+1)
			if err != nil {
				return nil, err
			}
			obj[key] = v
		}
		_, err := t.dec.Token() // '}'
		return obj, err
	case '[':
		list := []any{}
		for i := 0; t.dec.More(); i++ {
			v, err := t.element(fmt.Sprintf("%s[%d]", path, i), depth+1)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		_, err := t.dec.Token() // ']'
		return list, err
	}
	return nil, fmt.Errorf("unexpected %v", d)
}

// element decodes one array element at path and depth. An object is
// walked key by key, for its duplicate keys (layers[i] is an object in a
// list); anything else is decoded whole by encoding/json, four times as
// fast as token by token on a matrix of numbers, and its nesting checked
// after. An object nested inside such an element is not searched for
// duplicate keys: no problem file has one there, and the reader refuses
// it as a value of the wrong kind.
func (t *tree) element(path string, depth int) (any, error) {
	switch t.peek() {
	case '{':
		return t.value(path, depth)
	case 0: // nothing buffered to look at: read the element whole first
		var raw json.RawMessage
		if err := t.dec.Decode(&raw); err != nil {
			return nil, err
		}
		if len(raw) > 0 && raw[0] == '{' {
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.UseNumber()
			return (&tree{dec: dec}).value(path, depth)
		}
		return decodeWithin(json.NewDecoder(bytes.NewReader(raw)), path, depth)
	}
	return decodeWithin(t.dec, path, depth)
}

// decodeWithin decodes the next value of dec and checks that it nests no
// deeper than maxDepth from depth.
func decodeWithin(dec *json.Decoder, path string, depth int) (any, error) {
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if depth+nesting(v) > maxDepth {
		return nil, &pathError{path, fmt.Sprintf("nested more than %d deep: a problem file's deepest value is a matrix entry such as layers[0].W[0][0]", maxDepth)}
	}
	return v, nil
}

// peek returns the first byte of the next value in what the decoder has
// buffered, past spaces and the comma between elements; 0 when the buffer
// ends first.
func (t *tree) peek() byte {
	var b [1]byte
	r := t.dec.Buffered()
	for {
		if n, _ := r.Read(b[:]); n == 0 {
			return 0
		}
		switch b[0] {
		case ' ', '\t', '\n', '\r', ',':
			continue
		}
		return b[0]
	}
}

// nesting is how deeply lists and objects nest in a decoded value.
func nesting(v any) int {
	most := 0
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			most = max(most, nesting(e))
			if most > maxDepth {
				break
			}
		}
	case map[string]any:
		for _, e := range x {
			most = max(most, nesting(e))
		}
	default:
		return 0
	}
	return most + 1
}

func pathOrTop(path string) string {
	if path == "" {
		return "the top level"
	}
	return path
}

// decode reads one JSON value from r and checks that nothing but space
// follows it. seen returns the bytes read so far, for line and column.
func decode(name string, r io.Reader, seen func() []byte) (any, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	t := &tree{dec: dec}
	top, err := t.value("", 0)
	if err == io.EOF && len(bytes.TrimSpace(seen())) == 0 {
		return nil, &Error{File: name, Msg: "empty file: want a JSON object (see docs/conventions.md)"}
	}
	if err == nil {
		end := dec.InputOffset()
		if _, err := dec.Token(); err != io.EOF {
			line, col := position(seen(), int(end))
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
	return nil, syntaxError(name, seen(), err)
}
