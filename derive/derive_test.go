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

// randomBatch draws X (inputs ~ N(0,1)) and Y (targets fitting the cost) in
// the column layout: n₀×m and n_L×m.
func randomBatch(rng *rand.Rand, sizes []int, m int, cost Cost) (X, Y *mat.Dense) {
	X = mat.NewDense(sizes[0], m, nil)
	for i := range X.RawMatrix().Data {
		X.RawMatrix().Data[i] = rng.NormFloat64()
	}
	out := sizes[len(sizes)-1]
	Y = mat.NewDense(out, m, nil)
	for x := 0; x < m; x++ {
		if cost == LogLikelihood {
			Y.Set(rng.IntN(out), x, 1)
			continue
		}
		for k := 0; k < out; k++ {
			Y.Set(k, x, rng.Float64())
		}
	}
	return X, Y
}

func TestConventionsAgree(t *testing.T) {
	sizes := []int{4, 5, 3, 2}
	for _, tc := range []struct {
		acts []Activation
		cost Cost
	}{
		{[]Activation{Sigmoid, Tanh, Sigmoid}, Quadratic},
		{[]Activation{Softplus, LeakyReLU, Softmax}, LogLikelihood},
		{[]Activation{Tanh, Identity, Sigmoid}, CrossEntropy},
	} {
		for _, red := range Reductions {
			t.Run(fmt.Sprint(tc.cost, "/", red), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(1, 2))
				X, Y := randomBatch(rng, sizes, 6, tc.cost)
				col := NewNet(NetSpec{Convention: Column, Sizes: sizes, Acts: tc.acts, Cost: tc.cost, Reduction: red, Init: NormalScaled}, rng)
				want := col.Backprop(X, Y)
				for _, c := range Conventions {
					n := col.In(c)
					got := n.Backprop(Batch(X, Column, c), Batch(Y, Column, c))
					require.InEpsilon(t, want.Cost, got.Cost, 1e-12)
					// Row gradients are the transposes of column gradients;
					// back in the column layout they must match entry by entry.
					back := &Net{Convention: c, Layers: make([]Layer, len(n.Layers))}
					for i := range n.Layers {
						back.Layers[i] = Layer{W: got.DW[i+1], B: got.DB[i+1]}
					}
					g := back.In(Column).Params(nil)
					w := want.Grad(nil)
					for i := range w {
						require.InDelta(t, w[i], g[i], 1e-12*math.Max(1, math.Abs(w[i])), "%v entry %d", c, i)
					}
				}
			})
		}
	}
}

// TestAgainstFD checks every convention's gradient against gonum's fd, which
// shares no code with derive.
func TestAgainstFD(t *testing.T) {
	sizes := []int{3, 5, 4}
	for _, c := range Conventions {
		for _, act := range []Activation{Sigmoid, Softmax} {
			cost := Quadratic
			if act == Softmax {
				cost = LogLikelihood
			}
			t.Run(fmt.Sprint(c, "/", act), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(3, 4))
				X, Y := randomBatch(rng, sizes, 7, cost)
				n := NewNet(NetSpec{Convention: c, Sizes: sizes, Acts: []Activation{Tanh, act}, Cost: cost, Reduction: Mean, Init: Normal}, rng)
				X, Y = Batch(X, Column, c), Batch(Y, Column, c)
				got := n.Backprop(X, Y).Grad(nil)
				θ := n.Params(nil)
				want := fd.Gradient(nil, func(p []float64) float64 {
					n.SetParams(p)
					return n.Loss(X, Y)
				}, θ, &fd.Settings{Formula: fd.Central})
				for i := range want {
					require.InDelta(t, want[i], got[i], 1e-8, "entry %v", n.ParamAt(i))
				}
			})
		}
	}
}

// TestSoftmaxHadamardIsWrong shows why the Jacobian is needed: the
// Hadamard form with an elementwise "softmax′" a(1−a) gives another δ.
func TestSoftmaxHadamardIsWrong(t *testing.T) {
	z := []float64{0.3, -1.2, 2.0}
	a := make([]float64, 3)
	Softmax.Activate(a, z)
	g := []float64{1, 2, 3}
	δ := make([]float64, 3)
	Softmax.BackStep(δ, g, z, a)
	// Independent: ∂(Σ g_k a_k)/∂z_j by central differences.
	for j := range z {
		h := 1e-6
		zp, zm := append([]float64(nil), z...), append([]float64(nil), z...)
		zp[j] += h
		zm[j] -= h
		ap, am := make([]float64, 3), make([]float64, 3)
		Softmax.Activate(ap, zp)
		Softmax.Activate(am, zm)
		var num float64
		for k := range g {
			num += g[k] * (ap[k] - am[k]) / (2 * h)
		}
		require.InDelta(t, num, δ[j], 1e-9)
		require.Greater(t, math.Abs(g[j]*a[j]*(1-a[j])-num), 1e-2, "the Hadamard form must differ")
	}
}

func TestParamsRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	n := NewNet(NetSpec{Convention: Row, Sizes: []int{2, 3, 4}, Acts: []Activation{ReLU, Identity}, Cost: Quadratic, Reduction: Sum, Init: Xavier}, rng)
	θ := n.Params(nil)
	require.Len(t, θ, n.NumParams())
	require.Equal(t, 2*3+3+3*4+4, len(θ))
	n.SetParams(θ)
	require.Equal(t, θ, n.Params(nil))
	require.Equal(t, Param{Layer: 1, Name: "b", Row: 2}, n.ParamAt(8))
	require.Equal(t, Param{Layer: 2, Name: "W", Row: 1, Col: 2}, n.ParamAt(9+4+2))
}

func TestParseNames(t *testing.T) {
	for _, c := range Conventions {
		got, err := ParseConvention(c.String())
		require.NoError(t, err)
		require.Equal(t, c, got)
	}
	for _, a := range Activations {
		got, err := ParseActivation(a.String())
		require.NoError(t, err)
		require.Equal(t, a, got)
	}
	_, err := ParseCost("mse")
	require.ErrorContains(t, err, `unknown cost "mse"`)
	require.ErrorContains(t, err, "log-likelihood")
}

// TestCrossEntropySaturated: a sigmoid saturated at exactly the target gives
// the finite ∂C/∂a = −y/a + (1−y)/(1−a), not 0/0 (the uniform01 init and raw
// pixels get there).
func TestCrossEntropySaturated(t *testing.T) {
	g := make([]float64, 2)
	CrossEntropy.Grad(g, []float64{1, 0}, []float64{1, 0})
	require.Equal(t, []float64{-1, 1}, g) // −1/1 and 1/(1−0)
	CrossEntropy.Grad(g, []float64{0.25, 0.5}, []float64{1, 0.5})
	require.InDelta(t, -4, g[0], 1e-15) // −1/0.25
	require.InDelta(t, 0, g[1], 1e-15)  // −0.5/0.5 + 0.5/0.5
}
