package formula

import (
	"strings"
)

// The grammar, with numpy's precedence (unary minus binds tighter than
// * / @ ⊙, which share one level and group left to right):
//
//	statement  NAME = expr
//	expr       term { (+ | -) term }
//	term       unary { (* | / | @ | ⊙) unary }
//	unary      - unary | postfix
//	postfix    primary { ^T | .T | ᵀ }
//	primary    NUMBER | NAME | NAME ['|′] ( args ) | ( expr )
//	args       expr { , expr } with axis=N and keepdims=True allowed by name

// Expr is a node of an expression's syntax tree.
type Expr interface {
	// Span is where the node starts and the column just after it ends.
	Span() (Pos, int)
}

type node struct {
	P   Pos
	End int
}

func (n node) Span() (Pos, int) { return n.P, n.End }

// Num is a number literal.
type Num struct {
	node
	Val float64
}

// Ident is a name: X, A1, dZ2, a helper, m.
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
}

// Unary is −X.
type Unary struct {
	node
	X Expr
}

// Binary is L op R; Op is one of + - * / @ (⊙ is *), OpPos where it stands.
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

// Paren is (X), kept so that a node's span covers its parentheses.
type Paren struct {
	node
	X Expr
}

// Stmt is one line NAME = EXPR.
type Stmt struct {
	Name    string
	NamePos Pos
	X       Expr
	Line    int
	Text    string // the line as written, comment and outer spaces removed
}

// Program is a parsed formula file.
type Program struct {
	Stmts []Stmt
	lines [][]rune // the source, for quoting expressions in messages
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

// maxDepth bounds the nesting of parentheses and operators.
const maxDepth = 200

// Parse reads a formula file: one statement a line, # comments, blank
// lines ignored. Errors are *Error with the line and column.
func Parse(src string) (*Program, error) {
	prog := &Program{}
	for i, line := range strings.Split(src, "\n") {
		text := []rune(line)
		prog.lines = append(prog.lines, text)
		toks, err := lexLine(i+1, text)
		if err != nil {
			return nil, err
		}
		if toks[0].kind == tEOL {
			continue
		}
		p := &parser{toks: toks}
		st, err := p.statement()
		if err != nil {
			return nil, err
		}
		st.Text = strings.TrimSpace(string(text[:toks[len(toks)-2].end-1]))
		prog.Stmts = append(prog.Stmts, st)
	}
	return prog, nil
}

type parser struct {
	toks  []token
	i     int
	depth int
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOL {
		p.i++
	}
	return t
}

func (p *parser) statement() (Stmt, error) {
	name := p.next()
	if name.kind != tIdent {
		return Stmt{}, errorf(name.pos, KindSyntax, "a line is NAME = EXPRESSION (such as dW2 = A1ᵀ @ dZ2); it cannot start with %s", describe(name))
	}
	if eq := p.next(); eq.kind != tAssign {
		return Stmt{}, errorf(eq.pos, KindSyntax, "expected = after %s, found %s: a line is NAME = EXPRESSION", name.text, describe(eq))
	}
	if p.peek().kind == tEOL {
		return Stmt{}, errorf(p.peek().pos, KindSyntax, "nothing after = : write the expression for %s", name.text)
	}
	x, err := p.expr(0)
	if err != nil {
		return Stmt{}, err
	}
	if t := p.peek(); t.kind != tEOL {
		return Stmt{}, p.unexpected(t)
	}
	return Stmt{Name: name.text, NamePos: name.pos, X: x, Line: name.pos.Line}, nil
}

// unexpected explains a token where an operator or the end of the line
// should be: most often two values written side by side, as on paper.
func (p *parser) unexpected(t token) error {
	switch t.kind {
	case tIdent, tNumber, tLParen:
		return errorf(t.pos, KindSyntax, "%s follows a value with no operator between them: write @ for the matrix product or * (⊙) for the elementwise one", describe(t))
	case tRParen:
		return errorf(t.pos, KindSyntax, "unmatched )")
	case tAssign:
		return errorf(t.pos, KindSyntax, "a second =: one statement a line")
	case tPrime:
		return errorf(t.pos, KindSyntax, "a prime only follows a function name, as in sigmoid'(Z2) or f'(Z1)")
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

func precedence(op rune) int {
	if op == '+' || op == '-' {
		return 1
	}
	return 2
}

func (p *parser) expr(min int) (Expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, errorf(p.peek().pos, KindSyntax, "expression nested too deeply")
	}
	left, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.kind != tOp || precedence(t.op) < min {
			return left, nil
		}
		p.next()
		if p.peek().kind == tEOL {
			return nil, errorf(p.peek().pos, KindSyntax, "the line ends after %q: its right operand is missing", t.text)
		}
		right, err := p.expr(precedence(t.op) + 1)
		if err != nil {
			return nil, err
		}
		start, _ := left.Span()
		_, end := right.Span()
		left = &Binary{node: node{start, end}, Op: t.op, OpPos: t.pos, L: left, R: right}
	}
}

func (p *parser) unary() (Expr, error) {
	t := p.peek()
	if t.kind == tOp && t.op == '-' {
		p.next()
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			return nil, errorf(t.pos, KindSyntax, "expression nested too deeply")
		}
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		_, end := x.Span()
		return &Unary{node: node{t.pos, end}, X: x}, nil
	}
	if t.kind == tOp {
		return nil, errorf(t.pos, KindSyntax, "%q needs a value on its left", t.text)
	}
	x, err := p.primary()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tTranspose {
		tt := p.next()
		start, _ := x.Span()
		x = &Transpose{node: node{start, tt.end}, X: x}
	}
	return x, nil
}

