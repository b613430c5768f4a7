package formula

import (
	"math"
	"strings"

	"github.com/backproof/backproof/budget"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/printf"
	"gonum.org/v1/gonum/mat"
)

// Value is what an expression evaluates to: a matrix and its shape (a
// scalar is held as a 1×1 matrix with Shape.Scalar set), or, with T not
// nil, a tuple of values: what a def returns as return dA_prev, dW, db,
// or a cache (A_prev, W, b) passed to one. A tuple lives only in a def's
// names and is read by unpacking it (Pick).
type Value struct {
	M *mat.Dense
	S Shape
	T []Value
}

// strDim marks a Value holding a string passed to a def (what its if
// tests): the string is S.R.Sym, and S.R.N, never a size, is strDim.
// Strings take no field of their own, so that every Value stays as small
// as it was: a def's call copies the file's names.
const strDim = -1

func strValue(s string) Value { return Value{S: Shape{R: Dim{Sym: s, N: strDim}}} }

// str is the string v holds, ok false when it holds none.
func (v Value) str() (string, bool) {
	if v.M == nil && v.T == nil && v.S.R.N == strDim && !v.S.Scalar {
		return v.S.R.Sym, true
	}
	return "", false
}

// evalAny evaluates e as eval does, except that its value may be a tuple:
// a name holding one, a tuple written out, or a call to a def returning one.
func (ev *evaluator) evalAny(e Expr) (Value, error) {
	switch e := e.(type) {
	case *Paren:
		return ev.evalAny(e.X)
	case *Str:
		return strValue(e.Val), nil
	case *Tuple:
		vs := make([]Value, len(e.Elems))
		for i, x := range e.Elems {
			v, err := ev.evalAny(x)
			if err != nil {
				return Value{}, err
			}
			vs[i] = v
		}
		return Value{T: vs}, nil
	case *Ident:
		if v, ok := ev.env[canonName(e.Name, ev.L)]; ok && (v.T != nil || v.S.R.N == strDim) {
			if _, bad := ev.bad[canonName(e.Name, ev.L)]; !bad {
				return v, nil
			}
		}
	case *Call:
		if e.User {
			return ev.call(e)
		}
	case *Pick:
		// linear_cache, Z = cache in a def: a value that is a tuple again
		v, err := ev.evalAny(e.X)
		if err == nil && v.T != nil && len(v.T) == e.N {
			return v.T[e.K], nil
		}
	}
	return ev.eval(e)
}

// tupleNames is a, b, c for a tuple of n values.
func tupleNames(n int) string {
	names := make([]string, min(n, 4))
	for i := range names {
		names[i] = string(rune('a' + i))
	}
	if n > 4 {
		names[3] = "…"
	}
	return strings.Join(names, ", ")
}

func scalar(v float64) Value {
	return Value{M: mat.NewDense(1, 1, []float64{v}), S: Shape{Scalar: true}}
}

// failed marks a name whose line could not be evaluated.
type failed struct {
	line       int
	name       string
	cannotTell bool // the line could not be evaluated by the checker, not wrong
}

// evaluator evaluates one line's expression in an environment.
type evaluator struct {
	prog  *Program
	d     dims
	acts  []derive.Activation // acts[ℓ−1] is layer ℓ's f
	env   map[string]Value
	bad   map[string]failed // names defined on lines that failed
	notes []string          // what the line did that is worth saying: broadcasting
	said  string            // what an assert's line found, when it holds
	L     int               // the number of layers, for names written with L (AL)
	// Inside a call to a learner's def: the file's names and failed names
	// the body sees (nil at the top level, where they are env and bad),
	// and how deep the calls are.
	globals   map[string]Value
	globalBad map[string]failed
	calls     int
	// alloc, when not nil, makes the evaluator work out shapes alone:
	// every matrix a node would make is counted here, in bytes, and none
	// is made (a number is still computed). It is how a file's memory is
	// estimated before any line runs, along the very path that runs it.
	alloc *budget.Bytes
	// steps counts the nodes evaluated for the line, calls into defs
	// included (shared with the defs' evaluators): a line is bounded in
	// time as well as in memory.
	steps *int
	// builtin, when not nil, is a def named as one of the language's
	// functions (sigmoid_prime) whose calls run the language's instead.
	builtin *Def
	// mutated are the names this line's calls changed in place through a
	// def's parameters, with their new values.
	mutated map[string]Value
}

