package formula

import (
	"math"
	"strings"

	"github.com/backproof/backproof/internal/printf"
)

// The grammar, with numpy's precedence (unary minus binds tighter than
// * / @ ⊙, which share one level and group left to right; comparisons
// bind loosest and do not chain):
//
//	line       [ statement { ; statement } [;] ]  |  def …:  |  return …  |  import numpy [as np]
//	statement  NAME = expr
//	expr       sum [ (> | < | >= | <=) sum ]
//	sum        term { (+ | -) term }
//	term       unary { (* | / | @ | ⊙) unary }
//	unary      - unary | postfix
//	postfix    primary { ^T | .T | ᵀ | ' | .dot(x) | .transpose() | .sum(…) | .mean(…) | .astype(…) | ** N | ² }
//	primary    NUMBER | NAME | NAME ['|′] ( args ) | np.NAME ( args ) | ( expr ) | \frac{expr}{expr}
//	args       expr { , expr } with axis=N and keepdims=True allowed by name
//
// numpy's and MATLAB's spellings become the same nodes as the plain ones:
// np.dot(a, b) and a.dot(b) are a Binary @, a.transpose() a Transpose, and
// so on, each node spanning what was written.

// Expr is a node of an expression's syntax tree.
type Expr interface {
	// Span is where the node starts and the column just after it ends.
	Span() (Pos, int)
	// Depth is the height of the tree below the node: what evaluating it
	// recurses through.
	Depth() int
}

type node struct {
	P   Pos
	End int
	D   int
}

func (n node) Span() (Pos, int) { return n.P, n.End }
func (n node) Depth() int       { return n.D }

// Num is a number literal.
type Num struct {
	node
	Val float64
}

// Ident is a name: X, A1, dZ2, a helper, m. Name is what it stands for
// (W2 for W^{[2]}), not necessarily how it was written.
type Ident struct {
	node
	Name string
}

// Call is f(args) or f′(args).
type Call struct {
	node
	Fn    string
	Prime bool
	Args  []Expr
	User  bool // a def of the file: Fn is its name as written
	// Keys, for a call to a def, name the arguments passed by keyword
	// (activation="relu"): Keys[i] is Args[i]'s parameter, "" by position.
	Keys []string
	// Flat marks a sum or mean over an axis written without
	// keepdims=True, one-dimensional in numpy (it is kept here).
	Flat bool
}

// Str is a string literal, read only as an argument to the learner's def
// (linear_activation_backward(dA, cache, activation="relu")).
type Str struct {
	node
	Val string
}

// Unary is −X.
type Unary struct {
	node
	X Expr
}

// Binary is L op R; Op is one of + - * / @ (⊙ is *) or a comparison
// > < ≥ ≤, OpPos where it stands.
type Binary struct {
	node
	Op    rune
	OpPos Pos
	L, R  Expr
}

// Transpose is Xᵀ.
type Transpose struct {
	node
	X Expr
}

// Pow is X raised elementwise to a whole power: X**2, X², np.square(X).
type Pow struct {
	node
	X Expr
	N int
}

// ShapeOf is numpy's X.shape[Axis]: a size, as in Ng's m = X.shape[1];
// Axis −1 is X.shape whole (an assert's claim), sizeAxis X.size.
type ShapeOf struct {
	node
	X    Expr
	Axis int
}

// sizeAxis is ShapeOf's Axis for X.size, the number of X's entries.
const sizeAxis = -2

// Tuple is (X, Y, …): Python's tuple, read only as a def's argument or
// what a def returns (return dA_prev, dW, db), and unpacked by name.
type Tuple struct {
	node
	Elems []Expr
}

// Pick is the K-th of the N values a tuple holds, one name of Python's
// unpacking: dA1, dW2, db2 = linear_backward(dZ2, cache) reads as
// dW2 = Pick{linear_backward(dZ2, cache), 1, 3}.
type Pick struct {
	node
	X    Expr
	K, N int
}

// Paren is (X), kept so that a node's span covers its parentheses (and
// what changes nothing, such as .astype(float)).
type Paren struct {
	node
	X Expr
}

func depth(es ...Expr) int {
	d := 0
	for _, e := range es {
		if e != nil && e.Depth() > d {
			d = e.Depth()
		}
	}
	return d + 1
}

// Stmt is one statement NAME = EXPR.
type Stmt struct {
	Name    string // the name it stands for (dW2 for dW^{[2]})
	NamePos Pos
	X       Expr
	Line    int
	Text    string // the statement as written, comment and outer spaces removed
	// InPlace marks an update of the array itself (+=, dZ1[Z1 <= 0] = 0),
	// which numpy makes to every name bound to that array.
	InPlace bool
	// Running marks a line of a layer loop, or of the frame around one:
	// its unnumbered names (dZ, delta, dA_prev) hold one layer after
	// another, and are helpers; the loop's checked names carry the layer.
	Running bool
	// Guard, in a def's body, is the if the line is under: it runs only
	// when every condition holds for the call's arguments.
	Guard []cond
	// Notes are what reading the line's Python took (a cache read as the
	// course lays it out), said with the line's own notes.
	Notes []string
}

// Program is a parsed formula file.
type Program struct {
	Stmts []Stmt
	defs  []*Def
	lines [][]rune // the source, for quoting expressions in messages
	// joined[i], when not nil, is the statement over several lines that
	// starts on line i+1: lines[i] holds it joined, and positions in it
	// are placed back in the file by place.
	joined []*logical
	// The lines outside the learner's helper defs (the top level and the
	// frames of pasted backward passes), as lexed: Stmts are built from
	// them for a network of depth layers, since a layer loop unrolls on
	// the problem's depth (see loop.go).
	src      []srcLine
	defNames map[string]bool
	depth    int
	loops    bool // some line is a loop or reads the network's structure: Stmts depend on the depth
}

// Source returns the text of e as the learner wrote it.
func (p *Program) Source(e Expr) string {
	pos, end := e.Span()
	if pos.Line < 1 || pos.Line > len(p.lines) {
		return ""
	}
	line := p.lines[pos.Line-1]
	from, to := pos.Col-1, end-1
	if from < 0 || to > len(line) || from > to {
		return ""
	}
	return strings.TrimSpace(string(line[from:to]))
}

// maxDepth bounds the height of an expression's tree: parentheses,
// operator chains, transposes and calls alike, so that evaluating it
// cannot exhaust the stack.
const maxDepth = 200

// maxErrors is how many errors a file reports before it says how many more.
const maxErrors = 50

// ErrorList is every error found in a file, in order of line and column.
// errors.As finds its first *Error.
type ErrorList []*Error

