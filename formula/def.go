package formula

import (
	"strings"

	"github.com/backproof/backproof/budget"
	"github.com/backproof/backproof/internal/printf"
)

// Def is a function the learner defined in the file (def NAME(params): …
// return EXPR). A call to it runs its body as written, not the language's
// function of the same name: a pasted def sigmoid_prime(a): return a*(1-a)
// is the learner's σ′ of an activation, and a def sigmoid with the sign
// wrong is a wrong sigmoid.
//
// A def whose body assigns a checked name (dW2 = …) is the frame of a
// pasted backward pass instead: its lines are the derivation, read as if
// they stood at the top level, and a call to it cannot be evaluated.
type Def struct {
	Name    string
	NamePos Pos
	Params  []string
	minArgs int // parameters without a default
	Line    int
	indent  int
	Frame   bool   // the body assigns checked names: its lines are the derivation
	Body    []Stmt // the body's assignments, local to a call
	Ret     Expr   // the returned expression; nil when there is none
	// Problem, when not empty, is why the def cannot be evaluated (a
	// statement outside the language, a tuple returned): every line that
	// calls it is "cannot tell", never a mistake.
	Problem string
	ifs     []ifBlock // while reading: the ifs open at this point
	retLine int       // the line of the return
}

// cond is one condition of an if in a def's body: parameter Param equal
// to the string Val (or not, for the branches after it).
type cond struct {
	Param, Val string
	Eq         bool
}

// ifBlock is an if … elif … else chain being read: the conditions of the
// branches before the current one, which must all be false, and the
// current branch's own.
type ifBlock struct {
	indent int
	prev   []cond
	cur    *cond // nil for else
}

// guard is the conditions a line under the open ifs runs on.
func (d *Def) guard() []cond {
	var g []cond
	for _, b := range d.ifs {
		for _, c := range b.prev {
			g = append(g, cond{c.Param, c.Val, false})
		}
		if b.cur != nil {
			g = append(g, *b.cur)
		}
	}
	return g
}

// branch reads a line of a def's body as an if on a parameter, as Ng's
// linear_activation_backward branches on activation == "relu": if, elif
// and else lines open a branch and report true. Any line closes the
// branches it is not indented under.
func (d *Def) branch(toks []token, indent int) bool {
	t := toks[0]
	kw := ""
	if t.kind == tIdent && (t.name == "if" || t.name == "elif" || t.name == "else") {
		kw = t.name
	}
	for len(d.ifs) > 0 {
		top := d.ifs[len(d.ifs)-1]
		if indent > top.indent || (indent == top.indent && (kw == "elif" || kw == "else")) {
			break
		}
		d.ifs = d.ifs[:len(d.ifs)-1]
	}
	if kw == "" {
		return false
	}
	refuse := func() bool {
		d.cannot("line %d: its %s is read when it compares a parameter with a string, as in if activation == \"relu\": (with elif and else), its body on the lines below", t.pos.Line, kw)
		return true
	}
	if toks[len(toks)-2].kind != tColon {
		return refuse()
	}
	var c *cond
	if kw != "else" {
		body := toks[1 : len(toks)-2]
		if len(body) != 3 || body[0].kind != tIdent || body[1].kind != tEq || body[2].kind != tString {
			return refuse()
		}
		c = &cond{Param: body[0].name, Val: strings.Trim(strings.TrimLeft(body[2].text, "rRbBuU"), `"'`), Eq: true}
	}
	if kw == "if" {
		d.ifs = append(d.ifs, ifBlock{indent: indent, cur: c})
		return true
	}
	if len(d.ifs) == 0 || d.ifs[len(d.ifs)-1].indent != indent || d.ifs[len(d.ifs)-1].cur == nil {
		return refuse() // an elif or else without its if
	}
	top := &d.ifs[len(d.ifs)-1]
	top.prev = append(top.prev, *top.cur)
	top.cur = c
	return true
}

// Defs are the functions the file defines, in the order written.
func (p *Program) Defs() []*Def { return p.defs }

