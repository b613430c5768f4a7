package derive

import (
	"slices"

	"github.com/backproof/backproof/internal/printf"
	"gonum.org/v1/gonum/mat"
)

// Layer is layer ℓ's parameters, in the layout of its Net's convention:
// W is n_{ℓ−1}×n_ℓ in Row, n_ℓ×n_{ℓ−1} in Column and PerExample.
// B holds the n_ℓ biases in every convention.
type Layer struct {
	W   *mat.Dense
	B   []float64
	Act Activation
	// Drop is the layer's dropout, nil for none (the output layer has none).
	Drop *Dropout
}

// Net is a fully connected network with its cost, in one convention.
// Layers[ℓ−1] is layer ℓ: layers are numbered 1..L as in the docs.
type Net struct {
	Convention Convention
	Layers     []Layer
	Cost       Cost
	Reduction  Reduction
	// L2 is the weight decay term of the cost; the zero value is none.
	L2 L2
	// Cores is how many cores the batch's products of matrices may keep
	// busy: 1 one, for a net evaluated beside other work (the report's
	// curvature probes, two at a time on two cores); any other value
	// every one, as gonum computes a large product. The numbers are the
	// same either way.
	Cores int
}

// Sizes returns n₀, n₁, …, n_L.
func (n *Net) Sizes() []int {
	sizes := make([]int, len(n.Layers)+1)
	for i, l := range n.Layers {
		r, c := l.W.Dims()
		in, out := r, c
		if n.Convention.ColumnLayout() {
			in, out = c, r
		}
		if i == 0 {
			sizes[0] = in
		}
		sizes[i+1] = out
	}
	return sizes
}

// In returns a copy of n in convention c. Row and column layouts are
// transposes of each other: W_row = (W_col)ᵀ, and so are the dropout
// masks. Column and per-example share their layout, so only the name
// changes between them.
func (n *Net) In(c Convention) *Net {
	out := &Net{Convention: c, Cost: n.Cost, Reduction: n.Reduction, L2: n.L2, Cores: n.Cores, Layers: make([]Layer, len(n.Layers))}
	for i, l := range n.Layers {
		out.Layers[i] = Layer{W: Batch(l.W, n.Convention, c), B: append([]float64(nil), l.B...), Act: l.Act}
		if l.Drop != nil {
			out.Layers[i].Drop = &Dropout{Keep: l.Drop.Keep, Mask: Batch(l.Drop.Mask, n.Convention, c)}
		}
	}
	return out
}

// Batch converts a batch (inputs or targets) laid out for convention from
// into the layout of convention to: a transpose between row and column.
func Batch(m *mat.Dense, from, to Convention) *mat.Dense {
	var out mat.Dense
	if from.ColumnLayout() == to.ColumnLayout() {
		out.CloneFrom(m)
	} else {
		out.CloneFrom(m.T())
	}
	return &out
}

// NumParams is the number of weights and biases.
func (n *Net) NumParams() int {
	var p int
	for _, l := range n.Layers {
		r, c := l.W.Dims()
		p += r*c + len(l.B)
	}
	return p
}

// Params appends every parameter to dst in the order layer 1..L, W row by
// row (in this convention's layout), then b. Gradients flatten the same way.
func (n *Net) Params(dst []float64) []float64 {
	dst = slices.Grow(dst, n.NumParams()) // one allocation, not append's doublings
	for _, l := range n.Layers {
		dst = appendDense(dst, l.W)
		dst = append(dst, l.B...)
	}
	return dst
}

// SetParams copies θ, in the order of Params, into the parameters.
func (n *Net) SetParams(θ []float64) {
	if len(θ) != n.NumParams() {
		panic(printf.Sprintf("derive: SetParams with %d values for %d parameters", len(θ), n.NumParams()))
	}
	for _, l := range n.Layers {
		r, c := l.W.Dims()
		for i := 0; i < r; i++ {
			copy(l.W.RawRowView(i), θ[:c])
			θ = θ[c:]
		}
		θ = θ[copy(l.B, θ):]
	}
}

// Param names one entry of the flattened parameters.
type Param struct {
	Layer    int    // ℓ, from 1
	Name     string // "W" or "b"
	Row, Col int    // from 0, in this convention's layout; Col is 0 for b
}

func (p Param) String() string {
	if p.Name == "b" {
		return printf.Sprintf("b%d[%d]", p.Layer, p.Row)
	}
	return printf.Sprintf("W%d[%d,%d]", p.Layer, p.Row, p.Col)
}

// ParamAt names the i-th entry of Params.
func (n *Net) ParamAt(i int) Param {
	for ℓ, l := range n.Layers {
		r, c := l.W.Dims()
		if i < r*c {
			return Param{Layer: ℓ + 1, Name: "W", Row: i / c, Col: i % c}
		}
		i -= r * c
		if i < len(l.B) {
			return Param{Layer: ℓ + 1, Name: "b", Row: i}
		}
		i -= len(l.B)
	}
	panic(printf.Sprintf("derive: parameter index %d out of range", i))
}

