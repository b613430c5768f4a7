package compare

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// The learner below is a second, deliberately plain backprop for a
// two-layer network (sigmoid hidden layer), written the way a learner
// writes it, with one classic mistake planted where a learner makes it.
// It shares no code with derive: derive's Trace is the truth.

type learnerGrads map[string]*mat.Dense // "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"

func sig(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// learnBatch is the batch backprop of the row or column convention.
func learnBatch(c derive.Convention, n *derive.Net, X, Y *mat.Dense, mistake Code) learnerGrads {
	row := !c.ColumnLayout()
	mul := func(a, b mat.Matrix) *mat.Dense { var o mat.Dense; o.Mul(a, b); return &o }
	elem := func(a *mat.Dense, f func(i, j int, v float64) float64) *mat.Dense {
		var o mat.Dense
		o.Apply(f, a)
		return &o
	}
	// examples lie along rows (row) or columns (column)
	m, _ := X.Dims()
	if !row {
		_, m = X.Dims()
	}
	bias := func(b []float64) func(i, j int, v float64) float64 {
		return func(i, j int, v float64) float64 {
			if row {
				return v + b[j]
			}
			return v + b[i]
		}
	}
	W1, W2 := n.Layers[0].W, n.Layers[1].W
	var Z1, Z2 *mat.Dense
	if row {
		Z1 = mul(X, W1) // Z1 = X W1 + b1
	} else {
		Z1 = mul(W1, X) // Z1 = W1 X + b1
	}
	Z1 = elem(Z1, bias(n.Layers[0].B))
	A1 := elem(Z1, func(_, _ int, z float64) float64 { return sig(z) })
	if row {
		Z2 = mul(A1, W2)
	} else {
		Z2 = mul(W2, A1)
	}
	Z2 = elem(Z2, bias(n.Layers[1].B))
	out := n.Layers[1].Act
	var A2 *mat.Dense
	if out == derive.Softmax {
		A2 = mat.DenseCopyOf(Z2)
		forExamples(row, A2, func(v []float64) {
			var s float64
			for k := range v {
				v[k] = math.Exp(v[k])
				s += v[k]
			}
			for k := range v {
				v[k] /= s
			}
		})
	} else {
		A2 = elem(Z2, func(_, _ int, z float64) float64 { return sig(z) })
	}
	// g = ∂C_x/∂a
	g := elem(A2, func(i, j int, a float64) float64 {
		y := Y.At(i, j)
		switch {
		case mistake == Sign:
			return y - a
		case n.Cost == derive.Quadratic && mistake == ExtraFactor2:
			return 2 * (a - y)
		case n.Cost == derive.Quadratic:
			return a - y
		case n.Cost == derive.SumSquares && mistake == MissingFactor2:
			return a - y
		case n.Cost == derive.SumSquares:
			return 2 * (a - y)
		case n.Cost == derive.LogLikelihood:
			return -y / a
		}
		return (a - y) / (a * (1 - a)) // cross-entropy
	})
	// δ2 = g ⊙ f′(Z2), or through softmax's Jacobian
	var d2 *mat.Dense
	switch {
	case out == derive.Softmax && mistake == HadamardForSoftmax:
		d2 = elem(g, func(i, j int, v float64) float64 { a := A2.At(i, j); return v * a * (1 - a) })
	case out == derive.Softmax:
		d2 = mat.DenseCopyOf(g)
		forExamples2(row, d2, A2, func(d, a []float64) {
			var ag float64
			for k := range d {
				ag += a[k] * d[k]
			}
			for k := range d {
				d[k] = a[k] * (d[k] - ag)
			}
		})
	case mistake == MissingFprime:
		d2 = g
	case mistake == FprimeOfA:
		d2 = elem(g, func(i, j int, v float64) float64 { s := sig(A2.At(i, j)); return v * s * (1 - s) })
	case mistake == "ce-shortcut":
		d2 = elem(A2, func(i, j int, a float64) float64 { return a - Y.At(i, j) })
	default:
		d2 = elem(g, func(i, j int, v float64) float64 { s := sig(Z2.At(i, j)); return v * s * (1 - s) })
	}
	if n.Reduction == derive.Mean && mistake != MissingOneOverM && mistake != "transposed+missing-1/m" {
		d2.Scale(1/float64(m), d2)
	}
	grads := learnerGrads{"dZ2": d2}
	weights := func(d, prev *mat.Dense) *mat.Dense {
		transposed := mistake == Transposed || mistake == "transposed+missing-1/m"
		switch {
		case row && transposed:
			return mul(d.T(), prev) // δᵀ A^{ℓ−1}: the column layout's shape
		case row:
			return mul(prev.T(), d) // (A^{ℓ−1})ᵀ δ
		case transposed:
			return mul(prev, d.T()) // A^{ℓ−1} δᵀ: the row layout's shape
		}
		return mul(d, prev.T()) // δ (A^{ℓ−1})ᵀ
	}
	biases := func(d *mat.Dense) *mat.Dense {
		r, cols := d.Dims()
		switch {
		case mistake == BiasNotSummed:
			return mat.DenseCopyOf(d)
		case (mistake == BiasWrongAxis) != row: // sum over rows: axis 0
			s := mat.NewDense(1, cols, nil)
			for i := 0; i < r; i++ {
				for j := 0; j < cols; j++ {
					s.Set(0, j, s.At(0, j)+d.At(i, j))
				}
			}
			return s
		}
		s := mat.NewDense(r, 1, nil)
		for i := 0; i < r; i++ {
			for j := 0; j < cols; j++ {
				s.Set(i, 0, s.At(i, 0)+d.At(i, j))
			}
		}
		return s
	}
	finish := func(M *mat.Dense) *mat.Dense {
		switch mistake {
		case ExtraOneOverM:
			M.Scale(1/float64(m), M)
		case Scale:
			M.Scale(3.7, M)
		}
		return M
	}
	grads["dW2"] = finish(weights(d2, A1))
	grads["db2"] = finish(biases(d2))
	if row {
		grads["dA1"] = mul(d2, W2.T())
	} else {
		grads["dA1"] = mul(W2.T(), d2)
	}
	at := Z1
	if mistake == "hidden-fprime-of-A" {
		at = A1
	}
	d1 := elem(grads["dA1"], func(i, j int, v float64) float64 { s := sig(at.At(i, j)); return v * s * (1 - s) })
	grads["dZ1"] = d1
	grads["dW1"] = finish(weights(d1, X))
	grads["db1"] = finish(biases(d1))
	return grads
}

func forExamples(row bool, M *mat.Dense, fn func(v []float64)) {
	forExamples2(row, M, M, func(v, _ []float64) { fn(v) })
}

func forExamples2(row bool, M, N *mat.Dense, fn func(v, w []float64)) {
	r, c := M.Dims()
	if row {
		for i := 0; i < r; i++ {
			fn(M.RawRowView(i), N.RawRowView(i))
		}
		return
	}
	for j := 0; j < c; j++ {
		v, w := mat.Col(nil, j, M), mat.Col(nil, j, N)
		fn(v, w)
		M.SetCol(j, v)
	}
}

// learnOne is Nielsen's per-example backprop for example x: column vectors,
// the example's own ∂C_x, no reduction.
func learnOne(n *derive.Net, X, Y *mat.Dense, x int, mistake Code) learnerGrads {
	col := func(M *mat.Dense) *mat.Dense { r, _ := M.Dims(); return mat.NewDense(r, 1, mat.Col(nil, x, M)) }
	g := learnBatch(derive.Column, &derive.Net{Convention: derive.Column, Layers: n.Layers, Cost: n.Cost, Reduction: derive.Sum},
		col(X), col(Y), mistake)
	_, m := X.Dims()
	if mistake == ExtraOneOverM { // learnBatch divided by its own m = 1
		for _, k := range []string{"dW2", "db2", "dW1", "db1"} {
			g[k].Scale(1/float64(m), g[k])
		}
	}
	return g
}

type truthSet map[string]*mat.Dense

func batchTruth(n *derive.Net, t *derive.Trace) (truthSet, map[string]Context) {
	db := func(ℓ int) *mat.Dense {
		if n.Convention.ColumnLayout() {
			return mat.NewDense(len(t.DB[ℓ]), 1, t.DB[ℓ])
		}
		return mat.NewDense(1, len(t.DB[ℓ]), t.DB[ℓ])
	}
	truth := truthSet{"dZ2": t.Delta[2], "dW2": t.DW[2], "db2": db(2), "dA1": t.DA[1], "dZ1": t.Delta[1], "dW1": t.DW[1], "db1": db(1)}
	ctx := map[string]Context{}
	for k := range truth {
		ctx[k] = ContextFor(n, t, quantityOf(k), int(k[2]-'0'))
	}
	return truth, ctx
}

func exampleTruth(n *derive.Net, t *derive.Trace, x int) (truthSet, map[string]Context) {
	truth, ctx := truthSet{}, map[string]Context{}
	for _, k := range []string{"dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"} {
		c := ContextFor(n, t, quantityOf(k), int(k[2]-'0')).Example(x)
		ctx[k] = c
		switch c.Quantity {
		case DZ, DB:
			truth[k] = c.Delta
		case DW:
			var w mat.Dense
			w.Mul(c.Delta, c.Prev.T())
			truth[k] = &w
		case DA:
			var a mat.Dense
			a.Mul(c.W.T(), c.Delta)
			truth[k] = &a
		}
	}
	return truth, ctx
}

func quantityOf(k string) Quantity {
	switch k[:2] {
	case "dZ":
		return DZ
	case "dA":
		return DA
	case "dW":
		return DW
	}
	return DB
}

func codesOf(ms []Mistake) []Code {
	out := []Code{}
	for _, m := range ms {
		out = append(out, m.Code)
	}
	return out
}

// TestCatalogue plants every mistake of the catalogue in the learner's code,
// in every convention where it can occur, and requires exactly its codes on
// the quantities it touches and no code on the others.
func TestCatalogue(t *testing.T) {
	sizes, m := []int{4, 3, 2}, 5 // distinct dimensions: every shape mistake shows
	sig, soft := derive.Sigmoid, derive.Softmax
	q, ss, ce, ll := derive.Quadratic, derive.SumSquares, derive.CrossEntropy, derive.LogLikelihood
	all := []derive.Convention{derive.Row, derive.Column, derive.PerExample}
	batch := []derive.Convention{derive.Row, derive.Column}
	// quantity → codes; quantities not listed must be correct, and an empty
	// list means wrong with no code: the mistake sits in another layer's δ,
	// and Diagnose must not guess.
	type want map[string][]Code
	for _, tc := range []struct {
		mistake Code
		out     derive.Activation
		cost    derive.Cost
		red     derive.Reduction
		in      []derive.Convention
		want    want
	}{
		{"correct", sig, q, derive.Mean, all, want{}},
		{"correct", soft, ll, derive.Sum, all, want{}},
		{"ce-shortcut", sig, ce, derive.Mean, all, want{}}, // δ = a − y: right for sigmoid with cross-entropy
		{MissingOneOverM, sig, q, derive.Mean, batch, want{"dZ2": {MissingOneOverM}, "dW2": {MissingOneOverM}, "db2": {MissingOneOverM},
			"dA1": {MissingOneOverM}, "dZ1": {MissingOneOverM}, "dW1": {MissingOneOverM}, "db1": {MissingOneOverM}}},
		{ExtraOneOverM, sig, q, derive.Mean, all, want{"dW2": {ExtraOneOverM}, "db2": {ExtraOneOverM}, "dW1": {ExtraOneOverM}, "db1": {ExtraOneOverM}}},
		{ExtraOneOverM, sig, q, derive.Sum, batch, want{"dW2": {ExtraOneOverM}, "db2": {ExtraOneOverM}, "dW1": {ExtraOneOverM}, "db1": {ExtraOneOverM}}},
		{MissingFactor2, sig, ss, derive.Sum, all, want{"dZ2": {MissingFactor2}, "dW2": {MissingFactor2}, "db2": {MissingFactor2},
			"dA1": {MissingFactor2}, "dZ1": {MissingFactor2}, "dW1": {MissingFactor2}, "db1": {MissingFactor2}}},
		{ExtraFactor2, sig, q, derive.Mean, all, want{"dZ2": {ExtraFactor2}, "dW2": {ExtraFactor2}, "db2": {ExtraFactor2},
			"dA1": {ExtraFactor2}, "dZ1": {ExtraFactor2}, "dW1": {ExtraFactor2}, "db1": {ExtraFactor2}}},
		{Sign, sig, q, derive.Mean, all, want{"dZ2": {Sign}, "dW2": {Sign}, "db2": {Sign}, "dA1": {Sign}, "dZ1": {Sign}, "dW1": {Sign}, "db1": {Sign}}},
		{Transposed, sig, q, derive.Mean, all, want{"dW2": {Transposed}, "dW1": {Transposed}}},
		{"transposed+missing-1/m", sig, q, derive.Mean, batch, want{"dZ2": {MissingOneOverM}, "dW2": {MissingOneOverM, Transposed}, "db2": {MissingOneOverM},
			"dA1": {MissingOneOverM}, "dZ1": {MissingOneOverM}, "dW1": {MissingOneOverM, Transposed}, "db1": {MissingOneOverM}}},
		{BiasNotSummed, sig, q, derive.Mean, batch, want{"db2": {BiasNotSummed}, "db1": {BiasNotSummed}}},
		{BiasWrongAxis, sig, q, derive.Mean, all, want{"db2": {BiasWrongAxis}, "db1": {BiasWrongAxis}}},
		{FprimeOfA, sig, q, derive.Mean, all, want{"dZ2": {FprimeOfA}, "dW2": {FprimeOfA}, "db2": {FprimeOfA}, "dA1": {FprimeOfA}, "dZ1": {}, "dW1": {}, "db1": {}}},
		{"hidden-fprime-of-A", sig, q, derive.Mean, all, want{"dZ1": {FprimeOfA}, "dW1": {FprimeOfA}, "db1": {FprimeOfA}}},
		{MissingFprime, sig, q, derive.Mean, all, want{"dZ2": {MissingFprime}, "dW2": {MissingFprime}, "db2": {MissingFprime}, "dA1": {MissingFprime}, "dZ1": {}, "dW1": {}, "db1": {}}},
		{HadamardForSoftmax, soft, ll, derive.Mean, all, want{"dZ2": {HadamardForSoftmax}, "dW2": {HadamardForSoftmax}, "db2": {HadamardForSoftmax}, "dA1": {HadamardForSoftmax}, "dZ1": {}, "dW1": {}, "db1": {}}},
		{Scale, sig, q, derive.Mean, all, want{"dW2": {Scale}, "db2": {Scale}, "dW1": {Scale}, "db1": {Scale}}},
	} {
		for _, c := range tc.in {
			t.Run(fmt.Sprintf("%s/%v/%v/%v", tc.mistake, c, tc.cost, tc.red), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(7, 8))
				n := derive.NewNet(derive.NetSpec{Convention: c, Sizes: sizes, Acts: []derive.Activation{sig, tc.out}, Cost: tc.cost, Reduction: tc.red, Init: derive.Normal}, rng)
				X, Y := batchFor(rng, c, sizes, m, tc.cost)
				tr := n.Backprop(X, Y)
				check := func(got learnerGrads, truth truthSet, ctx map[string]Context) {
					for k, T := range truth {
						ms := Diagnose(got[k], T, ctx[k])
						w := tc.want[k]
						if w == nil {
							require.True(t, Matches(got[k], T), "%s must be correct: max rel error %g", k, safeRel(got[k], T))
							require.Empty(t, ms, "%s is correct and must get no code", k)
							continue
						}
						require.False(t, sameShape(got[k], T) && Matches(got[k], T), "%s is planted wrong", k)
						require.ElementsMatch(t, w, codesOf(ms), "%s", k)
						for _, mk := range ms {
							assert.NotEmpty(t, mk.Message)
							if mk.Code == Scale {
								assert.InEpsilon(t, 3.7, mk.Factor, 1e-9, "the factor is reported")
							}
						}
					}
				}
				if c != derive.PerExample {
					truth, ctx := batchTruth(n, tr)
					check(learnBatch(c, n, X, Y, tc.mistake), truth, ctx)
					return
				}
				for x := 0; x < m; x++ {
					truth, ctx := exampleTruth(n, tr, x)
					check(learnOne(n, X, Y, x, tc.mistake), truth, ctx)
				}
			})
		}
	}
}

