package formula

import "github.com/backproof/backproof/internal/printf"

// Dim is one dimension of a value: its symbol (m, n1, 1) and its size in
// the problem at hand. Symbols make shape messages read like the thread's
// arguments ("1×k times j×1"); sizes decide, as they do in numpy.
type Dim struct {
	Sym string
	N   int
}

func (d Dim) String() string { return d.Sym }

// Full is the symbol with its size, "m = 5"; just "1" for a 1.
func (d Dim) Full() string {
	if d.Sym == printf.Sprint(d.N) {
		return d.Sym
	}
	return printf.Sprintf("%s = %d", d.Sym, d.N)
}

// Shape is rows×columns; a Scalar (a number, or m) has no shape and
// broadcasts everywhere.
type Shape struct {
	R, C   Dim
	Scalar bool
}

var one = Dim{"1", 1}

// Sym is the symbolic shape, "m×n1"; "scalar" for a number.
func (s Shape) Sym() string {
	if s.Scalar {
		return "scalar"
	}
	return s.R.Sym + "×" + s.C.Sym
}

// Nums is the numeric shape, "5×3".
func (s Shape) Nums() string {
	if s.Scalar {
		return "scalar"
	}
	return printf.Sprintf("%d×%d", s.R.N, s.C.N)
}

// String is both: "m×n1 = 5×3" (just "1×1" when they agree).
func (s Shape) String() string {
	if s.Scalar {
		return "scalar"
	}
	if s.Sym() == s.Nums() {
		return s.Nums()
	}
	return s.Sym() + " = " + s.Nums()
}

// Same reports whether two shapes have the same sizes.
func (s Shape) Same(t Shape) bool {
	return s.Scalar == t.Scalar && s.R.N == t.R.N && s.C.N == t.C.N
}

func (s Shape) T() Shape {
	if s.Scalar {
		return s
	}
	return Shape{R: s.C, C: s.R}
}

// dims of a problem: m, n0 … nL, and the shapes of the predefined names in
// a convention.
type dims struct {
	m     int
	n     []int // n0 … nL
	conv  convLayout
	perEx bool
}

type convLayout int

const (
	rowLayout convLayout = iota
	colLayout
)

func (d dims) M() Dim {
	if d.perEx {
		return one // one example at a time
	}
	return Dim{"m", d.m}
}

func (d dims) N(ℓ int) Dim { return Dim{printf.Sprintf("n%d", ℓ), d.n[ℓ]} }

// batch is the shape of Z^ℓ, A^ℓ, δ^ℓ: m×nℓ in rows, nℓ×m in columns,
// nℓ×1 per example.
func (d dims) batch(ℓ int) Shape {
	if d.conv == rowLayout {
		return Shape{R: d.M(), C: d.N(ℓ)}
	}
	return Shape{R: d.N(ℓ), C: d.M()}
}

// weight is the shape of W^ℓ.
func (d dims) weight(ℓ int) Shape {
	if d.conv == rowLayout {
		return Shape{R: d.N(ℓ - 1), C: d.N(ℓ)}
	}
	return Shape{R: d.N(ℓ), C: d.N(ℓ - 1)}
}

// bias is the shape of b^ℓ: 1×nℓ in rows, nℓ×1 in columns.
func (d dims) bias(ℓ int) Shape {
	if d.conv == rowLayout {
		return Shape{R: one, C: d.N(ℓ)}
	}
	return Shape{R: d.N(ℓ), C: one}
}