// defFor is the def a call on line `line` runs: the last one of that name
// above the line, else (a def below, as in a pasted function that calls a
// helper defined after it) the first one.
func (p *Program) defFor(name string, line int) *Def {
	var first, last *Def
	for _, d := range p.defs {
		if d.Name != name {
			continue
		}
		if first == nil {
			first = d
		}
		if d.Line < line {
			last = d
		}
	}
	if last != nil {
		return last
	}
	return first
}

// cannot records the first reason a def cannot be evaluated.
func (d *Def) cannot(format string, args ...any) {
	if d.Problem == "" {
		d.Problem = printf.Sprintf(format, args...)
	}
}

// readDef reads a def line's header, def NAME(params) [-> T]:, and
// returns the def and the tokens of an inline body after the colon (with
// their tEOL). ok is false when the line is not a def header at all.
func readDef(toks []token, line, indent int) (d *Def, inline []token, ok bool) {
	if len(toks) < 3 || toks[0].kind != tIdent || toks[0].name != "def" || toks[1].kind != tIdent {
		return nil, nil, false
	}
	d = &Def{Name: toks[1].name, NamePos: toks[1].pos, Line: line, indent: indent}
	if toks[2].kind != tLParen {
		d.cannot("line %d: its header is not def %s(parameters):", line, d.Name)
		return d, nil, true
	}
	i := 3
	for {
		t := toks[i]
		if t.kind == tRParen {
			i++
			break
		}
		if t.kind != tIdent {
			d.cannot("line %d: its parameter %s is not a plain name (*args, **kwargs and the like are outside the language)", line, describe(t))
			return d, nil, true
		}
		if !(t.name == "self" && i == 3) { // a method's self: the class is not read
			d.Params = append(d.Params, t.name)
		}
		i++
		// an annotation or a default, up to the next comma at this depth
		deflt, depth := false, 0
		for ; toks[i].kind != tEOL; i++ {
			k := toks[i].kind
			if depth == 0 && (k == tComma || k == tRParen) {
				break
			}
			depth += k.nesting()
			switch k {
			case tAssign:
				if depth == 0 {
					deflt = true
				}
			}
		}
		if !deflt {
			d.minArgs = len(d.Params)
		}
		if toks[i].kind == tEOL {
			d.cannot("line %d: the parameter list of %s is never closed on this line", line, d.Name)
			return d, nil, true
		}
		if toks[i].kind == tComma {
			i++
		}
	}
	for ; toks[i].kind != tColon; i++ { // -> a return annotation
		if toks[i].kind == tEOL {
			d.cannot("line %d: the header of %s does not end with a colon", line, d.Name)
			return d, nil, true
		}
	}
	i++
	if toks[i].kind != tEOL {
		inline = toks[i:]
	}
	return d, inline, true
}

// readLambda reads NAME = lambda params: EXPR as def NAME(params):
// return EXPR, returning the def and its body's tokens (a return).
func readLambda(toks []token, line int) (*Def, []token, bool) {
	if len(toks) < 4 || toks[0].kind != tIdent || toks[1].kind != tAssign || toks[2].kind != tIdent || toks[2].name != "lambda" {
		return nil, nil, false
	}
	d := &Def{Name: toks[0].name, NamePos: toks[0].pos, Line: line, indent: -1}
	i := 3
	for ; toks[i].kind != tColon; i++ {
		switch t := toks[i]; {
		case t.kind == tEOL:
			d.cannot("line %d: the lambda has no colon", line)
			return d, nil, true
		case t.kind == tIdent:
			d.Params = append(d.Params, t.name)
		case t.kind != tComma:
			d.cannot("line %d: the lambda's parameter %s is not a plain name", line, describe(t))
			return d, nil, true
		}
	}
	d.minArgs = len(d.Params)
	ret := token{kind: tIdent, name: "return", text: "return", pos: toks[2].pos, end: toks[2].end}
	return d, append([]token{ret}, toks[i+1:]...), true
}

