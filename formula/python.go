package formula

import (
	"math"
	"sort"
	"strings"

	"github.com/backproof/backproof/internal/printf"
	"gonum.org/v1/gonum/mat"
)

// Python's scaffolding around a pasted backward pass: statements over
// several lines, tuples unpacked from a cache, dictionary lookups and
// asserts on shapes. What is read here becomes the language's own
// statements and nodes, so that every line is judged by the same machinery.

// segment says where a piece of a joined line came from: from column At
// of the joined text on, the text is physical line Line from column Col.
type segment struct{ At, Line, Col int }

// logical is a Python logical line: a statement continued inside brackets
// or after a trailing backslash, joined into one line of text.
type logical struct {
	text []rune
	segs []segment // one a physical line, the first at column 1
}

// joinLines joins the physical lines that Python reads as one statement:
// lines ending inside ( [ { and lines ending with \. A comment on a
// continued line is dropped, and each continuation's indentation becomes
// one space. It returns, per physical line index, the logical line that
// starts there, and marks the lines continued into an earlier one. A
// bracket never closed is not joined: its line keeps the error that says so.
func joinLines(lines []string, doc []bool) (map[int]*logical, []bool) {
	starts := map[int]*logical{}
	cont := make([]bool, len(lines))
	for i := 0; i < len(lines); i++ {
		if doc[i] {
			continue
		}
		text := []rune(lines[i])
		depth, back := continues(i+1, text)
		if depth <= 0 && !back {
			continue
		}
		// find where it ends; give up on a bracket that never closes
		j, ok := i, false
		pieces := [][]rune{cut(text)}
		for j+1 < len(lines) && !doc[j+1] && j-i < maxJoined {
			j++
			next := []rune(lines[j])
			d, b := continues(j+1, next)
			depth += d
			pieces = append(pieces, cut(next))
			if depth < 0 {
				break
			}
			if depth == 0 && !b {
				ok = true
				break
			}
		}
		if !ok {
			continue
		}
		l := &logical{}
		for k, p := range pieces {
			col := 1
			if k > 0 {
				trimmed := strings.TrimLeft(string(p), " \t")
				col = len(p) - len([]rune(trimmed)) + 1
				p = []rune(trimmed)
				l.text = append(l.text, ' ')
			}
			l.segs = append(l.segs, segment{At: len(l.text) + 1, Line: i + k + 1, Col: col})
			l.text = append(l.text, p...)
		}
		starts[i] = l
		for k := i + 1; k <= j; k++ {
			cont[k] = true
		}
		i = j
	}
	return starts, cont
}

// maxJoined bounds the physical lines one statement may take: a bracket
// left open by mistake is not joined with the rest of the file.
const maxJoined = 100

// continues reads one physical line: how many brackets it leaves open
// (negative when it closes more than it opens) and whether it ends with
// a backslash that continues it.
func continues(n int, text []rune) (int, bool) {
	toks, errs := lexLine(n, text)
	depth := 0
	for _, t := range toks {
		depth += t.kind.nesting()
	}
	back := false
	for _, e := range errs {
		if strings.HasPrefix(e.Msg, `\ at the end of a line`) {
			back = true
		}
	}
	return depth, back
}

