package formula

import (
	"strings"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/printf"
)

// ForwardActivations reads the activations a pasted forward pass applies,
// layer by layer: np.tanh(·), np.maximum(0, ·), 1/(1+np.exp(-·)), the
// softmax exp(·)/np.sum(exp(·), axis), the language's functions and the
// learner's own def sigmoid(z) that returns one of them. An application
// belongs to the layer of the weights its argument is made from (W2 in
// np.dot(h, W2) + b2), or of the Zℓ it is given. acts[ℓ-1] is layer ℓ's,
// and lines[ℓ-1] the line it was read on; ok is true when every layer
// from 1 to the highest one read was found, each with one activation.
func (p *Program) ForwardActivations() (acts derive.Acts, lines []int, ok bool) {
	defs := map[string]Expr{} // the helpers' values as written, for the dataflow
	found := map[int]derive.Activation{}
	at := map[int]int{}
	conflict := false
	top := 0
	for _, st := range p.Stmts {
		info := classify(st.Name)
		if !info.target() {
			if a, arg, ok := p.activationOf(st.X, defs, 0); ok {
				if ℓ := layerOf(arg, defs, 0); ℓ >= 1 && ℓ <= MaxLayers {
					if prev, seen := found[ℓ]; seen && prev != a {
						conflict = true
					}
					if _, seen := found[ℓ]; !seen {
						found[ℓ], at[ℓ] = a, st.Line
					}
					top = max(top, ℓ)
				}
			}
		}
		if info.kind == nkHelper {
			defs[st.Name] = st.X
		}
	}
	if top == 0 || conflict {
		return nil, nil, false
	}
	for ℓ := 1; ℓ <= top; ℓ++ {
		a, seen := found[ℓ]
		if !seen {
			return nil, nil, false
		}
		acts, lines = append(acts, a), append(lines, at[ℓ])
	}
	return acts, lines, true
}

// ForwardNote is what the command does with the activations read from
// the forward pass, for a network of layers layers (0: as many as the
// file names, two when it names none): use them when --act was not given
// (given false), saying so; say that the flags win when they differ; and
// nothing when they agree, none were read, or they are not one a layer.
// The command line and the page both call it, so that the two agree.
func (p *Program) ForwardNote(flags derive.Acts, given bool, layers int) (use derive.Acts, note string) {
	acts, lines, ok := p.ForwardActivations()
	if layers <= 0 {
		layers, _, _ = p.MaxLayer()
		layers = max(layers, 2)
	}
	if !ok || len(acts) != layers {
		return nil, ""
	}
	var names []string
	for _, a := range acts {
		names = append(names, a.String())
	}
	where := make([]string, len(lines))
	for i, l := range lines {
		where[i] = printf.Sprint(l)
	}
	if !given {
		return acts, printf.Sprintf("activations read from your forward pass: %s (lines %s)", strings.Join(names, ", "), strings.Join(where, ", "))
	}
	full := flags
	if len(flags) == 2 && len(acts) > 2 { // hidden,output for any depth
		full = make(derive.Acts, len(acts))
		for i := range full {
			full[i] = flags[0]
		}
		full[len(full)-1] = flags[1]
	}
	if len(full) == 1 {
		full = make(derive.Acts, len(acts))
		for i := range full {
			full[i] = flags[0]
		}
	}
	for i := range min(len(full), len(acts)) {
		if full[i] != acts[i] {
			return nil, printf.Sprintf("your forward pass applies %s on layer %d (line %d), but --act gives %s: the flag is used", acts[i], i+1, lines[i], full[i])
		}
	}
	return nil, ""
}

// activationOf reads e as an activation applied to an argument.
func (p *Program) activationOf(e Expr, defs map[string]Expr, depth int) (derive.Activation, Expr, bool) {
	if depth > 8 {
		return 0, nil, false
	}
	switch e := e.(type) {
	case *Paren:
		return p.activationOf(e.X, defs, depth+1)
	case *Call:
		if e.Prime || len(e.Args) == 0 {
			return 0, nil, false
		}
		if e.User {
			if d := p.defFor(e.Fn, e.P.Line); d != nil && d.Ret != nil && len(d.Body) == 0 && len(d.Params) == 1 {
				if a, _, ok := p.activationOf(d.Ret, nil, depth+1); ok {
					return a, e.Args[0], true
				}
			}
			return 0, nil, false
		}
		if a, ok := activationFuncs[e.Fn]; ok {
			return a, e.Args[0], true
		}
		if e.Fn == "softmax" {
			return derive.Softmax, e.Args[0], true
		}
		if e.Fn == "maximum" && len(e.Args) == 2 {
			for k, x := range e.Args {
				if n, ok := unparen(x).(*Num); ok && n.Val == 0 {
					return derive.ReLU, e.Args[1-k], true
				}
			}
		}
	case *Binary:
		if e.Op != '/' {
			return 0, nil, false
		}
		// 1 / (1 + exp(-x))
		if n, ok := unparen(e.L).(*Num); ok && n.Val == 1 {
			if s, ok := unparen(e.R).(*Binary); ok && s.Op == '+' {
				for _, pair := range [][2]Expr{{s.L, s.R}, {s.R, s.L}} {
					one, ok1 := unparen(pair[0]).(*Num)
					x, ok2 := expOf(pair[1], defs)
					if ok1 && ok2 && one.Val == 1 {
						if u, ok := unparen(x).(*Unary); ok {
							return derive.Sigmoid, u.X, true
						}
					}
				}
			}
		}
		// exp(x) / sum(exp(x), axis)
		if x, ok := expOf(e.L, defs); ok {
			if c, ok := unparen(e.R).(*Call); ok && c.Fn == "sum" && len(c.Args) >= 1 {
				if _, ok := expOf(c.Args[0], defs); ok {
					return derive.Softmax, x, true
				}
			}
		}
	}
	return 0, nil, false
}

// expOf reads e as exp(x), through one helper (exp_scores = np.exp(scores)).
func expOf(e Expr, defs map[string]Expr) (Expr, bool) {
	e = unparen(e)
	if id, ok := e.(*Ident); ok && defs != nil {
		if d, ok := defs[id.Name]; ok {
			e = unparen(d)
		}
	}
	if c, ok := e.(*Call); ok && c.Fn == "exp" && !c.Prime && len(c.Args) == 1 {
		return c.Args[0], true
	}
	return nil, false
}

// layerOf is the layer an activation's argument belongs to: the highest
// weights it is made from, else the highest Zℓ it reads, through the
// helpers it reads (0 when none).
func layerOf(e Expr, defs map[string]Expr, depth int) int {
	w, z := 0, 0
	var visit func(e Expr, depth int)
	visit = func(e Expr, depth int) {
		if depth > 16 {
			return
		}
		_ = walk(e, func(x Expr) error {
			id, ok := x.(*Ident)
			if !ok {
				return nil
			}
			info := classify(id.Name)
			switch info.kind {
			case nkW, nkB:
				w = max(w, info.layer)
			case nkZ:
				z = max(z, info.layer)
			case nkHelper:
				if d, ok := defs[id.Name]; ok {
					visit(d, depth+1)
				}
			}
			return nil
		})
	}
	visit(e, depth)
	if w > 0 {
		return w
	}
	return z
}