func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// Lines renders the errors one a line, each prefixed (with the file name),
// at most maxErrors of them and then how many more there are.
func (l ErrorList) Lines(prefix string) []string {
	var out []string
	for i, e := range l {
		if i == maxErrors && len(l) > maxErrors+1 {
			out = append(out, printf.Sprintf("%s: and %d more errors", strings.TrimSuffix(prefix, ":"), len(l)-maxErrors))
			break
		}
		out = append(out, prefix+e.Error())
	}
	return out
}

// errs returns nil for no errors, so that an error interface stays nil.
func (l ErrorList) err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Parse reads a formula file: one statement a line, # comments, blank
// lines ignored, lines ending in \n, \r\n or \r, a leading byte-order
// mark dropped. Its error is an ErrorList with every syntax error of the
// file (the first one on each line), each with its line and column. A
// def's body is read into its Def: a syntax error there makes the def
// one that cannot be evaluated, not the file one that cannot be read.
func Parse(src string) (*Program, error) {
	prog := &Program{}
	var errs ErrorList
	// Keep what is printed and count the rest: a 1 MiB file of mistakes
	// must not hold a million messages.
	more := 0
	add := func(es ...*Error) {
		for _, e := range es {
			if len(errs) < maxErrors {
				errs = append(errs, e)
			} else {
				if more == 0 {
					errs = append(errs, e) // holds the place of the rest
				}
				more++
			}
		}
	}
	type lexed struct {
		toks   []token
		errs   []*Error
		indent int
		blank  bool // nothing but spaces and a comment
	}
	lines := splitLines(src)
	ls := make([]lexed, len(lines))
	doc := docstrings(lines)
	starts, cont := joinLines(lines, doc)
	prog.joined = make([]*logical, len(lines))
	for i, line := range lines {
		text := []rune(line)
		if l := starts[i]; l != nil {
			text, prog.joined[i] = l.text, l
		}
		prog.lines = append(prog.lines, text)
		if doc[i] || cont[i] {
			ls[i] = lexed{toks: []token{{kind: tEOL, pos: Pos{i + 1, 1}, end: 1}}, blank: true}
			continue
		}
		if printLine(text) {
			ls[i] = lexed{toks: []token{{kind: tEOL, pos: Pos{i + 1, 1}, end: 1}}, blank: true}
			continue
		}
		toks, lexErrs := lexLine(i+1, text)
		ls[i] = lexed{toks, lexErrs, indentOf(text), len(lexErrs) == 0 && (toks[0].kind == tEOL || onlyStrings(toks))}
	}
	// The defs, and the def whose body each line is in (−1: none): a
	// body is the lines indented deeper than its def line, as in Python.
	owner := make([]int, len(lines))
	defAt := map[int]int{}      // line index → its def
	inline := map[int][]token{} // the body after a def line's colon
	names := map[string]bool{}
	var open []int
	for i, l := range ls {
		owner[i] = -1
		if !l.blank {
			for len(open) > 0 && l.indent <= prog.defs[open[len(open)-1]].indent {
				open = open[:len(open)-1]
			}
		}
		if len(open) > 0 {
			owner[i] = open[len(open)-1]
		}
		if l.blank || len(l.errs) > 0 {
			continue
		}
		if d, in, ok := readLambda(l.toks, i+1); ok {
			defAt[i], inline[i], names[d.Name] = len(prog.defs), in, true
			prog.defs = append(prog.defs, d)
			continue
		}
		d, in, ok := readDef(l.toks, i+1, l.indent)
		if !ok {
			continue
		}
		defAt[i], inline[i], names[d.Name] = len(prog.defs), in, true
		prog.defs = append(prog.defs, d)
		open = append(open, len(prog.defs)-1)
	}
	for i, l := range ls {
		if k, ok := defAt[i]; ok && inline[i] != nil && assignsTarget(inline[i]) {
			prog.defs[k].Frame = true
		}
		if o := owner[i]; o >= 0 && !l.blank && len(l.errs) == 0 && assignsTarget(l.toks) {
			prog.defs[o].Frame = true
		}
	}
	for i, l := range ls {
		if l.blank {
			continue
		}
		text := prog.lines[i]
		o, toks := owner[i], l.toks
		if k, ok := defAt[i]; ok {
			if o, toks = k, inline[i]; toks == nil {
				continue
			}
		}
		if o >= 0 && !prog.defs[o].Frame {
			d := prog.defs[o]
			if len(l.errs) > 0 {
				d.cannot("line %d, column %d: %s", l.errs[0].Line, l.errs[0].Col, l.errs[0].Msg)
				continue
			}
			if _, isDef := defAt[i]; !isDef && d.branch(toks, l.indent) {
				continue
			}
			guard := d.guard()
			from := len(d.Body)
			for _, part := range splitParts(toks) {
				subs, picks, skip, err := unpack(part, true)
				if err != nil {
					d.cannot("line %d, column %d: %s", err.Line, err.Col, err.Msg)
				}
				if skip || err != nil {
					continue
				}
				if subs == nil {
					subs = [][]token{part}
				}
				for k, sub := range subs {
					n := len(d.Body)
					d.body(sub, text, names)
					if picks != nil && len(d.Body) > n {
						st := &d.Body[n]
						st.X = picked(st.X, picks[k], len(picks))
					}
				}
			}
			for k := from; k < len(d.Body); k++ {
				d.Body[k].Guard = guard
			}
			if guard != nil && d.Ret != nil && d.retLine == 0 {
				d.cannot("line %d: it returns inside an if, which the checker cannot follow: return once, after the if", i+1)
			}
			if d.Ret != nil && d.retLine == 0 {
				d.retLine = i + 1
			}
			continue
		}
		prog.src = append(prog.src, srcLine{i: i, toks: toks, errs: l.errs, indent: l.indent, frame: o})
	}
	prog.defNames = names
	prog.depth = provisionalDepth(src)
	stmts, buildErrs := prog.build(prog.depth)
	prog.Stmts = stmts
	add(buildErrs...)
	for _, d := range prog.defs {
		d.finish()
	}
	if more > 0 {
		errs[maxErrors] = errorf(errs[maxErrors].Pos, KindSyntax, "and %d more error%s from here on", more, plural(more))
	}
	return prog, prog.placeErr(errs.err())
}

// docstrings marks the lines of Python docstrings (between three double
// or three single quotes) on lines of their own, over one line or several:
// pasted code carries them, and they say nothing to check.
func docstrings(lines []string) []bool {
	doc := make([]bool, len(lines))
	closing := ""
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if closing != "" {
			doc[i] = true
			if strings.Contains(t, closing) {
				closing = ""
			}
			continue
		}
		t = strings.TrimLeft(t, "rRuUbB") // r"""…""" and the like
		for _, q := range []string{`"""`, `'''`} {
			if strings.HasPrefix(t, q) {
				doc[i] = true
				if strings.Count(t, q) == 1 {
					closing = q
				}
			}
		}
	}
	return doc
}

