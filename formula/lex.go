package formula

import (
	"strconv"
	"strings"
	"unicode"
)

// The lexer reads one line at a time and keeps every token's column as
// written, so that messages point at what the learner typed, whichever
// notation it is in (docs/formulas.md has the table):
//
//	names      letters, digits and _ (Greek too: δ2, σ), not starting with a digit;
//	           LaTeX \sigma, \delta; a layer superscript W^{[2]}, δ^{(2)}, W^[2]
//	numbers    2, 0.5, .5, 1., 1e-3
//	operators  + - * / @, ⊙ ∘ \odot \circ .* for *, ./ for /, − (U+2212) for -,
//	           > < >= <= (a 0/1 mask), ** and .^ (whole powers), ² ³
//	transpose  ^T, .T, ᵀ, ⊤, ^{T}, ^\top, and ' where nothing is applied (MATLAB)
//	prime      ' or ′ or \prime after a function name: sigmoid'(Z2)
//	comments   # to the end of the line; // or % when they start the line

type tokKind int

const (
	tEOL tokKind = iota
	tIdent
	tNumber
	tPrime
	tTranspose
	tOp   // op holds + - * / @
	tCmp  // op holds > < and ≥ ≤ for >= <=
	tPow  // ** or .^, followed by the exponent
	tPowN // ² or ³: num holds the exponent
	tDot  // . before a name: np.sum, x.dot(y)
	tFrac // \frac
	tLBrace
	tRBrace
	tLBrack
	tRBrack
	tLParen
	tRParen
	tComma
	tAssign
	tSemi
	tColon
	tString // a Python string, which the parser refuses with a reason
	tEq     // ==: an assert's shape claim, or numpy's elementwise comparison
	tAug    // += -= *= /= @=: op holds the operator
)

type token struct {
	kind tokKind
	text string // as written
	name string // for tIdent: the name it stands for (W^{[2]} is W2, \sigma is σ)
	op   rune   // for tOp and tCmp
	num  float64
	pos  Pos
	end  int // column just after the token
	// for tIdent, what a superscript added after the name: ^{[2]T}, ^{\prime}
	supT, supPrime bool
	supLayer       string // the layer of ^{[2]}, already part of name
}

const transposeRune = 'ᵀ' // U+1D40, a letter to Unicode but an operator here

// punctuation are the one-character tokens that carry nothing but their kind.
var punctuation = map[rune]tokKind{
	'(': tLParen, ')': tRParen, '[': tLBrack, ']': tRBrack, '{': tLBrace, '}': tRBrace,
	',': tComma, '=': tAssign, ';': tSemi, ':': tColon,
}

func isIdentStart(r rune) bool {
	return r != transposeRune && (r == '_' || unicode.IsLetter(r))
}

func isIdentPart(r rune) bool { return isIdentStart(r) || unicode.IsDigit(r) }

// latexNames are the LaTeX commands that stand for a name.
var latexNames = map[string]string{"sigma": "σ", "delta": "δ"}

// latexSkip are LaTeX commands that only size or space things.
var latexSkip = map[string]bool{"left": true, "right": true, "big": true, "Big": true, "bigl": true, "bigr": true,
	"Bigl": true, "Bigr": true, "quad": true, "qquad": true, "displaystyle": true}

// latexUnsupported names what a LaTeX command is and what to write instead.
var latexUnsupported = map[string]string{
	"cdot":     `\cdot is ambiguous: write @ for the matrix product or \odot (*) for the elementwise one`,
	"times":    `\times is ambiguous: write @ for the matrix product or \odot (*) for the elementwise one`,
	"nabla":    `\nabla is not part of the language: a gradient is a name, dW2 for ∇_W C of layer 2, dZ2 for δ`,
	"partial":  `\partial is not part of the language: a gradient is a name, dW2 for ∂C/∂W2, dZ2 for ∂C/∂Z2`,
	"sum":      `\sum is not part of the language: write sum(M, axis) (np.sum) for a sum over the batch`,
	"mathbf":   `\mathbf is not part of the language: write the name alone (W2, not \mathbf{W}^{[2]})`,
	"mathrm":   `\mathrm is not part of the language: write the name alone`,
	"text":     `\text is not part of the language: write the name alone`,
	"top":      `\top transposes only as a superscript: write A1^\top or A1^{\top}`,
	"intercal": `\intercal transposes only as a superscript: write A1^\intercal`,
}