// assignsTarget reports whether a line's tokens assign a checked name
// (dW2 = …): the mark of a pasted backward pass's frame.
func assignsTarget(toks []token) bool {
	for from := 0; from < len(toks); {
		if toks[from].kind == tIdent && (toks[from+1].kind == tAssign || toks[from+1].kind == tAug) && classify(toks[from].name).target() {
			return true
		}
		if from+4 < len(toks) && toks[from].kind == tIdent && toks[from+1].kind == tLBrack && toks[from+2].kind == tString && toks[from+3].kind == tRBrack &&
			(toks[from+4].kind == tAssign || toks[from+4].kind == tAug) {
			key := classify(strings.Trim(toks[from+2].text, `"'`))
			if key.target() || ((key.kind == nkW || key.kind == nkB) && strings.Contains(strings.ToLower(toks[from].name), "grad")) {
				return true // grads["dW1"] = …, CS231n's grads['W1'] = …
			}
		}
		if from+3 < len(toks) && toks[from].kind == tIdent && toks[from+1].kind == tLBrack && lhsEnd(toks[from:]) > 0 {
			key := toks[from+2]
			if gradientList(toks[from].name) {
				return true // nabla_w[-l] = …: the gradients' list of a layer loop
			}
			if key.kind == tString && toks[from+3].kind == tOp && toks[from+3].op == '+' && classify(strings.Trim(key.text, `"'`)+"1").target() {
				return true // grads["dW" + str(l + 1)] = …
			}
		}
		for from < len(toks) && toks[from].kind != tSemi {
			from++
		}
		from++
	}
	return false
}

// gradientList reports whether a name is a list of a layer loop's
// gradients, one entry a layer: Nielsen's nabla_w and nabla_b, grads_w.
func gradientList(name string) bool {
	n := strings.ToLower(name)
	want, grad, ok := lookalike(name)
	return ok && grad && strings.HasSuffix(want, "ℓ") && (strings.HasPrefix(n, "nabla") || strings.HasPrefix(n, "grad"))
}

// body reads one part of a function's body — NAME = EXPR or return EXPR —
// into d.
func (d *Def) body(part []token, text []rune, defs map[string]bool) {
	if d.Ret != nil || d.Problem != "" {
		return // after the return nothing runs; after a problem nothing matters
	}
	if t := part[0]; t.kind == tIdent && t.name == "return" {
		if part[1].kind == tEOL {
			d.cannot("line %d: it returns nothing", t.pos.Line)
			return
		}
		p := &parser{toks: append(append([]token{}, part[1:len(part)-1]...), part[len(part)-1]), defs: defs}
		x, err := p.expr(0)
		if err == nil && p.peek().kind == tComma {
			// return dA_prev, dW, db: a tuple, unpacked by the caller
			elems := []Expr{x}
			for err == nil && p.peek().kind == tComma {
				p.next()
				if p.peek().kind == tEOL {
					break
				}
				x, err = p.expr(0)
				elems = append(elems, x)
			}
			if err == nil {
				start, _ := elems[0].Span()
				_, end := elems[len(elems)-1].Span()
				x, err = grow(Expr(&Tuple{node: node{start, end, depth(elems...)}, Elems: elems}))
			}
		}
		if err == nil && p.peek().kind != tEOL {
			err = p.unexpected(p.peek())
		}
		if err != nil {
			d.cannot("line %d, column %d: %s", err.Line, err.Col, err.Msg)
			return
		}
		d.Ret = x
		return
	}
	if skip, err := skipLine(part); skip || err != nil {
		if err != nil {
			d.cannot("line %d, column %d: %s", err.Line, err.Col, err.Msg)
		}
		return
	}
	var st Stmt
	var err *Error
	if part[0].kind == tIdent && part[0].name == assertName {
		st, err = assertion(part, defs)
	} else {
		p := &parser{toks: part, defs: defs}
		st, err = p.statement()
	}
	if err != nil {
		d.cannot("line %d, column %d: %s", err.Line, err.Col, err.Msg)
		return
	}
	st.Text = strings.TrimSpace(string(text[part[0].pos.Col-1 : part[len(part)-2].end-1]))
	d.Body = append(d.Body, st)
}

