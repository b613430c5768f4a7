package formula

import (
	"sort"
	"strconv"
	"strings"

	"github.com/backproof/backproof/internal/printf"
)

// Layer loops, as courses publish them: Ng's
//
//	for l in reversed(range(L - 1)):
//	    current_cache = caches[l]
//	    grads["dW" + str(l + 1)] = …
//
// and Nielsen's
//
//	for l in range(2, self.num_layers):
//	    z = zs[-l]
//	    nabla_w[-l] = np.dot(delta, activations[-l-1].transpose())
//
// are unrolled on the problem's depth before the lines are parsed: the
// loop's variable becomes each of its numbers in turn, a key built from
// pieces ("dW" + str(l + 1)) the name it builds (dW2), and an entry of a
// list the value it holds. The lists are the ones the paste builds
// (activations = [x], zs.append(z)), the network's own (self.weights,
// self.biases, Ng's caches), and the gradients' (nabla_w[-1] is dW of
// the last layer). What comes out is lines of the language, judged as
// any other: a loop's dW2 is the line dW2.

// srcLine is a line outside the learner's helper defs, as lexed.
type srcLine struct {
	i      int // the line's index in the file
	toks   []token
	errs   []*Error
	indent int
	frame  int // the frame def the line is in, −1 at the top level
}

// maxIterations bounds a loop: a loop over the layers has a few, and
// every iteration is lines to check.
const maxIterations = 1000

// provisionalDepth is the depth Parse builds the lines for before the
// problem is known: the header's --net (or its activations), else two
// layers; Check builds them again for the problem's depth when it differs.
func provisionalDepth(src string) int {
	h, err := ReadHeader(src)
	if err != nil || h == nil {
		return 2
	}
	L := 2
	for _, f := range h.Flags {
		switch f.Name {
		case "net":
			if n := strings.Count(f.Value, ","); n >= 1 {
				return n
			}
		case "act":
			if n := strings.Count(f.Value, ",") + 1; n > 2 {
				L = n
			}
		}
	}
	return L
}

// atDepth is the program with its lines built for a network of L layers:
// itself when no line depends on the depth.
func (p *Program) atDepth(L int) (*Program, error) {
	if !p.loops || p.depth == L {
		return p, nil
	}
	q := *p
	q.depth = L
	stmts, errs := q.build(L)
	q.Stmts = stmts
	return &q, q.placeErr(errs.err())
}

// emitted is one line the unrolling hands to the parser.
type emitted struct {
	src     srcLine
	toks    []token
	iter    string // "l = 2": which iteration of which loop, "" outside loops
	text    string // the line's text when it is not the source's (zs.append(z))
	running bool
	notes   []string
	first   bool // the first time this source line is emitted: its lexing errors are said once
}

// build unrolls the program's lines for a network of L layers and parses
// them into statements.
func (p *Program) build(L int) ([]Stmt, ErrorList) {
	u := &unroller{L: L, prog: p, consts: map[string]int{}, lists: map[string]*pyList{}, aliases: map[string][]token{}, seen: map[int]bool{}}
	u.running = map[int]bool{}
	for _, ln := range p.src {
		if ln.frame >= 0 && len(ln.toks) > 0 && ln.toks[0].kind == tIdent && ln.toks[0].name == "for" {
			u.running[ln.frame] = true
		}
	}
	u.process(p.src, map[string][]token{}, "")
	p.loops = p.loops || u.structural
	var stmts []Stmt
	errs := u.errs
	reported := map[string]bool{}
	add := func(es ...*Error) {
		for _, e := range es {
			k := printf.Sprintf("%d:%d:%s", e.Line, e.Col, e.Msg)
			if !reported[k] {
				reported[k] = true
				errs = append(errs, e)
			}
		}
	}
	for _, em := range u.out {
		stmts = p.buildLine(stmts, em, add)
	}
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := errs[i].Pos, errs[j].Pos
		return a.Line < b.Line || (a.Line == b.Line && a.Col < b.Col)
	})
	return stmts, errs
}