func safeRel(a, b *mat.Dense) float64 {
	if !sameShape(a, b) {
		return math.Inf(1)
	}
	return MaxRelError(a, b)
}

// batchFor draws inputs N(0,1) and targets that suit the cost, in c's layout.
func batchFor(rng *rand.Rand, c derive.Convention, sizes []int, m int, cost derive.Cost) (X, Y *mat.Dense) {
	X = mat.NewDense(sizes[0], m, nil)
	for i := range X.RawMatrix().Data {
		X.RawMatrix().Data[i] = rng.NormFloat64()
	}
	out := sizes[len(sizes)-1]
	Y = mat.NewDense(out, m, nil)
	for x := 0; x < m; x++ {
		if cost == derive.LogLikelihood {
			Y.Set(rng.IntN(out), x, 1)
			continue
		}
		for k := 0; k < out; k++ {
			Y.Set(k, x, rng.Float64())
		}
	}
	return derive.Batch(X, derive.Column, c), derive.Batch(Y, derive.Column, c)
}

func TestDiagnoseNoGuess(t *testing.T) {
	truth := mat.NewDense(2, 3, []float64{1, -2, 3, 0.5, 4, -1})
	ctx := Context{Convention: derive.Row, M: 5}
	// A correct value, within rounding, gets nothing.
	almost := mat.DenseCopyOf(truth)
	almost.Set(0, 0, 1+1e-12)
	assert.Empty(t, Diagnose(almost, truth, ctx))
	// A value with one entry off matches nothing: no code, no guess.
	off := mat.DenseCopyOf(truth)
	off.Set(1, 2, -1.3)
	assert.Empty(t, Diagnose(off, truth, ctx))
	// Zeros explain nothing.
	assert.Empty(t, Diagnose(mat.NewDense(2, 3, nil), truth, ctx))
	// Combinations: transposed, times −2m.
	var tr mat.Dense
	tr.Scale(-10, truth.T())
	assert.ElementsMatch(t, []Code{MissingOneOverM, ExtraFactor2, Sign, Transposed}, codesOf(Diagnose(&tr, truth, ctx)))
	// A single number: factors m, 2, −1 are named, any other factor is no evidence.
	one := mat.NewDense(1, 1, []float64{2})
	assert.Equal(t, []Code{ExtraFactor2}, codesOf(Diagnose(mat.NewDense(1, 1, []float64{4}), one, ctx)))
	assert.Empty(t, Diagnose(mat.NewDense(1, 1, []float64{3.3}), one, ctx))
	// With m = 2 the factor 2 is ambiguous: both readings are reported.
	assert.ElementsMatch(t, []Code{MissingOneOverM, ExtraFactor2},
		codesOf(Diagnose(mat.NewDense(1, 1, []float64{4}), one, Context{Convention: derive.Row, M: 2})))
	// A symmetric truth cannot tell transposed from right.
	sym := mat.NewDense(2, 2, []float64{1, 2, 2, 5})
	var twice mat.Dense
	twice.Scale(2, sym)
	assert.Equal(t, []Code{ExtraFactor2}, codesOf(Diagnose(&twice, sym, ctx)))
}

func TestMaxRelError(t *testing.T) {
	a := mat.NewDense(1, 3, []float64{1, 2, 1e-18})
	b := mat.NewDense(1, 3, []float64{1, 2.2, 3e-18})
	assert.InDelta(t, 0.2/2.2, MaxRelError(a, b), 1e-15, "the 1e-18 entries are under the noise floor")
	assert.True(t, math.IsInf(MaxRelError(mat.NewDense(1, 1, []float64{math.NaN()}), mat.NewDense(1, 1, []float64{1})), 1))
}