// Trace keeps every intermediate of one forward and backward pass, for
// teaching: slices are indexed by the layer number ℓ, so index 0 is unused
// except A[0] = X. Matrices are in the convention's layout; PerExample
// stores example x as column x, as Column does.
type Trace struct {
	Convention Convention
	Cost       float64      // C = R · Σ_x C_x + Penalty
	Z, A       []*mat.Dense // Z^ℓ, A^ℓ
	DA         []*mat.Dense // ∂C/∂A^ℓ
	Delta      []*mat.Dense // δ^ℓ = ∂C/∂Z^ℓ
	DW         []*mat.Dense // ∂C/∂W^ℓ, shaped like W^ℓ
	DB         [][]float64  // ∂C/∂b^ℓ
	Penalty    float64      // the L2 term (λ/(2N)) Σ_ℓ ‖W^ℓ‖², 0 without one
}

// Grad appends the gradient to dst in the order of Net.Params.
func (t *Trace) Grad(dst []float64) []float64 {
	var n int
	for ℓ := 1; ℓ < len(t.DW); ℓ++ {
		r, c := t.DW[ℓ].Dims()
		n += r*c + len(t.DB[ℓ])
	}
	dst = slices.Grow(dst, n) // one allocation, not append's doublings
	for ℓ := 1; ℓ < len(t.DW); ℓ++ {
		dst = appendDense(dst, t.DW[ℓ])
		dst = append(dst, t.DB[ℓ]...)
	}
	return dst
}

// Backprop runs the forward and backward pass of n's convention on a batch
// X, Y laid out for that convention.
func (n *Net) Backprop(X, Y *mat.Dense) *Trace {
	n.mustFit(X, Y)
	switch n.Convention {
	case Row:
		return rowBackprop(n, X, Y)
	case Column:
		return columnBackprop(n, X, Y)
	case PerExample:
		return perExampleBackprop(n, X, Y)
	}
	panic("derive: unknown convention " + n.Convention.String())
}

// Loss is C at the current parameters: the forward pass alone.
func (n *Net) Loss(X, Y *mat.Dense) float64 {
	n.mustFit(X, Y)
	_, A := n.Forward(X)
	return outputCost(n, A[len(A)-1], Y) + n.Penalty(numExamples(n.Convention, X))
}

// mustFit panics on shapes that do not chain: inside the library that is a
// programmer error. User input is validated with helpful errors before this.
func (n *Net) mustFit(X, Y *mat.Dense) {
	if len(n.Layers) == 0 {
		panic("derive: network with no layers")
	}
	sizes := n.Sizes()
	xr, xc := X.Dims()
	yr, yc := Y.Dims()
	in, m, out, my := xc, xr, yc, yr
	if n.Convention.ColumnLayout() {
		in, m, out, my = xr, xc, yr, yc
	}
	if in != sizes[0] || out != sizes[len(sizes)-1] || m != my {
		panic(printf.Sprintf("derive: batch X %d×%d, Y %d×%d does not fit a %v network in the %v convention", xr, xc, yr, yc, sizes, n.Convention))
	}
	for i, l := range n.Layers {
		r, c := l.W.Dims()
		out := r
		if !n.Convention.ColumnLayout() {
			out = c
		}
		if len(l.B) != out {
			panic(printf.Sprintf("derive: layer %d has %d biases for %d units", i+1, len(l.B), out))
		}
		in := r
		if n.Convention.ColumnLayout() {
			in = c
		}
		if in != sizes[i] {
			panic(printf.Sprintf("derive: W%d does not chain onto layer %d's %d units", i+1, i, sizes[i]))
		}
		if l.Act == Softmax && i != len(n.Layers)-1 {
			panic(printf.Sprintf("derive: softmax on hidden layer %d", i+1))
		}
	}
	n.checkDropout(m)
}

func appendDense(dst []float64, m *mat.Dense) []float64 {
	r, _ := m.Dims()
	for i := 0; i < r; i++ {
		dst = append(dst, m.RawRowView(i)...)
	}
	return dst
}

// KinkSigns runs the forward pass on X and lists, layer after layer, whether
// each pre-activation of a kinked layer (relu, leaky-relu) is positive: a
// finite difference whose points give two different lists straddles a
// kink, and its slope is an average of two one-sided ones.
func (n *Net) KinkSigns(X *mat.Dense) []bool {
	Z, _ := n.Forward(X)
	var signs []bool
	for ℓ, l := range n.Layers {
		if l.Act.Kinked() {
			for _, z := range Z[ℓ+1].RawMatrix().Data {
				signs = append(signs, z > 0)
			}
		}
	}
	return signs
}

// Forward runs the forward pass alone and returns Z^ℓ and A^ℓ, indexed by ℓ
// as in Trace (A[0] = X).
func (n *Net) Forward(X *mat.Dense) (Z, A []*mat.Dense) {
	switch n.Convention {
	case Row:
		return rowForward(n, X)
	case Column:
		return columnForward(n, X)
	}
	return perExampleForward(n, X)
}