// buildLine parses one emitted line into its statements.
func (p *Program) buildLine(stmts []Stmt, em emitted, add func(...*Error)) []Stmt {
	toks, text := em.toks, p.lines[em.src.i]
	if len(em.src.errs) > 0 {
		if em.first {
			add(em.src.errs[:min(len(em.src.errs), 5)]...)
		}
		return stmts
	}
	if skip, err := skipLine(toks); skip || err != nil {
		if err != nil {
			add(err)
		}
		return stmts
	}
	for _, part := range splitParts(toks) {
		subs, picks, skip, err := unpack(part, false)
		if err != nil {
			add(err)
			return stmts
		}
		if skip {
			continue
		}
		if subs == nil {
			subs = [][]token{part}
		}
		for k, sub := range subs {
			var st Stmt
			var err *Error
			if sub[0].kind == tIdent && sub[0].name == assertName {
				st, err = assertion(sub, p.defNames)
			} else {
				ps := &parser{toks: sub, defs: p.defNames}
				st, err = ps.statement()
			}
			if err != nil {
				add(err)
				return stmts
			}
			if picks != nil {
				st.X = picked(st.X, picks[k], len(picks))
			} else if id, ok := st.X.(*Ident); ok && id.Name == st.Name {
				continue // grads["dW1"] = dW1 names what is there
			}
			st.Text = sliceText(text, sub[0].pos.Col-1, sub[len(sub)-2].end-1)
			if len(subs) > 1 || picks != nil {
				// one name of a tuple: dW2 = its own value
				st.Text = sub[0].text + " = " + sliceText(text, sub[2].pos.Col-1, sub[len(sub)-2].end-1)
				if v := sub[2 : len(sub)-1]; len(v) > 1 && v[len(v)-1].pos == v[len(v)-2].pos && v[len(v)-1].kind == tRBrack {
					st.Text = sub[0].text + " = " + tokensText(v) // N, D = X.shape: N = X.shape[0]
				}
			}
			if em.text != "" {
				st.Text = em.text
			}
			if picks != nil {
				st.Text += printf.Sprintf(" (value %d of %d)", picks[k]+1, len(picks))
			}
			if em.iter != "" {
				st.Text += " (" + em.iter + ")"
			}
			st.Running, st.Notes = em.running, em.notes
			stmts = append(stmts, st)
		}
	}
	return stmts
}

// sliceText is text[from:to] trimmed, or "" when the range is not in it.
func sliceText(text []rune, from, to int) string {
	if from < 0 || to > len(text) || from > to {
		return ""
	}
	return strings.TrimSpace(string(text[from:to]))
}

// pyList is a Python list the paste builds or the problem gives, as the
// tokens of each entry.
type pyList struct {
	name  string
	elems [][]token
	grad  string // the gradient family of a gradients' list (dW for nabla_w): entry k is layer k+1's
	given string // what the problem's list is, for the note ("" for the paste's own)
}

type unroller struct {
	L       int
	prog    *Program
	consts  map[string]int     // names bound to a whole number: L = len(caches)
	lists   map[string]*pyList // by name; self.weights as "self.weights"
	aliases map[string][]token // names bound to a tuple: current_cache = caches[l]
	running map[int]bool       // the frames with a loop
	seen    map[int]bool       // source lines emitted once already
	noted   map[string]bool    // the given lists already said
	pending []string           // notes for the next line emitted
	out     []emitted
	errs    ErrorList
	// structural is set when a line read the network's structure (a loop,
	// len(caches), self.num_layers): the lines depend on the depth.
	structural bool
}

func (u *unroller) fail(e *Error) { u.errs = append(u.errs, e) }

// process unrolls lines with the loop variables of env bound.
func (u *unroller) process(lines []srcLine, env map[string][]token, iter string) {
	for k := 0; k < len(lines); k++ {
		ln := lines[k]
		first := !u.seen[ln.i]
		u.seen[ln.i] = true
		running := ln.frame >= 0 && u.running[ln.frame] || iter != ""
		em := emitted{src: ln, toks: ln.toks, iter: iter, running: running, first: first}
		if len(ln.errs) > 0 {
			u.out = append(u.out, em)
			continue
		}
		t := ln.toks[0]
		if t.kind == tIdent && t.name == "class" && ln.toks[len(ln.toks)-2].kind == tColon && k+1 < len(lines) && lines[k+1].frame >= 0 && lines[k+1].indent > ln.indent {
			continue // the class around a pasted backward pass (Nielsen's backprop): its method is read
		}
		if t.kind == tIdent && t.name == "for" {
			j := k + 1
			for j < len(lines) && lines[j].indent > ln.indent {
				j++
			}
			u.structural = true
			u.loop(ln, lines[k+1:j], env, iter)
			k = j - 1
			continue
		}
		toks, err := u.rewrite(ln.toks, env)
		if err != nil {
			u.fail(err)
			continue
		}
		em.toks = toks
		if u.statement(em) {
			continue
		}
		em.notes, u.pending = u.pending, nil
		u.out = append(u.out, em)
	}
}

