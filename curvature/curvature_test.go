package curvature

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// matVec is the operator of a symmetric matrix, as Lanczos takes it.
func matVec(A *mat.SymDense) func(dst, v []float64) {
	return func(dst, v []float64) {
		mat.NewVecDense(len(dst), dst).MulVec(A, mat.NewVecDense(len(v), v))
	}
}

func randomSym(rng *rand.Rand, n int) *mat.SymDense {
	A := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			A.SetSym(i, j, rng.NormFloat64())
		}
	}
	return A
}

// The oracle is gonum's dense symmetric eigensolver on the whole matrix.
func TestLanczosAgainstEigenSym(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	A := randomSym(rng, 40)
	var eig mat.EigenSym
	require.True(t, eig.Factorize(A, false))
	want := eig.Values(nil)

	// k = n: the Krylov space is the whole space, every Ritz value exact
	// up to rounding (1e-9 relative to the spectral radius).
	s := Lanczos(matVec(A), 40, 40, rng)
	require.Len(t, s.Ritz, 40)
	for i := range want {
		assert.InDelta(t, want[i], s.Ritz[i], 1e-9*math.Abs(want[39]))
	}

	// k < n: the extreme Ritz values lie inside the spectrum and approach
	// its ends; 25 of 40 iterations bring them within 1% of the spread.
	s = Lanczos(matVec(A), 40, 25, rng)
	assert.GreaterOrEqual(t, s.Min, want[0]-1e-12)
	assert.LessOrEqual(t, s.Max, want[39]+1e-12)
	spread := want[39] - want[0]
	assert.InDelta(t, want[0], s.Min, 0.01*spread)
	assert.InDelta(t, want[39], s.Max, 0.01*spread)
}

// A diagonal operator with a repeated eigenvalue has a Krylov space of
// dimension 3 (one per distinct eigenvalue): Lanczos must stop there,
// with the three exact values.
func TestLanczosInvariantSubspace(t *testing.T) {
	d := []float64{-2, 1, 1, 1, 5, 5}
	hv := func(dst, v []float64) {
		for i := range v {
			dst[i] = d[i] * v[i]
		}
	}
	s := Lanczos(hv, len(d), 6, rand.New(rand.NewPCG(2, 2)))
	assert.Equal(t, 3, s.Iterations)
	require.Len(t, s.Ritz, 3)
	for i, want := range []float64{-2, 1, 5} {
		assert.InDelta(t, want, s.Ritz[i], 1e-12)
	}
}

// Closed-form test functions: value-free, only their gradients matter.
type testFunc struct {
	name   string
	grad   func(dst, x []float64)
	at     []float64
	blocks []Block
	lmin   float64 // exact λmin, λmax of the Hessian at `at`
	lmax   float64
	gnorm  float64
	kind   Kind
	// blockKinds are the blocks' kinds, by the same Classify.
	blockKinds []Kind
}

