package formula

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/backproof/backproof/internal/printf"
)

// resolve checks, before anything runs, that every name and function a
// program uses exists in a network of L layers: the errors that make the
// whole file bad input (exit status 2), every one of them with its line
// and column (an ErrorList). It returns, per statement, the canonical
// names the statement reads.
func resolve(prog *Program, L int) ([][]string, error) {
	defined := map[string]bool{}
	uses := make([][]string, len(prog.Stmts))
	var errs ErrorList
	reported := map[Error]bool{}
	for i, st := range prog.Stmts {
		if err := checkAssign(st, L); err != nil {
			errs = append(errs, err)
		}
		var used []string
		seen := map[string]bool{}
		_ = walk(st.X, func(e Expr) error {
			var err *Error
			switch e := e.(type) {
			case *Ident:
				used = append(used, canonName(e.Name, L))
				if !seen[e.Name] {
					err = checkUse(e, L, defined)
					if d := prog.frameParam(e.Name, st.Line); err != nil && d != nil && strings.HasPrefix(err.Msg, "unknown name") {
						err.Msg = printf.Sprintf("%s is a parameter of %s (your def on line %d), which the checker reads as a backward pass on the problem: it binds the problem's names (X, Y, A1, W2…), not the others. Write the value in its place, as in linear_backward(dZ2, (A1, W2, b2)) for a cache", e.Name, d.Name, d.Line)
					}
				}
				seen[e.Name] = true
			case *Call:
				if !e.User {
					err = checkCall(prog, e, L)
				}
			}
			if err != nil && !reported[*err] {
				// the names of dA1, dW2, db2 = f(…) share one call: said once
				reported[*err] = true
				errs = append(errs, err)
			}
			return nil
		})
		uses[i] = used
		// a line with an error still defines its name, so that later
		// lines are not blamed for it
		defined[canonName(st.Name, L)] = true
	}
	checkDefs(prog, L)
	return uses, errs.err()
}

// checkDefs finds, in each def's body, a call the language cannot make
// (an unknown function, a wrong axis): such a def cannot be evaluated, and
// the lines calling it cannot be told right or wrong. Its names are
// checked when it runs: they depend on the caller's file.
func checkDefs(prog *Program, L int) {
	for _, d := range prog.defs {
		if d.Frame || d.Problem != "" {
			continue
		}
		exprs := []Expr{}
		for _, st := range d.Body {
			exprs = append(exprs, st.X)
		}
		exprs = append(exprs, d.Ret)
		for _, x := range exprs {
			_ = walk(x, func(e Expr) error {
				if c, ok := e.(*Call); ok && !c.User {
					if err := checkCall(prog, c, L); err != nil {
						d.cannot("line %d, column %d: %s", err.Line, err.Col, err.Msg)
					}
				}
				return nil
			})
		}
	}
}

// walk calls fn on e and every node below it, stopping at the first error.
func walk(e Expr, fn func(Expr) error) error {
	if err := fn(e); err != nil {
		return err
	}
	switch e := e.(type) {
	case *Paren:
		return walk(e.X, fn)
	case *Unary:
		return walk(e.X, fn)
	case *Transpose:
		return walk(e.X, fn)
	case *Pow:
		return walk(e.X, fn)
	case *ShapeOf:
		return walk(e.X, fn)
	case *Update:
		for _, x := range []Expr{e.Base, e.Mask, e.Rows, e.Cols, e.Value} {
			if x == nil {
				continue
			}
			if err := walk(x, fn); err != nil {
				return err
			}
		}
	case *Range:
		return walk(e.N, fn)
	case *Pick:
		return walk(e.X, fn)
	case *Tuple:
		for _, x := range e.Elems {
			if err := walk(x, fn); err != nil {
				return err
			}
		}
	case *Assert:
		for _, x := range append([]Expr{e.X, e.Y}, e.Dims...) {
			if x == nil {
				continue
			}
			if err := walk(x, fn); err != nil {
				return err
			}
		}
	case *Binary:
		if err := walk(e.L, fn); err != nil {
			return err
		}
		return walk(e.R, fn)
	case *Call:
		for _, a := range e.Args {
			if err := walk(a, fn); err != nil {
				return err
			}
		}
	}
	return nil
}

// regularizationName reports the names a regularized problem gives: λ as
// Ng's lambd, λ/N as CS231n's reg, the keep probability keep_prob and the
// dropout masks D1, D2, … of Ng's notebook.
func regularizationName(name string) bool {
	switch name {
	case "lambd", "reg", "keep_prob":
		return true
	}
	if rest, ok := strings.CutPrefix(name, "D"); ok && rest != "" && rest[0] != '0' {
		_, err := strconv.Atoi(rest)
		return err == nil
	}
	return false
}