func (p *parser) primary() (Expr, error) {
	t := p.next()
	switch t.kind {
	case tNumber:
		return &Num{node: node{t.pos, t.end}, Val: t.num}, nil
	case tLParen:
		x, err := p.expr(0)
		if err != nil {
			return nil, err
		}
		c := p.next()
		if c.kind != tRParen {
			if c.kind == tEOL {
				return nil, errorf(t.pos, KindSyntax, "( is never closed")
			}
			return nil, p.unexpected(c)
		}
		return &Paren{node: node{t.pos, c.end}, X: x}, nil
	case tIdent:
		prime := false
		if p.peek().kind == tPrime {
			pr := p.next()
			prime = true
			if p.peek().kind != tLParen {
				return nil, errorf(pr.pos, KindSyntax, "%s' must be applied, as in %s'(Z1)", t.text, t.text)
			}
		}
		if p.peek().kind != tLParen {
			return &Ident{node: node{t.pos, t.end}, Name: t.text}, nil
		}
		p.next()
		return p.call(t, prime)
	case tEOL:
		return nil, errorf(t.pos, KindSyntax, "the line ends where a value should be")
	}
	return nil, p.unexpected(t)
}

// call reads the arguments of fn(…) after its "(".
func (p *parser) call(fn token, prime bool) (Expr, error) {
	c := &Call{Fn: fn.text, Prime: prime}
	var axis Expr
	if p.peek().kind == tRParen {
		r := p.next()
		c.node = node{fn.pos, r.end}
		return c, nil
	}
	for {
		// keyword arguments: axis=N, keepdims=True
		if p.peek().kind == tIdent && p.toks[p.i+1].kind == tAssign {
			kw := p.next()
			p.next()
			switch kw.text {
			case "axis":
				x, err := p.expr(0)
				if err != nil {
					return nil, err
				}
				axis = x
			case "keepdims":
				v := p.next()
				if v.kind != tIdent || (v.text != "True" && v.text != "true") {
					return nil, errorf(v.pos, KindSyntax, "keepdims can only be True: sum and mean here always keep the dimension")
				}
			default:
				return nil, errorf(kw.pos, KindSyntax, "unknown keyword %s= (only axis= and keepdims=True)", kw.text)
			}
		} else {
			if axis != nil {
				return nil, errorf(p.peek().pos, KindSyntax, "a positional argument after axis=")
			}
			x, err := p.expr(0)
			if err != nil {
				return nil, err
			}
			c.Args = append(c.Args, x)
		}
		t := p.next()
		switch t.kind {
		case tComma:
			continue
		case tRParen:
			if axis != nil {
				c.Args = append(c.Args, axis)
			}
			c.node = node{fn.pos, t.end}
			return c, nil
		case tEOL:
			return nil, errorf(fn.pos, KindSyntax, "%s( is never closed", fn.text)
		}
		return nil, p.unexpected(t)
	}
}