// lexLine splits line number n (text without its newline) into tokens,
// ending with tEOL. It reports every character it cannot read, each once,
// and goes on after it, so that a line with several gets them all.
func lexLine(n int, text []rune) ([]token, []*Error) {
	var toks []token
	var errs []*Error
	i := 0
	at := func(k int) rune {
		if k >= 0 && k < len(text) {
			return text[k]
		}
		return 0
	}
	lineStart := true // only spaces so far: where // and % start a comment
	fail := func(p Pos, format string, args ...any) {
		errs = append(errs, errorf(p, KindSyntax, format, args...))
	}
	for i < len(text) {
		r := text[i]
		p := Pos{n, i + 1}
		emit := func(k tokKind, width int, op rune) {
			toks = append(toks, token{kind: k, text: string(text[i : i+width]), op: op, pos: p, end: i + width + 1})
			i += width
		}
		wasStart := lineStart
		lineStart = false
		switch {
		case r == '#':
			i = len(text)
		case r == ' ' || r == '\t' || r == '\r' || r == '\u00a0' || r == '\ufeff' || r == '$' || r == '`':
			// $ delimits LaTeX maths and ` Markdown code: pasted
			// $dW^{[2]} = …$ or `dW2 = …` reads as its inside.
			lineStart = wasStart
			i++
		case wasStart && (r == '/' && at(i+1) == '/' || r == '%'):
			i = len(text) // a comment line pasted from Go, C or MATLAB
		case r == '/' && at(i+1) == '/':
			fail(p, "// is Python's floor division, which a gradient has no use for: write / to divide, and # (not //) to start a comment")
			i += 2
		case r == '%' && len(toks) > 0 && toks[len(toks)-1].kind == tSemi:
			i = len(text) // MATLAB: dZ2 = …; % comment
		case r == '%':
			fail(p, "%% is Python's remainder or MATLAB's comment: write # to start a comment")
			i = len(text)
		case r == '\\':
			i = lexLatex(n, text, i, &toks, fail)
		case isIdentStart(r):
			j := i + 1
			for j < len(text) && isIdentPart(text[j]) {
				j++
			}
			t := token{kind: tIdent, text: string(text[i:j]), name: halfWidth(text[i:j]), pos: p}
			j = superscript(n, text, j, &t, fail)
			t.text, t.end = string(text[i:j]), j+1
			toks = append(toks, t)
			i = j
		case unicode.IsDigit(r) || (r == '.' && unicode.IsDigit(at(i+1))):
			j := i
			for j < len(text) && unicode.IsDigit(text[j]) {
				j++
			}
			if at(j) == '.' && unicode.IsDigit(at(j+1)) {
				j++
				for j < len(text) && unicode.IsDigit(text[j]) {
					j++
				}
			} else if at(j) == '.' && j > i && (!isIdentStart(at(j+1)) || isExponent(text, j+1)) && at(j+1) != '*' && at(j+1) != '/' && at(j+1) != '^' {
				j++ // 1./m, as Ng's course writes it; 1.*x is 1 .* x
			}
			if e := at(j); e == 'e' || e == 'E' {
				k := j + 1
				if s := at(k); s == '+' || s == '-' {
					k++
				}
				if unicode.IsDigit(at(k)) {
					for k < len(text) && unicode.IsDigit(text[k]) {
						k++
					}
					j = k
				}
			}
			if isIdentStart(at(j)) {
				fail(Pos{n, j + 1}, "a number runs into the name %q: write 2 * A1 or 2 @ A1, not 2A1", string(at(j)))
			}
			v, err := strconv.ParseFloat(halfWidth(text[i:j]), 64)
			if err != nil {
				fail(p, "bad number %q", string(text[i:j]))
			}
			toks = append(toks, token{kind: tNumber, text: string(text[i:j]), num: v, pos: p, end: j + 1})
			i = j
		case r == '.' && at(i+1) == 'T' && !isIdentPart(at(i+2)):
			emit(tTranspose, 2, 0)
		case r == '.' && at(i+1) == '*':
			emit(tOp, 2, '*') // MATLAB's elementwise product
		case r == '.' && at(i+1) == '/':
			emit(tOp, 2, '/')
		case r == '.' && at(i+1) == '^':
			emit(tPow, 2, 0)
		case r == '.' && isIdentStart(at(i+1)):
			emit(tDot, 1, 0)
		case r == '^':
			i = lexCaret(n, text, i, &toks, fail)
		case r == transposeRune || r == '⊤':
			emit(tTranspose, 1, 0)
		case r == '²' || r == '³':
			toks = append(toks, token{kind: tPowN, text: string(r), num: map[rune]float64{'²': 2, '³': 3}[r], pos: p, end: i + 2})
			i++
		case r == '\'' && !startsValue(toks) || r == '′':
			emit(tPrime, 1, 0)
		case r == '*' && at(i+1) == '*':
			emit(tPow, 2, 0)
		case (r == '+' || r == '-' || r == '*' || r == '/' || r == '@') && at(i+1) == '=':
			emit(tAug, 2, r) // dZ2 -= Y: NAME = NAME - (Y)
		case r == '+' || r == '-' || r == '*' || r == '/' || r == '@':
			emit(tOp, 1, r)
		case r == '−':
			emit(tOp, 1, '-')
		case r == '⊙' || r == '∘':
			emit(tOp, 1, '*')
		case r == '>' || r == '<' || r == '≥' || r == '≤':
			switch {
			case (r == '>' || r == '<') && at(i+1) == '=':
				toks = append(toks, token{kind: tCmp, text: string(text[i : i+2]), op: map[rune]rune{'>': '≥', '<': '≤'}[r], pos: p, end: i + 3})
				i += 2
			case at(i+1) == r:
				fail(p, "%s%s (a bit shift) is not part of the language", string(r), string(r))
				i += 2
			default:
				emit(tCmp, 1, r)
			}
		case r == '=' && at(i+1) == '=':
			emit(tEq, 2, '=') // an operator as < is, Op '='
		case r == '!' && at(i+1) == '=':
			toks = append(toks, token{kind: tCmp, text: "!=", op: '≠', pos: p, end: i + 3})
			i += 2
		case punctuation[r] != tEOL: // the zero value, tEOL, is no punctuation: "none"
			emit(punctuation[r], 1, 0)
		case r == '"' || r == '\'' && startsValue(toks):
			// a string: "W2", or 'W2' where a prime cannot stand
			j := i + 1
			for j < len(text) && text[j] != r {
				j++
			}
			j = min(j+1, len(text))
			toks = append(toks, token{kind: tString, text: string(text[i:j]), pos: p, end: j + 1})
			i = j
		case r == '∗':
			emit(tOp, 1, '*')
		case r == '÷':
			emit(tOp, 1, '/')
		case r == '⁻':
			fail(p, "⁻ (as in A⁻¹) is not part of the language: backprop needs no inverse; for 1/x elementwise write 1 / A1 or A1**-1")
			i++
			for i < len(text) && strings.ContainsRune("¹²³⁰⁴⁵⁶⁷⁸⁹", text[i]) {
				i++
			}
		case r == '∑' || r == '∂' || r == '∇':
			fail(p, "%q is not part of the language: a gradient is a name (dW2 for ∂C/∂W2, dZ2 for δ), and a sum over the batch is sum(M, axis)", string(r))
			i++
		case r == '×' || r == '·' || r == '⋅':
			fail(p, "%q is ambiguous: write @ for the matrix product or * (or ⊙) for the elementwise one", string(r))
			i++
		case r == '&' || r == '|' || r == '~' || r == '!':
			fail(p, "%q (a logical or bitwise operator) is not part of the language: a mask is a comparison, as in dA1 * (Z1 > 0)", string(r))
			i++
		default:
			fail(p, "unexpected character %q: the operators are + - * / @ ⊙ ** and ᵀ (docs/formulas.md lists every spelling)", string(r))
			i++
		}
	}
	toks = append(toks, token{kind: tEOL, pos: Pos{n, len(text) + 1}, end: len(text) + 1})
	return toks, errs
}

