package formula

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/printf"
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

// layerL stands for the last layer in a name written with L (Ng's AL,
// dAL, W^{[L]}) until the network is known.
const layerL = -1

// tooDeep is the layer of a name whose number does not fit an int.
const tooDeep = 1 << 30

type nameInfo struct {
	kind  nameKind
	layer int
}

func (n nameInfo) target() bool { return n.kind >= nkDZ }

// forward is a forward-pass name (Zℓ, Aℓ): a line assigning one is
// checked against the forward pass, and later lines read the learner's
// value, as numpy would.
func (n nameInfo) forward() bool { return (n.kind == nkZ || n.kind == nkA) && n.layer >= 1 }

// checked is a line whose value is compared with the truth: a target or a
// forward-pass line.
func (n nameInfo) checked() bool { return n.target() || n.forward() }

// in resolves layer L in a network of L layers.
func (n nameInfo) in(L int) nameInfo {
	if n.layer == layerL {
		n.layer = L
	}
	return n
}

// families are the name families with a layer number, longest prefix
// first; fold marks a family whose prefix may be written in any case
// (dw2 and dz2 as dW2 and dZ2; Nielsen's lowercase a2, z2, w2).
var families = []struct {
	prefix string
	kind   nameKind
	fold   bool
}{
	{"delta", nkDZ, true}, {"δ", nkDZ, false}, {"dz", nkDZ, true}, {"da", nkDA, true}, {"dw", nkDW, true}, {"db", nkDB, true},
	{"A", nkA, false}, {"a", nkA, false}, {"Z", nkZ, false}, {"z", nkZ, false}, {"W", nkW, false}, {"w", nkW, false}, {"b", nkB, false},
}

// classify reads a name: X, Y, m, or a family with its layer (A2, dW1,
// Nielsen's a2, Ng's AL). It does not know the network: the layer may not
// exist, and L is layerL.
func classify(name string) nameInfo {
	switch name {
	case "X", "x":
		return nameInfo{nkX, 0}
	case "Y", "y":
		return nameInfo{nkY, 0}
	case "m":
		return nameInfo{nkM, 0}
	case "dX", "dx":
		return nameInfo{nkDA, 0}
	}
	for _, f := range families {
		head := name
		if f.fold {
			head = strings.ToLower(name)
		}
		if !strings.HasPrefix(head, f.prefix) {
			continue
		}
		rest := name[len(f.prefix):]
		if rest == "L" {
			return nameInfo{f.kind, layerL}
		}
		if rest == "" || (len(rest) > 1 && rest[0] == '0') || strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
			continue
		}
		ℓ, err := strconv.Atoi(rest)
		if err != nil || ℓ > tooDeep {
			ℓ = tooDeep
		}
		if f.kind == nkA && ℓ == 0 {
			return nameInfo{nkX, 0}
		}
		return nameInfo{f.kind, ℓ}
	}
	return nameInfo{nkHelper, 0}
}

var familyPrefix = map[nameKind]string{nkDZ: "dZ", nkDA: "dA", nkDW: "dW", nkDB: "db", nkA: "A", nkZ: "Z", nkW: "W", nkB: "b"}

// canonical is a name as reports print it: delta2 and δ2 are dZ2.
func (n nameInfo) canonical() string {
	switch n.kind {
	case nkX:
		return "X"
	case nkY:
		return "Y"
	case nkM:
		return "m"
	}
	if n.layer == layerL {
		return familyPrefix[n.kind] + "L"
	}
	return familyPrefix[n.kind] + strconv.Itoa(n.layer)
}

// canonName is the name under which a value is bound in a network of L
// layers: the canonical name of a given name or target under any of its
// spellings, the name itself for a helper.
func canonName(name string, L int) string {
	info := classify(name)
	if info.kind == nkHelper {
		return name
	}
	return info.in(L).canonical()
}

