package formula

import (
	"strconv"
	"strings"

	"github.com/backproof/backproof/derive"
)

// What a name in a formula refers to.
type nameKind int

const (
	nkHelper nameKind = iota // any other name: the learner's own
	nkX                      // X, also A0
	nkY
	nkM
	nkA
	nkZ
	nkW
	nkB
	nkDZ // targets, checked against the truth
	nkDA
	nkDW
	nkDB
)

type nameInfo struct {
	kind  nameKind
	layer int
}

func (n nameInfo) target() bool { return n.kind >= nkDZ }

// layered are the name families with a layer number, longest prefix first.
var layered = []struct {
	prefix string
	kind   nameKind
}{
	{"delta", nkDZ}, {"dZ", nkDZ}, {"δ", nkDZ}, {"dA", nkDA}, {"dW", nkDW}, {"db", nkDB},
	{"A", nkA}, {"Z", nkZ}, {"W", nkW}, {"b", nkB},
}

// classify reads a name: X, Y, m, or a family with its layer (A2, dW1).
// It does not know the network: the layer may not exist.
func classify(name string) nameInfo {
	switch name {
	case "X":
		return nameInfo{nkX, 0}
	case "Y":
		return nameInfo{nkY, 0}
	case "m":
		return nameInfo{nkM, 0}
	}
	for _, f := range layered {
		rest, ok := strings.CutPrefix(name, f.prefix)
		if !ok || rest == "" || len(rest) > 4 || (len(rest) > 1 && rest[0] == '0') {
			continue
		}
		ℓ, err := strconv.Atoi(rest)
		if err != nil || ℓ < 0 {
			continue
		}
		if f.kind == nkA && ℓ == 0 {
			return nameInfo{nkX, 0}
		}
		return nameInfo{f.kind, ℓ}
	}
	return nameInfo{nkHelper, 0}
}

// canonical is a target's name as reports print it: delta2 and δ2 are dZ2.
func (n nameInfo) canonical() string {
	prefix := map[nameKind]string{nkDZ: "dZ", nkDA: "dA", nkDW: "dW", nkDB: "db", nkA: "A", nkZ: "Z", nkW: "W", nkB: "b"}[n.kind]
	return prefix + strconv.Itoa(n.layer)
}

// The functions of the language.
var activationFuncs = map[string]derive.Activation{
	"sigmoid": derive.Sigmoid, "σ": derive.Sigmoid, "tanh": derive.Tanh, "relu": derive.ReLU,
	"leaky_relu": derive.LeakyReLU, "softplus": derive.Softplus, "identity": derive.Identity,
}

type funcInfo struct {
	minArgs, maxArgs int
	axisArg          int  // index of an axis argument, −1 if none
	primeOK          bool // f′ is allowed
}

func lookupFunc(name string) (funcInfo, bool) {
	if _, ok := activationFuncs[name]; ok {
		return funcInfo{1, 1, -1, true}, true
	}
	switch name {
	case "exp", "log":
		return funcInfo{1, 1, -1, true}, true
	case "f":
		return funcInfo{1, 1, -1, true}, true
	case "softmax":
		return funcInfo{2, 2, 1, true}, true
	case "sum", "mean":
		return funcInfo{1, 2, 1, false}, true
	}
	return funcInfo{}, false
}

const funcList = "sigmoid, tanh, relu, leaky_relu, softplus, identity, exp, log (each also with a prime: sigmoid'), f and f' (the layer's own activation), softmax(M, axis), sum(M), sum(M, axis), mean(M), mean(M, axis)"

// MaxLayer is the highest layer number the program names (A3, dW2, Z1…),
// 0 when it names none: the depth a network needs to run it.
func (p *Program) MaxLayer() int {
	top := 0
	see := func(name string) {
		if info := classify(name); info.kind != nkHelper && info.layer > top {
			top = info.layer
		}
	}
	for _, st := range p.Stmts {
		see(st.Name)
		_ = walk(st.X, func(e Expr) error {
			if id, ok := e.(*Ident); ok {
				see(id.Name)
			}
			return nil
		})
	}
	return top
}