// maxSteps bounds the nodes one line evaluates: no line as written comes
// near, but defs that each call the next twice double at every level.
const maxSteps = 1 << 20

// shaped is, when only shapes are worked out, the value of a node whose
// result has shape s: counted, not made. ok is false when the numbers
// are to be computed (or s is a number, which is always computed).
func (ev *evaluator) shaped(s Shape) (Value, bool) {
	if ev.alloc == nil || s.Scalar {
		return Value{}, false
	}
	*ev.alloc = ev.alloc.Plus(budget.Floats(s.R.N, s.C.N))
	return Value{S: s}, true
}

func (ev *evaluator) note(format string, args ...any) {
	s := printf.Sprintf(format, args...)
	for _, n := range ev.notes {
		if n == s {
			return
		}
	}
	ev.notes = append(ev.notes, s)
}

func (ev *evaluator) src(e Expr) string { return ev.prog.Source(e) }

func (ev *evaluator) eval(e Expr) (Value, error) {
	if ev.steps == nil {
		ev.steps = new(int)
	}
	if *ev.steps++; *ev.steps > maxSteps {
		p, _ := e.Span()
		return Value{}, errorf(p, KindCannotTell, "cannot tell, because this line takes more than %d steps to evaluate: your defs call one another too many times", maxSteps)
	}
	switch e := e.(type) {
	case *Num:
		return scalar(e.Val), nil
	case *Paren:
		return ev.eval(e.X)
	case *Ident:
		name := canonName(e.Name, ev.L)
		if f, ok := ev.bad[name]; ok {
			if f.cannotTell {
				return Value{}, errorf(e.P, KindCannotTell, "cannot tell, because %s comes from line %d, which the checker cannot evaluate", f.name, f.line)
			}
			return Value{}, errorf(e.P, KindEval, "%s comes from line %d, which failed", f.name, f.line)
		}
		v, ok := ev.env[name]
		if !ok && regularizationName(e.Name) {
			return Value{}, errorf(e.P, KindName, "%s is given by a regularized problem, and this one has no such term: lambd and reg need an L2 term (--lambda, or \"lambda\" in the problem file), keep_prob and D1, D2, … dropout on that layer (--keep-prob, or \"keep_prob\" and \"D\")", e.Name)
		}
		if !ok {
			return Value{}, errorf(e.P, KindName, "unknown name %s", e.Name)
		}
		if text, ok := v.str(); ok {
			return Value{}, errorf(e.P, KindCannotTell, "cannot tell, because %s is the string \"%s\", which the language reads only in an if of your def (if %s == \"relu\":)", e.Name, text, e.Name)
		}
		if v.T != nil {
			return Value{}, errorf(e.P, KindCannotTell, "cannot tell, because %s holds %d values (a tuple), which a line reads only by unpacking it into names (%s = %s) or passing it to your def", e.Name, len(v.T), tupleNames(len(v.T)), e.Name)
		}
		return v, nil
	case *Unary:
		x, err := ev.eval(e.X)
		if err != nil {
			return Value{}, err
		}
		if v, ok := ev.shaped(x.S); ok {
			return v, nil
		}
		var out mat.Dense
		out.Scale(-1, x.M)
		return Value{M: &out, S: x.S}, nil
	case *Transpose:
		x, err := ev.eval(e.X)
		if err != nil {
			return Value{}, err
		}
		if v, ok := ev.shaped(x.S.T()); ok {
			return v, nil
		}
		return Value{M: mat.DenseCopyOf(x.M.T()), S: x.S.T()}, nil
	case *ShapeOf:
		x, err := ev.eval(e.X)
		if err != nil {
			return Value{}, err
		}
		if e.Axis == sizeAxis {
			if x.S.Scalar {
				return scalar(1), nil
			}
			return scalar(float64(x.S.R.N * x.S.C.N)), nil
		}
		if e.Axis < 0 {
			return Value{}, errorf(e.P, KindEval, "%s is a pair of sizes, read here only in an assert's claim: write %s[0] or %s[1] for one size", ev.src(e), ev.src(e), ev.src(e))
		}
		if x.S.Scalar {
			return scalar(1), nil
		}
		d := x.S.R
		if e.Axis == 1 {
			d = x.S.C
		}
		if d.Sym != "m" && d.Sym != "1" {
			ev.note("%s is %s here, not the batch size m = %d: in the %s convention the examples are %s's %s", ev.src(e), d.Full(), ev.d.m,
				map[convLayout]string{rowLayout: "row", colLayout: "column"}[ev.d.conv], ev.src(e.X), map[convLayout]string{rowLayout: "rows", colLayout: "columns"}[ev.d.conv])
		}
		return scalar(float64(d.N)), nil
	case *Pow:
		x, err := ev.eval(e.X)
		if err != nil {
			return Value{}, err
		}
		n := float64(e.N)
		return ev.apply(x, func(v float64) float64 { return math.Pow(v, n) }), nil
	case *Binary:
		l, err := ev.eval(e.L)
		if err != nil {
			return Value{}, err
		}
		r, err := ev.eval(e.R)
		if err != nil {
			return Value{}, err
		}
		if e.Op == '@' {
			return ev.matmul(e, l, r)
		}
		return ev.elementwise(e, l, r)
	case *Call:
		v, err := ev.call(e)
		if err == nil && v.T != nil {
			d := ev.prog.defFor(e.Fn, e.P.Line)
			return Value{}, errorf(e.P, KindCannotTell, "cannot tell, because %s (your def on line %d) returns %d values (a tuple), which a line reads only by unpacking them into names (%s = %s)", d.Name, d.Line, len(v.T), tupleNames(len(v.T)), ev.src(e))
		}
		return v, err
	case *Str:
		return Value{}, errorf(e.P, KindCannotTell, "cannot tell, because %s is a string, which the language reads only as what your def takes (activation=\"relu\")", ev.src(e))
	case *Tuple:
		return Value{}, errorf(e.P, KindCannotTell, "cannot tell, because %s is a tuple of %d values, which the language reads only as what your def takes or returns, or unpacked into names", ev.src(e), len(e.Elems))
	case *Pick:
		v, err := ev.evalAny(e.X)
		if err != nil {
			return Value{}, err
		}
		if v.T == nil {
			return Value{}, errorf(e.P, KindCannotTell, "cannot tell, because line %d unpacks %d names from %s, which is one array there: numpy would take its rows apart, which the language does not model; unpack a tuple (what a def returns, or a cache passed as (A1, W2, b2))", e.P.Line, e.N, ev.src(e.X))
		}
		if len(v.T) != e.N {
			return Value{}, errorf(e.P, KindEval, "%s holds %d values and this line unpacks %d names: Python stops with ValueError (too many or not enough values to unpack)", ev.src(e.X), len(v.T), e.N)
		}
		if v.T[e.K].T != nil {
			return Value{}, errorf(e.P, KindCannotTell, "cannot tell, because value %d of %s is itself a tuple, which a line cannot hold", e.K+1, ev.src(e.X))
		}
		return v.T[e.K], nil
	case *Assert:
		return ev.assert(e)
	case *Update:
		return ev.update(e)
	case *LabelName:
		return e.eval(ev)
	case *Range:
		return Value{}, errorf(e.P, KindEval, "range(…) is read only as an index, as in dscores[range(N), y] -= 1")
	}
	p, _ := e.Span()
	return Value{}, errorf(p, KindEval, "cannot evaluate this expression")
}