// cut is a physical line without its comment and its continuing
// backslash, for joining.
func cut(text []rune) []rune {
	toks, _ := lexLine(0, text)
	end := 0
	if len(toks) > 1 {
		end = toks[len(toks)-2].end - 1
	}
	out := text
	for k := end; k < len(text); k++ {
		if text[k] == '#' {
			out = text[:k]
			break
		}
	}
	s := strings.TrimRight(string(out), " \t")
	s = strings.TrimSuffix(s, `\`)
	return []rune(strings.TrimRight(s, " \t"))
}

// place is where a position in a joined line is in the file as written.
func (p *Program) place(at Pos) Pos {
	if at.Line < 1 || at.Line > len(p.joined) || p.joined[at.Line-1] == nil {
		return at
	}
	l := p.joined[at.Line-1]
	if l == nil {
		return at
	}
	s := l.segs[0]
	for _, g := range l.segs {
		if at.Col >= g.At {
			s = g
		}
	}
	return Pos{s.Line, s.Col + at.Col - s.At}
}

// placeErr moves an error's position from a joined line to the file.
func (p *Program) placeErr(err error) error {
	switch e := err.(type) {
	case *Error:
		e.Pos = p.place(e.Pos)
	case ErrorList:
		for _, x := range e {
			x.Pos = p.place(x.Pos)
		}
	}
	return err
}

// topLevel splits toks (without their tEOL) at the commas outside brackets.
func topLevel(toks []token) [][]token {
	var out [][]token
	depth, from := 0, 0
	for i, t := range toks {
		depth += t.kind.nesting()
		switch t.kind {
		case tComma:
			if depth == 0 {
				out = append(out, toks[from:i])
				from = i + 1
			}
		}
	}
	return append(out, toks[from:])
}

// unwrap drops one pair of parentheses around the whole of toks.
func unwrap(toks []token) []token {
	if len(toks) < 2 || toks[0].kind != tLParen || toks[len(toks)-1].kind != tRParen {
		return toks
	}
	depth := 0
	for i, t := range toks {
		depth += t.kind.nesting()
		if depth == 0 && i < len(toks)-1 {
			return toks // (a) + (b)
		}
	}
	return toks[1 : len(toks)-1]
}

// unpack reads a tuple assignment, one statement's tokens with their
// tEOL. Names unpacked from a cache, (Z1, A1, W1, b1, Z2, A2, W2, b2) =
// cache, are the problem's own, so the line is skipped; a tuple of
// values, dW2, db2 = A1.T @ dZ2, np.sum(dZ2, axis=0), becomes one
// statement a name. ok is false when the statement is no tuple assignment.
//
// Names unpacked from one call, dA1, dW2, db2 = linear_backward(dZ2,
// cache), and, inside a def, from a name (A_prev, W, b = cache), become
// one statement a name whose value is picked from the tuple: picks[k] is
// the index part k takes (every part has one then).
func unpack(part []token, inDef bool) (parts [][]token, picks []int, skip bool, err *Error) {
	eq := -1
	depth := 0
	for i, t := range part {
		depth += t.kind.nesting()
		switch t.kind {
		case tAssign:
			if depth == 0 && eq < 0 {
				eq = i
			}
		}
	}
	if eq < 1 {
		return nil, nil, false, nil
	}
	lhs := topLevel(unwrap(part[:eq]))
	if len(lhs) < 2 {
		return nil, nil, false, nil
	}
	if len(lhs[len(lhs)-1]) == 0 {
		lhs = lhs[:len(lhs)-1] // a, b, = …
	}
	var names []token
	for _, n := range lhs {
		n = unwrap(n)
		if len(n) != 1 || n[0].kind != tIdent {
			p := part[0].pos
			if len(n) > 0 {
				p = n[0].pos
			}
			return nil, nil, false, errorf(p, KindSyntax, "a tuple assignment here unpacks into plain names (dW2, db2 = …); write one NAME = EXPRESSION a line")
		}
		names = append(names, n[0])
	}
	end := part[len(part)-1]
	rhs := part[eq+1 : len(part)-1]
	values := topLevel(unwrap(rhs))
	if len(values) > 1 && len(values[len(values)-1]) == 0 {
		values = values[:len(values)-1]
	}
	if len(values) == len(names) && len(values) > 1 {
		// Python evaluates the whole right side first: a value that
		// reads a name assigned before it on the left would change.
		for k, v := range values {
			for _, t := range v {
				for _, n := range names[:k] {
					if t.kind == tIdent && t.name == n.name && t.pos != n.pos {
						return nil, nil, false, errorf(t.pos, KindSyntax, "%s is assigned on the left of this tuple and read on its right, where Python reads its old value: write the values on lines of their own, one NAME = EXPRESSION a line", t.text)
					}
				}
			}
		}
		for k, n := range names {
			st := append([]token{n, part[eq]}, values[k]...)
			parts = append(parts, append(st, token{kind: tEOL, pos: end.pos, end: end.end}))
		}
		return parts, nil, false, nil
	}
	if v := values; len(v) == 1 && len(v[0]) == 3 && v[0][0].kind == tIdent && v[0][1].kind == tDot && v[0][2].name == "shape" && len(names) == 2 {
		// N, D = X.shape: each name one size, as numpy's shape tuple holds them
		for k, n := range names {
			at := v[0][2]
			idx := []token{{kind: tLBrack, text: "[", pos: at.pos, end: at.end}, {kind: tNumber, text: printf.Sprint(k), num: float64(k), pos: at.pos, end: at.end}, {kind: tRBrack, text: "]", pos: at.pos, end: at.end}}
			st := append(append([]token{n, part[eq]}, v[0]...), idx...)
			parts = append(parts, append(st, token{kind: tEOL, pos: end.pos, end: end.end}))
		}
		return parts, nil, false, nil
	}
	pick := func() ([][]token, []int, bool, *Error) {
		for k, n := range names { // _ too, a name as Python binds it
			st := append([]token{n, part[eq]}, values[0]...)
			parts = append(parts, append(st, token{kind: tEOL, pos: end.pos, end: end.end}))
			picks = append(picks, k)
		}
		return parts, picks, false, nil
	}
	call := len(values) == 1 && len(values[0]) > 2 && values[0][0].kind == tIdent && values[0][1].kind == tLParen && values[0][len(values[0])-1].kind == tRParen
	if call && !cacheLike(values[0][:1]) {
		call = false
	}
	if len(values) == 1 && cacheLike(values[0]) {
		problemNames := true
		for _, n := range names {
			switch classify(n.name).kind {
			case nkX, nkY, nkA, nkZ, nkW, nkB:
			default:
				problemNames = problemNames && n.name == "_"
			}
		}
		if inDef && !problemNames {
			return pick() // A_prev, W, b = cache: the def's own names
		}
		for _, n := range names {
			if n.name == "_" || regularizationName(n.name) {
				continue
			}
			switch classify(n.name).kind {
			case nkX, nkY, nkA, nkZ, nkW, nkB:
				continue
			}
			return nil, nil, false, errorf(n.pos, KindSyntax, "%s is unpacked from %s, but the problem does not give %s: it gives X, Y, A1…, Z1…, W1…, b1… by name, so a line that unpacks only those can stay and any other can go; name the layers (A1, W2, b2) where the course writes A_prev, W, b",
				n.text, tokensText(values[0]), n.text)
		}
		return nil, nil, true, nil
	}
	if call {
		return pick() // dA1, dW2, db2 = linear_backward(dZ2, cache)
	}
	return nil, nil, false, errorf(part[eq].pos, KindSyntax, "this tuple assignment has %d names on the left and %d values on the right: unpack the problem's names from a cache (Z1, A1, W2 = cache), give one value a name (dW2, db2 = A1.T @ dZ2, np.sum(dZ2, axis=0)), or write one NAME = EXPRESSION a line", len(names), len(values))
}

// cacheLike reports whether toks are a cache a tuple is unpacked from:
// a name, an entry of one (caches[1], cache["layer1"]) or an attribute.
func cacheLike(toks []token) bool {
	if len(toks) == 0 || toks[0].kind != tIdent {
		return false
	}
	for _, t := range toks[1:] {
		switch t.kind {
		case tIdent, tDot, tLBrack, tRBrack, tNumber, tString:
		case tOp:
			if t.op != '-' {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func tokensText(toks []token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 && t.pos.Col > toks[i-1].end {
			b.WriteByte(' ')
		}
		b.WriteString(t.text)
	}
	return b.String()
}

// entry reads ["KEY"] after a name, a dictionary's entry, and returns the
// key as a name token; ok is false (and nothing is read) when no entry follows.
func (p *parser) entry() (token, bool) {
	if p.peek().kind != tLBrack || p.peekAt(1).kind != tString || p.peekAt(2).kind != tRBrack {
		return token{}, false
	}
	p.next()
	k := p.next()
	r := p.next()
	key := strings.Trim(k.text, `"'`)
	return token{kind: tIdent, text: k.text, name: key, pos: k.pos, end: r.end}, true
}

// nameLike reports whether a dictionary key is a name: W1, dZ2, A_prev.
func nameLike(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !isIdentPart(r) || (i == 0 && !isIdentStart(r)) {
			return false
		}
	}
	return true
}