// onlyStrings reports whether a line is nothing but strings: a one-line
// docstring "The sigmoid function." in pasted code.
func onlyStrings(toks []token) bool {
	for _, t := range toks[:len(toks)-1] {
		if t.kind != tString {
			return false
		}
	}
	return true
}

// splitLines splits a file into its lines, whichever of \n, \r\n and a
// lone \r (old Mac editors) ends them, without a leading byte-order mark
// (Windows Notepad's UTF-8): columns count what an editor shows.
// printLine reports whether a line is a call of Python's print, which
// changes no value and is passed over unread, whatever it prints
// (CS231n's print('training accuracy: %.2f' % …)).
func printLine(text []rune) bool {
	rest := strings.TrimLeft(string(text), " \t")
	word, ok := strings.CutPrefix(rest, "print")
	return ok && strings.HasPrefix(strings.TrimLeft(word, " \t"), "(")
}

func splitLines(src string) []string {
	src = strings.TrimPrefix(src, "\ufeff")
	src = strings.ReplaceAll(src, "\r\n", "\n")
	src = strings.ReplaceAll(src, "\r", "\n")
	return strings.Split(src, "\n")
}

// indentOf is a line's indentation in columns, a tab reaching the next
// multiple of 8 as in Python.
func indentOf(text []rune) int {
	n := 0
	for _, r := range text {
		switch r {
		case ' ':
			n++
		case '\t':
			n = n/8*8 + 8
		default:
			return n
		}
	}
	return n
}

// splitParts splits a line's tokens at ; into its statements, each ending
// with a tEOL; empty ones (;; or a trailing ;) are dropped.
func splitParts(toks []token) [][]token {
	var parts [][]token
	for from := 0; from < len(toks) && toks[from].kind != tEOL; {
		to := from
		for toks[to].kind != tSemi && toks[to].kind != tEOL {
			to++
		}
		if to > from {
			parts = append(parts, append(append([]token{}, toks[from:to]...), token{kind: tEOL, pos: toks[to].pos, end: toks[to].end}))
		}
		from = to + 1
	}
	return parts
}

// lookupLine reads a line that takes a given name out of a dictionary,
// as numpy code does: W1 = parameters["W1"], A1 = cache['A1']. The problem
// gives that name, so the line carries nothing; any other key is refused.
func lookupLine(toks []token) (bool, *Error) {
	if len(toks) != 7 || toks[2].kind != tIdent || toks[3].kind != tLBrack || toks[4].kind != tString || toks[5].kind != tRBrack {
		return false, nil
	}
	name, key := toks[0], strings.Trim(toks[4].text, `"'`)
	info := classify(name.name)
	switch info.kind {
	case nkX, nkY, nkA, nkZ, nkW, nkB:
	default:
		return false, nil
	}
	if classify(key) != info {
		return false, errorf(toks[4].pos, KindSyntax, "%s = %s[%s] binds %s to another entry: the problem gives %s itself, so delete the line", name.text, toks[2].text, toks[4].text, name.text, name.text)
	}
	return true, nil
}

// pythonWords are Python's statements that are not part of the language.
var pythonWords = map[string]bool{"for": true, "while": true, "if": true, "elif": true, "else": true, "with": true,
	"class": true, "lambda": true, "try": true, "except": true, "print": true, "raise": true,
	"global": true, "pass": true, "yield": true, "del": true}

// skipLine reports whether a line is the frame of a pasted function —
// def …:, return …, import numpy — which carries nothing to check, or
// Python that is not part of the language.
func skipLine(toks []token) (bool, *Error) {
	t := toks[0]
	if t.kind != tIdent {
		return false, nil
	}
	if toks[1].kind == tAssign && toks[2].kind == tLBrace && (toks[3].kind == tString || toks[3].kind == tRBrace) {
		// the dictionary a numpy function returns: grads = {"dW1": dW1, …}
		return true, nil
	}
	if toks[1].kind == tAssign {
		return lookupLine(toks)
	}
	switch t.name {
	case "def", "return":
		return true, nil
	case "import", "from":
		if toks[1].kind == tIdent && toks[1].name == "numpy" {
			return true, nil
		}
		return false, errorf(t.pos, KindSyntax, "only numpy is imported here (import numpy as np): the language has no other library")
	}
	if pythonWords[t.name] {
		why := map[string]string{
			"for":   "a loop over the layers is written out, one line per layer (dZ2, dW2, db2, dZ1, …)",
			"while": "a loop over the layers is written out, one line per layer (dZ2, dW2, db2, dZ1, …)",
			"class": "a layer's methods keep their values on self (self.dweights = …), which are not read; write the backward pass as lines with the layer's names (dW1 = np.dot(X.T, dZ1)), at the top level or in a def",
			"if":    "both branches cannot be followed; keep the branch your problem takes and delete the if line",
			"elif":  "both branches cannot be followed; keep the branch your problem takes and delete the if line",
			"else":  "both branches cannot be followed; keep the branch your problem takes and delete the if line",
		}[t.name]
		if why == "" {
			why = "a file is one NAME = EXPRESSION a line, with a line per layer (dZ2, dW2, db2, dZ1, …)"
		}
		return false, errorf(t.pos, KindSyntax, "Python's %s is not part of the language: %s", t.name, why)
	}
	return false, nil
}

type parser struct {
	defs  map[string]bool // the names of the file's defs: a call to one is the learner's function
	user  int             // inside the arguments of a call to one: a string is an argument
	toks  []token
	i     int
	depth int
	open  []token // the calls and parentheses open at this point, innermost last
}

// closing is the error of a line that ends inside a call or parentheses:
// a statement pasted over several lines.
func (p *parser) closing() *Error {
	o := p.open[len(p.open)-1]
	return errorf(o.pos, KindSyntax, "%s( is never closed on this line: a statement is one line, so join it with the next", o.text)
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) peekAt(k int) token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOL {
		p.i++
	}
	return t
}