// matmul is L @ R: the inner dimensions must agree.
func (ev *evaluator) matmul(e *Binary, l, r Value) (Value, error) {
	if l.S.Scalar || r.S.Scalar {
		s := e.L
		if r.S.Scalar {
			s = e.R
		}
		return Value{}, errorf(e.OpPos, KindShape, "@ multiplies two matrices, but %s is a number: scale with * or /", ev.src(s))
	}
	if l.S.C.N != r.S.R.N {
		msg := printf.Sprintf("%s @ %s cannot multiply: %s is %s and %s is %s, so the inner dimensions %s and %s differ (the left operand's columns must match the right operand's rows)",
			ev.src(e.L), ev.src(e.R), ev.src(e.L), l.S, ev.src(e.R), r.S, l.S.C.Full(), r.S.R.Full())
		var fits []string
		if l.S.R.N == r.S.R.N {
			fits = append(fits, printf.Sprintf("(%s)ᵀ @ %s would be %s×%s", ev.src(e.L), ev.src(e.R), l.S.C.Sym, r.S.C.Sym))
		}
		if l.S.C.N == r.S.C.N {
			fits = append(fits, printf.Sprintf("%s @ (%s)ᵀ would be %s×%s", ev.src(e.L), ev.src(e.R), l.S.R.Sym, r.S.R.Sym))
		}
		if r.S.C.N == l.S.R.N {
			fits = append(fits, printf.Sprintf("%s @ %s would be %s×%s", ev.src(e.R), ev.src(e.L), r.S.R.Sym, l.S.C.Sym))
		}
		if len(fits) > 0 {
			msg += "; " + joinOr(fits)
		}
		if whole := ev.src(e); !strings.Contains(whole, "@") {
			msg = whole + ": " + msg // np.dot(a, b), a.dot(b): say which call
		}
		return Value{}, errorf(e.OpPos, KindShape, "%s", msg)
	}
	ev.coincidence(l.S.C, r.S.R)
	if v, ok := ev.shaped(Shape{R: l.S.R, C: r.S.C}); ok {
		return v, nil
	}
	var out mat.Dense
	out.Mul(l.M, r.M)
	return Value{M: &out, S: Shape{R: l.S.R, C: r.S.C}}, nil
}

