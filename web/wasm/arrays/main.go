//go:build js && wasm

// Command arrays is the page's checker of a learner's arrays, compiled to
// WebAssembly (arrays.wasm): it adds bridge.Problem and arrays.Check
// to globalThis.backproof as problem and gradient, and waits. It is a file
// of its own because it is larger than the checker of derivations, and a
// page that is only pasted into never needs it.
package main

import (
	"encoding/json"
	"syscall/js"

	"github.com/backproof/backproof/web/bridge"
	"github.com/backproof/backproof/web/bridge/arrays"
)

func main() {
	api := js.Global().Get("backproof")
	if api.Type() != js.TypeObject {
		api = js.Global().Get("Object").New()
		js.Global().Set("backproof", api)
	}
	// problem(args) → Output, whose stdout is the problem file.
	api.Set("problem", js.FuncOf(func(_ js.Value, a []js.Value) any {
		return reply(bridge.Problem(strings(a[0])))
	}))
	// gradient(problemName, problemBytes, [{name, data}], args) → arrays.Output.
	api.Set("gradient", js.FuncOf(func(_ js.Value, a []js.Value) any {
		var files []arrays.File
		for i := range a[2].Length() {
			f := a[2].Index(i)
			files = append(files, arrays.File{Name: f.Get("name").String(), Data: bytesOf(f.Get("data"))})
		}
		return reply(arrays.Check(a[0].String(), bytesOf(a[1]), files, strings(a[3])))
	}))
	if ready := js.Global().Get("backproofReady"); ready.Type() == js.TypeFunction {
		ready.Invoke("arrays")
	}
	select {}
}

// strings reads a JavaScript array of strings.
func strings(v js.Value) []string {
	out := make([]string, v.Length())
	for i := range out {
		out[i] = v.Index(i).String()
	}
	return out
}

// bytesOf copies a JavaScript Uint8Array.
func bytesOf(v js.Value) []byte {
	b := make([]byte, v.Get("length").Int())
	js.CopyBytesToGo(b, v)
	return b
}

func reply(o any) string {
	raw, err := json.Marshal(o)
	if err != nil {
		return `{"exit":3,"verdict":"ERROR: internal error: the reply could not be encoded"}`
	}
	return string(raw)
}
