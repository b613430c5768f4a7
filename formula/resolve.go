package formula

import (
	"fmt"
)

// resolve checks, before anything runs, that every name and function a
// program uses exists in a network of L layers: the errors that make the
// whole file bad input (exit status 2), each with its line and column.
// It returns, per statement, the names the statement reads.
func resolve(prog *Program, L int) ([][]string, error) {
	defined := map[string]bool{}
	uses := make([][]string, len(prog.Stmts))
	for i, st := range prog.Stmts {
		if err := checkAssign(st, L); err != nil {
			return nil, err
		}
		var used []string
		err := walk(st.X, func(e Expr) error {
			switch e := e.(type) {
			case *Ident:
				used = append(used, e.Name)
				return checkUse(e, L, defined)
			case *Call:
				return checkCall(e, L)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		uses[i] = used
		for _, a := range aliases(st.Name) {
			defined[a] = true
		}
	}
	return uses, nil
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

func givenNames(L int) string {
	return fmt.Sprintf("X (also A0), Y, A1…A%d, Z1…Z%d, W1…W%d, b1…b%d and m", L, L, L, L)
}

func targetNames(L int) string {
	return fmt.Sprintf("dZ1…dZ%d (also delta or δ), dA0…dA%d, dW1…dW%d, db1…db%d", L, L, L, L)
}

// layerRange is the layers a family of names exists for.
func layerRange(k nameKind, L int) (lo, hi int) {
	if k == nkA || k == nkDA {
		return 0, L
	}
	return 1, L
}

func layerError(p Pos, name string, info nameInfo, L int) error {
	lo, hi := layerRange(info.kind, L)
	if info.layer == 0 && lo == 1 {
		return errorf(p, KindName, "%s: layer 0 is the input X, it has no %s; layers are numbered 1…%d", name, name[:len(name)-1], L)
	}
	return errorf(p, KindName, "%s: the network has %d layer%s, so %s runs from layer %d to %d; there is no layer %d",
		name, L, plural(L), name[:len(name)-len(fmt.Sprint(info.layer))], lo, hi, info.layer)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func checkUse(id *Ident, L int, defined map[string]bool) error {
	if defined[id.Name] {
		return nil
	}
	if _, ok := lookupFunc(id.Name); ok {
		return errorf(id.P, KindName, "%s is a function: apply it, as in %s(Z1)", id.Name, id.Name)
	}
	info := classify(id.Name)
	switch {
	case info.kind == nkX || info.kind == nkY || info.kind == nkM:
		return nil
	case info.kind == nkHelper:
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

func checkAssign(st Stmt, L int) error {
	if _, ok := lookupFunc(st.Name); ok {
		return errorf(st.NamePos, KindName, "%s is a function and cannot be assigned", st.Name)
	}
	info := classify(st.Name)
	switch {
	case info.kind == nkHelper:
		return nil
	case info.target():
		if lo, hi := layerRange(info.kind, L); info.layer < lo || info.layer > hi {
			return layerError(st.NamePos, st.Name, info, L)
		}
		return nil
	}
	return errorf(st.NamePos, KindName, "%s is given by the problem and cannot be assigned: the names checked against the truth are %s, any other name is a helper", st.Name, targetNames(L))
}

func checkCall(c *Call, L int) error {
	info, ok := lookupFunc(c.Fn)
	if !ok {
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
		want := fmt.Sprint(info.minArgs)
		if info.maxArgs != info.minArgs {
			want = fmt.Sprintf("%d or %d", info.minArgs, info.maxArgs)
		}
		usage := map[string]string{"softmax": "softmax(M, axis)", "sum": "sum(M) or sum(M, axis)", "mean": "mean(M) or mean(M, axis)"}[c.Fn]
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
	if c.Fn == "f" {
		id, ok := unparen(c.Args[0]).(*Ident)
		if ok {
			k := classify(id.Name)
			if k.kind == nkZ || k.kind == nkA {
				if lo, hi := layerRange(k.kind, L); k.layer < lo || k.layer > hi {
					return layerError(id.P, id.Name, k, L)
				}
				return nil
			}
			if k.kind == nkX {
				return errorf(id.P, KindName, "%s(%s): the input has no activation; f applies to a layer's Z or A, layers 1…%d", name, id.Name, L)
			}
		}
		p, _ := c.Args[0].Span()
		return errorf(p, KindName, "%s needs a layer's Z or A as its argument, such as f'(Z1): the layer decides which activation f is (or name it: sigmoid'(…))", name)
	}
	return nil
}
