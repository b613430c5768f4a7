//go:build js && wasm

// Package glue holds what the page's two checkers (web/wasm and
// web/wasm/arrays) share at the border with JavaScript: reading its
// arrays of strings and bytes, and replying in JSON, so that both files
// answer the page in one form.
package glue

import (
	"encoding/json"
	"syscall/js"
)

// Strings reads a JavaScript array of strings.
func Strings(v js.Value) []string {
	out := make([]string, v.Length())
	for i := range out {
		out[i] = v.Index(i).String()
	}
	return out
}

// Bytes copies a JavaScript Uint8Array.
func Bytes(v js.Value) []byte {
	b := make([]byte, v.Get("length").Int())
	js.CopyBytesToGo(b, v)
	return b
}

// Reply is o as the JSON string the page reads; an o that cannot be
// encoded (a bug) is an internal error the page shows as ERROR.
func Reply(o any) string {
	raw, err := json.Marshal(o)
	if err != nil {
		return `{"exit":3,"verdict":"ERROR: internal error: the reply could not be encoded"}`
	}
	return string(raw)
}
