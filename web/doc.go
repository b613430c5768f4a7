// Package web builds backproof's page in the browser: a static site whose
// checker is backproof compiled to WebAssembly (web/wasm, over package
// bridge), so that it runs with no server behind it.
package web