func TestProbeClosedForms(t *testing.T) {
	// f = ½ xᵀAx + bᵀx with A = diag(1, 4, 9): a bowl, minimum at x = −A⁻¹b.
	diag := []float64{1, 4, 9}
	b := []float64{1, -2, 3}
	bowl := func(dst, x []float64) {
		for i := range x {
			dst[i] = diag[i]*x[i] + b[i]
		}
	}
	bottom := []float64{-1, 0.5, -1.0 / 3}
	cases := []testFunc{
		{name: "bowl at its minimum", grad: bowl, at: bottom, lmin: 1, lmax: 9, kind: Minimum},
		{name: "bowl off its minimum", grad: bowl, at: []float64{0, 0, 0}, lmin: 1, lmax: 9,
			gnorm: math.Sqrt(1 + 4 + 9), kind: Slope},
		// f = x² − y²: H = diag(2, −2) everywhere, critical at 0.
		{name: "saddle x²−y²", grad: func(dst, x []float64) { dst[0], dst[1] = 2*x[0], -2*x[1] },
			at: []float64{0, 0}, lmin: -2, lmax: 2, kind: Saddle},
		// f = (x²+y²)² at 0: gradient and Hessian vanish: flat to second order.
		{name: "flat (x²+y²)² at 0", grad: func(dst, x []float64) {
			r2 := x[0]*x[0] + x[1]*x[1]
			dst[0], dst[1] = 4*r2*x[0], 4*r2*x[1]
		}, at: []float64{0, 0}, lmin: 0, lmax: 0, kind: Flat},
		// f = c, a constant: H = 0 exactly.
		{name: "constant", grad: func(dst, x []float64) { clear(dst) }, at: []float64{3, 4, 5}, kind: Flat},
		// f = (x−1)² + 0·(y, z): curved along x, and the block {y, z}
		// is flat, as a layer of saturated units is. The whole Hessian
		// says "minimum" (λ = 0, 0, 2); the block {y, z} is flat, the
		// block {x} a minimum: a plateau for {y, z}.
		{name: "flat block", grad: func(dst, x []float64) { dst[0], dst[1], dst[2] = 2*(x[0]-1), 0, 0 },
			at: []float64{1, 7, -7}, lmin: 0, lmax: 2, kind: Minimum,
			blocks: []Block{{"x", 0, 1}, {"y,z", 1, 2}}, blockKinds: []Kind{Minimum, Flat}},
		// f = −(x−1)²/2 + 0·y at x = 1 + 1e-6: the whole net and {x}
		// saddles (λ = −1, with a gradient 1e-6), {y} flat, as the output
		// layer and the saturated hidden layer of U[0,1) are.
		{name: "saddle beside a flat block", grad: func(dst, x []float64) { dst[0], dst[1] = -(x[0] - 1), 0 },
			at: []float64{1 + 1e-6, 3}, lmin: -1, lmax: 0, gnorm: 1e-6, kind: Saddle,
			blocks: []Block{{"x", 0, 1}, {"y", 1, 1}}, blockKinds: []Kind{Saddle, Flat}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			at := append([]float64(nil), tc.at...)
			r := Probe(tc.grad, at, tc.blocks, nil)
			assert.Equal(t, tc.at, at, "Probe must not change θ")
			// Quadratics: central differences are exact up to rounding,
			// u·|∇f|/ε ≈ 1e-16·10/1e-5 = 1e-10; allow 1e-8.
			assert.InDelta(t, tc.lmin, r.LambdaMin, 1e-8)
			assert.InDelta(t, tc.lmax, r.LambdaMax, 1e-8)
			assert.InDelta(t, tc.gnorm, r.GradNorm, 1e-12)
			assert.Equal(t, tc.kind, r.Kind, r.Reason)
			assert.NotEmpty(t, r.Reason)
			var kinds []Kind
			for _, b := range r.Blocks {
				kinds = append(kinds, b.Kind)
			}
			assert.Equal(t, tc.blockKinds, kinds, r.Reason)
			assert.Equal(t, slices.Contains(tc.blockKinds, Flat) || tc.kind == Flat, r.Plateau())
		})
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		name          string
		g, lmin, lmax float64
		want          Kind
	}{
		{"strict minimum", 1e-6, 0.5, 10, Minimum},
		{"degenerate minimum", 1e-6, -1e-6, 10, Minimum}, // −1e-6 is noise next to 10·1e-3
		{"saddle", 1e-6, -0.5, 10, Saddle},
		{"tiny negative λ is noise", 1e-6, -3e-6, 1e-3, Minimum},
		{"flat", 1e-7, -1e-7, 1e-6, Flat},
		{"flat at the threshold", 1e-5, -1e-5, 1e-5, Flat},
		{"a gradient above 1e-5 is not flat", 2e-5, -1e-7, 1e-6, Minimum},
		{"U[0,1)'s whole net: a saddle", 2.79e-5, -1.51e-4, 4.31e-14, Saddle},
		{"U[0,1)'s layer 1: flat", 9.11e-14, -1.95e-13, -2.3e-19, Flat},
		{"slope", 0.1, 0.5, 10, Slope},
		{"slope with negative curvature", 0.1, -5, 10, Slope},
		{"NaN gradient", math.NaN(), 0, 1, Slope},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Classify(tc.g, tc.lmin, tc.lmax, nil))
		})
	}
	assert.Equal(t, "saddle", Saddle.String())
	assert.Equal(t, "flat", Flat.String())
	r := &Result{Kind: Saddle, Blocks: []BlockResult{{Name: "layer 1", Kind: Flat}, {Name: "layer 2", Kind: Saddle}}}
	assert.Equal(t, "saddle; layer 1 flat, layer 2 saddle", r.Summary())
	assert.Equal(t, []string{"layer 1"}, r.FlatBlocks())
}

// HessVec on f = Σ x_i⁴/4 + x₀x₁, whose Hessian is diag(3x_i²) + the
// off-diagonal 1 at (0,1) and (1,0).
func TestHessVecQuartic(t *testing.T) {
	grad := func(dst, x []float64) {
		for i := range x {
			dst[i] = x[i] * x[i] * x[i]
		}
		dst[0] += x[1]
		dst[1] += x[0]
	}
	x := []float64{0.5, -1, 2}
	hv := HessVec(grad, x, 1e-5)
	v := []float64{1, 2, -1}
	got := make([]float64, 3)
	hv(got, v)
	want := []float64{3*0.25*1 + 2, 3*1*2 + 1, 3 * 4 * -1}
	for i := range want {
		// Truncation ε²·|f'''|·|v|³/6 with ε = 1e-5/‖v‖: below 1e-9.
		assert.InDelta(t, want[i], got[i], 1e-8)
	}
	assert.Equal(t, []float64{0.5, -1, 2}, x)
}