// finish closes a function's reading: a def without a return statement
// returns None, which no line can use.
func (d *Def) finish() {
	if !d.Frame && d.Ret == nil {
		d.cannot("it has no return statement")
	}
}

// maxCallDepth bounds calls inside calls: a def that calls itself has no
// way to stop in the language (there is no if).
const maxCallDepth = 32

// callDef runs the learner's def for a call: the arguments bound to its
// parameters, its body line by line in a scope of its own over the
// file's names, then its return expression.
func (ev *evaluator) callDef(c *Call) (Value, error) {
	d := ev.prog.defFor(c.Fn, c.P.Line)
	if fn, prime, ok := builtinFor(d.Name); ok && ev.builtin == d && len(c.Args) == 1 {
		return ev.call(&Call{node: c.node, Fn: fn, Prime: prime, Args: c.Args})
	}
	where := printf.Sprintf("%s (your def on line %d)", d.Name, d.Line)
	switch {
	case d.Frame:
		return Value{}, errorf(c.P, KindCannotTell, "cannot tell, because %s is the frame of a backward pass: its lines are checked one by one, and a call to it is not evaluated", where)
	case d.Problem != "":
		return Value{}, errorf(c.P, KindCannotTell, "cannot tell, because %s cannot be evaluated: %s", where, d.Problem)
	case len(c.Args) < d.minArgs || len(c.Args) > len(d.Params):
		want := printf.Sprint(len(d.Params))
		if d.minArgs < len(d.Params) {
			want = printf.Sprintf("%d to %d", d.minArgs, len(d.Params))
		}
		return Value{}, errorf(c.P, KindEval, "%s takes %s argument%s (%s), and this call gives %d", where, want, plural(len(d.Params)), strings.Join(d.Params, ", "), len(c.Args))
	case ev.calls >= maxCallDepth:
		return Value{}, errorf(c.P, KindCannotTell, "cannot tell, because %s calls itself over and over (more than %d calls deep), which the checker cannot follow", where, maxCallDepth)
	}
	globals := ev.globals
	if globals == nil {
		globals = ev.env
	}
	sub := &evaluator{prog: ev.prog, d: ev.d, acts: ev.acts, L: ev.L, builtin: ev.builtin, globals: globals, globalBad: ev.topBad(), calls: ev.calls + 1, alloc: ev.alloc, steps: ev.steps,
		env: make(map[string]Value, len(globals)+len(d.Params)+len(d.Body)), bad: map[string]failed{}}
	for k, v := range globals {
		sub.env[k] = v
	}
	if ev.alloc != nil { // the call's own names, which outlive nothing but cost something
		*ev.alloc = ev.alloc.Plus(budget.Bytes(64 * (len(sub.env) + len(d.Body) + len(d.Params))))
	}
	for k, v := range ev.topBad() {
		sub.bad[k] = v
	}
	// numpy's aliasing through the parameters: an update in place of a
	// parameter (or a name bound to it by a plain =) changes the caller's
	// array, passed by name
	var origin, same map[string]string // parameter → the caller's name; body name → its parameter
	var changed map[string]Value
	for _, st := range d.Body {
		if st.InPlace {
			origin, same, changed = map[string]string{}, map[string]string{}, map[string]Value{}
			break
		}
	}
	var bound map[string]bool // by keyword: which parameters are given
	if c.Keys != nil {
		bound = map[string]bool{}
	}
	for i, a := range c.Args {
		v, err := ev.evalAny(a)
		if err != nil {
			return Value{}, err
		}
		param := d.Params[min(i, len(d.Params)-1)]
		if bound != nil {
			if c.Keys[i] != "" {
				param = ""
				for _, q := range d.Params {
					if q == c.Keys[i] {
						param = q
					}
				}
				if param == "" {
					return Value{}, errorf(c.P, KindEval, "%s has no parameter %s: Python stops with a TypeError", where, c.Keys[i])
				}
			}
			if bound[param] {
				return Value{}, errorf(c.P, KindEval, "%s gets %s twice: Python stops with a TypeError", where, param)
			}
			bound[param] = true
		}
		name := canonName(param, ev.L)
		sub.env[name] = v
		delete(sub.bad, name)
		if id, ok := a.(*Ident); ok && origin != nil && v.T == nil { // dA1.copy() passes a new array
			origin[name], same[name] = canonName(id.Name, ev.L), name
		}
	}
	for _, q := range d.Params[:d.minArgs] {
		if bound != nil && !bound[q] {
			return Value{}, errorf(c.P, KindEval, "%s is called without %s: Python stops with a TypeError", where, q)
		}
	}
	wrap := func(err error) error {
		e, ok := err.(*Error)
		if !ok {
			return errorf(c.P, KindEval, "in %s: %v", where, err)
		}
		switch e.Kind {
		case KindCannotTell:
			return errorf(c.P, KindCannotTell, "%s", e.Msg)
		case KindName:
			return errorf(c.P, KindCannotTell, "cannot tell, because %s, called here, fails at line %d, column %d: %s (its names are its parameters, its own lines and the names the file defines before the call)", where, e.Line, e.Col, e.Msg)
		}
		return errorf(c.P, e.Kind, "in %s, called here, at line %d, column %d: %s", where, e.Line, e.Col, e.Msg)
	}
	for _, st := range d.Body {
		if run, err := sub.holds(st.Guard, where); err != nil {
			return Value{}, wrap(err)
		} else if !run {
			continue
		}
		v, err := sub.evalAny(st.X)
		if err != nil {
			return Value{}, wrap(err)
		}
		name := canonName(st.Name, ev.L)
		sub.env[name] = v
		delete(sub.bad, name)
		if same != nil {
			switch x := st.X.(type) { // (a .copy() is a Paren: a new array)
			case *Ident:
				if p, ok := same[canonName(x.Name, ev.L)]; ok && !st.InPlace {
					same[name] = p // dZ = dA: the same array
					break
				}
				if !st.InPlace {
					delete(same, name)
				}
			default:
				if !st.InPlace {
					delete(same, name)
				}
			}
			if p, ok := same[name]; ok && st.InPlace {
				changed[p] = v
			}
		}
		changed = sub.nested(changed, same)
	}
	v, err := sub.evalAny(d.Ret)
	if err != nil {
		return Value{}, wrap(err)
	}
	changed = sub.nested(changed, same)
	for p, v := range changed {
		caller := ""
		if origin != nil {
			caller = origin[p]
		}
		if caller == "" { // a parameter passed by position, changed by a def it called
			for i, a := range c.Args {
				if id, ok := a.(*Ident); ok && i < len(d.Params) && (c.Keys == nil || c.Keys[i] == "") && canonName(d.Params[i], ev.L) == p {
					caller = canonName(id.Name, ev.L)
				}
			}
		}
		if caller != "" {
			ev.mutate(caller, v, printf.Sprintf("numpy changes %s too: %s updates its parameter %s in place, and %s is the array passed to it; the lines after this one read the changed %s, as numpy's would (pass %s.copy() to keep it)", caller, where, p, caller, caller, caller))
		}
	}
	for _, n := range sub.notes {
		ev.note("in %s: %s", where, n)
	}
	return v, nil
}

