package derive

import (
	"math"
	"math/cmplx"

	"github.com/backproof/backproof/internal/printf"
	"gonum.org/v1/gonum/mat"
)

// The forward pass in complex arithmetic, for the complex step
//
//	∂C/∂θ_i ≈ Im C(θ + i h e_i) / h,
//
// which subtracts nothing and so is exact to rounding for h = 1e-20
// (numgrad.ComplexStep). Every function below is the real one with its
// argument made complex, so that it stays analytic: the imaginary part
// carries h times the derivative through the network. Where the real
// function branches (relu, leaky-relu, softmax's max, softplus's sign) the
// complex one branches on the real part, which is the unperturbed value:
// the branch taken is the one the real pass takes, and the imaginary part
// follows that branch's derivative. Costs use (a−y)², not |a−y|², which
// would not be analytic.

// ComplexF is f(z) in complex arithmetic. relu and leaky-relu branch on
// Re z as Prime does on z, so at an exact kink Re z = 0 the complex step
// gives Prime's left derivative. Softmax is not elementwise: use
// ComplexActivate.
func (a Activation) ComplexF(z complex128) complex128 { return a.elementwise("ComplexF").complexF(z) }

// complexSigmoid is σ(z) = 1/(1+e^{−z}), or e^z/(1+e^z) for Re z < 0, so
// that the exponential never overflows.
func complexSigmoid(z complex128) complex128 {
	if real(z) >= 0 {
		return 1 / (1 + cmplx.Exp(-z))
	}
	e := cmplx.Exp(z)
	return e / (1 + e)
}

// complexTanh is tanh z. cmplx.Tanh divides sinh 2x by cosh 2x + cos 2y
// (z = x + iy), which is ∞/∞ for |x| > 355; past |x| = 20, where tanh x is
// ±1 to float64, both are divided by cosh 2x first: with e = e^{−2|x|},
//
//	tanh z = (±(1 − e²) + i 2e sin 2y) / (1 + e² + 2e cos 2y).
func complexTanh(z complex128) complex128 {
	x, y := real(z), imag(z)
	if math.Abs(x) <= 20 {
		return cmplx.Tanh(z)
	}
	e := math.Exp(-2 * math.Abs(x))
	d := 1 + e*e + 2*e*math.Cos(2*y)
	return complex(math.Copysign(1-e*e, x)/d, 2*e*math.Sin(2*y)/d)
}

// complexExpm1 is e^z − 1 without losing the real part of a small z to
// the rounding of e^z: with z = x + iy,
//
//	e^z − 1 = (e^x cos y − 1) + i e^x sin y,  e^x cos y − 1 = expm1(x) cos y − 2 sin²(y/2).
func complexExpm1(z complex128) complex128 {
	x, y := real(z), imag(z)
	s := math.Sin(y / 2)
	return complex(math.Expm1(x)*math.Cos(y)-2*s*s, math.Exp(x)*math.Sin(y))
}

// complexLog1p is ln(1+w). cmplx.Log(1+w) loses the real part of a small w
// to the rounding of 1+w; with 1+w = u + iv,
//
//	ln(1+w) = ½ ln(u² + v²) + i atan2(v, u),  u² + v² = 1 + (2 Re w + |w|²),
//
// and math.Log1p keeps it.
func complexLog1p(w complex128) complex128 {
	re, im := real(w), imag(w)
	return complex(0.5*math.Log1p(2*re+re*re+im*im), math.Atan2(im, 1+re))
}

// ComplexActivate sets a = f(z) for one example's pre-activations in
// complex arithmetic.
func (act Activation) ComplexActivate(a, z []complex128) {
	r := act.row()
	if r.vector != nil {
		r.vector.complexActivate(a, z)
		return
	}
	f := r.complexF
	for k, zk := range z {
		a[k] = f(zk)
	}
}

// complexSoftmax subtracts the largest real part, as softmax subtracts
// max z:
//
//	a_k = e^{z_k − max Re z} / Σ_j e^{z_j − max Re z}.
func complexSoftmax(a, z []complex128) {
	top := math.Inf(-1)
	for _, zk := range z {
		top = math.Max(top, real(zk))
	}
	var sum complex128
	for k, zk := range z {
		a[k] = cmplx.Exp(zk - complex(top, 0))
		sum += a[k]
	}
	for k := range a {
		a[k] /= sum
	}
}

// ComplexValue is C_x in complex arithmetic, term by term as Value:
//
//	quadratic       ½ Σ (a−y)²
//	sum-squares       Σ (a−y)²
//	cross-entropy   −Σ [y ln a + (1−y) ln(1−a)]
//	log-likelihood  −Σ y ln a
func (c Cost) ComplexValue(a []complex128, y []float64) complex128 {
	add := c.row().complexAdd
	var s complex128
	for k := range a {
		s = add(s, a[k], y[k])
	}
	return s
}