// Assert is Python's assert on shapes, assert dW1.shape == W1.shape or
// assert dW1.shape == (n1, n0): a claim the line checks as numpy would,
// stopping the run when it is false.
type Assert struct {
	node
	X    Expr   // the array whose shape is claimed
	Y    Expr   // the array it is claimed equal to, or nil
	Dims []Expr // the sizes it is claimed to have, when Y is nil
}

// nkAssert is the kind of an assert's line: not a name, but a claim
// whose failure fails the file.
const nkAssert nameKind = -1

// assertName is the name an assert's statement is bound under; Python
// cannot name a variable so.
const assertName = "assert"

// assertion reads assert CLAIM [, MESSAGE], the parts' tokens with their
// tEOL: the claim is A.shape == B.shape or A.shape == (n, k).
func assertion(part []token, defs map[string]bool) (Stmt, *Error) {
	kw := part[0]
	end := part[len(part)-1]
	eol := token{kind: tEOL, pos: end.pos, end: end.end}
	rest := topLevel(part[1 : len(part)-1])
	claim := unwrap(rest[0])
	refuse := func(p Pos) *Error {
		return errorf(p, KindSyntax, "an assert is read when it claims a shape, as in assert dW1.shape == W1.shape or assert dW1.shape == (n_h, n_x): other asserts are not part of the language, so delete this one or write it so")
	}
	if len(rest) > 2 || len(claim) == 0 {
		return Stmt{}, refuse(kw.pos)
	}
	eq := -1
	for i, t := range claim {
		if t.kind == tEq {
			eq = i
		}
	}
	if eq < 1 || eq == len(claim)-1 {
		return Stmt{}, refuse(kw.pos)
	}
	sub := func(toks []token) (Expr, *Error) {
		p := &parser{toks: append(append([]token{}, toks...), eol), defs: defs}
		x, err := p.expr(0)
		if err == nil && p.peek().kind != tEOL {
			err = p.unexpected(p.peek())
		}
		return x, err
	}
	l, err := sub(claim[:eq])
	if err != nil {
		return Stmt{}, err
	}
	a := &Assert{}
	if s, ok := unparen(l).(*ShapeOf); ok && s.Axis == -1 {
		a.X = s.X
	} else {
		return Stmt{}, refuse(claim[0].pos)
	}
	right := claim[eq+1:]
	if dims := topLevel(unwrap(right)); len(dims) > 1 {
		for _, d := range dims {
			if len(d) == 0 {
				continue // (n,)
			}
			x, err := sub(d)
			if err != nil {
				return Stmt{}, err
			}
			a.Dims = append(a.Dims, x)
		}
	} else {
		r, err := sub(right)
		if err != nil {
			return Stmt{}, err
		}
		s, ok := unparen(r).(*ShapeOf)
		if !ok || s.Axis != -1 {
			return Stmt{}, refuse(right[0].pos)
		}
		a.Y = s.X
	}
	last := claim[len(claim)-1]
	a.node = node{kw.pos, last.end, depth(append([]Expr{a.X, a.Y}, a.Dims...)...)}
	return Stmt{Name: assertName, NamePos: kw.pos, X: a, Line: kw.pos.Line}, nil
}