// loop unrolls one for statement over body.
func (u *unroller) loop(ln srcLine, body []srcLine, env map[string][]token, iter string) {
	toks := ln.toks
	in := -1
	for i, t := range toks {
		if t.kind == tIdent && t.name == "in" {
			in = i
			break
		}
	}
	colon := len(toks) - 2
	refuse := func(p Pos, format string, args ...any) {
		u.fail(errorf(p, KindSyntax, format, args...))
	}
	if in < 2 || toks[colon].kind != tColon {
		refuse(toks[0].pos, "a loop is read as for NAME in range(…): or for a, b in zip(…): with its body indented on the lines below")
		return
	}
	if len(body) == 0 {
		refuse(toks[0].pos, "this loop has no body on the lines below it: a loop is read with its body indented under it")
		return
	}
	var vars []token
	for _, part := range topLevel(unwrap(toks[1:in])) {
		part = unwrap(part)
		if len(part) != 1 || part[0].kind != tIdent {
			refuse(toks[1].pos, "a loop's variables are plain names here (for l in …, for b, w in zip(…))")
			return
		}
		vars = append(vars, part[0])
	}
	itTok, err := u.rewrite(append(append([]token{}, toks[in+1:colon]...), toks[len(toks)-1]), env)
	if err != nil {
		u.fail(err)
		return
	}
	values, what, ierr := u.iterable(itTok[:len(itTok)-1], toks[in+1].pos)
	if ierr != nil {
		u.fail(ierr)
		return
	}
	if len(values) > maxIterations {
		refuse(toks[in+1].pos, "this loop runs %d times: loops are unrolled one line per layer, at most %d iterations", len(values), maxIterations)
		return
	}
	for n, v := range values {
		inner := make(map[string][]token, len(env)+len(vars))
		for k, x := range env {
			inner[k] = x
		}
		parts := [][]token{v}
		if len(vars) > 1 {
			parts = topLevel(unwrap(v))
			if len(parts) != len(vars) {
				refuse(toks[1].pos, "the loop unpacks %d names from each of %s, which hold %d: Python stops with a ValueError", len(vars), what, len(parts))
				return
			}
		}
		var desc []string
		for k, x := range vars {
			inner[x.name] = parts[k]
			delete(u.consts, x.name)
			desc = append(desc, x.text+" = "+tokensText(parts[k]))
		}
		label := strings.Join(desc, ", ")
		if len(vars) > 1 || len(parts[0]) != 1 || parts[0][0].kind != tNumber {
			label = printf.Sprintf("iteration %d of %d: %s", n+1, len(values), label)
		}
		if iter != "" {
			label = iter + ", " + label
		}
		u.process(body, inner, label)
	}
}

