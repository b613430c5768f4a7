package compare

import (
	"fmt"
	"math"

	"github.com/backproof/backproof/derive"
	"gonum.org/v1/gonum/mat"
)

// Quantity is what a diagnosed value is meant to be.
type Quantity int

const (
	DZ Quantity = iota // δ^ℓ = ∂C/∂Z^ℓ
	DA                 // ∂C/∂A^ℓ
	DW                 // ∂C/∂W^ℓ
	DB                 // ∂C/∂b^ℓ
)

var quantityNames = []string{"dZ", "dA", "dW", "db"}

func (q Quantity) String() string {
	if q < 0 || int(q) >= len(quantityNames) {
		return fmt.Sprintf("quantity(%d)", int(q))
	}
	return quantityNames[q]
}

// Context is what the catalogue needs to plant each mistake in the true
// quantity. Only Convention and M are needed for the constant factors and
// transposition; the matrices, when present, let Diagnose recompute the
// quantity with f′ or the bias sum done wrong. All matrices are true values
// in the convention's layout (for PerExample: one example's columns).
//
// The mistakes in δ are planted in the source layer k of the quantity:
// k = ℓ for dZ^ℓ, dW^ℓ and db^ℓ, which are built from δ^ℓ, and k = ℓ+1 for
// dA^ℓ = back step of δ^{ℓ+1}.
type Context struct {
	Convention derive.Convention
	M          int // batch size m
	Reduction  derive.Reduction
	Cost       derive.Cost
	Quantity   Quantity
	Layer      int // ℓ, for the messages
	// Floor is the fraction of the largest entry under which a difference
	// is rounding, when the values are known to carry more rounding than
	// float64's usual (outputs that fit their targets); zero means 1e-9.
	Floor float64

	Act   derive.Activation // f of the source layer k
	Z, A  *mat.Dense        // Z^k, A^k
	DA    *mat.Dense        // ∂C/∂A^k
	Delta *mat.Dense        // δ^k = ∂C/∂Z^k
	Prev  *mat.Dense        // A^{ℓ−1}, for dW^ℓ
	W     *mat.Dense        // W^{ℓ+1}, for dA^ℓ
}

// ContextFor describes quantity q of layer ℓ from t, a forward and backward
// pass of n over the whole batch, in n's layout. For PerExample the batch
// matrices are the trace's (column layout, scaled by R); use Example to
// narrow to one example's own ∂C_x.
func ContextFor(n *derive.Net, t *derive.Trace, q Quantity, ℓ int) Context {
	L := len(n.Layers)
	_, m := t.A[0].Dims()
	if !n.Convention.ColumnLayout() {
		m, _ = t.A[0].Dims()
	}
	c := Context{Convention: n.Convention, M: m, Reduction: n.Reduction, Cost: n.Cost, Quantity: q, Layer: ℓ}
	k := ℓ
	if q == DA {
		k = ℓ + 1
		if k <= L {
			c.W = n.Layers[k-1].W
		}
	}
	if q == DW && ℓ >= 1 {
		c.Prev = t.A[ℓ-1]
	}
	if k < 1 || k > L {
		return c
	}
	c.Act = n.Layers[k-1].Act
	c.Z, c.A, c.DA, c.Delta = t.Z[k], t.A[k], t.DA[k], t.Delta[k]
	return c
}

// Example narrows a PerExample context to example x: its columns, with δ
// and ∂C/∂A divided by R so that they are the example's own ∂C_x/∂z and
// ∂C_x/∂a, as Nielsen's backprop returns them.
func (c Context) Example(x int) Context {
	R := c.Reduction.Factor(c.M)
	col := func(M *mat.Dense, s float64) *mat.Dense {
		if M == nil {
			return nil
		}
		r, _ := M.Dims()
		v := mat.NewDense(r, 1, mat.Col(nil, x, M))
		v.Scale(s, v)
		return v
	}
	c.Z, c.A, c.Prev = col(c.Z, 1), col(c.A, 1), col(c.Prev, 1)
	c.DA, c.Delta = col(c.DA, 1/R), col(c.Delta, 1/R)
	return c
}

func (c Context) name() string {
	if c.Layer == 0 && c.Quantity == DZ && c.Delta == nil {
		return "the value"
	}
	return fmt.Sprintf("%v%d", c.Quantity, c.Layer)
}

type variant struct {
	code  Code // "" for the truth itself
	value *mat.Dense
}

// variants are the truth and the truth with each structural mistake
// planted; constant factors and transposition are tried on each.
func (c Context) variants(truth *mat.Dense) []variant {
	out := []variant{{"", truth}}
	if c.Quantity == DB && c.Delta != nil {
		out = append(out, variant{BiasNotSummed, c.Delta}, variant{BiasWrongAxis, c.sumOverUnits(c.Delta)})
	}
	if c.Delta == nil || c.DA == nil || c.Z == nil || c.A == nil {
		return out
	}
	for _, code := range []Code{FprimeOfA, MissingFprime, HadamardForSoftmax} {
		if δ := c.plant(code); δ != nil {
			if v := c.fromDelta(δ); v != nil {
				out = append(out, variant{code, v})
			}
		}
	}
	return out
}

