package numgrad

// ComplexGradient estimates the gradient of f at x by the complex step,
//
//	dst_i ≈ ∂f/∂x_i ≈ Im f(x + i h e_i) / h.
//
// For f analytic near x, the Taylor series in the imaginary direction is
//
//	f(x + i h e_i) = f(x) + i h ∂f/∂x_i − h²/2 ∂²f/∂x_i² − i h³/6 ∂³f/∂x_i³ + …,
//
// so the imaginary part over h is ∂f/∂x_i with error h²/6 ∂³f/∂x_i³.
// Nothing is subtracted, so there is no cancellation and h can be tiny: h = 0
// means the default 1e-20, which gives the derivative to about the rounding
// of f itself.
//
// f must compute in complex arithmetic and be analytic: +, −, ×, ÷ and the
// math/cmplx functions (cmplx.Exp, cmplx.Sin, …) are fine; cmplx.Abs and
// conj are not. Where f branches, on |x| or max(x, y) or a ReLU, branch on the
// real part and carry the imaginary part through:
//
//	if real(z) < 0 { z = -z }       // |z|
//	if real(z) < 0 { z = 0 }        // relu(z)
//	if real(y) > real(z) { z = y }  // max(z, y)
//
// If dst is nil a new slice is allocated; otherwise the result is stored in
// dst, which must have the length of x. x is not changed. ComplexGradient
// panics if the lengths differ or if h is negative.
func ComplexGradient(dst []float64, f func(x []complex128) complex128, x []float64, h float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(x))
	}
	if len(dst) != len(x) {
		panic("numgrad: slice length mismatch")
	}
	h = complexStep(h)
	z := make([]complex128, len(x))
	for i := range x {
		// Copy anew, as fd does, in case f changes its argument.
		for j, xj := range x {
			z[j] = complex(xj, 0)
		}
		z[i] = complex(x[i], h)
		dst[i] = imag(f(z)) / h
	}
	return dst
}

// ComplexDirectional estimates the derivative of f at x along v by the
// complex step,
//
//	∂f/∂v = vᵀ∇f(x) ≈ Im f(x + i h v) / h,
//
// with the same accuracy as ComplexGradient (h = 0 means 1e-20) in one
// evaluation of f whatever the length of x: the complex step's counterpart
// of Directional. f must be analytic, as for ComplexGradient. x and v are
// not changed. ComplexDirectional panics if the lengths of x and v differ or
// if h is negative.
func ComplexDirectional(f func(x []complex128) complex128, x, v []float64, h float64) float64 {
	if len(v) != len(x) {
		panic("numgrad: slice length mismatch")
	}
	h = complexStep(h)
	z := make([]complex128, len(x))
	for i, xi := range x {
		z[i] = complex(xi, h*v[i])
	}
	return imag(f(z)) / h
}

// complexStep is h, or the complex step's default for h = 0; it panics on a
// negative or NaN h (a programmer's error).
func complexStep(h float64) float64 {
	if h == 0 {
		return ComplexStep.DefaultStep()
	}
	if !(h > 0) {
		panic("numgrad: step must be positive")
	}
	return h
}
