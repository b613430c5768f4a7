//go:build js && wasm

// Command wasm is the page's checker, compiled to WebAssembly
// (backproof.wasm): it puts bridge.Formula, bridge.Problem and
// arrays.Check on the page as globalThis.backproof.formula, problem and
// gradient, and waits. Each takes strings and bytes and returns its
// Output as a JSON string; collect runs Go's collector between checks. The two checks are one file because Go's
// runtime is most of each: as two files the site was twice as large.
package main

import (
	"runtime"
	"syscall/js"

	"github.com/backproof/backproof/web/bridge"
	"github.com/backproof/backproof/web/bridge/arrays"
)

func main() {
	api := js.Global().Get("Object").New()
	// formula(fileName, text, args) → Output, the report of backproof formula.
	api.Set("formula", js.FuncOf(func(_ js.Value, a []js.Value) any {
		out := bridge.Formula(a[0].String(), a[1].String(), strings(a[2]))
		return reply(out.JSON())
	}))
	// problem(args) → Output, whose stdout is the problem file.
	api.Set("problem", js.FuncOf(func(_ js.Value, a []js.Value) any {
		out := bridge.Problem(strings(a[0]))
		return reply(out.JSON())
	}))
	// gradient(problemName, problemBytes, [{name, data}], args) → arrays.Output.
	api.Set("gradient", js.FuncOf(func(_ js.Value, a []js.Value) any {
		var files []arrays.File
		for i := range a[2].Length() {
			f := a[2].Index(i)
			files = append(files, arrays.File{Name: f.Get("name").String(), Data: bytesOf(f.Get("data"))})
		}
		out := arrays.Check(a[0].String(), bytesOf(a[1]), files, strings(a[3]))
		return reply(out.JSON())
	}))
	// collect() runs Go's collector now: the page calls it after it has
	// painted a check, so that a collection falls between the learner's
	// checks rather than inside one.
	api.Set("collect", js.FuncOf(func(js.Value, []js.Value) any {
		runtime.GC()
		return nil
	}))
	js.Global().Set("backproof", api)
	if ready := js.Global().Get("backproofReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
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

// reply is an output's JSON as the string the page reads; an output that
// cannot be encoded (a bug) is an internal error the page shows as ERROR.
func reply(raw []byte, err error) string {
	if err != nil {
		return `{"exit":3,"verdict":"ERROR: internal error: the reply could not be encoded"}`
	}
	return string(raw)
}