// plant returns δ^k computed with the mistake code:
//
//	fprime-of-A           ∂C/∂A ⊙ f′(A)            (elementwise f only)
//	missing-fprime        ∂C/∂A
//	hadamard-for-softmax  ∂C/∂A ⊙ a ⊙ (1 − a)      (softmax only)
//
// against the truth ∂C/∂A ⊙ f′(Z), or J ∂C/∂A for softmax (derive's BackStep).
func (c Context) plant(code Code) *mat.Dense {
	var δ mat.Dense
	switch code {
	case FprimeOfA:
		if !c.Act.Elementwise() {
			return nil
		}
		δ.Apply(func(i, j int, g float64) float64 { return g * c.Act.Prime(c.A.At(i, j)) }, c.DA)
	case MissingFprime:
		δ.CloneFrom(c.DA)
	case HadamardForSoftmax:
		if c.Act != derive.Softmax {
			return nil
		}
		δ.Apply(func(i, j int, g float64) float64 { a := c.A.At(i, j); return g * a * (1 - a) }, c.DA)
	default:
		return nil
	}
	return &δ
}

// fromDelta turns a δ^k into the quantity, following the convention's
// equations (derive/row.go, column.go, perexample.go).
func (c Context) fromDelta(δ *mat.Dense) *mat.Dense {
	var out mat.Dense
	row := !c.Convention.ColumnLayout()
	switch c.Quantity {
	case DZ:
		return δ
	case DW:
		if c.Prev == nil {
			return nil
		}
		if row {
			out.Mul(c.Prev.T(), δ) // (A^{ℓ−1})ᵀ δ^ℓ
		} else {
			out.Mul(δ, c.Prev.T()) // δ^ℓ (A^{ℓ−1})ᵀ
		}
	case DB:
		return c.sumOverExamples(δ)
	case DA:
		if c.W == nil {
			return nil
		}
		if row {
			out.Mul(δ, c.W.T()) // δ^{ℓ+1} (W^{ℓ+1})ᵀ
		} else {
			out.Mul(c.W.T(), δ) // (W^{ℓ+1})ᵀ δ^{ℓ+1}
		}
	default:
		return nil
	}
	return &out
}

// sumOverExamples is ∂C/∂b from δ: numpy's sum(δ, 0) in the row layout,
// sum(δ, 1) in the column layouts, the dimension kept.
func (c Context) sumOverExamples(δ *mat.Dense) *mat.Dense {
	r, cols := δ.Dims()
	if !c.Convention.ColumnLayout() {
		ones := mat.NewDense(1, r, nil)
		for i := 0; i < r; i++ {
			ones.Set(0, i, 1)
		}
		var s mat.Dense
		s.Mul(ones, δ)
		return &s
	}
	ones := mat.NewDense(cols, 1, nil)
	for i := 0; i < cols; i++ {
		ones.Set(i, 0, 1)
	}
	var s mat.Dense
	s.Mul(δ, ones)
	return &s
}

// sumOverUnits is δ summed over the other axis: bias-wrong-axis.
func (c Context) sumOverUnits(δ *mat.Dense) *mat.Dense {
	other := c
	if c.Convention.ColumnLayout() {
		other.Convention = derive.Row
	} else {
		other.Convention = derive.Column
	}
	return other.sumOverExamples(δ)
}

func (c Context) floor() float64 {
	return math.Max(c.Floor, noiseFloor)
}

// DeltaWith returns δ^k, the quantity's source δ, with the mistakes ms
// planted: the structural ones (fprime-of-A, missing-fprime,
// hadamard-for-softmax) recomputed, the constant factors (missing-1/m,
// extra-1/m, the factors of 2, sign, scale) multiplied in. It returns nil
// when a mistake does not live in δ (transposed, the bias sums) or the
// context lacks δ: then lower layers cannot inherit it.
func (c Context) DeltaWith(ms []Mistake) *mat.Dense {
	if c.Delta == nil || len(ms) == 0 {
		return nil
	}
	δ := c.Delta
	factor := 1.0
	for _, m := range ms {
		switch m.Code {
		case FprimeOfA, MissingFprime, HadamardForSoftmax:
			if δ = c.plant(m.Code); δ == nil {
				return nil
			}
		case MissingOneOverM:
			factor *= float64(c.M)
		case ExtraOneOverM:
			factor /= float64(c.M)
		case MissingFactor2:
			factor /= 2
		case ExtraFactor2:
			factor *= 2
		case Sign:
			factor = -factor
		case Scale:
			factor *= m.Factor
		default:
			return nil
		}
	}
	var out mat.Dense
	out.Scale(factor, δ)
	return &out
}