// iterable reads what a loop runs over: range(…), reversed(…), zip(…),
// enumerate(…) or a list, each value as its tokens.
func (u *unroller) iterable(toks []token, at Pos) ([][]token, string, *Error) {
	what := tokensText(toks)
	bad := errorf(at, KindSyntax, "this loop runs over %s, which the checker cannot count: a loop over the layers is read over range(…) of whole numbers (L, len(caches), self.num_layers), reversed(…), a list, or zip(…) of lists", what)
	if len(toks) >= 3 && toks[0].kind == tIdent && toks[1].kind == tLParen && toks[len(toks)-1].kind == tRParen && closes(toks, 1) == len(toks)-1 {
		args := topLevel(toks[2 : len(toks)-1])
		switch toks[0].name {
		case "range":
			var n []int
			for _, a := range args {
				v, ok := u.constant(a)
				if !ok {
					return nil, what, bad
				}
				n = append(n, v)
			}
			lo, hi, step := 0, 0, 1
			switch len(n) {
			case 1:
				hi = n[0]
			case 2:
				lo, hi = n[0], n[1]
			case 3:
				lo, hi, step = n[0], n[1], n[2]
			default:
				return nil, what, bad
			}
			if step == 0 {
				return nil, what, errorf(at, KindEval, "range's step is 0: Python stops with a ValueError")
			}
			var out [][]token
			for v := lo; (step > 0 && v < hi) || (step < 0 && v > hi); v += step {
				out = append(out, []token{numTok(v, toks[0])})
				if len(out) > maxIterations {
					break
				}
			}
			return out, what, nil
		case "reversed":
			if len(args) != 1 {
				return nil, what, bad
			}
			vs, _, err := u.iterable(args[0], at)
			if err != nil {
				return nil, what, err
			}
			for i, j := 0, len(vs)-1; i < j; i, j = i+1, j-1 {
				vs[i], vs[j] = vs[j], vs[i]
			}
			return vs, what, nil
		case "zip", "enumerate":
			var cols [][][]token
			if toks[0].name == "enumerate" {
				if len(args) != 1 {
					return nil, what, bad
				}
				vs, _, err := u.iterable(args[0], at)
				if err != nil {
					return nil, what, err
				}
				var idx [][]token
				for k := range vs {
					idx = append(idx, []token{numTok(k, toks[0])})
				}
				cols = [][][]token{idx, vs}
			} else {
				for _, a := range args {
					vs, _, err := u.iterable(a, at)
					if err != nil {
						return nil, what, err
					}
					cols = append(cols, vs)
				}
			}
			n := len(cols[0])
			for _, c := range cols {
				n = min(n, len(c))
			}
			out := make([][]token, n)
			for k := range n {
				tup := []token{{kind: tLParen, text: "(", pos: toks[0].pos, end: toks[0].end}}
				for j, c := range cols {
					if j > 0 {
						tup = append(tup, token{kind: tComma, text: ",", pos: toks[0].pos, end: toks[0].end})
					}
					tup = append(tup, c[k]...)
				}
				out[k] = append(tup, token{kind: tRParen, text: ")", pos: toks[0].pos, end: toks[0].end})
			}
			return out, what, nil
		}
		return nil, what, bad
	}
	if l := u.listRef(toks); l != nil {
		u.say(l)
		return append([][]token{}, l.elems...), what, nil
	}
	return nil, what, bad
}

// closes is the index of the bracket that closes the one at open.
func closes(toks []token, open int) int {
	depth := 0
	for i := open; i < len(toks); i++ {
		step := toks[i].kind.nesting()
		if depth += step; step < 0 && depth == 0 {
			return i
		}
	}
	return -1
}

func numTok(v int, at token) token {
	return token{kind: tNumber, text: strconv.Itoa(v), num: float64(v), pos: at.pos, end: at.end}
}

func identTok(name string, at token, end int) token {
	return token{kind: tIdent, text: name, name: name, pos: at.pos, end: end}
}

// constant evaluates tokens to a whole number: numbers, + - * and //
// (written as one token pair), parentheses, the names bound to numbers
// (the loop's variable, L), len(LIST) and self.num_layers.
func (u *unroller) constant(toks []token) (int, bool) {
	c := &constParser{u: u, toks: toks}
	v, ok := c.sum()
	return v, ok && c.i == len(toks)
}

type constParser struct {
	u    *unroller
	toks []token
	i    int
}

func (c *constParser) peek() token {
	if c.i < len(c.toks) {
		return c.toks[c.i]
	}
	return token{kind: tEOL}
}

func (c *constParser) sum() (int, bool) {
	v, ok := c.term()
	for ok && c.peek().kind == tOp && (c.peek().op == '+' || c.peek().op == '-') {
		op := c.toks[c.i].op
		c.i++
		var w int
		if w, ok = c.term(); op == '+' {
			v += w
		} else {
			v -= w
		}
	}
	return v, ok
}

func (c *constParser) term() (int, bool) {
	v, ok := c.unary()
	for ok && c.peek().kind == tOp && c.peek().op == '*' {
		c.i++
		var w int
		w, ok = c.unary()
		v *= w
	}
	return v, ok
}

