package derive

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// withDropout gives every hidden layer of a column-layout net a mask for m
// examples, each unit kept with probability keep.
func withDropout(n *Net, rng *rand.Rand, keep float64, m int) {
	sizes := n.Sizes()
	for ℓ := 1; ℓ < len(n.Layers); ℓ++ {
		D := mat.NewDense(sizes[ℓ], m, nil)
		for i := range D.RawMatrix().Data {
			if rng.Float64() < keep {
				D.RawMatrix().Data[i] = 1
			}
		}
		n.Layers[ℓ-1].Drop = &Dropout{Keep: keep, Mask: D}
	}
}

// TestRegularizedAgainstFD checks the L2 term and dropout in every
// convention against gonum's fd, which differentiates Loss and shares no
// code with the backward pass; then the conventions against each other.
func TestRegularizedAgainstFD(t *testing.T) {
	sizes := []int{3, 5, 4, 2}
	for _, tc := range []struct {
		name string
		l2   L2
		keep float64
	}{
		{"l2-mean-default-N", L2{Lambda: 0.7}, 0},
		{"l2-nielsen-n", L2{Lambda: 5, N: 50}, 0},
		{"dropout", L2{}, 0.6},
		{"both", L2{Lambda: 0.3, N: 1}, 0.8},
	} {
		for _, red := range Reductions {
			t.Run(fmt.Sprint(tc.name, "/", red), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(7, 8))
				X, Y := randomBatch(rng, sizes, 6, Quadratic)
				col := NewNet(NetSpec{Convention: Column, Sizes: sizes, Acts: []Activation{Tanh, Sigmoid, Sigmoid}, Cost: Quadratic, Reduction: red, Init: Normal}, rng)
				col.L2 = tc.l2
				if tc.keep > 0 {
					withDropout(col, rng, tc.keep, 6)
				}
				want := col.Backprop(X, Y)
				for _, c := range Conventions {
					n := col.In(c)
					Xc, Yc := Batch(X, Column, c), Batch(Y, Column, c)
					tr := n.Backprop(Xc, Yc)
					require.InEpsilon(t, want.Cost, tr.Cost, 1e-12)
					require.InEpsilon(t, tr.Cost, n.Loss(Xc, Yc), 1e-12, "Loss and Backprop's cost")
					got := tr.Grad(nil)
					θ := n.Params(nil)
					num := fd.Gradient(nil, func(p []float64) float64 {
						m := n.In(c)
						m.SetParams(p)
						return m.Loss(Xc, Yc)
					}, θ, &fd.Settings{Formula: fd.Central})
					for i := range num {
						require.InDelta(t, num[i], got[i], 1e-8, "%v entry %v", c, n.ParamAt(i))
					}
				}
			})
		}
	}
}

// TestPenaltyByHand: one layer, W = [[1, 2], [3, 4]] (column layout),
// λ = 0.5, a mean over m = 2: C gains (0.5/(2·2))·(1+4+9+16) = 3.75 and
// ∂C/∂W gains (0.5/2)·W; b gains nothing.
func TestPenaltyByHand(t *testing.T) {
	n := &Net{Convention: Column, Cost: Quadratic, Reduction: Mean, L2: L2{Lambda: 0.5},
		Layers: []Layer{{W: mat.NewDense(2, 2, []float64{1, 2, 3, 4}), B: []float64{0, 0}, Act: Identity}}}
	X := mat.NewDense(2, 2, []float64{0, 0, 0, 0}) // zero inputs: C₀ = ½‖0 − Y‖² / m
	Y := mat.NewDense(2, 2, []float64{0, 0, 0, 0})
	tr := n.Backprop(X, Y)
	require.Equal(t, 3.75, tr.Penalty)
	require.Equal(t, 3.75, tr.Cost)
	require.Equal(t, []float64{0.25, 0.5, 0.75, 1}, tr.DW[1].RawMatrix().Data)
	require.Equal(t, []float64{0, 0}, tr.DB[1])
	n.L2.N = 4
	require.Equal(t, 1.875, n.Loss(X, Y), "N = 4 stated: (0.5/8)·30")
}

// TestComplexRegularized: the complex step through ComplexLoss gives the
// backward pass's gradient with L2 and dropout.
func TestComplexRegularized(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	sizes := []int{3, 4, 3, 2}
	X, Y := randomBatch(rng, sizes, 5, LogLikelihood)
	col := NewNet(NetSpec{Convention: Column, Sizes: sizes, Acts: []Activation{ReLU, Tanh, Softmax}, Cost: LogLikelihood, Reduction: Mean, Init: Normal}, rng)
	col.L2 = L2{Lambda: 0.9}
	withDropout(col, rng, 0.5, 5)
	for _, c := range Conventions {
		n := col.In(c)
		Xc, Yc := Batch(X, Column, c), Batch(Y, Column, c)
		tr := n.Backprop(Xc, Yc)
		got := tr.Grad(nil)
		θ := n.Params(nil)
		z := make([]complex128, len(θ))
		for i, v := range θ {
			z[i] = complex(v, 0)
		}
		require.InEpsilon(t, tr.Cost, real(n.ComplexLoss(z, Xc, Yc)), 1e-13)
		for i := range θ {
			z[i] = complex(θ[i], 1e-20)
			d := imag(n.ComplexLoss(z, Xc, Yc)) / 1e-20
			z[i] = complex(θ[i], 0)
			require.InDelta(t, d, got[i], 1e-13*math.Max(1, math.Abs(d)), "%v entry %v", c, n.ParamAt(i))
		}
	}
}