// nested applies what the defs a body line called changed in place to
// this call's names, adding each to changed under the parameter it is
// (or is bound to).
func (ev *evaluator) nested(changed map[string]Value, same map[string]string) map[string]Value {
	for n, m := range ev.mutated {
		ev.env[n] = m
		p := n
		if same != nil {
			if q, ok := same[n]; ok {
				p = q
			}
		}
		if changed == nil {
			changed = map[string]Value{}
		}
		changed[p] = m
	}
	ev.mutated = nil
	return changed
}

// mutate records that this line changes the caller's name in place.
func (ev *evaluator) mutate(name string, v Value, note string) {
	if ev.mutated == nil {
		ev.mutated = map[string]Value{}
	}
	ev.mutated[name] = v
	ev.note("%s", note)
}

// holds reports whether a body line's if conditions hold for this call.
func (ev *evaluator) holds(g []cond, where string) (bool, error) {
	for _, c := range g {
		v, ok := ev.env[canonName(c.Param, ev.L)]
		text, isStr := v.str()
		if !ok || !isStr {
			return false, errorf(Pos{}, KindCannotTell, "cannot tell, because %s tests %s == \"%s\", and %s is not a string in this call: pass the string, as in activation=\"relu\"", where, c.Param, c.Val, c.Param)
		}
		if (text == c.Val) != c.Eq {
			return false, nil
		}
	}
	return true, nil
}