// assert evaluates an assert's claim: its value is 1 when the shapes are
// equal; otherwise the line fails, as Python's AssertionError stops the run.
func (ev *evaluator) assert(e *Assert) (Value, error) {
	x, err := ev.eval(e.X)
	if err != nil {
		return Value{}, err
	}
	got := numpyShape(x.S)
	var want, what string
	if e.Y != nil {
		y, err := ev.eval(e.Y)
		if err != nil {
			return Value{}, err
		}
		want, what = numpyShape(y.S), printf.Sprintf("%s.shape is %s", ev.src(e.Y), numpyShape(y.S))
		if !y.S.Scalar {
			what += " (" + y.S.String() + ")"
		}
	} else {
		var ns []string
		for _, d := range e.Dims {
			v, err := ev.eval(d)
			if err != nil {
				return Value{}, err
			}
			if !v.S.Scalar {
				p, _ := d.Span()
				return Value{}, errorf(p, KindShape, "%s is a %s matrix, not a size: a shape is a tuple of numbers", ev.src(d), v.S)
			}
			ns = append(ns, printf.Sprintf("%g", v.M.At(0, 0)))
		}
		if len(ns) == 1 {
			want = "(" + ns[0] + ",)"
		} else {
			want = "(" + strings.Join(ns, ", ") + ")"
		}
		what = "the claim is " + want
	}
	shape := got
	if !x.S.Scalar {
		shape += " (" + x.S.String() + ")"
	}
	if got != want {
		return Value{}, errorf(e.P, KindEval, "the assert fails, and numpy stops here with an AssertionError: %s.shape is %s, but %s", ev.src(e.X), shape, what)
	}
	ev.said = printf.Sprintf("assert holds: %s.shape is %s", ev.src(e.X), shape)
	return scalar(1), nil
}

// numpyShape is a value's shape as numpy prints it: (3, 4), or () for a number.
func numpyShape(s Shape) string {
	if s.Scalar {
		return "()"
	}
	return printf.Sprintf("(%d, %d)", s.R.N, s.C.N)
}

// Update is an assignment into part of an array, as numpy makes it in
// place: Base[Mask] op= Value (dZ1[Z1 <= 0] = 0), or, with integer labels,
// Base[Rows, Cols] op= Value where one index is range(N) over the examples
// and the other the labels (dscores[range(N), y] -= 1). Op is 0 for =.
type Update struct {
	node
	Base       Expr
	Mask       Expr
	Rows, Cols Expr
	Op         rune
	Value      Expr
	Masked     bool // the value is written Value[Mask]: its entries under the mask
}

// Range is range(N) or np.arange(N) as an index: every example.
type Range struct {
	node
	N Expr
}

// index reads [MASK] or [I, J] after the name an assignment updates.
func (p *parser) index(name token) (*Update, *Error) {
	lb := p.next()
	p.open = append(p.open, token{text: "[", pos: lb.pos})
	defer func() { p.open = p.open[:len(p.open)-1] }()
	first, err := p.indexExpr()
	if err != nil {
		return nil, err
	}
	up := &Update{}
	if p.peek().kind == tComma {
		p.next()
		second, err := p.indexExpr()
		if err != nil {
			return nil, err
		}
		_, r1 := first.(*Range)
		_, r2 := second.(*Range)
		if r1 == r2 {
			return nil, errorf(lb.pos, KindSyntax, "%s[i, j] = … is read with range(N) over the examples in one index and the labels in the other, as in dscores[range(N), y] -= 1; other indexing is not part of the language", name.text)
		}
		// the labels, when they are a name: the problem's, or the
		// learner's own name for them (Yb, labels) when the paste has none
		if id, ok := second.(*Ident); ok && r1 {
			second = &LabelName{Ident: id}
		}
		if id, ok := first.(*Ident); ok && r2 {
			first = &LabelName{Ident: id}
		}
		up.Rows, up.Cols = first, second
	} else {
		if _, ok := first.(*Range); ok {
			return nil, errorf(lb.pos, KindSyntax, "%s[range(N)] = … is not part of the language: the labels' update is %s[range(N), y] -= 1", name.text, name.text)
		}
		up.Mask = first
	}
	if t := p.next(); t.kind != tRBrack {
		if t.kind == tColon {
			return nil, p.unexpected(t)
		}
		return nil, errorf(t.pos, KindSyntax, "%s[…] = … is read with a mask (dZ1[Z1 <= 0] = 0) or with range(N) and the labels (dscores[range(N), y] -= 1): expected ] here, found %s", name.text, describe(t))
	}
	return up, nil
}