func (p *parser) statement() (Stmt, *Error) {
	name := p.next()
	if name.kind != tIdent {
		return Stmt{}, errorf(name.pos, KindSyntax, "a line is NAME = EXPRESSION (such as dW2 = A1ᵀ @ dZ2); it cannot start with %s", describe(name))
	}
	if name.supT || name.supPrime {
		return Stmt{}, errorf(name.pos, KindSyntax, "the name on the left of = is written without a transpose or prime: %s", name.name)
	}
	if key, ok := p.entry(); ok {
		// grads["dW1"] = …: the entry is the gradient the line names
		if !nameLike(key.name) {
			return Stmt{}, errorf(key.pos, KindSyntax, "%s[%s] = … names no gradient: write the name itself, as in grads[\"dW2\"] = … or dW2 = …", name.text, key.text)
		}
		if k := classify(key.name).kind; (k == nkW || k == nkB) && strings.Contains(strings.ToLower(name.name), "grad") {
			// CS231n's grads['W2'] = …: the gradient of the parameter it names
			key.name = "d" + key.name
		}
		name = key
	}
	var up *Update
	if p.peek().kind == tLBrack {
		// dZ1[Z1 <= 0] = 0, dscores[range(N), y] -= 1
		var err *Error
		if up, err = p.index(name); err != nil {
			return Stmt{}, err
		}
	}
	eq := p.next()
	switch {
	case eq.kind == tComma:
		return Stmt{}, errorf(eq.pos, KindSyntax, "Python's tuple assignment (A_prev, W, b = cache) is not part of the language: one name a line; the problem gives A1…, Z1…, W1…, b1… by name, so cache lines can go")
	case eq.kind == tDot:
		return Stmt{}, errorf(eq.pos, KindSyntax, "an attribute cannot be assigned (%s.…): a line is NAME = EXPRESSION", name.text)
	case eq.kind != tAssign && eq.kind != tAug:
		return Stmt{}, errorf(eq.pos, KindSyntax, "expected = after %s, found %s: a line is NAME = EXPRESSION", name.text, describe(eq))
	}
	if p.peek().kind == tEOL {
		return Stmt{}, errorf(p.peek().pos, KindSyntax, "nothing after %s : write the expression for %s", eq.text, name.text)
	}
	var x Expr
	var err *Error
	if up != nil && up.Mask != nil && p.sameMask(up) {
		x, up.Masked = &Ident{node: node{p.peek().pos, p.peek().end, 1}, Name: p.next().name}, true
		for p.peek().kind != tRBrack {
			p.next()
		}
		p.next()
	} else if x, err = p.expr(0); err != nil {
		return Stmt{}, err
	}
	if t := p.peek(); t.kind != tEOL {
		return Stmt{}, p.unexpected(t)
	}
	base := &Ident{node: node{name.pos, name.end, 1}, Name: name.name}
	_, end := x.Span()
	switch {
	case up != nil:
		up.Base, up.Value, up.Op = base, x, eq.op
		up.node = node{name.pos, end, depth(x, up.Mask, up.Rows, up.Cols) + 1}
		x = up
	case eq.kind == tAug:
		// dZ2 -= Y is dZ2 = dZ2 - (Y), changing the array itself
		r := &Paren{node: node{eq.pos, end, depth(x)}, X: x}
		x = &Binary{node: node{name.pos, end, depth(base, r)}, Op: eq.op, OpPos: eq.pos, L: base, R: r}
	}
	if x, err = grow(x); err != nil {
		return Stmt{}, err
	}
	return Stmt{Name: name.name, NamePos: name.pos, X: x, Line: name.pos.Line, InPlace: up != nil || eq.kind == tAug}, nil
}

// unexpected explains a token where an operator or the end of the line
// should be: most often two values written side by side, as on paper.
func (p *parser) unexpected(t token) *Error {
	switch t.kind {
	case tIdent, tNumber, tLParen, tFrac:
		return errorf(t.pos, KindSyntax, "%s follows a value with no operator between them: write @ for the matrix product or * (⊙) for the elementwise one", describe(t))
	case tRParen:
		return errorf(t.pos, KindSyntax, "unmatched )")
	case tAssign:
		return errorf(t.pos, KindSyntax, "a second =: one statement a line (keyword arguments such as axis=0 go inside a call)")
	case tPrime:
		return errorf(t.pos, KindSyntax, "a prime only follows a function name, as in sigmoid'(Z2) or f'(Z1)")
	case tString:
		return errorf(t.pos, KindSyntax, "strings are not part of the language: a dictionary's entry is read when its key is a name written out (parameters[\"W2\"], grads[\"dW2\"] = …), not a key built from pieces (\"W\" + str(l)); write the layer's name, as in W2")
	case tLBrack:
		if n := p.peekAt(1); p.peek().pos == t.pos && n.kind == tString {
			return p.unexpected(n)
		}
		if n := p.peekAt(1); p.peek().pos == t.pos && n.kind == tIdent && (n.text == "range" || n.text == "np" && p.peekAt(3).text == "arange") {
			// CS231n's loss line, probs[range(N), y]: a learner pastes it
			// with the backward pass, which does not need it.
			return errorf(t.pos, KindSyntax, "each example's entry picked by its label (probs[range(N), y]) is read only in the update dscores[range(N), y] -= 1: the loss line is not needed to check the gradient, so delete it, or write it with the one-hot Y, as in -np.sum(Y * np.log(probs)) / N, and the cost is read from it")
		}
		return errorf(t.pos, KindSyntax, "Python indexing and slicing are not part of the language: layers are numbered in the names (A1, W2, dZ2, or Ng's W^{[2]}), and the relu mask is written dA1 * (Z1 > 0) or np.where(Z1 > 0, dA1, 0)")
	case tLBrace, tRBrace:
		return errorf(t.pos, KindSyntax, "braces group only in LaTeX's \\frac{a}{b} and superscripts (W^{[2]}, A1^{T}): use ( ) to group")
	case tColon:
		return errorf(t.pos, KindSyntax, "Python slicing is not part of the language (a[1:], a[:, 0]): name what you need, as X, A1 or dZ2")
	case tCmp:
		return errorf(t.pos, KindSyntax, "comparisons do not chain: write one, as in (Z1 > 0)")
	case tComma:
		return errorf(t.pos, KindSyntax, "a comma outside a call: one value a line (a tuple such as dW, db = … is not part of the language)")
	case tTranspose:
		return errorf(t.pos, KindSyntax, "a transpose follows what it transposes: A1ᵀ, A1.T, (A2 - Y)ᵀ")
	case tPow, tPowN:
		return errorf(t.pos, KindSyntax, "a power follows its base: A1**2, A1²")
	case tDot:
		return errorf(t.pos, KindSyntax, "a dot follows a value or np: A1.T, dZ2.sum(axis=0), np.dot(A, B)")
	case tSemi:
		return errorf(t.pos, KindSyntax, "; ends a statement, so a value is missing before it")
	case tEq:
		return errorf(t.pos, KindSyntax, "== compares two values, so a value is missing before it, as in np.argmax(A2, 1) == np.argmax(Y, 1)")
	}
	return errorf(t.pos, KindSyntax, "unexpected %s", describe(t))
}

func describe(t token) string {
	switch t.kind {
	case tEOL:
		return "the end of the line"
	case tIdent:
		return "the name " + t.text
	case tNumber:
		return "the number " + t.text
	}
	return "“" + t.text + "”"
}

func precedence(t token) int {
	switch {
	case t.kind == tCmp || t.kind == tEq:
		return 1
	case t.op == '+' || t.op == '-':
		return 2
	}
	return 3
}

// deep is the error of an expression that nests too deeply.
func deep(p Pos) *Error {
	return errorf(p, KindSyntax, "expression nested too deeply (more than %d levels of operators, transposes, calls or parentheses): split it into helper lines", maxDepth)
}