// isExponent reports whether text[k:] is a number's exponent, e3 or E-3:
// 1.e-3 is a number, 1.exp is not.
func isExponent(text []rune, k int) bool {
	if k >= len(text) || (text[k] != 'e' && text[k] != 'E') {
		return false
	}
	k++
	if k < len(text) && (text[k] == '+' || text[k] == '-') {
		k++
	}
	return k < len(text) && unicode.IsDigit(text[k])
}

// startsValue reports whether the next token starts a value: after an
// opening bracket, a comma, = or an operator, where a ' is a Python
// string's quote, not a prime or a transpose.
func startsValue(toks []token) bool {
	if len(toks) == 0 {
		return true
	}
	switch toks[len(toks)-1].kind {
	case tLParen, tLBrack, tComma, tAssign, tOp, tCmp, tAug, tEq:
		return true
	}
	return false
}

// latexWord reads the letters of a LaTeX command after its backslash at i.
func latexWord(text []rune, i int) (string, int) {
	j := i + 1
	for j < len(text) && (text[j] >= 'a' && text[j] <= 'z' || text[j] >= 'A' && text[j] <= 'Z') {
		j++
	}
	return string(text[i+1 : j]), j
}

// lexLatex reads the LaTeX command at text[i] == '\\' and returns where
// the next token starts.
func lexLatex(n int, text []rune, i int, toks *[]token, fail func(Pos, string, ...any)) int {
	p := Pos{n, i + 1}
	word, j := latexWord(text, i)
	add := func(k tokKind, op rune) int {
		*toks = append(*toks, token{kind: k, text: string(text[i:j]), op: op, pos: p, end: j + 1})
		return j
	}
	switch {
	case word == "":
		if strings.TrimSpace(string(text[j:])) == "" {
			fail(p, `\ at the end of a line continues a Python statement, but a statement here is one line: join it with the next line`)
			return len(text)
		}
		if j < len(text) && strings.ContainsRune(",;:! ", text[j]) {
			return j + 1 // LaTeX spacing
		}
		fail(p, `a lone \: LaTeX commands are \sigma, \delta, \odot, \circ, \top, \prime, \frac{a}{b}`)
		return j + 1
	case latexNames[word] != "":
		t := token{kind: tIdent, name: latexNames[word], pos: p}
		j = superscript(n, text, j, &t, fail)
		t.text, t.end = string(text[i:j]), j+1
		*toks = append(*toks, t)
		return j
	case word == "odot" || word == "circ":
		return add(tOp, '*')
	case word == "prime":
		return add(tPrime, 0)
	case word == "frac" || word == "dfrac" || word == "tfrac":
		return add(tFrac, 0)
	case latexSkip[word]:
		return j
	case latexUnsupported[word] != "":
		fail(p, "%s", latexUnsupported[word])
		return j
	}
	fail(p, `\%s is not a LaTeX command the language reads: it reads \sigma, \delta, \odot, \circ, \top, \prime and \frac{a}{b} (see docs/formulas.md)`, word)
	return j
}