// indexExpr reads one index: range(N), np.arange(N), or an expression.
func (p *parser) indexExpr() (Expr, *Error) {
	t := p.peek()
	rng := t.kind == tIdent && t.name == "range" && p.peekAt(1).kind == tLParen
	np := t.kind == tIdent && (t.name == "np" || t.name == "numpy") && p.peekAt(1).kind == tDot && p.peekAt(2).name == "arange" && p.peekAt(3).kind == tLParen
	if !rng && !np {
		if t.kind == tColon {
			return nil, p.unexpected(t)
		}
		return p.expr(0)
	}
	if np {
		p.next()
		p.next()
	}
	fn := p.next()
	lp := p.next()
	args, kw, end, err := p.args(fn, lp)
	if err != nil {
		return nil, err
	}
	if len(args) != 1 || len(kw) > 0 {
		return nil, errorf(t.pos, KindSyntax, "%s takes one argument here, the number of examples: range(N)", fn.text)
	}
	return &Range{node: node{t.pos, end, depth(args[0])}, N: args[0]}, nil
}

// sameMask reports whether what follows = is NAME[MASK] with the mask of
// up written the same: dZ[Z > 0] = dA[Z > 0].
func (p *parser) sameMask(up *Update) bool {
	if p.peek().kind != tIdent || p.peekAt(1).kind != tLBrack {
		return false
	}
	from, end := up.Mask.Span()
	// the mask's tokens as written are on the same line, before this point
	var mask []string
	for _, t := range p.toks[:p.i] {
		if t.pos.Line == from.Line && t.pos.Col >= from.Col && t.end <= end {
			mask = append(mask, t.text)
		}
	}
	k := 2
	for _, m := range mask {
		if p.peekAt(k).text != m {
			return false
		}
		k++
	}
	return p.peekAt(k).kind == tRBrack && p.peekAt(k+1).kind == tEOL
}

// update evaluates Base[…] op= Value on a copy of Base: the entries the
// mask or the labels select are changed, the others kept.
func (ev *evaluator) update(e *Update) (Value, error) {
	base, err := ev.eval(e.Base)
	if err != nil {
		return Value{}, err
	}
	if base.S.Scalar {
		return Value{}, errorf(e.P, KindShape, "%s is a number, which cannot be indexed", ev.src(e.Base))
	}
	val, err := ev.eval(e.Value)
	if err != nil {
		return Value{}, err
	}
	same := func(s Shape) bool { return !s.Scalar && s.R.N == base.S.R.N && s.C.N == base.S.C.N }
	if e.Masked && !same(val.S) {
		return Value{}, errorf(e.P, KindShape, "%s[…] is %s but %s is %s: numpy's mask selects the same entries of both only when their shapes are equal", ev.src(e.Value), val.S, ev.src(e.Base), base.S)
	}
	if !e.Masked && !val.S.Scalar {
		p, _ := e.Value.Span()
		return Value{}, errorf(p, KindShape, "%s is %s: what is written into the selected entries is a number here (dZ1[Z1 <= 0] = 0), or the same mask of an array of %s's shape (dZ1[Z1 > 0] = dA1[Z1 > 0])", ev.src(e.Value), val.S, ev.src(e.Base))
	}
	var sel func(i, j int) bool
	if e.Mask != nil {
		mask, err := ev.eval(e.Mask)
		if err != nil {
			return Value{}, err
		}
		if !same(mask.S) {
			p, _ := e.Mask.Span()
			return Value{}, errorf(p, KindShape, "the mask %s is %s but %s is %s: numpy indexes an array only with a mask of its own shape (an IndexError otherwise)", ev.src(e.Mask), mask.S, ev.src(e.Base), base.S)
		}
		sel = func(i, j int) bool { return mask.M.At(i, j) != 0 }
	} else if sel, err = ev.labels(e, base); err != nil {
		return Value{}, err
	}
	if v, ok := ev.shaped(base.S); ok || sel == nil {
		return v, nil
	}
	out := mat.DenseCopyOf(base.M)
	r, c := out.Dims()
	for i := range r {
		for j := range c {
			if !sel(i, j) {
				continue
			}
			v := val.M.At(0, 0)
			if e.Masked {
				v = val.M.At(i, j)
			}
			old := out.At(i, j)
			switch e.Op {
			case '+':
				v = old + v
			case '-':
				v = old - v
			case '*':
				v = old * v
			case '/':
				v = old / v
			case '@':
				return Value{}, errorf(e.P, KindEval, "@= into selected entries is not an operation numpy has")
			}
			out.Set(i, j, v)
		}
	}
	return Value{M: out, S: base.S}, nil
}