func givenNames(L int) string {
	return printf.Sprintf("X (also A0), Y, A1…A%d, Z1…Z%d, W1…W%d, b1…b%d and m", L, L, L, L)
}

func targetNames(L int) string {
	return printf.Sprintf("dZ1…dZ%d (also delta or δ), dA0…dA%d, dW1…dW%d, db1…db%d", L, L, L, L)
}

// unnumbered reports whether a name that looks like a gradient names no
// layer (dZ, delta, dA_prev): in a layer loop it holds one layer after
// another.
func unnumbered(name string) bool {
	want, _, ok := lookalike(name)
	return ok && strings.HasSuffix(want, "ℓ")
}

// lookalikeIn is lookalike in a network of L layers: a name without a
// layer number means one of a range ("dW1 or dW2", "dA0…dA3").
func lookalikeIn(name string, L int) (string, bool, bool) {
	want, grad, ok := lookalike(name)
	family, isRange := strings.CutSuffix(want, "ℓ")
	if !ok || !isRange {
		return want, grad, ok
	}
	k := map[string]nameKind{"dZ": nkDZ, "dA": nkDA, "dW": nkDW, "db": nkDB, "Z": nkZ, "A": nkA, "W": nkW, "b": nkB}[family]
	lo, hi := layerRange(k, L)
	switch {
	case hi == lo:
		return printf.Sprintf("%s%d", family, lo), grad, true
	case hi == lo+1:
		return printf.Sprintf("%s%d or %s%d (name the layer)", family, lo, family, hi), grad, true
	}
	return printf.Sprintf("one of %s%d…%s%d (name the layer)", family, lo, family, hi), grad, true
}

// layerRange is the layers a family of names exists for.
func layerRange(k nameKind, L int) (lo, hi int) {
	if k == nkA || k == nkDA {
		return 0, L
	}
	return 1, L
}

