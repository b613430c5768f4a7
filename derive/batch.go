package derive

import "gonum.org/v1/gonum/mat"

// This file holds what the batch conventions (row and column) share: walking
// a matrix example by example, whichever axis the examples lie along.

// examples calls fn with each example's entries of the given matrices, as
// one slice each: a row in the row layout, a column in the column layout.
// fn may change the entries of the first writes matrices (they are written
// back); the others are only read, so shared inputs such as Y are never
// written, not even with their own values, and several goroutines may read
// them at once.
func examples(c Convention, writes int, fn func(vs ...[]float64), ms ...*mat.Dense) {
	r, cols := ms[0].Dims()
	if !c.ColumnLayout() {
		vs := make([][]float64, len(ms))
		for i := 0; i < r; i++ {
			for j, m := range ms {
				vs[j] = m.RawRowView(i)
			}
			fn(vs...)
		}
		return
	}
	vs := make([][]float64, len(ms))
	for j := range ms {
		vs[j] = make([]float64, r)
	}
	for i := 0; i < cols; i++ {
		for j, m := range ms {
			mat.Col(vs[j], i, m)
		}
		fn(vs...)
		for j, m := range ms[:writes] {
			m.SetCol(i, vs[j])
		}
	}
}

// activate returns A = f(Z), one example at a time (softmax needs the whole
// example; elementwise f does not mind).
func activate(c Convention, act Activation, Z *mat.Dense) *mat.Dense {
	A := mat.DenseCopyOf(Z)
	examples(c, 1, func(v ...[]float64) { act.Activate(v[0], v[0]) }, A)
	return A
}

// fprime returns F′ = f′(Z) entry by entry. Only for elementwise f.
func fprime(act Activation, Z *mat.Dense) *mat.Dense {
	var F mat.Dense
	F.Apply(func(_, _ int, z float64) float64 { return act.Prime(z) }, Z)
	return &F
}

// outputCost is C = R · Σ_x C_x for outputs A and targets Y.
func outputCost(n *Net, A, Y *mat.Dense) float64 {
	var sum float64
	examples(n.Convention, 0, func(v ...[]float64) { sum += n.Cost.Value(v[0], v[1]) }, A, Y)
	return n.Reduction.Factor(numExamples(n.Convention, A)) * sum
}

// outputLayer returns ∂C/∂A^L = R ∇_a C_x and δ^L = ∂C/∂Z^L, example by
// example (for softmax through its Jacobian, see Activation.BackStep).
func outputLayer(n *Net, Z, A, Y *mat.Dense) (dA, delta *mat.Dense) {
	R := n.Reduction.Factor(numExamples(n.Convention, A))
	act := n.Layers[len(n.Layers)-1].Act
	dA, delta = mat.DenseCopyOf(A), mat.DenseCopyOf(A)
	examples(n.Convention, 2, func(v ...[]float64) {
		g, d, z, a, y := v[0], v[1], v[2], v[3], v[4]
		outputDelta(n.Cost, act, d, g, z, a, y)
		scale(R, g)
		scale(R, d)
	}, dA, delta, Z, A, Y)
	return dA, delta
}

func numExamples(c Convention, M *mat.Dense) int {
	r, cols := M.Dims()
	if c.ColumnLayout() {
		return cols
	}
	return r
}

func scale(r float64, v []float64) {
	for i := range v {
		v[i] *= r
	}
}

func newTrace(n *Net, Z, A []*mat.Dense) *Trace {
	L := len(n.Layers) + 1
	return &Trace{Convention: n.Convention, Z: Z, A: A,
		DA: make([]*mat.Dense, L), Delta: make([]*mat.Dense, L),
		DW: make([]*mat.Dense, L), DB: make([][]float64, L)}
}