// labels reads Base[range(N), y] (or Base[y, range(N)] in the column
// layout): range(N) must be every example, and y the problem's one-hot
// targets, read as their integer labels (np.argmax(Y, axis=…) gives the
// same). It returns which entries are selected, nil when only shapes are
// worked out.
func (ev *evaluator) labels(e *Update, base Value) (func(i, j int) bool, error) {
	rng, lab, exAxis := e.Rows, e.Cols, 0 // the axis range(N) runs over
	if _, ok := e.Cols.(*Range); ok {
		rng, lab, exAxis = e.Cols, e.Rows, 1
	}
	n, err := ev.eval(rng.(*Range).N)
	if err != nil {
		return nil, err
	}
	examples := base.S.R
	if exAxis == 1 {
		examples = base.S.C
	}
	if !n.S.Scalar || n.M.At(0, 0) != float64(examples.N) {
		p, _ := rng.Span()
		return nil, errorf(p, KindShape, "%s must run over every example of %s, whose %s are %s: the examples are %s's %s",
			ev.src(rng), ev.src(e.Base), map[int]string{0: "rows", 1: "columns"}[exAxis], examples.Full(), ev.src(e.Base), map[int]string{0: "rows", 1: "columns"}[exAxis])
	}
	y, err := ev.eval(lab)
	if err != nil {
		return nil, err
	}
	p, _ := lab.Span()
	if y.S.Scalar || y.S.R.N != base.S.R.N || y.S.C.N != base.S.C.N {
		return nil, errorf(p, KindShape, "%s must be the labels of the examples, one a %s of %s (%s is %s): the problem's targets Y, one-hot, are read as their labels",
			ev.src(lab), map[int]string{0: "row", 1: "column"}[exAxis], ev.src(e.Base), ev.src(lab), y.S)
	}
	if y.M == nil {
		return nil, nil
	}
	r, c := y.M.Dims()
	for i := range r {
		for j := range c {
			if v := y.M.At(i, j); v != 0 && v != 1 {
				return nil, errorf(p, KindEval, "%s is not one-hot (it holds %g), so it has no integer labels: indexing with labels needs a problem whose targets are classes (--cost log-likelihood)", ev.src(lab), v)
			}
		}
	}
	return func(i, j int) bool { return y.M.At(i, j) == 1 }, nil
}

// aliases are the names bound to one numpy array: dZ1 = dA1 binds dZ1 to
// dA1's array, not a copy, so an update in place of either changes both.
type aliases map[string]string // name → the first name of its array

// bind records what line st does to the arrays, and returns the other
// names its update in place changes too.
func (a aliases) bind(st Stmt, name string, L int) []string {
	if st.InPlace {
		group, ok := a[name]
		if !ok {
			return nil
		}
		var out []string
		for k, g := range a {
			if g == group && k != name {
				out = append(out, k)
			}
		}
		sort.Strings(out)
		return out
	}
	delete(a, name)
	if id, ok := st.X.(*Ident); ok {
		other := canonName(id.Name, L)
		if _, ok := a[other]; !ok {
			a[other] = printf.Sprintf("%s@%d", other, st.Line) // a new array's first name
		}
		a[name] = a[other]
	}
	return nil
}

// staged finds the checked lines whose value the next line binding the
// same name updates in place: dZ1 = np.zeros_like(Z1) followed by
// dZ1[Z1 > 0] = dA1[Z1 > 0]. Such a line is a stage of the value, not a
// claim about it; it maps to the line of the update.
func staged(prog *Program, L int) map[int]int {
	out := map[int]int{}
	last := map[string]int{} // canonical name → the statement that bound it last
	for i, st := range prog.Stmts {
		name := canonName(st.Name, L)
		if k, ok := last[name]; ok && st.InPlace && classify(prog.Stmts[k].Name).in(L).checked() {
			out[k] = st.Line
		}
		last[name] = i
	}
	return out
}

// LabelName is a name standing for the labels in an update's index,
// dscores[range(N), Yb]: a name the file defines, the problem's Y, or,
// when the paste does not define it, the problem's labels, said in a note.
type LabelName struct{ *Ident }

func (l *LabelName) eval(ev *evaluator) (Value, error) {
	name := canonName(l.Name, ev.L)
	if _, ok := ev.env[name]; ok || classify(l.Name).kind == nkY {
		return ev.eval(l.Ident)
	}
	if _, ok := ev.bad[name]; ok {
		return ev.eval(l.Ident)
	}
	ev.note("%s is not defined in the paste: it is read as the labels of the problem's one-hot Y, the class of each example", l.Name)
	return ev.eval(&Ident{node: l.node, Name: "Y"})
}

// outer is numpy's np.outer(a, b): a and b flattened, a's entries down
// the rows and b's along the columns. Each must be a vector here.
func (ev *evaluator) outer(c *Call) (Value, error) {
	var vs [2]Value
	var dims [2]Dim
	for k, a := range c.Args {
		v, err := ev.eval(a)
		if err != nil {
			return Value{}, err
		}
		switch {
		case v.S.Scalar:
			dims[k] = one
		case v.S.R.N == 1:
			dims[k] = v.S.C
		case v.S.C.N == 1:
			dims[k] = v.S.R
		default:
			p, _ := a.Span()
			return Value{}, errorf(p, KindShape, "np.outer flattens its arguments, and %s is %s, a matrix, whose %d entries would become one axis: pass vectors (a column or a row)", ev.src(a), v.S, v.S.R.N*v.S.C.N)
		}
		vs[k] = v
	}
	s := Shape{R: dims[0], C: dims[1]}
	if v, ok := ev.shaped(s); ok {
		return v, nil
	}
	out := mat.NewDense(s.R.N, s.C.N, nil)
	entry := func(v Value, k int) float64 {
		if r, _ := v.M.Dims(); r == 1 {
			return v.M.At(0, k)
		}
		return v.M.At(k, 0)
	}
	for i := range s.R.N {
		for j := range s.C.N {
			out.Set(i, j, entry(vs[0], i)*entry(vs[1], j))
		}
	}
	return Value{M: out, S: s}, nil
}

