//go:build js && wasm

// Command arrays is the page's checker of a learner's arrays, compiled to
// WebAssembly (arrays.wasm): it adds bridge.Problem and arrays.Check
// to globalThis.backproof as problem and gradient, and waits. It is a file
// of its own because it is larger than the checker of derivations, and a
// page that is only pasted into never needs it.
package main

import (
	"syscall/js"

	"github.com/backproof/backproof/web/bridge"
	"github.com/backproof/backproof/web/bridge/arrays"
	"github.com/backproof/backproof/web/wasm/glue"
)

func main() {
	api := js.Global().Get("backproof")
	if api.Type() != js.TypeObject {
		api = js.Global().Get("Object").New()
		js.Global().Set("backproof", api)
	}
	// problem(args) → Output, whose stdout is the problem file.
	api.Set("problem", js.FuncOf(func(_ js.Value, a []js.Value) any {
		return glue.Reply(bridge.Problem(glue.Strings(a[0])))
	}))
	// gradient(problemName, problemBytes, [{name, data}], args) → arrays.Output.
	api.Set("gradient", js.FuncOf(func(_ js.Value, a []js.Value) any {
		var files []arrays.File
		for i := range a[2].Length() {
			f := a[2].Index(i)
			files = append(files, arrays.File{Name: f.Get("name").String(), Data: glue.Bytes(f.Get("data"))})
		}
		return glue.Reply(arrays.Check(a[0].String(), glue.Bytes(a[1]), files, glue.Strings(a[3])))
	}))
	if ready := js.Global().Get("backproofReady"); ready.Type() == js.TypeFunction {
		ready.Invoke("arrays")
	}
	select {}
}
