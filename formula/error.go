package formula

import (
	"github.com/backproof/backproof/budget"
	"github.com/backproof/backproof/internal/printf"
)

// Pos is a place in a formula file: line and column from 1, the column
// counted in characters (runes), not bytes.
type Pos struct{ Line, Col int }

func (p Pos) String() string { return printf.Sprintf("%d:%d", p.Line, p.Col) }

// Kind sorts the errors a formula can have.
type Kind int

const (
	// KindSyntax: the file cannot be parsed.
	KindSyntax Kind = iota
	// KindName: a name or function the problem does not have, or a misuse of
	// one (a layer 3 in a two-layer network, f′ of something that is not a
	// layer's Z or A).
	KindName
	// KindShape: operands whose shapes cannot combine.
	KindShape
	// KindEval: a line that cannot be evaluated for another reason, such as
	// using a line that failed.
	KindEval
	// KindCannotTell: a line the checker cannot evaluate although it may
	// be right, such as one calling a def whose body is outside the
	// language. Its status is cannot-tell, never a mistake.
	KindCannotTell
	// KindMemory: the file's lines would need more memory than the limit
	// (errors.Is(err, budget.ErrTooLarge)).
	KindMemory
)

// Error is a user's mistake in a formula file, with where it is.
type Error struct {
	Pos
	Kind Kind
	Msg  string
}

func (e *Error) Error() string { return printf.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg) }

// Is makes errors.Is(err, budget.ErrTooLarge) true for a KindMemory error.
func (e *Error) Is(target error) bool { return e.Kind == KindMemory && target == budget.ErrTooLarge }

func errorf(p Pos, k Kind, format string, args ...any) *Error {
	return &Error{Pos: p, Kind: k, Msg: printf.Sprintf(format, args...)}
}
