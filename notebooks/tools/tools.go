// Package tools pins the notebook kernel (gonb) and goimports, which gonb
// uses, as Go tools: `go tool gonb` builds them from this module. It is a
// module of its own so the main module does not depend on them.
package tools