func layerError(p Pos, name string, info nameInfo, L int) *Error {
	lo, hi := layerRange(info.kind, L)
	family := familyPrefix[info.kind]
	if info.layer == 0 && lo == 1 {
		return errorf(p, KindName, "%s: layer 0 is the input X, it has no %s; layers are numbered 1…%d", name, family, L)
	}
	layer := printf.Sprint(info.layer)
	if info.layer == tooDeep {
		layer = name[strings.IndexFunc(name, unicode.IsDigit):]
	}
	return errorf(p, KindName, "%s: the network has %d layer%s, so %s runs from layer %d to %d; there is no layer %s",
		name, L, plural(L), family, lo, hi, layer)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func checkUse(id *Ident, L int, defined map[string]bool) *Error {
	if defined[canonName(id.Name, L)] {
		return nil
	}
	if _, ok := lookupFunc(id.Name); ok {
		return errorf(id.P, KindName, "%s is a function: apply it, as in %s(Z1)", id.Name, id.Name)
	}
	info := classify(id.Name).in(L)
	switch {
	case info.kind == nkX || info.kind == nkY || info.kind == nkM:
		return nil
	case info.kind == nkHelper && regularizationName(id.Name):
		return nil // the problem's, when it has the term: looked up when the line runs
	case info.kind == nkHelper:
		if want, _, ok := lookalikeIn(id.Name, L); ok {
			return errorf(id.P, KindName, "unknown name %s: did you mean %s? The problem gives %s; other names must be defined on an earlier line", id.Name, want, givenNames(L))
		}
		if id.Name == "True" || id.Name == "False" {
			return errorf(id.P, KindName, "%s is only keepdims=True here: for a mask write a comparison, as in (Z1 > 0)", id.Name)
		}
		return errorf(id.P, KindName, "unknown name %s: the problem gives %s; other names must be defined on an earlier line", id.Name, givenNames(L))
	case info.target():
		if lo, hi := layerRange(info.kind, L); info.layer < lo || info.layer > hi {
			return layerError(id.P, id.Name, info, L)
		}
		return errorf(id.P, KindName, "%s is used before it is defined: the gradients are yours to write, so define %s on an earlier line", id.Name, id.Name)
	}
	if lo, hi := layerRange(info.kind, L); info.layer < lo || info.layer > hi {
		return layerError(id.P, id.Name, info, L)
	}
	return nil
}

func checkAssign(st Stmt, L int) *Error {
	if _, ok := lookupFunc(st.Name); ok {
		return errorf(st.NamePos, KindName, "%s is a function and cannot be assigned", st.Name)
	}
	info := classify(st.Name).in(L)
	switch {
	case info.kind == nkHelper:
		if want, grad, ok := lookalikeIn(st.Name, L); ok && grad && !unnumbered(st.Name) {
			// (one without its layer is placed when the file runs, or refused there)
			// A helper that looks like a gradient would pass unchecked.
			return errorf(st.NamePos, KindName, "%s looks like a gradient, but only the names %s are checked: did you mean %s? (A helper must not look like a gradient: name it h or tmp.)",
				st.Name, targetNames(L), want)
		}
		return nil
	case info.checked():
		if lo, hi := layerRange(info.kind, L); info.layer < lo || info.layer > hi {
			return layerError(st.NamePos, st.Name, info, L)
		}
		return nil
	case info.kind == nkM:
		if _, ok := unparen(st.X).(*ShapeOf); ok {
			return nil // Ng's m = X.shape[1]: checked when it runs
		}
		return errorf(st.NamePos, KindName, "m is given by the problem (the batch size) and cannot be assigned: delete this line (m = X.shape[…] in numpy)")
	case info.kind == nkY || info.kind == nkX:
		if c, ok := unparen(st.X).(*Call); ok && c.Fn == "reshape" && !c.User {
			if id, ok := unparen(c.Args[0]).(*Ident); ok && classify(id.Name).kind == info.kind {
				return nil // Ng's Y = Y.reshape(AL.shape): run as numpy runs it
			}
		}
	}
	return errorf(st.NamePos, KindName, "%s is given by the problem and cannot be assigned (forward-pass lines Zℓ = …, Aℓ = … are checked, but the input, the targets and the parameters are the problem's: delete this line); the names checked against the truth are %s, any other name is a helper", st.Name, targetNames(L))
}

func checkCall(prog *Program, c *Call, L int) *Error {
	info, ok := lookupFunc(c.Fn)
	if !ok {
		if help := funcHelp[c.Fn]; help != "" {
			return errorf(c.P, KindName, "unknown function %s: %s", c.Fn, spelled(prog, help, c.Args))
		}
		if _, isAct := activationFuncs[c.Fn]; !isAct {
			if want, _, ok := lookalikeIn(c.Fn, L); ok {
				return errorf(c.P, KindName, "%s is not a function: did you mean %s, multiplied with * or @?", c.Fn, want)
			}
		}
		return errorf(c.P, KindName, "unknown function %s: the functions are %s", c.Fn, funcList)
	}
	name := c.Fn
	if c.Prime {
		name += "′"
		if !info.primeOK {
			return errorf(c.P, KindName, "%s has no derivative here: only activations, exp, log and softmax take a prime", name)
		}
	}
	if n := len(c.Args); n < info.minArgs || n > info.maxArgs {
		want := printf.Sprint(info.minArgs)
		if info.maxArgs != info.minArgs {
			want = printf.Sprintf("%d or %d", info.minArgs, info.maxArgs)
		}
		usage := map[string]string{"softmax": "softmax(M, axis)", "sum": "sum(M) or sum(M, axis)", "mean": "mean(M) or mean(M, axis)",
			"where": "where(C, A, B), as in np.where(Z1 > 0, dA1, 0)", "maximum": "maximum(A, B), as in np.maximum(0, Z1)", "minimum": "minimum(A, B)"}[c.Fn]
		if usage == "" {
			usage = c.Fn + "(M)"
		}
		return errorf(c.P, KindName, "%s takes %s argument%s, not %d: %s", name, want, plural(info.maxArgs), n, usage)
	}
	if info.axisArg >= 0 && info.axisArg < len(c.Args) {
		if _, ok := axisOf(c.Args[info.axisArg]); !ok {
			p, _ := c.Args[info.axisArg].Span()
			return errorf(p, KindName, "the axis of %s must be the number 0 (down the rows: gives 1×columns) or 1 (along each row: gives rows×1)", c.Fn)
		}
	}
	if c.Fn == "f" || c.Fn == "g" {
		id, ok := unparen(c.Args[0]).(*Ident)
		if ok {
			k := classify(id.Name).in(L)
			if k.kind == nkZ || k.kind == nkA {
				if lo, hi := layerRange(k.kind, L); k.layer < lo || k.layer > hi {
					return layerError(id.P, id.Name, k, L)
				}
				return nil
			}
			if k.kind == nkX {
				return errorf(id.P, KindName, "%s(%s): the input has no activation; %s applies to a layer's Z or A, layers 1…%d", name, id.Name, c.Fn, L)
			}
		}
		p, _ := c.Args[0].Span()
		return errorf(p, KindName, "%s needs a layer's Z or A as its argument, such as %s'(Z1): the layer decides which activation %s is (or name it: sigmoid'(…))", name, c.Fn, c.Fn)
	}
	return nil
}

// frameParam is the frame of a backward pass that line is in, when name
// is one of its parameters.
func (p *Program) frameParam(name string, line int) *Def {
	var in *Def
	for _, d := range p.defs {
		if d.Line < line && (in == nil || d.Line > in.Line) {
			in = d
		}
	}
	if in == nil || !in.Frame {
		return nil
	}
	for _, q := range in.Params {
		if q == name {
			return in
		}
	}
	return nil
}
