package numgrad

import (
	"math"
	"math/cmplx"
)

// testFunc is a smooth function of a parameter vector with its gradient in
// closed form, derived by hand and sharing no code with the package, and the
// same function in complex arithmetic for the complex step.
type testFunc struct {
	name string
	f    func(x []float64) float64
	fc   func(z []complex128) complex128
	grad func(dst, x []float64)
}

// quadA and quadB define the quadratic form ½xᵀAx + bᵀx; A is not symmetric,
// so the gradient ½(A + Aᵀ)x + b checks that both triangles are summed.
var (
	quadA = [][]float64{
		{4, 1, -2, 0.5, 0},
		{0.5, 3, 1, 0, -1},
		{-1, 2, 5, 1, 0.25},
		{0, -0.5, 1, 2, 1},
		{1, 0, 0.5, -1, 6},
	}
	quadB = []float64{1, -2, 0.5, 3, -1}
)

var testFuncs = []testFunc{
	{
		// f = Σ_{i<n−1} sin(x_i) x_{i+1}
		name: "sin-product",
		f: func(x []float64) float64 {
			var s float64
			for i := 0; i+1 < len(x); i++ {
				s += math.Sin(x[i]) * x[i+1]
			}
			return s
		},
		fc: func(z []complex128) complex128 {
			var s complex128
			for i := 0; i+1 < len(z); i++ {
				s += cmplx.Sin(z[i]) * z[i+1]
			}
			return s
		},
		// ∂f/∂x_k = cos(x_k) x_{k+1} + sin(x_{k−1}), missing terms zero.
		grad: func(dst, x []float64) {
			for k := range x {
				dst[k] = 0
				if k+1 < len(x) {
					dst[k] += math.Cos(x[k]) * x[k+1]
				}
				if k > 0 {
					dst[k] += math.Sin(x[k-1])
				}
			}
		},
	},
	{
		// f = Σ_i e^{(i+1) x_i / n}
		name: "exp-sum",
		f: func(x []float64) float64 {
			var s float64
			for i, v := range x {
				s += math.Exp(float64(i+1) * v / float64(len(x)))
			}
			return s
		},
		fc: func(z []complex128) complex128 {
			var s complex128
			for i, v := range z {
				s += cmplx.Exp(complex(float64(i+1)/float64(len(z)), 0) * v)
			}
			return s
		},
		// ∂f/∂x_k = (k+1)/n · e^{(k+1) x_k / n}
		grad: func(dst, x []float64) {
			n := float64(len(x))
			for k, v := range x {
				c := float64(k+1) / n
				dst[k] = c * math.Exp(c*v)
			}
		},
	},
	{
		// f = log Σ_i e^{x_i}, the log-likelihood's normalizer under softmax
		name: "log-sum-exp",
		f: func(x []float64) float64 {
			var s float64
			for _, v := range x {
				s += math.Exp(v)
			}
			return math.Log(s)
		},
		fc: func(z []complex128) complex128 {
			var s complex128
			for _, v := range z {
				s += cmplx.Exp(v)
			}
			return cmplx.Log(s)
		},
		// ∂f/∂x_k = e^{x_k} / Σ_i e^{x_i}, the softmax
		grad: func(dst, x []float64) {
			var s float64
			for _, v := range x {
				s += math.Exp(v)
			}
			for k, v := range x {
				dst[k] = math.Exp(v) / s
			}
		},
	},
	{
		// f = Σ_{i<n−1} (1 − x_i)² + 100 (x_{i+1} − x_i²)²
		name: "rosenbrock",
		f: func(x []float64) float64 {
			var s float64
			for i := 0; i+1 < len(x); i++ {
				a, b := 1-x[i], x[i+1]-x[i]*x[i]
				s += a*a + 100*b*b
			}
			return s
		},
		fc: func(z []complex128) complex128 {
			var s complex128
			for i := 0; i+1 < len(z); i++ {
				a, b := 1-z[i], z[i+1]-z[i]*z[i]
				s += a*a + 100*b*b
			}
			return s
		},
		// ∂f/∂x_k = −2(1 − x_k) − 400 x_k (x_{k+1} − x_k²)  [k < n−1]
		//         + 200 (x_k − x_{k−1}²)                   [k > 0]
		grad: func(dst, x []float64) {
			for k := range x {
				dst[k] = 0
				if k+1 < len(x) {
					dst[k] += -2*(1-x[k]) - 400*x[k]*(x[k+1]-x[k]*x[k])
				}
				if k > 0 {
					dst[k] += 200 * (x[k] - x[k-1]*x[k-1])
				}
			}
		},
	},
	{
		// f = ½ xᵀAx + bᵀx
		name: "quadratic-form",
		f: func(x []float64) float64 {
			var s float64
			for i := range x {
				for j := range x {
					s += 0.5 * x[i] * quadA[i][j] * x[j]
				}
				s += quadB[i] * x[i]
			}
			return s
		},
		fc: func(z []complex128) complex128 {
			var s complex128
			for i := range z {
				for j := range z {
					s += 0.5 * z[i] * complex(quadA[i][j], 0) * z[j]
				}
				s += complex(quadB[i], 0) * z[i]
			}
			return s
		},
		// ∂f/∂x_k = ½ Σ_j (A_kj + A_jk) x_j + b_k
		grad: func(dst, x []float64) {
			for k := range x {
				dst[k] = quadB[k]
				for j := range x {
					dst[k] += 0.5 * (quadA[k][j] + quadA[j][k]) * x[j]
				}
			}
		},
	},
}