// extreme is np.max or np.min over an axis, the dimension kept as sum
// keeps it: softmax's shift, scores − np.max(scores, axis=1, keepdims=True).
//
// np.argmax and np.argmin give where the extreme is instead: the row along
// axis 0, the column along axis 1, and with no axis the place in the
// entries read row by row; the first of equal ones, or the first nan, as
// numpy's.
func (ev *evaluator) extreme(c *Call) (Value, error) {
	x, err := ev.eval(c.Args[0])
	arg := c.Fn == "argmax" || c.Fn == "argmin"
	if err == nil && x.S.Scalar && arg {
		return scalar(0), nil
	}
	if err != nil || x.S.Scalar {
		return x, err
	}
	axis := -1
	if len(c.Args) == 2 {
		axis, _ = axisOf(c.Args[1])
	}
	s := Shape{R: one, C: one}
	switch axis {
	case 0:
		s.C = x.S.C
	case 1:
		s.R = x.S.R
	}
	if v, ok := ev.shaped(s); ok {
		return v, nil
	}
	better := func(a, b float64) bool { return a > b || math.IsNaN(a) && !math.IsNaN(b) }
	if c.Fn == "amin" || c.Fn == "argmin" {
		better = func(a, b float64) bool { return a < b || math.IsNaN(a) && !math.IsNaN(b) }
	}
	out := mat.NewDense(s.R.N, s.C.N, nil)
	at := mat.NewDense(s.R.N, s.C.N, nil) // argmax's index
	seen := mat.NewDense(s.R.N, s.C.N, nil)
	r, cols := x.M.Dims()
	for i := range r {
		for j := range cols {
			oi, oj := i, j
			if axis != 1 {
				oi = 0
			}
			if axis != 0 {
				oj = 0
			}
			if v := x.M.At(i, j); seen.At(oi, oj) == 0 || better(v, out.At(oi, oj)) {
				out.Set(oi, oj, v)
				seen.Set(oi, oj, 1)
				switch axis {
				case 0:
					at.Set(oi, oj, float64(i))
				case 1:
					at.Set(oi, oj, float64(j))
				default:
					at.Set(oi, oj, float64(i*cols+j))
				}
			}
		}
	}
	if arg {
		return Value{M: at, S: s}, nil
	}
	return Value{M: out, S: s}, nil
}

// number is Python's float(x) or int(x) of a value with one entry (int
// drops the fraction, toward zero); numpy refuses any other.
func (ev *evaluator) number(c *Call) (Value, error) {
	x, err := ev.eval(c.Args[0])
	if err != nil {
		return Value{}, err
	}
	if !x.S.Scalar && (x.S.R.N != 1 || x.S.C.N != 1) {
		return Value{}, errorf(c.P, KindEval, "%s(%s) needs one number, and %s is %s: numpy converts only an array of one entry", c.Fn, ev.src(c.Args[0]), ev.src(c.Args[0]), x.S)
	}
	if x.M == nil {
		return scalar(0), nil // shapes only: the number is not needed
	}
	v := x.M.At(0, 0)
	if c.Fn == "int" {
		v = math.Trunc(v)
	}
	return scalar(v), nil
}

// squeeze is numpy's np.squeeze(A), A.squeeze(): a 1×1 array is the
// number it holds (Ng's cost = np.squeeze(cost)); a row or a column is
// numpy's one-dimensional (n,), kept here with two axes as a sum without
// keepdims is: a 1×n row broadcasts as numpy's (n,) does, and an n×1
// column gets the same note as the sum; any other array is unchanged.
func (ev *evaluator) squeeze(c *Call) (Value, error) {
	x, err := ev.eval(c.Args[0])
	if err != nil || x.S.Scalar {
		return x, err
	}
	switch {
	case x.S.R.N == 1 && x.S.C.N == 1:
		if x.M == nil {
			return scalar(0), nil // shapes only: the number is not needed
		}
		return scalar(x.M.At(0, 0)), nil
	case x.S.C.N == 1:
		ev.note("numpy makes %s one-dimensional: (%d,), which broadcasts as a row, so a bias update b - η·db with b %s×1 would give %s×%s; it is kept %s×1 here, as the column it squeezes", ev.src(c), x.S.R.N, x.S.R.Sym, x.S.R.Sym, x.S.R.Sym, x.S.R.Sym)
	}
	return x, nil
}

