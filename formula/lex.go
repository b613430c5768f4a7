package formula

import (
	"strconv"
	"unicode"
)

// The lexer reads one line at a time: a statement never spans lines.
//
//	names      letters, digits and _ (Greek too: δ2, σ), not starting with a digit
//	numbers    2, 0.5, .5, 1e-3
//	operators  + - * / @, ⊙ and ∘ for *, − (U+2212) for -
//	transpose  ^T, .T, ᵀ (postfix)
//	prime      ' or ′ after a function name: sigmoid'(Z2)
//	# starts a comment to the end of the line.

type tokKind int

const (
	tEOL tokKind = iota
	tIdent
	tNumber
	tPrime
	tTranspose
	tOp // op holds + - * / @
	tLParen
	tRParen
	tComma
	tAssign
)

type token struct {
	kind tokKind
	text string // as written
	op   rune   // for tOp: '+', '-', '*', '/', '@'
	num  float64
	pos  Pos
	end  int // column just after the token
}

const transposeRune = 'ᵀ' // U+1D40, a letter to Unicode but an operator here

func isIdentStart(r rune) bool {
	return r != transposeRune && (r == '_' || unicode.IsLetter(r))
}

func isIdentPart(r rune) bool { return isIdentStart(r) || unicode.IsDigit(r) }

// lexLine splits line number n (text without its newline) into tokens,
// ending with tEOL.
func lexLine(n int, text []rune) ([]token, error) {
	var toks []token
	i := 0
	at := func(k int) rune {
		if k < len(text) {
			return text[k]
		}
		return 0
	}
	for i < len(text) {
		r := text[i]
		p := Pos{n, i + 1}
		emit := func(k tokKind, width int, op rune) {
			toks = append(toks, token{kind: k, text: string(text[i : i+width]), op: op, pos: p, end: i + width + 1})
			i += width
		}
		switch {
		case r == '#':
			i = len(text)
		case r == ' ' || r == '\t' || r == '\r' || r == '\u00a0':
			i++
		case isIdentStart(r):
			j := i + 1
			for j < len(text) && isIdentPart(text[j]) {
				j++
			}
			emit(tIdent, j-i, 0)
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
				return nil, errorf(Pos{n, j + 1}, KindSyntax, "a number runs into the name %q: write 2 * A1 or 2 @ A1, not 2A1", string(at(j)))
			}
			v, err := strconv.ParseFloat(string(text[i:j]), 64)
			if err != nil {
				return nil, errorf(p, KindSyntax, "bad number %q", string(text[i:j]))
			}
			toks = append(toks, token{kind: tNumber, text: string(text[i:j]), num: v, pos: p, end: j + 1})
			i = j
		case r == '.' && at(i+1) == 'T' && !isIdentPart(at(i+2)):
			emit(tTranspose, 2, 0)
		case r == '^' && at(i+1) == 'T' && !isIdentPart(at(i+2)):
			emit(tTranspose, 2, 0)
		case r == '^':
			return nil, errorf(p, KindSyntax, "^ is only the transpose ^T here; there are no powers: write A * A for A², and ^T, .T or ᵀ to transpose")
		case r == transposeRune:
			emit(tTranspose, 1, 0)
		case r == '\'' || r == '′':
			emit(tPrime, 1, 0)
		case r == '*' && at(i+1) == '*':
			return nil, errorf(p, KindSyntax, "** (power) is not part of the language: write A * A")
		case r == '+' || r == '-' || r == '*' || r == '/' || r == '@':
			emit(tOp, 1, r)
		case r == '−':
			emit(tOp, 1, '-')
		case r == '⊙' || r == '∘':
			emit(tOp, 1, '*')
		case r == '(':
			emit(tLParen, 1, 0)
		case r == ')':
			emit(tRParen, 1, 0)
		case r == ',':
			emit(tComma, 1, 0)
		case r == '=':
			emit(tAssign, 1, 0)
		case r == '×' || r == '·' || r == '⋅':
			return nil, errorf(p, KindSyntax, "%q is ambiguous: write @ for the matrix product or * (or ⊙) for the elementwise one", string(r))
		case r == '[' || r == ']' || r == '{' || r == '}':
			return nil, errorf(p, KindSyntax, "%q: there is no indexing; layers are numbered in the names (A1, W2, dZ2)", string(r))
		default:
			return nil, errorf(p, KindSyntax, "unexpected character %q", string(r))
		}
	}
	toks = append(toks, token{kind: tEOL, pos: Pos{n, len(text) + 1}, end: len(text) + 1})
	return toks, nil
}