// lookalike reads a name that is none of the language's but looks like
// one — grad_W2, dW_2, dC_dW2, nabla_w2, delta_2, W_2, dW02, dW, A_prev —
// and returns the name it most likely means ("dW2"; "dWℓ" when it has no
// layer number) and whether it is a gradient.
func lookalike(name string) (string, bool, bool) {
	n := strings.ToLower(strings.ReplaceAll(name, "_", ""))
	grad := false
	for _, pre := range []string{"grad", "nabla", "dcost", "dloss", "dc", "dj", "dl"} {
		if rest, ok := strings.CutPrefix(n, pre); ok && rest != "" {
			n, grad = rest, true
			break
		}
	}
	if rest, ok := strings.CutSuffix(n, "grad"); ok && rest != "" && !grad {
		n, grad = rest, true // W2_grad, as PyTorch's .grad names it
	}
	fams := []struct{ prefix, canon string }{{"delta", "dZ"}, {"δ", "dZ"}, {"dz", "dZ"}, {"da", "dA"}, {"dw", "dW"}, {"db", "db"},
		{"z", "Z"}, {"a", "A"}, {"w", "W"}, {"b", "b"}}
	for _, f := range fams {
		rest, ok := strings.CutPrefix(n, f.prefix)
		if !ok {
			continue
		}
		canon := f.canon
		if grad && !strings.HasPrefix(canon, "d") {
			canon = map[string]string{"Z": "dZ", "A": "dA", "W": "dW", "b": "db"}[canon]
		}
		isGrad := strings.HasPrefix(canon, "d")
		switch {
		case rest == "" || rest == "prev" || rest == "next" || rest == "l":
			return canon + "ℓ", isGrad, true
		case strings.IndexFunc(rest, func(r rune) bool { return !unicode.IsDigit(r) }) < 0:
			ℓ, err := strconv.Atoi(rest)
			if err != nil {
				return canon + "ℓ", isGrad, true
			}
			return canon + strconv.Itoa(ℓ), isGrad, true
		}
	}
	return "", false, false
}

// The functions of the language: every elementwise activation under each
// of its spellings.
var activationFuncs = func() map[string]derive.Activation {
	m := map[string]derive.Activation{}
	for _, a := range derive.Activations {
		if a.Elementwise() {
			for _, s := range a.Spellings() {
				m[s] = a
			}
		}
	}
	return m
}()

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
	case "f", "g":
		return funcInfo{1, 1, -1, true}, true
	case "softmax":
		return funcInfo{2, 2, 1, true}, true
	case "sum", "mean", "amax", "amin", "argmax", "argmin":
		return funcInfo{1, 2, 1, false}, true
	case "float", "int":
		return funcInfo{1, 1, -1, false}, true
	case "where":
		return funcInfo{3, 3, -1, false}, true
	case "maximum", "minimum":
		return funcInfo{2, 2, -1, false}, true
	case "zeros_like", "ones_like":
		return funcInfo{1, 1, -1, false}, true
	case "outer":
		return funcInfo{2, 2, -1, false}, true
	case "squeeze":
		return funcInfo{1, 1, -1, false}, true
	case "reshape":
		return funcInfo{2, 3, -1, false}, true
	case "eye":
		return funcInfo{1, 2, -1, false}, true
	}
	return funcInfo{}, false
}

var funcList = func() string {
	var names []string
	for _, a := range derive.Activations {
		if a.Elementwise() {
			names = append(names, a.Spellings()[0])
		}
	}
	return strings.Join(names, ", ") + ", exp, log (each also with a prime: sigmoid', or sigmoid_prime), f and f' (the layer's own activation; Ng's g), softmax(M, axis), sum(M), sum(M, axis), mean(M), mean(M, axis), where(C, A, B), maximum(A, B), minimum(A, B)"
}()

// funcHelp says what to write for a function the language does not have;
// ‹A› and ‹B› stand for its arguments as written (in parentheses where
// they need them), ‹a› and ‹b› for them as written.
var funcHelp = map[string]string{
	"dot":       "write ‹A› @ ‹B› (or np.dot(‹a›, ‹b›), ‹A›.dot(‹b›))",
	"matmul":    "write ‹A› @ ‹B› (or np.matmul(‹a›, ‹b›))",
	"transpose": "write ‹A›ᵀ (or ‹A›.T, ‹A›^T, np.transpose(‹a›))",
	"multiply":  "write ‹A› * ‹B› (or ‹A› ⊙ ‹B›, np.multiply(‹a›, ‹b›))",
	"square":    "write ‹A›**2 (or ‹A›², np.square(‹a›))",
	"power":     "write ‹A›**‹B› (or np.power(‹a›, ‹b›))",
}