func (c *constParser) unary() (int, bool) {
	t := c.peek()
	switch {
	case t.kind == tOp && (t.op == '-' || t.op == '+'):
		c.i++
		v, ok := c.unary()
		if t.op == '-' {
			v = -v
		}
		return v, ok
	case t.kind == tNumber:
		c.i++
		if t.num != float64(int(t.num)) || strings.ContainsAny(t.text, ".eE") {
			return 0, false
		}
		return int(t.num), true
	case t.kind == tLParen:
		end := closes(c.toks, c.i)
		if end < 0 {
			return 0, false
		}
		v, ok := c.u.constant(c.toks[c.i+1 : end])
		c.i = end + 1
		return v, ok
	case t.kind == tIdent:
		if v, ok := c.u.consts[t.name]; ok {
			c.i++
			return v, true
		}
		if t.name == "len" && c.i+1 < len(c.toks) && c.toks[c.i+1].kind == tLParen {
			end := closes(c.toks, c.i+1)
			if end < 0 {
				return 0, false
			}
			l := c.u.listRef(c.toks[c.i+2 : end])
			if l == nil {
				if n, ok := c.u.sizedBy(c.toks[c.i+2 : end]); ok {
					c.i = end + 1
					return n, true
				}
				return 0, false
			}
			c.u.say(l)
			c.i = end + 1
			return len(l.elems), true
		}
		if n, ok := c.u.numLayers(c.toks[c.i:]); ok > 0 {
			c.i += ok
			return n, true
		}
	}
	return 0, false
}

// numLayers reads self.num_layers or num_layers (Nielsen's, which counts
// the input: L + 1) at the start of toks, returning how many tokens it took.
func (u *unroller) numLayers(toks []token) (int, int) {
	if len(toks) >= 3 && toks[0].name == "self" && toks[1].kind == tDot && toks[2].name == "num_layers" {
		u.structural = true
		return u.L + 1, 3
	}
	if len(toks) >= 1 && toks[0].kind == tIdent && toks[0].name == "num_layers" {
		if _, mine := u.lists["num_layers"]; !mine {
			u.structural = true
			return u.L + 1, 1
		}
	}
	return 0, 0
}

// sizedBy is len(…) of the problem's containers the paste does not build
// as lists: Ng's parameters (W and b of every layer: 2L entries).
func (u *unroller) sizedBy(toks []token) (int, bool) {
	if len(toks) == 1 && toks[0].kind == tIdent && toks[0].name == "parameters" {
		u.structural = true
		return 2 * u.L, true
	}
	return 0, false
}

// listRef is the list toks name: a list of the paste, or one of the
// problem's (self.weights, self.biases, Ng's caches), nil for none.
func (u *unroller) listRef(toks []token) *pyList {
	key := ""
	switch {
	case len(toks) == 1 && toks[0].kind == tIdent:
		key = toks[0].name
	case len(toks) == 3 && toks[0].kind == tIdent && toks[1].kind == tDot && toks[2].kind == tIdent:
		key = toks[0].name + "." + toks[2].name
	default:
		return nil
	}
	if l, ok := u.lists[key]; ok {
		return l
	}
	return u.given(key, toks[0], toks[len(toks)-1].end)
}

// given is the problem's list of that name: the network's weights and
// biases as Nielsen's class keeps them (self.weights[0] is W1), and the
// caches of Ng's L_model_forward, caches[l] = ((A_l, W_{l+1}, b_{l+1}), Z_{l+1})
// as the course lays it out.
func (u *unroller) given(key string, at token, end int) *pyList {
	var l *pyList
	switch key {
	case "self.weights", "weights":
		l = &pyList{name: key, given: printf.Sprintf("%s is read as the network's weights, [W1, …, W%d] (%s[0] is W1)", key, u.L, key)}
		for k := 1; k <= u.L; k++ {
			l.elems = append(l.elems, []token{identTok(printf.Sprintf("W%d", k), at, end)})
		}
	case "self.biases", "biases":
		l = &pyList{name: key, given: printf.Sprintf("%s is read as the network's biases, [b1, …, b%d]", key, u.L)}
		for k := 1; k <= u.L; k++ {
			l.elems = append(l.elems, []token{identTok(printf.Sprintf("b%d", k), at, end)})
		}
	case "caches":
		l = &pyList{name: key, given: printf.Sprintf("caches is read as the course's L_model_forward keeps it: caches[l] = ((A_l, W_{l+1}, b_{l+1}), Z_{l+1}), layer l+1's linear cache and activation cache, for l from 0 to %d (A_0 is X)", u.L-1)}
		for k := 1; k <= u.L; k++ {
			prev := printf.Sprintf("A%d", k-1)
			if k == 1 {
				prev = "X"
			}
			p := func(kind tokKind, s string) token { return token{kind: kind, text: s, pos: at.pos, end: end} }
			l.elems = append(l.elems, []token{p(tLParen, "("), p(tLParen, "("), identTok(prev, at, end), p(tComma, ","),
				identTok(printf.Sprintf("W%d", k), at, end), p(tComma, ","), identTok(printf.Sprintf("b%d", k), at, end), p(tRParen, ")"),
				p(tComma, ","), identTok(printf.Sprintf("Z%d", k), at, end), p(tRParen, ")")})
		}
	default:
		return nil
	}
	u.structural = true
	return l
}