// reshape is numpy's A.reshape(r, c), A.reshape((r, c)), A.reshape(B.shape)
// and np.reshape(A, (r, c)), one size possibly −1: the entries in numpy's
// row-major order, laid out r×c. A shape of one size (reshape(-1)) is
// numpy's one-dimensional array, refused with what to write.
func (ev *evaluator) reshape(c *Call) (Value, error) {
	x, err := ev.eval(c.Args[0])
	if err != nil {
		return Value{}, err
	}
	sizes := c.Args[1:]
	if len(sizes) == 1 {
		switch a := unparen(sizes[0]).(type) {
		case *Tuple:
			sizes = a.Elems
		case *ShapeOf:
			if a.Axis == -1 {
				s, err := ev.eval(a.X)
				if err != nil {
					return Value{}, err
				}
				if s.S.Scalar {
					return Value{}, errorf(a.P, KindEval, "%s is a number: it has no shape to reshape to", ev.src(a.X))
				}
				sizes = []Expr{&Num{node: a.node, Val: float64(s.S.R.N)}, &Num{node: a.node, Val: float64(s.S.C.N)}}
			}
		}
	}
	if len(sizes) != 2 {
		return Value{}, errorf(c.P, KindCannotTell, "cannot tell, because %s asks for %d size%s, and every value here has two axes (numpy's one-dimensional arrays are not modelled): give two sizes, as in .reshape(-1, 1) for a column", ev.src(c), len(sizes), plural(len(sizes)))
	}
	rows, cols := 1, 1
	if !x.S.Scalar {
		rows, cols = x.S.R.N, x.S.C.N
	}
	var n [2]int
	infer := -1
	for i, e := range sizes {
		v, err := ev.eval(e)
		if err != nil {
			return Value{}, err
		}
		f := math.NaN() // a matrix is no size (and in shapes alone it holds no number)
		if v.S.Scalar {
			f = v.M.At(0, 0)
		}
		if !v.S.Scalar || f != math.Trunc(f) || f < -1 || f == 0 {
			return Value{}, errorf(c.P, KindEval, "%s: size %s is not a whole number of entries (numpy raises an error)", ev.src(c), ev.src(e))
		}
		n[i] = int(f)
		if n[i] == -1 {
			if infer >= 0 {
				return Value{}, errorf(c.P, KindEval, "%s: only one size can be -1 (numpy raises a ValueError)", ev.src(c))
			}
			infer = i
		}
	}
	if infer >= 0 {
		other := n[1-infer]
		if (rows*cols)%other != 0 {
			return Value{}, errorf(c.P, KindEval, "cannot reshape %s, %d entries, into %d columns or rows: numpy raises a ValueError", ev.src(c.Args[0]), rows*cols, other)
		}
		n[infer] = rows * cols / other
	}
	if n[0]*n[1] != rows*cols {
		return Value{}, errorf(c.P, KindEval, "cannot reshape %s, %d entries (%s), into %d×%d: numpy raises a ValueError", ev.src(c.Args[0]), rows*cols, x.S, n[0], n[1])
	}
	if x.S.Scalar {
		x.S = Shape{R: one, C: one}
	}
	if n[0] == rows && n[1] == cols {
		return x, nil // the shape it has
	}
	dim := func(k int) Dim { // a size named as the array's own, else its number
		switch {
		case k == 1:
			return one
		case k == x.S.R.N:
			return x.S.R
		case k == x.S.C.N:
			return x.S.C
		}
		return Dim{printf.Sprint(k), k}
	}
	s := Shape{R: dim(n[0]), C: dim(n[1])}
	if v, ok := ev.shaped(s); ok {
		return v, nil
	}
	flat := make([]float64, 0, rows*cols)
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			flat = append(flat, x.M.At(i, j))
		}
	}
	return Value{M: mat.NewDense(n[0], n[1], flat), S: s}, nil
}

// eye is numpy's np.eye(n) and np.eye(n, k): ones on the diagonal.
func (ev *evaluator) eye(c *Call) (Value, error) {
	var n [2]int
	for i := range n {
		e := c.Args[min(i, len(c.Args)-1)]
		v, err := ev.eval(e)
		if err != nil {
			return Value{}, err
		}
		f := math.NaN()
		if v.S.Scalar {
			f = v.M.At(0, 0)
		}
		if !v.S.Scalar || f != math.Trunc(f) || f < 1 || f > 1<<16 {
			return Value{}, errorf(c.P, KindEval, "%s: the size %s is not a whole number of rows from 1 up", ev.src(c), ev.src(e))
		}
		n[i] = int(f)
	}
	dim := func(k int) Dim {
		if k == 1 {
			return one
		}
		return Dim{printf.Sprint(k), k}
	}
	s := Shape{R: dim(n[0]), C: dim(n[1])}
	if v, ok := ev.shaped(s); ok {
		return v, nil
	}
	m := mat.NewDense(n[0], n[1], nil)
	for i := 0; i < min(n[0], n[1]); i++ {
		m.Set(i, i, 1)
	}
	return Value{M: m, S: s}, nil
}