// On a small network, Lanczos with k = n must agree with the dense
// eigenvalues of the Hessian assembled column by column from HessVec, and
// the net's parameters must come back bit for bit.
func TestProbeNetSmall(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	sizes := []int{3, 4, 2}
	acts := []derive.Activation{derive.Tanh, derive.Sigmoid}
	for _, c := range derive.Conventions {
		t.Run(c.String(), func(t *testing.T) {
			net := derive.NewNet(derive.NetSpec{Convention: c, Sizes: sizes, Acts: acts, Cost: derive.Quadratic, Reduction: derive.Mean, Init: derive.NormalScaled}, rand.New(rand.NewPCG(4, 4)))
			X := mat.NewDense(5, 3, nil)
			for i := range X.RawMatrix().Data {
				X.RawMatrix().Data[i] = rng.NormFloat64()
			}
			Y := mat.NewDense(5, 2, nil)
			for i := range Y.RawMatrix().Data {
				Y.RawMatrix().Data[i] = rng.Float64()
			}
			X, Y = derive.Batch(X, derive.Row, c), derive.Batch(Y, derive.Row, c)
			before := net.Params(nil)
			n := len(before)
			grad := NetGrad(net, X, Y, 0.01)
			hv := HessVec(grad, before, 1e-5)
			H := mat.NewDense(n, n, nil)
			e, col := make([]float64, n), make([]float64, n)
			for j := range n {
				clear(e)
				e[j] = 1
				hv(col, e)
				H.SetCol(j, col)
			}
			// Symmetric to finite-difference accuracy: a check on the
			// gradient and on HessVec together.
			sym := mat.NewSymDense(n, nil)
			for i := range n {
				for j := i; j < n; j++ {
					require.InDelta(t, H.At(i, j), H.At(j, i), 1e-8, "H[%d,%d]", i, j)
					sym.SetSym(i, j, (H.At(i, j)+H.At(j, i))/2)
				}
			}
			var eig mat.EigenSym
			require.True(t, eig.Factorize(sym, false))
			want := eig.Values(nil)
			r := ProbeNet(net, X, Y, 0.01, &Settings{Iterations: n})
			assert.InDelta(t, want[0], r.LambdaMin, 1e-7)
			assert.InDelta(t, want[n-1], r.LambdaMax, 1e-7)
			assert.Equal(t, before, net.Params(nil), "ProbeNet must not change the net")
			require.Len(t, r.Blocks, 2)
			assert.Equal(t, 3*4+4, r.Blocks[0].Params)
		})
	}
}

// ProbeNet's layer gradients (layerGrad) are a shortcut, not an
// approximation: its report is Probe's with NetGrad, bit for bit, in every
// convention, for a net of three layers (two of them with a shortcut),
// with the L2 term, on a batch with exact zeros (as MNIST's pixels are).
func TestProbeNetShortcutExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	sizes := []int{6, 5, 4, 3}
	acts := []derive.Activation{derive.Sigmoid, derive.Tanh, derive.Sigmoid}
	for _, c := range derive.Conventions {
		t.Run(c.String(), func(t *testing.T) {
			net := derive.NewNet(derive.NetSpec{Convention: c, Sizes: sizes, Acts: acts, Cost: derive.CrossEntropy, Reduction: derive.Mean}, rand.New(rand.NewPCG(6, 6)))
			X, Y := mat.NewDense(7, 6, nil), mat.NewDense(7, 3, nil)
			for i := range X.RawMatrix().Data {
				if rng.IntN(3) > 0 {
					X.RawMatrix().Data[i] = rng.Float64()
				}
			}
			for i := range 7 {
				Y.Set(i, rng.IntN(3), 1)
			}
			X, Y = derive.Batch(X, derive.Row, c), derive.Batch(Y, derive.Row, c)
			s := &Settings{Iterations: 8, Seed: 2}
			want := Probe(NetGrad(net, X, Y, 0.03), net.Params(nil), LayerBlocks(net), s)
			got := ProbeNet(net, X, Y, 0.03, s)
			assert.Equal(t, want, got)
			require.Len(t, got.Blocks, 3)
		})
	}
}

// The Ritz vectors of the extremes must be unit eigenvectors of the
// matrix: ‖A v − λ v‖ small against gonum's dense eigensolver's λ.
func TestLanczosRitzVectors(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	A := randomSym(rng, 30)
	var eig mat.EigenSym
	require.True(t, eig.Factorize(A, false))
	want := eig.Values(nil)
	s := Lanczos(matVec(A), 30, 30, rng)
	for _, c := range []struct {
		λ float64
		v []float64
	}{{want[0], s.MinVector}, {want[29], s.MaxVector}} {
		require.Len(t, c.v, 30)
		v := mat.NewVecDense(30, c.v)
		assert.InDelta(t, 1, mat.Norm(v, 2), 1e-12)
		var r mat.VecDense
		r.MulVec(A, v)
		r.AddScaledVec(&r, -c.λ, v)
		// Full space (k = n): exact up to rounding, relative to ‖A‖.
		assert.Less(t, mat.Norm(&r, 2), 1e-8*math.Abs(want[29]))
	}
}
