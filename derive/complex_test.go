package derive

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// primes are f′ in closed forms that keep their precision where Prime's
// σ(1−σ) and 1−tanh² lose it to cancellation (σ′(40) = 4e-18, while
// σ(40)(1−σ(40)) is 0 in float64): the oracle for the complex step, which
// has no cancellation and gets these right.
var primes = map[Activation]func(z float64) float64{
	Sigmoid: func(z float64) float64 {
		e := math.Exp(-math.Abs(z))
		return e / ((1 + e) * (1 + e))
	},
	Tanh: func(z float64) float64 {
		c := math.Cosh(z)
		return 1 / (c * c)
	},
	ReLU:      ReLU.Prime,
	LeakyReLU: LeakyReLU.Prime,
	Softplus:  Sigmoid.F,
	Identity:  Identity.Prime,
	ELU: func(z float64) float64 {
		if z > 0 {
			return 1
		}
		return math.Exp(z) // d(e^z − 1)/dz
	},
	// d/dz ½ z (1 + tanh u) = ½ (1 + tanh u) + ½ z sech² u · u′, with
	// u = √(2/π)(z + 0.044715 z³), ½ (1 + tanh u) = 1/(1 + e^{−2u}) and
	// sech² u = 4e/(1 + e)² for e = e^{−2|u|}, which keep their digits.
	GELU: func(z float64) float64 {
		c := math.Sqrt(2 / math.Pi)
		u := c * (z + 0.044715*z*z*z)
		du := c * (1 + 3*0.044715*z*z)
		var half float64
		if u < 0 {
			e := math.Exp(2 * u)
			half = e / (1 + e)
		} else {
			half = 1 / (1 + math.Exp(-2*u))
		}
		e := math.Exp(-2 * math.Abs(u))
		sech2 := 4 * e / ((1 + e) * (1 + e))
		return half + z/2*sech2*du
	},
}

// TestComplexF checks each complex activation against the real one: the
// real part of f(z + i h) is f(z), and the imaginary part over h is f′(z),
// both to a few ulps (relative 1e-15, or 1e-300 absolute for underflow),
// including far out where the exponentials would overflow.
func TestComplexF(t *testing.T) {
	const h = 1e-20
	zs := []float64{-800, -40, -20.5, -3.5, -1, -0.25, -1e-9, 1e-9, 0.25, 1, 3.5, 19.5, 40, 800}
	for _, act := range Activations {
		if !act.Elementwise() {
			continue
		}
		for _, z := range zs {
			c := act.ComplexF(complex(z, h))
			assert.InEpsilon(t, act.F(z)+1e-300, real(c)+1e-300, 1e-15, "%v(%g)", act, z)
			assert.InEpsilon(t, primes[act](z)+1e-300, imag(c)/h+1e-300, 1e-15, "%v′(%g)", act, z)
		}
	}
	// At the kink the complex step takes Prime's left derivative.
	assert.Equal(t, ReLU.Prime(0), imag(ReLU.ComplexF(complex(0, h)))/h)
	assert.Equal(t, LeakyReLU.Prime(0), imag(LeakyReLU.ComplexF(complex(0, h)))/h)
}

// TestComplexActivateSoftmax checks the complex softmax against Activate
// and against its Jacobian J = diag(a) − a aᵀ: moving z_j by i h moves a_k
// by i h J_kj. The real parts are huge, so the shift by max Re z matters.
func TestComplexActivateSoftmax(t *testing.T) {
	const h = 1e-20
	z := []float64{700, 699, 703.5, 690}
	a := make([]float64, len(z))
	Softmax.Activate(a, z)
	for j := range z {
		zc := make([]complex128, len(z))
		for k, v := range z {
			zc[k] = complex(v, 0)
		}
		zc[j] += complex(0, h)
		ac := make([]complex128, len(z))
		Softmax.ComplexActivate(ac, zc)
		for k := range a {
			J := -a[k] * a[j]
			if k == j {
				J += a[k]
			}
			assert.InDelta(t, a[k], real(ac[k]), 1e-15)
			assert.InDelta(t, J, imag(ac[k])/h, 1e-15, "J[%d][%d]", k, j)
		}
	}
}

// TestComplexValue checks each complex cost against Value (real part) and
// Grad (imaginary part over h, entry by entry).
func TestComplexValue(t *testing.T) {
	const h = 1e-20
	a := []float64{0.2, 0.7, 0.05}
	y := []float64{0, 1, 0.3}
	g := make([]float64, len(a))
	for _, c := range Costs {
		c.Grad(g, a, y)
		for k := range a {
			ac := make([]complex128, len(a))
			for i, v := range a {
				ac[i] = complex(v, 0)
			}
			ac[k] += complex(0, h)
			v := c.ComplexValue(ac, y)
			assert.InEpsilon(t, c.Value(a, y), real(v), 1e-15, "%v", c)
			assert.InEpsilon(t, g[k]+1e-300, imag(v)/h+1e-300, 1e-14, "%v ∂/∂a_%d", c, k)
		}
	}
}

// TestComplexLoss checks that the complex forward pass at real parameters
// is the real one, in every convention, and that Im C(θ + i h e_i)/h is
// the backpropagated gradient.
func TestComplexLoss(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range Conventions {
		n := NewNet(NetSpec{Convention: Column, Sizes: []int{3, 4, 2}, Acts: []Activation{Tanh, Softmax}, Cost: LogLikelihood, Reduction: Mean, Init: NormalScaled}, rng).In(c)
		X := mat.NewDense(3, 5, nil)
		for i := range X.RawMatrix().Data {
			X.RawMatrix().Data[i] = rng.NormFloat64()
		}
		Y := mat.NewDense(2, 5, []float64{1, 0, 1, 1, 0, 0, 1, 0, 0, 1})
		X, Y = Batch(X, Column, c), Batch(Y, Column, c)
		θ := n.Params(nil)
		θc := make([]complex128, len(θ))
		for i, v := range θ {
			θc[i] = complex(v, 0)
		}
		Z, _ := n.Forward(X)
		Zc, _ := n.ComplexForward(θc, X)
		for ℓ := 1; ℓ < len(Z); ℓ++ {
			for i, v := range Z[ℓ].RawMatrix().Data {
				require.InDelta(t, v, real(Zc[ℓ][i]), 1e-14, "%v Z%d in the convention's layout", c, ℓ)
			}
		}
		C := n.ComplexLoss(θc, X, Y)
		assert.InDelta(t, n.Loss(X, Y), real(C), 1e-15, "%v", c)
		g := n.Backprop(X, Y).Grad(nil)
		const h = 1e-20
		for i := range θ {
			θc[i] = complex(θ[i], h)
			d := imag(n.ComplexLoss(θc, X, Y)) / h
			θc[i] = complex(θ[i], 0)
			assert.InDelta(t, g[i], d, 1e-15*math.Max(1, math.Abs(g[i])), "%v entry %d", c, i)
		}
	}
}
