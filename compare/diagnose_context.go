package compare

import (
	"math"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/printf"
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
		return printf.Sprintf("quantity(%d)", int(q))
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

	// The L2 term, when the cost has one: Decay = λ/N, and the layer's own
	// parameters (Own W^ℓ for dW^ℓ, OwnB b^ℓ for db^ℓ, shaped like the
	// array judged), in which its mistakes are planted. The truth handed
	// to Diagnose includes Decay·W^ℓ.
	Lambda, Decay float64
	N             int // the N of λ/N
	OwnW, OwnB    *mat.Dense
	// Dropout of the source layer k: its keep probability (0 for none), its
	// mask, and the masks of the other dropout layers shaped like it.
	Keep       float64
	Mask       *mat.Dense
	OtherMasks []*mat.Dense
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
	if n.L2.On() && ℓ >= 1 && ℓ <= L && (q == DW || q == DB) {
		c.Lambda, c.N, c.Decay = n.L2.Lambda, n.L2.Divisor(n.Reduction, m), n.L2.Coeff(n.Reduction, m)
		if q == DW {
			c.OwnW = n.Layers[ℓ-1].W
		} else if n.Convention.ColumnLayout() {
			c.OwnB = mat.NewDense(len(n.Layers[ℓ-1].B), 1, append([]float64(nil), n.Layers[ℓ-1].B...))
		} else {
			c.OwnB = mat.NewDense(1, len(n.Layers[ℓ-1].B), append([]float64(nil), n.Layers[ℓ-1].B...))
		}
	}
	if k < 1 || k > L {
		return c
	}
	c.Act = n.Layers[k-1].Act
	c.Z, c.A, c.DA, c.Delta = t.Z[k], t.A[k], t.DA[k], t.Delta[k]
	if d := n.Layers[k-1].Drop; d != nil {
		c.Keep, c.Mask = d.Keep, d.Mask
		for i, l := range n.Layers {
			if i != k-1 && l.Drop != nil && sameShape(l.Drop.Mask, d.Mask) && !Matches(l.Drop.Mask, d.Mask) {
				c.OtherMasks = append(c.OtherMasks, l.Drop.Mask)
			}
		}
	}
	return c
}

// regTerm is one way of writing the L2 term's part of a gradient.
type regTerm struct {
	code  Code // "" for the right one
	value *mat.Dense
}

// regTerms lists the L2 term's part of the quantity, right first, then
// with each mistake of the catalogue planted; nil when the cost has no L2
// term or the quantity has no part of it.
//
//	dW: (λ/N) W right; 0, λ W, (λ/m) W, 2 (λ/N) W
//	db: 0 right; (λ/N) b
func (c Context) regTerms(truth *mat.Dense) []regTerm {
	if c.Decay == 0 {
		return nil
	}
	scaled := func(f float64, M *mat.Dense) *mat.Dense {
		var out mat.Dense
		out.Scale(f, M)
		return &out
	}
	r, cols := truth.Dims()
	zero := mat.NewDense(r, cols, nil)
	switch {
	case c.Quantity == DW && c.OwnW != nil && sameShape(c.OwnW, truth):
		terms := []regTerm{{"", scaled(c.Decay, c.OwnW)}, {L2Missing, zero}}
		if c.N != 1 {
			terms = append(terms, regTerm{L2NotDivided, scaled(c.Lambda, c.OwnW)})
		}
		if c.N != c.M {
			terms = append(terms, regTerm{L2OverM, scaled(c.Lambda/float64(c.M), c.OwnW)})
		}
		return append(terms, regTerm{L2Factor2, scaled(2*c.Decay, c.OwnW)})
	case c.Quantity == DB && c.OwnB != nil && sameShape(c.OwnB, truth):
		return []regTerm{{"", zero}, {BiasRegularized, scaled(c.Decay, c.OwnB)}}
	}
	return nil
}

// decayWords is "(0.7/5) W^2" with the numbers of the context.
func (c Context) decayWords() string {
	return printf.Sprintf("(%g/%d) W^%d", c.Lambda, c.N, c.Layer)
}

// source is k, the layer whose δ the quantity is built from.
func (c Context) source() int {
	if c.Quantity == DA {
		return c.Layer + 1
	}
	return c.Layer
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
	return printf.Sprintf("%v%d", c.Quantity, c.Layer)
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
	for _, code := range []Code{FprimeOfA, MissingFprime, HadamardForSoftmax, DropoutMaskMissing} {
		if δ := c.plant(code); δ != nil {
			if v := c.fromDelta(δ); v != nil {
				out = append(out, variant{code, v})
			}
		}
	}
	for _, D := range c.OtherMasks {
		for _, with := range c.wrongMasks(D) {
			if v := c.fromDelta(c.withMask(with, c.Act.Prime, c.Z)); v != nil {
				out = append(out, variant{DropoutWrongMask, v})
			}
		}
	}
	return out
}

// wrongMasks are the masks a learner applies in place of D^k when taking
// another layer's D: D itself, and for relu and leaky-relu D ⊙ D^k as
// well, since a relu′ read off the dropped A (Ng's A > 0) keeps D^k's
// zeros whatever mask multiplies ∂C/∂A.
func (c Context) wrongMasks(D *mat.Dense) []*mat.Dense {
	if !c.Act.Kinked() {
		return []*mat.Dense{D}
	}
	var both mat.Dense
	both.MulElem(D, c.Mask)
	return []*mat.Dense{D, &both}
}

// withMask is δ = ((D ⊙ ∂C/∂A)/p) ⊙ f′(at), with D nil for no mask.
func (c Context) withMask(D *mat.Dense, prime func(float64) float64, at *mat.Dense) *mat.Dense {
	var δ mat.Dense
	δ.Apply(func(i, j int, g float64) float64 {
		if D != nil {
			g *= D.At(i, j)
		}
		return g / c.Keep * prime(at.At(i, j))
	}, c.DA)
	return &δ
}

// dropped is ∂C/∂A with the source layer's mask and 1/p applied, as the
// backward pass applies them before f′: ∂C/∂A itself without dropout.
func (c Context) dropped() *mat.Dense {
	if c.Keep == 0 {
		return c.DA
	}
	var g mat.Dense
	g.Apply(func(i, j int, v float64) float64 { return v * c.Mask.At(i, j) / c.Keep }, c.DA)
	return &g
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
		δ.Apply(func(i, j int, g float64) float64 { return g * c.Act.Prime(c.A.At(i, j)) }, c.dropped())
	case MissingFprime:
		δ.CloneFrom(c.dropped())
	case DropoutMaskMissing:
		if c.Keep == 0 || !c.Act.Elementwise() {
			return nil
		}
		return c.withMask(nil, c.Act.Prime, c.Z)
	case HadamardForSoftmax:
		if c.Act.Elementwise() {
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
		case FprimeOfA, MissingFprime, HadamardForSoftmax, DropoutMaskMissing:
			if δ = c.plant(m.Code); δ == nil {
				return nil
			}
		case DropoutWrongMask:
			if len(c.OtherMasks) != 1 {
				return nil
			}
			masks := c.wrongMasks(c.OtherMasks[0])
			δ = c.withMask(masks[len(masks)-1], c.Act.Prime, c.Z)
		case DropoutKeepMissing:
			factor *= c.Keep
		case L2Missing, L2NotDivided, L2OverM, L2Factor2, BiasRegularized:
			// in the L2 term, not in δ: nothing for the layers below
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
