//go:build js && wasm

// Command wasm is the page's checker of derivations, compiled to
// WebAssembly (backproof.wasm): it puts bridge.Formula on the page as
// globalThis.backproof.formula and waits. It takes strings and returns
// the bridge's Output as a JSON string. The checker of arrays is another
// file (web/wasm/arrays), which the page loads only when it is used.
package main

import (
	"syscall/js"

	"github.com/backproof/backproof/web/bridge"
	"github.com/backproof/backproof/web/wasm/glue"
)

func main() {
	api := js.Global().Get("backproof")
	if api.Type() != js.TypeObject {
		api = js.Global().Get("Object").New()
	}
	api.Set("formula", js.FuncOf(func(_ js.Value, a []js.Value) any {
		return glue.Reply(bridge.Formula(a[0].String(), a[1].String(), glue.Strings(a[2])))
	}))
	js.Global().Set("backproof", api)
	if ready := js.Global().Get("backproofReady"); ready.Type() == js.TypeFunction {
		ready.Invoke("formula")
	}
	select {}
}