// grow checks a node just built against maxDepth.
func grow[E Expr](e E) (E, *Error) {
	if e.Depth() > maxDepth {
		pos, _ := e.Span()
		return e, deep(pos)
	}
	return e, nil
}

func (p *parser) expr(min int) (Expr, *Error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, deep(p.peek().pos)
	}
	left, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if (t.kind != tOp && t.kind != tCmp && t.kind != tEq) || precedence(t) < min {
			return left, nil
		}
		p.next()
		if p.peek().kind == tEOL {
			return nil, errorf(p.peek().pos, KindSyntax, "the line ends after %q: its right operand is missing", t.text)
		}
		right, err := p.expr(precedence(t) + 1)
		if err != nil {
			return nil, err
		}
		start, _ := left.Span()
		_, end := right.Span()
		if left, err = grow(Expr(&Binary{node: node{start, end, depth(left, right)}, Op: t.op, OpPos: t.pos, L: left, R: right})); err != nil {
			return nil, err
		}
		if t.kind == tCmp || t.kind == tEq {
			if n := p.peek(); n.kind == tCmp || n.kind == tEq {
				return nil, p.unexpected(n)
			}
			return left, nil
		}
	}
}

func (p *parser) unary() (Expr, *Error) {
	t := p.peek()
	if t.kind == tOp && (t.op == '-' || t.op == '+') {
		p.next()
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			return nil, deep(t.pos)
		}
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		if t.op == '+' {
			return x, nil
		}
		_, end := x.Span()
		return grow(Expr(&Unary{node: node{t.pos, end, depth(x)}, X: x}))
	}
	if t.kind == tOp {
		return nil, errorf(t.pos, KindSyntax, "%q needs a value on its left", t.text)
	}
	x, err := p.primary()
	if err != nil {
		return nil, err
	}
	return p.postfix(x)
}