// topBad is the failed names a def's body sees: the file's, not a
// caller's locals.
func (ev *evaluator) topBad() map[string]failed {
	if ev.globalBad != nil {
		return ev.globalBad
	}
	return ev.bad
}

// builtinFor is the language's function a def's name stands for, as
// sigmoid_prime is sigmoid′: what the def was meant to be, to tell a
// mistake in the def from one in the line that calls it.
func builtinFor(name string) (fn string, prime, ok bool) {
	for _, s := range derivativeSuffixes {
		if base, cut := strings.CutSuffix(name, s); cut && base != "" {
			name, prime = base, true
			break
		}
	}
	if _, act := activationFuncs[name]; act || name == "exp" || name == "log" {
		return name, prime, true
	}
	return "", false, false
}

// shadowing are the file's functions named as one of the language's
// (sigmoid, sigmoid_prime, relu_derivative…) that some line calls.
func (c *checker) shadowing() []*Def {
	var out []*Def
	uncalled := map[*Def]bool{}
	for _, d := range c.uncalled() {
		uncalled[d] = true
	}
	for _, d := range c.prog.defs {
		if _, _, ok := builtinFor(d.Name); ok && !d.Frame && !uncalled[d] {
			out = append(out, d)
		}
	}
	return out
}

// blameDefs tells, for each checked line that is wrong, whether one of
// the learner's defs is the cause: rerun with the language's function in
// place of a def named as one (sigmoid_prime is sigmoid′), a line that
// comes out right is right but for that def, and its message says so.
func (c *checker) blameDefs(rep *Result, xs []int) {
	var wrong []int
	for i, r := range rep.Results {
		if r.Checked && r.Status == Wrong {
			wrong = append(wrong, i)
		}
	}
	if len(wrong) == 0 {
		return
	}
	blamed := map[int][]string{}
	derivative := map[int]bool{} // a derivative def was blamed: its argument may be the mistake
	for _, d := range c.shadowing() {
		js := make([][]judgement, len(rep.Results))
		for _, x := range xs {
			ev := c.evaluator(x)
			ev.builtin = d
			out := c.exec(ev, nil, nil)
			for _, i := range wrong {
				js[i] = append(js[i], c.judge(i, out[i], x))
			}
		}
		fn, prime, _ := builtinFor(d.Name)
		if prime {
			fn += "′"
		}
		for _, i := range wrong {
			if aggregate(js[i]).status == Correct {
				blamed[i] = append(blamed[i], printf.Sprintf("%s for your %s (line %d)", fn, d.Name, d.Line))
				derivative[i] = derivative[i] || prime
			}
		}
	}
	for i, names := range blamed {
		r := &rep.Results[i]
		where := "the mistake is in your def, not in this line"
		if derivative[i] {
			// the language's f′ takes Z; a def written for A (a·(1−a)) is
			// right and called with the wrong argument
			where = "the mistake is in your def or in what the line passes it (the language's derivative takes Z)"
		}
		r.Message += printf.Sprintf(" With the language's %s, this line gives the true %s: %s.", joinAnd2(names), c.info[i].canonical(), where)
	}
}

// joinAnd2 joins a list with commas and a last "and".
func joinAnd2(list []string) string {
	if len(list) < 2 {
		return strings.Join(list, "")
	}
	return strings.Join(list[:len(list)-1], ", ") + " and " + list[len(list)-1]
}