func joinOr(list []string) string {
	s := list[0]
	for i, x := range list[1:] {
		if i == len(list)-2 {
			s += " or " + x
		} else {
			s += ", " + x
		}
	}
	return s
}

// coincidence notes two dimensions that fit only because their sizes
// happen to be equal (m = n1 = 3): with other sizes the line would fail.
func (ev *evaluator) coincidence(a, b Dim) {
	if a.Sym != b.Sym && a.Sym != "1" && b.Sym != "1" {
		ev.note("%s and %s are both %d here, so these shapes fit only by coincidence; with other sizes this line fails", a.Sym, b.Sym, a.N)
	}
}

var opNames = map[rune]string{'+': "+", '-': "−", '*': "⊙", '/': "/", '>': ">", '<': "<", '≥': "≥", '≤': "≤", '=': "==", '≠': "!="}

// boolean is a comparison's value: 1 where it holds, 0 elsewhere, as
// numpy's (Z1 > 0) multiplies.
func boolean(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// elementwise is L op R with numpy's broadcasting: each dimension must be
// equal, or 1 in one operand (that operand is repeated along it).
func (ev *evaluator) elementwise(e *Binary, l, r Value) (Value, error) {
	f := map[rune]func(a, b float64) float64{
		'+': func(a, b float64) float64 { return a + b },
		'-': func(a, b float64) float64 { return a - b },
		'*': func(a, b float64) float64 { return a * b },
		'/': func(a, b float64) float64 { return a / b },
		'>': func(a, b float64) float64 { return boolean(a > b) },
		'<': func(a, b float64) float64 { return boolean(a < b) },
		'≥': func(a, b float64) float64 { return boolean(a >= b) },
		'≤': func(a, b float64) float64 { return boolean(a <= b) },
		'=': func(a, b float64) float64 { return boolean(a == b) },
		'≠': func(a, b float64) float64 { return boolean(a != b) },
	}[e.Op]
	if l.S.Scalar && r.S.Scalar {
		return scalar(f(l.M.At(0, 0), r.M.At(0, 0))), nil
	}
	var s Shape
	if l.S.Scalar {
		s = r.S
	} else if r.S.Scalar {
		s = l.S
	} else {
		var stretched [2][]string // per operand, the axes it was repeated along
		var ok bool
		if s.R, ok = ev.broadcastDim(l.S.R, r.S.R, &stretched, "rows"); !ok {
			return Value{}, ev.broadcastError(e, l, r, "rows")
		}
		if s.C, ok = ev.broadcastDim(l.S.C, r.S.C, &stretched, "columns"); !ok {
			return Value{}, ev.broadcastError(e, l, r, "columns")
		}
		ev.broadcastNote(e, l, r, s, stretched)
	}
	if v, ok := ev.shaped(s); ok {
		return v, nil
	}
	ar, ac := l.M.Dims()
	br, bc := r.M.Dims()
	out := mat.NewDense(s.R.N, s.C.N, nil)
	if s.Scalar {
		out = mat.NewDense(1, 1, nil)
	}
	or, oc := out.Dims()
	for i := 0; i < or; i++ {
		for j := 0; j < oc; j++ {
			out.Set(i, j, f(l.M.At(min(i, ar-1), min(j, ac-1)), r.M.At(min(i, br-1), min(j, bc-1))))
		}
	}
	return Value{M: out, S: s}, nil
}

func (ev *evaluator) broadcastDim(a, b Dim, stretched *[2][]string, axis string) (Dim, bool) {
	switch {
	case a.N == b.N:
		ev.coincidence(a, b)
		if a.Sym == "1" {
			return b, true
		}
		return a, true
	case a.N == 1:
		stretched[0] = append(stretched[0], axis)
		return b, true
	case b.N == 1:
		stretched[1] = append(stretched[1], axis)
		return a, true
	}
	return Dim{}, false
}

func (ev *evaluator) broadcastError(e *Binary, l, r Value, axis string) error {
	ld, rd := l.S.R, r.S.R
	if axis == "columns" {
		ld, rd = l.S.C, r.S.C
	}
	msg := printf.Sprintf("%s %s %s cannot be computed elementwise: %s is %s and %s is %s, and their %s, %s and %s, differ with neither being 1 (numpy broadcasts only equal sizes or a size 1)",
		ev.src(e.L), opNames[e.Op], ev.src(e.R), ev.src(e.L), l.S, ev.src(e.R), r.S, axis, ld.Full(), rd.Full())
	if e.Op == '*' && l.S.C.N == r.S.R.N {
		msg += printf.Sprintf("; if the matrix product was meant, write %s @ %s", ev.src(e.L), ev.src(e.R))
	}
	if l.S.T().Same(r.S) {
		msg += "; the shapes are each other's transpose: one of the operands is in the other convention's layout"
	}
	return errorf(e.OpPos, KindShape, "%s", msg)
}

// broadcastNote says when broadcasting happened: silent broadcasting is one
// of the thread's confusions (post #7: "⊙ I'm treating as a broadcast").
func (ev *evaluator) broadcastNote(e *Binary, l, r Value, s Shape, stretched [2][]string) {
	op := opNames[e.Op]
	if len(stretched[0]) > 0 && len(stretched[1]) > 0 {
		ev.note("broadcasting: in %s %s %s both operands were stretched, %s (%s) along its %s and %s (%s) along its %s, giving %s; %s of a column and a row is their outer product, not a matrix product (post #7's (L^{ℓ−1})ᵀ ⊙ ∇_z C)",
			ev.src(e.L), op, ev.src(e.R), ev.src(e.L), l.S, joinAnd(stretched[0]), ev.src(e.R), r.S, joinAnd(stretched[1]), s, op)
		return
	}
	for k, ax := range stretched {
		if len(ax) == 0 {
			continue
		}
		x, v := e.L, l
		if k == 1 {
			x, v = e.R, r
		}
		ev.note("broadcasting: in %s %s %s, %s (%s) was repeated along its %s to %s", ev.src(e.L), op, ev.src(e.R), ev.src(x), v.S, joinAnd(ax), s)
	}
}

func joinAnd(list []string) string {
	if len(list) == 2 {
		return list[0] + " and " + list[1]
	}
	return list[0]
}

// call evaluates a function application; names, arities and axes were
// checked before evaluation (check.go).
func (ev *evaluator) call(c *Call) (Value, error) {
	if c.User {
		return ev.callDef(c)
	}
	switch c.Fn {
	case "sum", "mean":
		x, err := ev.eval(c.Args[0])
		if err != nil {
			return Value{}, err
		}
		axis := -1
		if len(c.Args) == 2 {
			axis, _ = axisOf(c.Args[1])
		}
		v := ev.reduce(x, axis, c.Fn == "mean")
		if c.Flat && axis == 1 && !x.S.Scalar && x.S.R.N > 1 {
			ev.note("numpy makes %s one-dimensional without keepdims=True: (%d,), which broadcasts as a row, so a bias update b - η·db with b %s×1 would give %s×%s; it is kept %s×1 here, as keepdims=True gives it", ev.src(c), x.S.R.N, x.S.R.Sym, x.S.R.Sym, x.S.R.Sym, x.S.R.Sym)
		}
		return v, nil
	case "softmax":
		x, err := ev.eval(c.Args[0])
		if err != nil {
			return Value{}, err
		}
		axis, _ := axisOf(c.Args[1])
		return ev.softmax(c, x, axis), nil
	case "where":
		return ev.where(c)
	case "maximum":
		return ev.broadcastCall(c, func(v []float64) float64 { return math.Max(v[0], v[1]) })
	case "minimum":
		return ev.broadcastCall(c, func(v []float64) float64 { return math.Min(v[0], v[1]) })
	case "f", "g":
		id := unparen(c.Args[0]).(*Ident)
		info := classify(id.Name).in(ev.L)
		x, err := ev.eval(id)
		if err != nil {
			return Value{}, err
		}
		act := ev.acts[info.layer-1]
		if act == derive.Softmax {
			axis := 0
			if ev.d.conv == rowLayout {
				axis = 1
			}
			return ev.softmax(c, x, axis), nil
		}
		return ev.apply(x, fn(act, c.Prime)), nil
	case "outer":
		return ev.outer(c)
	case "amax", "amin", "argmax", "argmin":
		return ev.extreme(c)
	case "float", "int":
		return ev.number(c)
	case "squeeze":
		return ev.squeeze(c)
	case "reshape":
		return ev.reshape(c)
	case "eye":
		return ev.eye(c)
	case "zeros_like", "ones_like":
		x, err := ev.eval(c.Args[0])
		if err != nil {
			return Value{}, err
		}
		k := map[string]float64{"zeros_like": 0, "ones_like": 1}[c.Fn]
		return ev.apply(x, func(float64) float64 { return k }), nil
	case "exp":
		x, err := ev.eval(c.Args[0])
		if err != nil {
			return Value{}, err
		}
		return ev.apply(x, math.Exp), nil
	case "log":
		x, err := ev.eval(c.Args[0])
		if err != nil {
			return Value{}, err
		}
		if c.Prime {
			return ev.apply(x, func(v float64) float64 { return 1 / v }), nil
		}
		return ev.apply(x, math.Log), nil
	}
	x, err := ev.eval(c.Args[0])
	if err != nil {
		return Value{}, err
	}
	return ev.apply(x, fn(activationFuncs[c.Fn], c.Prime)), nil
}

func fn(act derive.Activation, prime bool) func(float64) float64 {
	if prime {
		return act.Prime
	}
	return act.F
}

func unparen(e Expr) Expr {
	for {
		p, ok := e.(*Paren)
		if !ok {
			return e
		}
		e = p.X
	}
}

func (ev *evaluator) apply(x Value, f func(float64) float64) Value {
	if v, ok := ev.shaped(x.S); ok {
		return v
	}
	var out mat.Dense
	out.Apply(func(_, _ int, v float64) float64 { return f(v) }, x.M)
	return Value{M: &out, S: x.S}
}

// softmax normalizes along axis (0: each column, 1: each row), or with a
// prime gives the diagonal of its Jacobian, s ⊙ (1 − s): the elementwise
// "derivative" that a Hadamard product with is not the chain rule.
func (ev *evaluator) softmax(c *Call, x Value, axis int) Value {
	if v, ok := ev.shaped(x.S); ok {
		if c.Prime {
			ev.note("%s is the diagonal of softmax's Jacobian, s ⊙ (1 − s); softmax couples its outputs, so multiplying elementwise by it is not the chain rule (the Jacobian is diag(s) − s sᵀ)", ev.src(c))
		}
		return v
	}
	var s *mat.Dense
	if x.S.Scalar {
		s = mat.NewDense(1, 1, []float64{1})
	} else {
		s = mat.DenseCopyOf(x.M)
		r, cols := s.Dims()
		if axis == 1 {
			for i := 0; i < r; i++ {
				row := s.RawRowView(i)
				derive.Softmax.Activate(row, row)
			}
		} else {
			v := make([]float64, r)
			for j := 0; j < cols; j++ {
				mat.Col(v, j, s)
				derive.Softmax.Activate(v, v)
				s.SetCol(j, v)
			}
		}
	}
	if c.Prime {
		ev.note("%s is the diagonal of softmax's Jacobian, s ⊙ (1 − s); softmax couples its outputs, so multiplying elementwise by it is not the chain rule (the Jacobian is diag(s) − s sᵀ)", ev.src(c))
		s.Apply(func(_, _ int, v float64) float64 { return v * (1 - v) }, s)
	}
	return Value{M: s, S: x.S}
}

// reduce is numpy's sum or mean with keepdims: axis 0 gives 1×cols, axis 1
// rows×1, and axis −1 (none given) the 1×1 total.
func (ev *evaluator) reduce(x Value, axis int, mean bool) Value {
	if x.S.Scalar {
		return x
	}
	s := Shape{R: one, C: one}
	switch axis {
	case 0:
		s = Shape{R: one, C: x.S.C}
	case 1:
		s = Shape{R: x.S.R, C: one}
	}
	if v, ok := ev.shaped(s); ok {
		return v
	}
	r, c := x.M.Dims()
	out := mat.NewDense(s.R.N, s.C.N, nil)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			oi, oj := i, j
			if axis != 1 {
				oi = 0
			}
			if axis != 0 {
				oj = 0
			}
			out.Set(oi, oj, out.At(oi, oj)+x.M.At(i, j))
		}
	}
	if mean {
		n := float64(r * c)
		if axis == 0 {
			n = float64(r)
		} else if axis == 1 {
			n = float64(c)
		}
		out.Scale(1/n, out)
	}
	return Value{M: out, S: s}
}