// supPart is one piece of a superscript: a layer [2] or (2), a transpose
// (T, \top, ⊤, ᵀ), or a prime (', ′, \prime).
type supPart struct {
	layer     string // digits, or "L"
	transpose bool
	prime     bool
}

// readSup reads the inside of ^{…} (or a bare ^[2]) from text[i:] up to
// stop (0 for a bare one); it returns the parts, where it ended, and ok.
func readSup(text []rune, i int, stop rune) (supPart, int, bool) {
	var s supPart
	at := func(k int) rune {
		if k < len(text) {
			return text[k]
		}
		return 0
	}
	if o := at(i); o == '[' || o == '(' {
		c := map[rune]rune{'[': ']', '(': ')'}[o]
		j := i + 1
		for j < len(text) && unicode.IsDigit(text[j]) {
			j++
		}
		if j == i+1 && at(j) == 'L' {
			j++
		}
		if j == i+1 || at(j) != c {
			return s, i, false
		}
		s.layer = string(text[i+1 : j])
		i = j + 1
	}
	for stop != 0 && i < len(text) && text[i] != stop {
		switch r := text[i]; {
		case r == 'T' || r == '⊤' || r == transposeRune:
			s.transpose = true
			i++
		case r == '\'' || r == '′':
			s.prime = true
			i++
		case r == ' ':
			i++
		case r == '\\':
			w, j := latexWord(text, i)
			switch w {
			case "top", "intercal", "mathsf":
				s.transpose = true
			case "prime":
				s.prime = true
			default:
				return s, i, false
			}
			if w == "mathsf" { // \mathsf{T}
				if at(j) != '{' || at(j+1) != 'T' || at(j+2) != '}' {
					return s, i, false
				}
				j += 3
			}
			i = j
		default:
			return s, i, false
		}
	}
	if stop != 0 {
		if at(i) != stop {
			return s, i, false
		}
		i++
	}
	return s, i, s.layer != "" || s.transpose || s.prime
}

const supHelp = "a superscript is a layer (W^{[2]}, δ^{(2)}, W^[2]), a transpose (A1^T, A1^{T}, A1^\\top) or a prime (\\sigma^{\\prime}); ^ makes no powers: for an elementwise square write A1**2, A1² or np.square(A1)"