// spelled fills a funcHelp text with the call's arguments as written: a
// name or a number as it is, anything longer in parentheses; A and B
// when the call has other arguments than the help expects.
func spelled(prog *Program, help string, args []Expr) string {
	want := strings.Count(help, "‹B›") > 0
	names, raw := []string{"A", "B"}, []string{"A", "B"}
	if (want && len(args) == 2) || (!want && len(args) == 1) {
		for i, a := range args {
			s := prog.Source(a)
			names[i], raw[i] = s, s
			switch unparen(a).(type) {
			case *Binary, *Unary: // postfix and calls bind tighter than any operator
			default:
				continue
			}
			switch unparen(a).(type) {
			default:
				names[i] = "(" + s + ")"
			}
		}
	}
	return strings.NewReplacer("‹A›", names[0], "‹B›", names[1], "‹a›", raw[0], "‹b›", raw[1]).Replace(help)
}

// MaxLayer is the highest layer number the program names (A3, dW2, Z1…),
// 0 when it names none: the depth a network needs to run it. At is where
// that name is first written.
func (p *Program) MaxLayer() (top int, at Pos, name string) {
	see := func(n string, pos Pos) {
		if info := classify(n); info.kind != nkHelper && info.layer > top {
			top, at, name = info.layer, pos, n
		}
	}
	for _, st := range p.Stmts {
		see(st.Name, st.NamePos)
		_ = walk(st.X, func(e Expr) error {
			if id, ok := e.(*Ident); ok {
				see(id.Name, id.P)
			}
			return nil
		})
	}
	return top, at, name
}

// MaxLayers bounds the network a formula file may ask for by the layer
// numbers it names (dW2000): by hand a derivation has a few layers, and
// the network is allocated before anything is checked.
const MaxLayers = 64

// LayerBytes estimates the memory, in bytes, of the problem drawn for a
// network of L layers with sizes that grow by one a layer from the output
// and a batch of m: the weights, and per layer the forward and backward
// trace (Z, A, δ, ∂C/∂A) and ∂C/∂W, in float64.
func LayerBytes(L, m int) float64 {
	var floats float64
	for ℓ := 1; ℓ <= L; ℓ++ {
		n, prev := float64(ℓ+2), float64(ℓ+3)
		floats += 2*n*prev + n + 4*n*float64(m)
	}
	return 8 * floats
}

// TooManyLayers is the error of a program that names a layer beyond
// MaxLayers, or nil: it says the estimate and the limit before anything
// is allocated.
func (p *Program) TooManyLayers(m int) *Error {
	top, at, name := p.MaxLayer()
	if top <= MaxLayers {
		return nil
	}
	est := "more memory than any machine has"
	if top < 1<<20 {
		est = printf.Sprintf("about %s", bytesText(LayerBytes(top, m)))
	}
	layer := name[strings.IndexFunc(name, unicode.IsDigit):] // as written: it may not fit an int
	return errorf(at, KindName, "%s names layer %s: a network drawn for a formula file has at most %d layers (%s at most), and %s layers would take %s; give --net or --problem for the network you mean",
		name, layer, MaxLayers, bytesText(LayerBytes(MaxLayers, m)), layer, est)
}

func bytesText(b float64) string {
	switch {
	case b >= 1<<30:
		return printf.Sprintf("%.1f GiB", b/(1<<30))
	case b >= 1<<20:
		return printf.Sprintf("%.1f MiB", b/(1<<20))
	}
	return printf.Sprintf("%.0f KiB", b/(1<<10))
}

// Sizes are the layer sizes n0,…,nL of the network a derivation is checked
// on when no --net is given, for a batch of m and acts activations named:
// as many layers as the derivation names (two when it names none), or one
// a layer when more than two activations are given (two are
// hidden,output, for any depth). The sizes differ from each other and from
// m, so that every shape mistake shows, growing towards the input: 4,3,2
// for two layers and the default batch of 5. Both the command line and the
// page in the browser draw their networks with it, so that the two check
// the same problem.
func (p *Program) Sizes(m, acts int) (string, *Error) {
	if err := p.TooManyLayers(m); err != nil {
		return "", err
	}
	L, _, _ := p.MaxLayer()
	if L < 1 {
		L = 2
	}
	if acts > 2 || (acts == 2 && L < 2) {
		L = acts
	}
	used := map[int]bool{m: true, 1: true}
	pick := func(n int) int {
		for used[n] {
			n++
		}
		used[n] = true
		return n
	}
	out := pick(2)
	sizes := make([]string, L+1)
	next := 3
	for i := L - 1; i >= 0; i-- {
		n := pick(next)
		next = n + 1
		sizes[i] = strconv.Itoa(n)
	}
	sizes[L] = strconv.Itoa(out)
	return strings.Join(sizes, ","), nil
}
