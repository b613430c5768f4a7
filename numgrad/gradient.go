package numgrad

import "gonum.org/v1/gonum/diff/fd"

// Gradient estimates the gradient of f at x,
//
//	dst_i ≈ ∂f/∂x_i,
//
// by the method and step of s (see Method). If dst is nil a new slice is
// allocated; otherwise the result is stored in dst, which must have the length
// of x. Gradient returns dst and never changes x: f is always called with a
// fresh copy. Central, Forward, Backward and FivePoint are fd.Gradient with
// the method's stencil; Richardson is
//
//	dst = (4 D(h/2) − D(h)) / 3
//
// with D(h) the fd.Gradient Central difference of step h. f is evaluated
// len(x)+1 times for Forward and Backward, 2·len(x) for Central and 4·len(x)
// for FivePoint and Richardson.
//
// Gradient panics if the lengths of dst and x differ, if s.Step is negative,
// or if s.Method is ComplexStep, which needs f in complex arithmetic: use
// ComplexGradient.
func Gradient(dst []float64, f func(x []float64) float64, x []float64, s *Settings) []float64 {
	if dst == nil {
		dst = make([]float64, len(x))
	}
	if len(dst) != len(x) {
		panic("numgrad: slice length mismatch")
	}
	m, h, concurrent := s.resolve()
	if !m.Extrapolated() {
		return fd.Gradient(dst, f, x, formula(m, h, concurrent))
	}
	d := fd.Gradient(nil, f, x, formula(m, h, concurrent))
	fd.Gradient(dst, f, x, formula(m, h/2, concurrent))
	for i, dh := range d {
		dst[i] = (4*dst[i] - dh) / 3
	}
	return dst
}

// Partial estimates the one entry ∂f/∂x_i of the gradient of f at x, by the
// method and step of s, as Gradient would (without concurrency, the numbers
// are identical to Gradient's dst_i). x is not changed: f is called with
// fresh copies. Partial panics as Gradient does, and if i is out of range.
func Partial(f func([]float64) float64, x []float64, i int, s *Settings) float64 {
	if i < 0 || i >= len(x) {
		panic("numgrad: index out of range")
	}
	g := func(t float64) float64 {
		xt := make([]float64, len(x))
		copy(xt, x)
		xt[i] += t
		return f(xt)
	}
	return derivative(g, s)
}

// derivative estimates g′(0) by the method and step of s: fd.Derivative, or
// for Richardson the extrapolation of two fd.Derivative Central differences.
func derivative(g func(t float64) float64, s *Settings) float64 {
	m, h, concurrent := s.resolve()
	if !m.Extrapolated() {
		return fd.Derivative(g, 0, formula(m, h, concurrent))
	}
	d := fd.Derivative(g, 0, formula(m, h, concurrent))
	d2 := fd.Derivative(g, 0, formula(m, h/2, concurrent))
	return (4*d2 - d) / 3
}