// axisOf reads an axis argument: 0 or 1, or numpy's −2 and −1 for them.
func axisOf(e Expr) (int, bool) {
	e = unparen(e)
	neg := false
	if u, ok := e.(*Unary); ok {
		neg, e = true, unparen(u.X)
	}
	n, ok := e.(*Num)
	if !ok || n.Val != math.Trunc(n.Val) || math.Abs(n.Val) > 2 {
		return 0, false
	}
	v := int(n.Val)
	if neg {
		v = -v
	}
	switch v {
	case 0, -2:
		return 0, true
	case 1, -1:
		return 1, true
	}
	return 0, false
}

// where is numpy's where(C, A, B): A where C is nonzero, B elsewhere, the
// three broadcast together as numpy does.
func (ev *evaluator) where(c *Call) (Value, error) {
	return ev.broadcastCall(c, func(v []float64) float64 {
		if v[0] != 0 {
			return v[1]
		}
		return v[2]
	})
}

// broadcastCall applies f entry by entry to a call's arguments broadcast
// together as numpy does (where, maximum, minimum).
func (ev *evaluator) broadcastCall(c *Call, f func([]float64) float64) (Value, error) {
	vs := make([]Value, len(c.Args))
	s := Shape{Scalar: true}
	for k, a := range c.Args {
		v, err := ev.eval(a)
		if err != nil {
			return Value{}, err
		}
		vs[k] = v
		if v.S.Scalar {
			continue
		}
		if s.Scalar {
			s = v.S
			continue
		}
		r, okR := broadcastTo(s.R, v.S.R)
		col, okC := broadcastTo(s.C, v.S.C)
		if !okR || !okC {
			p, _ := a.Span()
			return Value{}, errorf(p, KindShape, "%s cannot be computed: %s is %s, which does not broadcast against %s (numpy broadcasts only equal sizes or a size 1)",
				ev.src(c), ev.src(a), v.S, s)
		}
		s = Shape{R: r, C: col}
	}
	args := make([]float64, len(vs))
	at := func(i, j int) float64 {
		for k, v := range vs {
			r, c := v.M.Dims()
			args[k] = v.M.At(min(i, r-1), min(j, c-1))
		}
		return f(args)
	}
	if s.Scalar {
		return scalar(at(0, 0)), nil
	}
	if v, ok := ev.shaped(s); ok {
		return v, nil
	}
	out := mat.NewDense(s.R.N, s.C.N, nil)
	for i := 0; i < s.R.N; i++ {
		for j := 0; j < s.C.N; j++ {
			out.Set(i, j, at(i, j))
		}
	}
	return Value{M: out, S: s}, nil
}

// broadcastTo combines two dimensions as numpy does: equal, or one is 1.
func broadcastTo(a, b Dim) (Dim, bool) {
	switch {
	case a.N == b.N:
		if a.Sym == "1" {
			return b, true
		}
		return a, true
	case a.N == 1:
		return b, true
	case b.N == 1:
		return a, true
	}
	return Dim{}, false
}