// say records, once, how a list the problem gives was read: the next
// emitted line carries the note.
func (u *unroller) say(l *pyList) {
	if l.given == "" {
		return
	}
	if u.noted == nil {
		u.noted = map[string]bool{}
	}
	if !u.noted[l.name] {
		u.noted[l.name] = true
		u.pending = append(u.pending, l.given)
	}
}

// lhsEnd is the index of a statement's top-level = (or op=), −1 for none.
func lhsEnd(toks []token) int {
	depth := 0
	for i, t := range toks {
		depth += t.kind.nesting()
		switch t.kind {
		case tAssign, tAug:
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// at is toks placed where t was written: what a name stands for is
// reported at the name.
func at(toks []token, t token, end int) []token {
	out := make([]token, len(toks))
	for i, x := range toks {
		x.pos, x.end = t.pos, end
		out[i] = x
	}
	return out
}

// rewrite binds a line's names to the loop's values and folds what the
// unrolling knows: str(l + 1), "dW" + "2", len(caches), self.num_layers,
// a list's entry, self.method( as the def method(.
func (u *unroller) rewrite(toks []token, env map[string][]token) ([]token, *Error) {
	eq := lhsEnd(toks)
	var out []token
	depth := 0
	for i, t := range toks {
		depth += t.kind.nesting()
		sub := t.kind == tIdent && !(i > 0 && toks[i-1].kind == tDot)
		if sub && i+1 < len(toks) && toks[i+1].kind == tAssign && (depth > 0 || i == 0) {
			sub = false // a keyword argument, or the name assigned
		}
		if sub && eq >= 0 && i < eq && depth == 0 {
			sub = false // the names assigned
		}
		if !sub {
			out = append(out, t)
			continue
		}
		if v, ok := env[t.name]; ok {
			out = append(out, at(v, t, t.end)...)
		} else if n, ok := u.consts[t.name]; ok {
			out = append(out, numTok(n, t))
		} else if a, ok := u.aliases[t.name]; ok && !(eq >= 0 && i < eq) {
			out = append(out, at(a, t, t.end)...)
		} else {
			out = append(out, t)
		}
	}
	out, err := u.fold(out)
	if err != nil {
		return nil, err
	}
	return entries(out), nil
}

// fold folds, left to right, what the unrolling knows.
func (u *unroller) fold(toks []token) ([]token, *Error) {
	var out []token
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		next := func(k int) token {
			if i+k < len(toks) {
				return toks[i+k]
			}
			return token{kind: tEOL}
		}
		afterDot := i > 0 && toks[i-1].kind == tDot
		if t.kind == tIdent && !afterDot {
			// self.method( is the def method(
			if t.name == "self" && next(1).kind == tDot && next(2).kind == tIdent && next(3).kind == tLParen && u.prog.defNames[next(2).name] {
				continue // drop self and the dot below
			}
			// str(…), len(…) of what the unrolling counts
			if (t.name == "str" || t.name == "len" || t.name == "int") && next(1).kind == tLParen {
				if end := closes(toks, i+1); end > 0 {
					inner, err := u.fold(toks[i+2 : end])
					if err != nil {
						return nil, err
					}
					expr := inner
					if t.name == "len" {
						expr = toks[i : end+1]
					}
					if v, ok := u.constant(expr); ok {
						if t.name == "str" {
							out = concat(out, token{kind: tString, text: `"` + strconv.Itoa(v) + `"`, pos: t.pos, end: toks[end].end})
						} else {
							out = append(out, numTok(v, token{pos: t.pos, end: toks[end].end}))
						}
						i = end
						continue
					}
				}
			}
			if n, k := u.numLayers(toks[i:]); k > 0 {
				out = append(out, numTok(n, token{pos: t.pos, end: toks[i+k-1].end}))
				i += k - 1
				continue
			}
			// a list's entry: activations[-l-1], self.weights[k], caches[l]
			ref := 1
			if t.name == "self" && next(1).kind == tDot && next(2).kind == tIdent {
				ref = 3
			}
			if next(ref).kind == tLBrack {
				if l := u.listRef(toks[i : i+ref]); l != nil {
					end := closes(toks, i+ref)
					if end < 0 {
						out = append(out, t)
						continue
					}
					idx, err := u.fold(toks[i+ref+1 : end])
					if err != nil {
						return nil, err
					}
					k, ok := u.constant(idx)
					if !ok {
						return nil, errorf(toks[i+ref].pos, KindSyntax, "%s[%s]: the index of a list is read when the unrolling knows it (a loop's variable, L, a number); this one is %s", tokensText(toks[i:i+ref]), tokensText(idx), tokensText(idx))
					}
					n := len(l.elems)
					if k < -n || k >= n {
						return nil, errorf(toks[i+ref].pos, KindEval, "%s[%d] is out of range: %s holds %d entries here, so Python stops with an IndexError", tokensText(toks[i:i+ref]), k, tokensText(toks[i:i+ref]), n)
					}
					if k < 0 {
						k += n
					}
					u.say(l)
					out = append(out, at(l.elems[k], t, toks[end].end)...)
					i = end
					continue
				}
			}
		}
		if t.kind == tDot && i > 0 && toks[i-1].kind == tIdent && toks[i-1].name == "self" && next(1).kind == tIdent && next(2).kind == tLParen && u.prog.defNames[next(1).name] {
			continue // the dot of self.method(
		}
		out = concat(out, t)
	}
	return out, nil
}

// concat appends t to out, joining "dW" + "2" into "dW2".
func concat(out []token, t token) []token {
	if t.kind == tString && len(out) >= 2 && out[len(out)-1].kind == tOp && out[len(out)-1].op == '+' && out[len(out)-2].kind == tString {
		left := out[len(out)-2]
		joined := strings.Trim(left.text, `"'`) + strings.Trim(t.text, `"'`)
		return append(out[:len(out)-2], token{kind: tString, text: `"` + joined + `"`, pos: left.pos, end: t.end})
	}
	return append(out, t)
}

// statement reads the lines the unrolling takes itself, and reports
// whether em was one: a list built (activations = [x], nabla_w =
// [np.zeros(w.shape) for w in self.weights], zs.append(z)), a number of
// the structure (L = len(caches)), a tuple bound to a name
// (current_cache = caches[l]); it forgets what a name held when the line
// binds it anew.
func (u *unroller) statement(em emitted) bool {
	toks := em.toks
	eq := lhsEnd(toks)
	if eq < 0 {
		// LIST.append(EXPR)
		if len(toks) >= 6 && toks[0].kind == tIdent && toks[1].kind == tDot && toks[2].name == "append" && toks[3].kind == tLParen && closes(toks, 3) == len(toks)-2 {
			l, ok := u.lists[toks[0].name]
			if !ok {
				return false
			}
			name := printf.Sprintf("%s[%d]", toks[0].name, len(l.elems))
			line := append([]token{identTok(name, toks[0], toks[0].end), {kind: tAssign, text: "=", pos: toks[1].pos, end: toks[1].end}}, toks[4:len(toks)-2]...)
			line = append(line, toks[len(toks)-1])
			l.elems = append(l.elems, []token{identTok(name, toks[0], toks[len(toks)-2].end)})
			text := sliceText(u.prog.lines[em.src.i], toks[0].pos.Col-1, toks[len(toks)-2].end-1)
			em.toks, em.text = line, text+" → "+name
			em.notes, u.pending = u.pending, nil
			u.out = append(u.out, em)
			return true
		}
		return false
	}
	// the names bound anew
	var names []token
	for _, part := range topLevel(unwrap(toks[:eq])) {
		if part = unwrap(part); len(part) == 1 && part[0].kind == tIdent {
			names = append(names, part[0])
		}
	}
	for _, n := range names {
		delete(u.aliases, n.name)
		delete(u.lists, n.name)
		delete(u.consts, n.name)
	}
	if len(names) > 1 && len(names) == len(topLevel(unwrap(toks[:eq]))) && toks[eq].kind == tAssign {
		// a, b = (x, y) with the tuple known: one line a name, each read
		// as a line of its own (a tuple again is bound, not emitted)
		values := topLevel(unwrap(toks[eq+1 : len(toks)-1]))
		rhs := toks[eq+1 : len(toks)-1]
		if len(rhs) == 0 || rhs[0].kind != tLParen || closes(rhs, 0) != len(rhs)-1 || len(values) != len(names) {
			return false
		}
		src := sliceText(u.prog.lines[em.src.i], toks[0].pos.Col-1, toks[len(toks)-2].end-1)
		for k, n := range names {
			one := emitted{src: em.src, iter: em.iter, running: em.running, first: em.first && k == 0,
				text: printf.Sprintf("%s → %s = %s", src, n.text, tokensText(values[k]))}
			one.toks = append(append([]token{n, toks[eq]}, values[k]...), toks[len(toks)-1])
			if !u.statement(one) {
				one.notes, u.pending = u.pending, nil
				u.out = append(u.out, one)
			}
		}
		return true
	}
	if len(names) != 1 || eq != 1 || toks[eq].kind != tAssign {
		return false
	}
	name := names[0]
	rhs := toks[eq+1 : len(toks)-1]
	if len(rhs) == 0 {
		return false
	}
	// a list
	if rhs[0].kind == tLBrack && closes(rhs, 0) == len(rhs)-1 {
		l := &pyList{name: name.name}
		if want, grad, ok := lookalike(name.name); ok && grad && strings.HasSuffix(want, "ℓ") {
			// the gradients' list, one entry a layer: nabla_w[-1] is dW of the last layer
			l.grad = strings.TrimSuffix(want, "ℓ")
			for k := 1; k <= u.L; k++ {
				l.elems = append(l.elems, []token{identTok(printf.Sprintf("%s%d", l.grad, k), name, name.end)})
			}
			u.lists[name.name] = l
			u.structural = true
			return true
		}
		inner := rhs[1 : len(rhs)-1]
		for _, t := range inner {
			if t.kind == tIdent && t.name == "for" {
				u.fail(errorf(t.pos, KindSyntax, "a list comprehension is read for the gradients' lists (nabla_w = [np.zeros(w.shape) for w in self.weights]), whose entries are the layers' gradients; build %s with a loop and append", name.text))
				return true
			}
		}
		if len(inner) > 0 {
			for k, e := range topLevel(inner) {
				if len(e) == 0 {
					continue
				}
				if len(e) == 1 && e[0].kind == tIdent && classify(e[0].name).kind != nkHelper && classify(e[0].name).kind != nkM {
					l.elems = append(l.elems, e) // a name the problem gives: it never changes
					continue
				}
				fresh := printf.Sprintf("%s[%d]", name.name, k)
				line := append([]token{identTok(fresh, name, name.end), toks[eq]}, e...)
				line = append(line, toks[len(toks)-1])
				u.out = append(u.out, emitted{src: em.src, toks: line, iter: em.iter, running: em.running, text: fresh + " = " + tokensText(e), first: em.first})
				l.elems = append(l.elems, []token{identTok(fresh, name, name.end)})
			}
		}
		u.lists[name.name] = l
		return true
	}
	// a number of the structure: L = len(caches)
	structural := false
	for _, t := range em.src.toks {
		structural = structural || (t.kind == tIdent && (t.name == "len" || t.name == "num_layers"))
	}
	if v, ok := u.constant(rhs); ok && structural && classify(name.name).kind == nkHelper {
		u.consts[name.name] = v
		return true
	}
	// a tuple: current_cache = caches[l]
	if rhs[0].kind == tLParen && closes(rhs, 0) == len(rhs)-1 && len(topLevel(unwrap(rhs))) > 1 && classify(name.name).kind == nkHelper {
		if _, grad, ok := lookalike(name.name); !ok || !grad {
			u.aliases[name.name] = rhs
			return true
		}
	}
	return false
}

// entries makes the dictionary entries a tuple assigns names:
// grads["dA1"], grads["dW2"], grads["db2"] = … unpacks into dA1, dW2, db2.
func entries(toks []token) []token {
	eq := lhsEnd(toks)
	if eq < 0 || len(topLevel(unwrap(toks[:eq]))) < 2 {
		return toks
	}
	var out []token
	for i := 0; i < len(toks); i++ {
		if i+3 < eq && toks[i].kind == tIdent && toks[i+1].kind == tLBrack && toks[i+2].kind == tString && toks[i+3].kind == tRBrack && nameLike(strings.Trim(toks[i+2].text, `"'`)) {
			key := strings.Trim(toks[i+2].text, `"'`)
			out = append(out, token{kind: tIdent, text: key, name: key, pos: toks[i].pos, end: toks[i+3].end})
			i += 3
			continue
		}
		out = append(out, toks[i])
	}
	return out
}