// ComplexForward runs the forward pass in complex arithmetic with the
// parameters θ, in the order of Params and in n's convention (n's own
// parameters are only used for their shapes). Z[ℓ] and A[ℓ] hold Z^ℓ and
// A^ℓ row by row in the convention's layout (m×n_ℓ in Row, n_ℓ×m in
// Column and PerExample), as Trace's matrices do; A[0] is X. One example
// is computed at a time, z = W a + b, whatever the convention: all three
// give the same numbers.
func (n *Net) ComplexForward(θ []complex128, X *mat.Dense) (Z, A [][]complex128) {
	if len(θ) != n.NumParams() {
		panic(printf.Sprintf("derive: ComplexForward with %d values for %d parameters", len(θ), n.NumParams()))
	}
	sizes := n.Sizes()
	L := len(n.Layers)
	col := n.Convention.ColumnLayout()
	m := numExamples(n.Convention, X)
	Z, A = make([][]complex128, L+1), make([][]complex128, L+1)
	for ℓ := range A {
		A[ℓ] = make([]complex128, sizes[ℓ]*m)
		if ℓ > 0 {
			Z[ℓ] = make([]complex128, sizes[ℓ]*m)
		}
	}
	// at is the index of example x's unit k in a layer of width w.
	at := func(x, k, w int) int {
		if col {
			return k*m + x
		}
		return x*w + k
	}
	for x := 0; x < m; x++ {
		for k := 0; k < sizes[0]; k++ {
			if col {
				A[0][at(x, k, sizes[0])] = complex(X.At(k, x), 0)
			} else {
				A[0][at(x, k, sizes[0])] = complex(X.At(x, k), 0)
			}
		}
	}
	z, a := make([]complex128, 0, maxInt(sizes)), make([]complex128, 0, maxInt(sizes))
	off := 0
	for ℓ := 1; ℓ <= L; ℓ++ {
		in, out := sizes[ℓ-1], sizes[ℓ]
		w, b := θ[off:off+in*out], θ[off+in*out:off+in*out+out]
		off += in*out + out
		// weight is W^ℓ[k, j] in the column sense (unit k, input j).
		weight := func(k, j int) complex128 {
			if col {
				return w[k*in+j] // W is n_ℓ×n_{ℓ−1}
			}
			return w[j*out+k] // W is n_{ℓ−1}×n_ℓ
		}
		z, a = z[:out], a[:out]
		for x := 0; x < m; x++ {
			for k := 0; k < out; k++ {
				s := b[k]
				for j := 0; j < in; j++ {
					s += weight(k, j) * A[ℓ-1][at(x, j, in)] // z = W a + b
				}
				z[k] = s
			}
			n.Layers[ℓ-1].Act.ComplexActivate(a, z) // a = f(z)
			for k := 0; k < out; k++ {
				if d := n.Layers[ℓ-1].Drop; d != nil {
					a[k] *= complex(d.factor(col, k, x), 0) // a = (d ⊙ f(z)) / p
				}
				Z[ℓ][at(x, k, out)], A[ℓ][at(x, k, out)] = z[k], a[k]
			}
		}
	}
	return Z, A
}

// ComplexLoss is C = R · Σ_x C_x + (λ/(2N)) Σ‖W‖² at parameters θ (in the order of Params)
// in complex arithmetic: with θ = θ₀ + i h e_i, Im ComplexLoss / h is
// ∂C/∂θ_i to rounding. X and Y are laid out for n's convention.
func (n *Net) ComplexLoss(θ []complex128, X, Y *mat.Dense) complex128 {
	n.mustFit(X, Y)
	_, A := n.ComplexForward(θ, X)
	sizes := n.Sizes()
	out, m := sizes[len(sizes)-1], numExamples(n.Convention, X)
	AL := A[len(A)-1]
	a, y := make([]complex128, out), make([]float64, out)
	var sum complex128
	for x := 0; x < m; x++ {
		for k := 0; k < out; k++ {
			if n.Convention.ColumnLayout() {
				a[k], y[k] = AL[k*m+x], Y.At(k, x)
			} else {
				a[k], y[k] = AL[x*out+k], Y.At(x, k)
			}
		}
		sum += n.Cost.ComplexValue(a, y)
	}
	return complex(n.Reduction.Factor(m), 0)*sum + n.complexPenalty(θ, m)
}

// complexPenalty is the L2 term (λ/(2N)) Σ_ℓ ‖W^ℓ‖² at θ in complex
// arithmetic, w² rather than |w|², so that it stays analytic.
func (n *Net) complexPenalty(θ []complex128, m int) complex128 {
	c := n.L2.Coeff(n.Reduction, m)
	if c == 0 {
		return 0
	}
	var s complex128
	off := 0
	for _, l := range n.Layers {
		r, cols := l.W.Dims()
		for _, w := range θ[off : off+r*cols] {
			s += w * w
		}
		off += r*cols + len(l.B)
	}
	return complex(c/2, 0) * s
}

func maxInt(v []int) int {
	top := 0
	for _, x := range v {
		top = max(top, x)
	}
	return top
}