// postfix reads what follows a value: transposes, methods, powers.
func (p *parser) postfix(x Expr) (Expr, *Error) {
	for {
		start, _ := x.Span()
		t := p.peek()
		var err *Error
		switch {
		case t.kind == tTranspose:
			p.next()
			x, err = grow(Expr(&Transpose{node: node{start, t.end, depth(x)}, X: x}))
		case t.kind == tPrime && p.peekAt(1).kind != tLParen:
			// MATLAB's A1': a prime that nothing is applied to transposes
			p.next()
			x, err = grow(Expr(&Transpose{node: node{start, t.end, depth(x)}, X: x}))
		case t.kind == tPrime:
			return nil, p.unexpected(t)
		case t.kind == tPow:
			p.next()
			var n int
			var end int
			if n, end, err = p.exponent(t); err == nil {
				x, err = grow(Expr(&Pow{node: node{start, end, depth(x)}, X: x, N: n}))
			}
		case t.kind == tPowN:
			p.next()
			x, err = grow(Expr(&Pow{node: node{start, t.end, depth(x)}, X: x, N: int(t.num)}))
		case t.kind == tDot:
			p.next()
			x, err = p.method(x)
		case t.kind == tLBrack:
			return nil, p.unexpected(t)
		default:
			return x, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// maxPower bounds a whole power's exponent: a gradient has squares and
// cubes, not 2**1000.
const maxPower = 16

// exponent reads the whole number after ** or .^: 2, -1, (2).
func (p *parser) exponent(op token) (int, int, *Error) {
	at := p.peek()
	paren := false
	if at.kind == tLParen {
		paren = true
		p.next()
	}
	neg := false
	if t := p.peek(); t.kind == tOp && t.op == '-' {
		neg = true
		p.next()
	}
	t := p.next()
	if t.kind != tNumber || t.num != math.Trunc(t.num) || t.num > maxPower {
		return 0, 0, errorf(op.pos, KindSyntax, "%s takes a whole-number power up to %d written as a number, as in A1**2 or A1**-1; for a square root or other powers the language has no function", op.text, maxPower)
	}
	end := t.end
	if paren {
		c := p.next()
		if c.kind != tRParen {
			return 0, 0, errorf(c.pos, KindSyntax, "expected ) after the power")
		}
		end = c.end
	}
	n := int(t.num)
	if neg {
		n = -n
	}
	return n, end, nil
}

// methods are what can follow a value after a dot, as in numpy.
const methodList = ".T, .dot(B), .transpose(), .sum(axis=…, keepdims=True), .mean(…), .max(…), .min(…), .argmax(…), .argmin(…), .astype(float), .copy(), .squeeze(), .reshape(r, c), .shape[0], .shape[1], .size"

var methodHelp = map[string]string{
	"flatten": "the language keeps every value two-dimensional: write the sum or the product that gives the shape you want",
	"ravel":   "the language keeps every value two-dimensional: write the sum or the product that gives the shape you want",
	"item":    "the language has no scalar extraction: sum(M) is already a 1×1 value",
}

// method reads .NAME(…) after x (the dot is read).
func (p *parser) method(x Expr) (Expr, *Error) {
	start, _ := x.Span()
	name := p.next()
	if name.kind != tIdent {
		return nil, errorf(name.pos, KindSyntax, "expected a method after the dot: %s", methodList)
	}
	switch name.name {
	case "dot", "transpose", "sum", "mean", "max", "min", "argmax", "argmin", "astype", "copy", "squeeze", "reshape":
	case "shape":
		return p.shape(x, name)
	case "size":
		// Ng's Y.size: the number of entries, a size as X.shape[1] is
		return grow(Expr(&ShapeOf{node: node{start, name.end, depth(x)}, X: x, Axis: sizeAxis}))
	case "get":
		// parameters.get("W1"): the name the entry holds
		lp, key, rp := p.next(), p.next(), p.next()
		if lp.kind != tLParen || key.kind != tString || rp.kind != tRParen || !nameLike(strings.Trim(key.text, `"'`)) {
			return nil, errorf(name.pos, KindSyntax, ".get is read with one name for its key, as in parameters.get(\"W2\"): the problem gives W2 by name")
		}
		return &Ident{node: node{start, rp.end, 1}, Name: strings.Trim(key.text, `"'`)}, nil
	default:
		help := methodHelp[name.name]
		if help == "" {
			help = "the methods are " + methodList
		}
		return nil, errorf(name.pos, KindSyntax, ".%s is not part of the language: %s", name.name, help)
	}
	if p.peek().kind != tLParen {
		return nil, errorf(name.pos, KindSyntax, ".%s is a method: call it, as in A1.%s(…)", name.name, name.name)
	}
	lp := p.next()
	args, kw, end, err := p.args(token{text: "." + name.text, pos: name.pos}, lp)
	if err != nil {
		return nil, err
	}
	nd := func(children ...Expr) node { return node{start, end, depth(children...)} }
	switch name.name {
	case "dot":
		if len(args) != 1 || len(kw) > 0 {
			return nil, errorf(name.pos, KindSyntax, "A.dot takes one argument: A.dot(B) is A @ B")
		}
		return grow(Expr(&Binary{node: nd(x, args[0]), Op: '@', OpPos: name.pos, L: x, R: args[0]}))
	case "transpose":
		if len(args) != 0 || len(kw) > 0 {
			return nil, errorf(name.pos, KindSyntax, "A.transpose() takes no argument here: every value has two axes, so it swaps them (Aᵀ)")
		}
		return grow(Expr(&Transpose{node: nd(x), X: x}))
	case "astype", "copy":
		return grow(Expr(&Paren{node: nd(x), X: x})) // every value is float64 already
	case "squeeze", "reshape":
		if len(kw) > 0 {
			return nil, errorf(kw[0].name.pos, KindSyntax, ".%s takes no keyword here", name.name)
		}
		all := append([]Expr{x}, args...)
		return grow(Expr(&Call{node: nd(all...), Fn: name.name, Args: all}))
	}
	return p.reduction(name, start, end, append([]Expr{x}, args...), kw)
}

// shape reads [0] or [1] after x.shape.
func (p *parser) shape(x Expr, name token) (Expr, *Error) {
	start, _ := x.Span()
	if p.peek().kind != tLBrack {
		// X.shape whole: read in an assert's claim
		return grow(Expr(&ShapeOf{node: node{start, name.end, depth(x)}, X: x, Axis: -1}))
	}
	lb := p.next()
	n := p.next()
	rb := p.next()
	if lb.kind != tLBrack || n.kind != tNumber || (n.num != 0 && n.num != 1) || rb.kind != tRBrack {
		return nil, errorf(name.pos, KindSyntax, ".shape is read only as X.shape[0] or X.shape[1], a size, as in m = X.shape[1]")
	}
	return grow(Expr(&ShapeOf{node: node{start, rb.end, depth(x)}, X: x, Axis: int(n.num)}))
}

// kwArg is a keyword argument: axis=1, keepdims=True.
type kwArg struct {
	name token
	x    Expr
}

// args reads a call's arguments after its "(" up to and with its ")".
func (p *parser) args(fn, lp token) ([]Expr, []kwArg, int, *Error) {
	var args []Expr
	var kw []kwArg
	p.open = append(p.open, fn)
	defer func() { p.open = p.open[:len(p.open)-1] }()
	if p.peek().kind == tRParen {
		r := p.next()
		return nil, nil, r.end, nil
	}
	for {
		if p.peek().kind == tIdent && p.peekAt(1).kind == tAssign && p.defs[fn.name] && fn.name == fn.text && p.user > 0 {
			// a keyword argument of the learner's def: activation="relu"
			k := p.next()
			p.next()
			x, err := p.expr(0)
			if err != nil {
				return nil, nil, 0, err
			}
			kw = append(kw, kwArg{k, x})
		} else if p.peek().kind == tIdent && p.peekAt(1).kind == tAssign {
			k := p.next()
			p.next()
			switch k.name {
			case "axis":
				x, err := p.expr(0)
				if err != nil {
					return nil, nil, 0, err
				}
				kw = append(kw, kwArg{k, x})
			case "keepdims":
				v := p.next()
				if v.kind != tIdent || (v.name != "True" && v.name != "true") {
					return nil, nil, 0, errorf(v.pos, KindSyntax, "keepdims can only be True: sum and mean here always keep the dimension")
				}
				kw = append(kw, kwArg{k, nil})
			case "copy", "dtype":
				// np.array(dA, copy=True), np.sum(x, dtype=np.float64):
				// every value is a fresh float64 already
				v := p.next()
				if p.peek().kind == tDot && v.kind == tIdent {
					p.next()
					p.next()
				}
				if v.kind != tIdent && v.kind != tString {
					return nil, nil, 0, errorf(v.pos, KindSyntax, "%s= takes a name here, such as copy=True or dtype=float", k.name)
				}
			default:
				return nil, nil, 0, errorf(k.pos, KindSyntax, "unknown keyword %s= (only axis=, keepdims=True, copy= and dtype=)", k.name)
			}
		} else {
			if len(kw) > 0 {
				return nil, nil, 0, errorf(p.peek().pos, KindSyntax, "a positional argument after %s=", kw[len(kw)-1].name.name)
			}
			x, err := p.expr(0)
			if err != nil {
				return nil, nil, 0, err
			}
			args = append(args, x)
		}
		t := p.next()
		switch t.kind {
		case tComma:
			continue
		case tRParen:
			return args, kw, t.end, nil
		case tEOL:
			return nil, nil, 0, errorf(fn.pos, KindSyntax, "%s( is never closed on this line: a statement is one line, so join it with the next", fn.text)
		}
		return nil, nil, 0, p.unexpected(t)
	}
}

// reduction builds sum or mean: args[0] is the matrix, then an axis given
// by position or by name.
func (p *parser) reduction(fn token, start Pos, end int, args []Expr, kw []kwArg) (Expr, *Error) {
	flat := true // numpy's keepdims left out
	for _, k := range kw {
		if k.x == nil {
			flat = false
			continue
		}
		args = append(args, k.x)
	}
	name := fn.name
	if name == "max" || name == "min" {
		name = "a" + name // np.max is np.amax; Python's own max is not read
	}
	c := &Call{node: node{start, end, depth(args...)}, Fn: name, Args: args, Flat: flat && len(args) == 2}
	return grow(Expr(c))
}

// numpyHelp says what to write for numpy functions the language lacks.
var numpyHelp = map[string]string{
	"einsum":    "write the product with @ and ᵀ",
	"heaviside": "the relu mask is (Z1 > 0)",
	"array":     "drop it: np.array(dA1, copy=True) is dA1",
	"zeros":     "there are no fresh arrays: the relu mask is dA1 * (Z1 > 0) or np.where(Z1 > 0, dA1, 0)",
	"ones":      "there are no fresh arrays: a number broadcasts, as in 1 - A1",
	"sqrt":      "the language has whole powers only (A1**2)",
}

const numpyList = "np.dot, np.matmul, np.multiply, np.divide, np.add, np.subtract, np.transpose, np.power, np.square, np.sum, np.mean, np.exp, np.log, np.tanh, np.where, np.maximum, np.minimum, np.zeros_like, np.ones_like, np.outer, np.max, np.min, np.argmax, np.argmin, np.squeeze, np.reshape, np.eye"

// numpyCall reads np.NAME(…) (np. is read; fn is the name).
func (p *parser) numpyCall(np, fn token) (Expr, *Error) {
	switch fn.name {
	case "dot", "matmul", "multiply", "divide", "true_divide", "add", "subtract", "transpose", "square", "power", "sum", "mean", "exp", "log", "tanh", "where", "maximum", "minimum", "zeros_like", "ones_like", "outer", "max", "min", "amax", "amin", "argmax", "argmin", "squeeze", "reshape", "eye":
	case "array", "asarray", "copy", "float64", "float32", "int64", "int32":
	default:
		help := numpyHelp[fn.name]
		if help != "" {
			help = "; " + help
		}
		return nil, errorf(fn.pos, KindSyntax, "%s.%s is not part of the language%s (the numpy functions read are %s)", np.text, fn.text, help, numpyList)
	}
	if p.peek().kind != tLParen {
		return nil, errorf(fn.pos, KindSyntax, "%s.%s is a function: call it, as in %s.%s(…)", np.text, fn.text, np.text, fn.text)
	}
	lp := p.next()
	start := np.pos
	name := np.text + "." + fn.text
	args, kw, end, err := p.args(token{text: name, pos: start}, lp)
	if err != nil {
		return nil, err
	}
	need := func(n int, usage string) *Error {
		if len(args) != n || (len(kw) > 0) {
			return errorf(fn.pos, KindSyntax, "%s takes %d argument%s: %s", name, n, plural(n), usage)
		}
		return nil
	}
	nd := func(children ...Expr) node { return node{start, end, depth(children...)} }
	binary := map[string]rune{"dot": '@', "matmul": '@', "multiply": '*', "divide": '/', "true_divide": '/', "add": '+', "subtract": '-'}
	if op, ok := binary[fn.name]; ok {
		if err := need(2, printf.Sprintf("%s(A, B) is A %s B", name, string(op))); err != nil {
			return nil, err
		}
		return grow(Expr(&Binary{node: nd(args[0], args[1]), Op: op, OpPos: fn.pos, L: args[0], R: args[1]}))
	}
	switch fn.name {
	case "array", "asarray", "copy", "float64", "float32", "int64", "int32":
		// np.int64(A1 > 0), np.array(dA, copy=True): the value itself
		if len(args) != 1 {
			return nil, errorf(fn.pos, KindSyntax, "%s takes one argument here: %s(A) is A", name, name)
		}
		return grow(Expr(&Paren{node: nd(args[0]), X: args[0]}))
	case "transpose":
		if err := need(1, name+"(A) is Aᵀ (every value has two axes)"); err != nil {
			return nil, err
		}
		return grow(Expr(&Transpose{node: nd(args[0]), X: args[0]}))
	case "square":
		if err := need(1, name+"(A) is A**2"); err != nil {
			return nil, err
		}
		return grow(Expr(&Pow{node: nd(args[0]), X: args[0], N: 2}))
	case "power":
		if err := need(2, name+"(A, 2) is A**2"); err != nil {
			return nil, err
		}
		n, ok := wholeNumber(args[1])
		if !ok {
			pos, _ := args[1].Span()
			return nil, errorf(pos, KindSyntax, "%s takes a whole-number power up to %d written as a number, as in %s(A1, 2)", name, maxPower, name)
		}
		return grow(Expr(&Pow{node: nd(args[0]), X: args[0], N: n}))
	case "sum", "mean", "max", "min", "amax", "amin", "argmax", "argmin":
		return p.reduction(fn, start, end, args, kw)
	}
	// exp, log, tanh, where, maximum, minimum
	if len(kw) > 0 {
		return nil, errorf(kw[0].name.pos, KindSyntax, "%s takes no keyword", name)
	}
	return grow(Expr(&Call{node: nd(args...), Fn: fn.name, Args: args}))
}

// wholeNumber reads a literal whole number, possibly negative, up to maxPower.
func wholeNumber(e Expr) (int, bool) {
	e = unparen(e)
	neg := false
	if u, ok := e.(*Unary); ok {
		neg, e = true, unparen(u.X)
	}
	n, ok := e.(*Num)
	if !ok || n.Val != math.Trunc(n.Val) || n.Val > maxPower {
		return 0, false
	}
	if neg {
		return -int(n.Val), true
	}
	return int(n.Val), true
}

func isFunc(name string) bool {
	_, ok := lookupFunc(name)
	return ok
}

// canonLayer is a name's layer as written in a superscript: 2, or L.
func canonLayer(info nameInfo) string {
	if info.layer == layerL {
		return "L"
	}
	return printf.Sprint(info.layer)
}

// ownFunc reports whether a name after np. is one of the language's
// functions that numpy does not have (sigmoid, relu, f, their _prime).
func ownFunc(name string) bool {
	switch name {
	case "exp", "log", "tanh", "sum", "mean", "where", "maximum", "minimum", "zeros_like", "ones_like", "outer", "max", "min", "amax", "amin", "argmax", "argmin":
		return false // numpy's own: numpyCall reads them
	}
	for _, s := range derivativeSuffixes {
		if base, ok := strings.CutSuffix(name, s); ok && base != "" {
			name = base
			break
		}
	}
	return isFunc(name)
}

// derivativeSuffixes mark a function name as a derivative: sigmoid_prime.
var derivativeSuffixes = []string{"_prime", "_derivative", "_deriv", "_grad", "Prime", "Derivative"}

func (p *parser) primary() (Expr, *Error) {
	t := p.next()
	switch t.kind {
	case tNumber:
		return &Num{node: node{t.pos, t.end, 1}, Val: t.num}, nil
	case tString:
		if p.user > 0 && len(p.open) > 0 && p.defs[p.open[len(p.open)-1].name] {
			return &Str{node: node{t.pos, t.end, 1}, Val: strings.Trim(strings.TrimLeft(t.text, "rRbBuU"), `"'`)}, nil
		}
		return nil, p.unexpected(t)
	case tLParen:
		p.open = append(p.open, token{text: "", pos: t.pos})
		x, err := p.expr(0)
		if err != nil {
			return nil, err
		}
		p.open = p.open[:len(p.open)-1]
		if p.peek().kind == tComma {
			return p.tuple(t, x)
		}
		c := p.next()
		if c.kind != tRParen {
			if c.kind == tEOL {
				return nil, errorf(t.pos, KindSyntax, "( is never closed on this line: a statement is one line, so join it with the next")
			}
			return nil, p.unexpected(c)
		}
		return grow(Expr(&Paren{node: node{t.pos, c.end, depth(x)}, X: x}))
	case tFrac:
		return p.frac(t)
	case tIdent:
		if (t.name == "np" || t.name == "numpy") && p.peek().kind == tDot {
			p.next()
			fn := p.next()
			if fn.kind != tIdent {
				return nil, errorf(fn.pos, KindSyntax, "expected a numpy function after %s.", t.text)
			}
			if !ownFunc(fn.name) {
				return p.numpyCall(t, fn)
			}
			// np.sigmoid(Z1), np.sigmoid_prime(Z1): the language's own
			// function, which numpy lacks but notebooks define
			t = token{kind: tIdent, name: fn.name, text: t.text + "." + fn.text, pos: t.pos, end: fn.end}
		}
		if key, ok := p.entry(); ok {
			// parameters["W1"], cache['A1']: the name the entry holds
			if !nameLike(key.name) {
				return nil, errorf(key.pos, KindSyntax, "%s[%s] is read only with a name for its key, as in parameters[\"W2\"] or cache[\"A1\"]: the problem gives W2, A1 by name", t.text, key.text)
			}
			return &Ident{node: node{t.pos, key.end, 1}, Name: key.name}, nil
		}
		if t.name == "len" && t.name == t.text && p.peek().kind == tLParen && !p.defs["len"] {
			lp := p.next()
			args, kw, end, err := p.args(t, lp)
			if err != nil {
				return nil, err
			}
			if len(args) != 1 || len(kw) > 0 {
				return nil, errorf(t.pos, KindSyntax, "len takes one argument: len(X) is X.shape[0]")
			}
			return grow(Expr(&ShapeOf{node: node{t.pos, end, depth(args[0])}, X: args[0], Axis: 0}))
		}
		if (t.name == "float" || t.name == "int") && t.name == t.text && p.peek().kind == tLParen && !p.defs[t.name] {
			// Ng's float(… / float(Y.size) * 100): Python's number of a
			// one-entry value
			lp := p.next()
			args, kw, end, err := p.args(t, lp)
			if err != nil {
				return nil, err
			}
			if len(args) != 1 || len(kw) > 0 {
				return nil, errorf(t.pos, KindSyntax, "%s takes one argument here: %s(x) is the number x holds", t.name, t.name)
			}
			return grow(Expr(&Call{node: node{t.pos, end, depth(args[0])}, Fn: t.name, Args: args}))
		}
		if p.defs[t.name] && t.name == t.text && p.peek().kind == tLParen {
			// the learner's own function, whatever the language's of
			// that name would be (def sigmoid_prime(a): …)
			lp := p.next()
			p.user++
			args, kw, end, err := p.args(t, lp)
			p.user--
			if err != nil {
				return nil, err
			}
			var keys []string
			if len(kw) > 0 {
				keys = make([]string, len(args))
				for _, k := range kw {
					args, keys = append(args, k.x), append(keys, k.name.name)
				}
			}
			return grow(Expr(&Call{node: node{t.pos, end, depth(args...)}, Fn: t.name, Args: args, User: true, Keys: keys}))
		}
		prime := t.supPrime
		if p.peek().kind == tPrime && p.peekAt(1).kind == tLParen {
			p.next()
			prime = true
		}
		if prime && p.peek().kind != tLParen {
			return nil, errorf(t.pos, KindSyntax, "%s' must be applied, as in %s'(Z1)", t.name, t.name)
		}
		var x Expr
		if p.peek().kind == tLParen {
			lp := p.next()
			args, kw, end, err := p.args(t, lp)
			if err != nil {
				return nil, err
			}
			fn := t.name
			if base := strings.TrimSuffix(fn, t.supLayer); t.supLayer != "" && isFunc(base) {
				// Ng's g^{[1]} (or σ^{[2]}): the argument's layer decides
				// which f it is, and must be the superscript's
				fn = base
				if len(args) == 1 {
					if id, ok := unparen(args[0]).(*Ident); ok {
						if info := classify(id.Name); info.kind != nkHelper && canonLayer(info) != t.supLayer {
							return nil, errorf(id.P, KindSyntax, "%s is layer %s's activation, but %s belongs to layer %s: the superscript and the argument must name the same layer (%s'(%s) alone takes its layer from %s)",
								t.text, t.supLayer, id.Name, canonLayer(info), base, info.canonical(), info.canonical())
						}
					}
				}
			}
			for _, s := range derivativeSuffixes {
				if base, ok := strings.CutSuffix(fn, s); ok && base != "" {
					fn, prime = base, true
					break
				}
			}
			if fn == "sum" || fn == "mean" {
				c, err := p.reduction(token{name: fn}, t.pos, end, args, kw)
				if err != nil {
					return nil, err
				}
				c.(*Call).Prime = prime
				x = c
			} else {
				for _, k := range kw {
					if k.x != nil {
						args = append(args, k.x) // softmax(M, axis=1)
						break
					}
				}
				if x, err = grow(Expr(&Call{node: node{t.pos, end, depth(args...)}, Fn: fn, Prime: prime, Args: args})); err != nil {
					return nil, err
				}
			}
		} else {
			x = &Ident{node: node{t.pos, t.end, 1}, Name: t.name}
		}
		if t.supT {
			return grow(Expr(&Transpose{node: node{t.pos, t.end, depth(x)}, X: x}))
		}
		return x, nil
	case tEOL:
		if len(p.open) > 0 {
			return nil, p.closing()
		}
		return nil, errorf(t.pos, KindSyntax, "the line ends where a value should be")
	}
	return nil, p.unexpected(t)
}

// frac reads LaTeX's \frac{a}{b}, which is a / b.
func (p *parser) frac(t token) (Expr, *Error) {
	var parts [2]Expr
	end := 0
	for k := range parts {
		if b := p.next(); b.kind != tLBrace {
			return nil, errorf(b.pos, KindSyntax, "%s is followed by {numerator}{denominator}, as in \\frac{1}{m}", t.text)
		}
		x, err := p.expr(0)
		if err != nil {
			return nil, err
		}
		c := p.next()
		if c.kind != tRBrace {
			if c.kind == tEOL {
				return nil, errorf(t.pos, KindSyntax, "%s{ is never closed on this line", t.text)
			}
			return nil, p.unexpected(c)
		}
		parts[k], end = x, c.end
	}
	return grow(Expr(&Binary{node: node{t.pos, end, depth(parts[0], parts[1])}, Op: '/', OpPos: t.pos, L: parts[0], R: parts[1]}))
}

// tuple reads the rest of (X, Y, …) after its first element.
func (p *parser) tuple(open token, first Expr) (Expr, *Error) {
	elems := []Expr{first}
	for p.peek().kind == tComma {
		p.next()
		if p.peek().kind == tRParen {
			break // (a, b,)
		}
		p.open = append(p.open, token{text: "", pos: open.pos})
		x, err := p.expr(0)
		if err != nil {
			return nil, err
		}
		p.open = p.open[:len(p.open)-1]
		elems = append(elems, x)
	}
	c := p.next()
	if c.kind != tRParen {
		if c.kind == tEOL {
			return nil, errorf(open.pos, KindSyntax, "( is never closed on this line: a statement is one line, so join it with the next")
		}
		return nil, p.unexpected(c)
	}
	return grow(Expr(&Tuple{node: node{open.pos, c.end, depth(elems...)}, Elems: elems}))
}

// picked is a statement's value when its name is unpacked from a tuple:
// the k-th of the n values x holds.
func picked(x Expr, k, n int) Expr {
	p, end := x.Span()
	return &Pick{node: node{p, end, depth(x)}, X: x, K: k, N: n}
}