// superscript reads a superscript right after a name ending at text[j]
// into t, and returns where the name, with it, ends.
func superscript(n int, text []rune, j int, t *token, fail func(Pos, string, ...any)) int {
	if j >= len(text) || text[j] != '^' {
		return j
	}
	next := rune(0)
	if j+1 < len(text) {
		next = text[j+1]
	}
	var s supPart
	var end int
	var ok bool
	switch next {
	case '{':
		s, end, ok = readSup(text, j+2, '}')
	case '[':
		s, end, ok = readSup(text, j+1, 0)
	default:
		return j // ^T, ^\top and the like are transposes of their own
	}
	if !ok {
		if next == '{' && j+2 < len(text) && unicode.IsDigit(text[j+2]) {
			fail(Pos{n, j + 1}, "^ is only the transpose here; %s", supHelp)
		} else {
			fail(Pos{n, j + 1}, "%s", "this superscript cannot be read: "+supHelp)
		}
		// skip the group so that one mistake gives one message
		for end = j + 1; end < len(text) && text[end] != '}' && text[end] != ' '; end++ {
		}
		if end < len(text) && text[end] == '}' {
			end++
		}
		return end
	}
	if s.layer != "" {
		t.supLayer = s.layer
		if strings.IndexFunc(t.name, unicode.IsDigit) >= 0 {
			fail(Pos{n, j + 1}, "%s already has a layer number: write %s or %s^{[%s]}, not both", t.name, t.name, strings.TrimRightFunc(t.name, unicode.IsDigit), s.layer)
		}
		t.name += s.layer
	}
	t.supT, t.supPrime = s.transpose, s.prime
	return end
}

// lexCaret reads a ^ that does not follow a name directly: a transpose
// (^T, ^{T}, ^\top, ^⊤) or a mistake, and returns where the next token starts.
func lexCaret(n int, text []rune, i int, toks *[]token, fail func(Pos, string, ...any)) int {
	p := Pos{n, i + 1}
	at := func(k int) rune {
		if k < len(text) {
			return text[k]
		}
		return 0
	}
	add := func(end int) int {
		*toks = append(*toks, token{kind: tTranspose, text: string(text[i:end]), pos: p, end: end + 1})
		return end
	}
	switch {
	case (at(i+1) == 'T' || at(i+1) == '⊤' || at(i+1) == transposeRune) && !isIdentPart(at(i+2)):
		return add(i + 2)
	case at(i+1) == '\\':
		if w, j := latexWord(text, i+1); w == "top" || w == "intercal" {
			return add(j)
		}
	case at(i+1) == '{':
		s, end, ok := readSup(text, i+2, '}')
		if ok && s.transpose && s.layer == "" && !s.prime {
			return add(end)
		}
		if ok && s.layer != "" {
			fail(p, "a layer superscript belongs right after a name, as in W^{[2]} or dZ^{[2]}")
			return end
		}
	}
	fail(p, "^ is only the transpose here; %s", supHelp)
	j := i + 1
	if at(j) == '{' {
		for j < len(text) && text[j] != '}' {
			j++
		}
		return j + 1
	}
	if isIdentPart(at(j)) || at(j) == '-' {
		j++
		for j < len(text) && isIdentPart(text[j]) {
			j++
		}
	}
	return j
}

// halfWidth is a name with its full-width letters, digits and underscore
// (ｄＷ２, as an East Asian keyboard types them) read as the ASCII ones.
func halfWidth(name []rune) string {
	out := make([]rune, len(name))
	for i, r := range name {
		if r >= '\uff10' && r <= '\uff5a' && unicode.IsLetter(r-0xfee0) || unicode.IsDigit(r-0xfee0) && r >= '\uff10' && r <= '\uff19' || r == '\uff3f' {
			r -= 0xfee0
		}
		out[i] = r
	}
	return string(out)
}

// nesting is how a token of kind k changes the bracket depth: +1 for an
// opening bracket of any kind, −1 for a closing one, 0 otherwise. The
// Python reader asks it wherever it looks for what is outside brackets
// (a top-level =, comma or colon).
func (k tokKind) nesting() int {
	switch k {
	case tLParen, tLBrack, tLBrace:
		return 1
	case tRParen, tRBrack, tRBrace:
		return -1
	}
	return 0
}
