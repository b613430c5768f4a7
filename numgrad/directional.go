package numgrad

import (
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
)

// Directional estimates the derivative of f at x along v,
//
//	∂f/∂v = vᵀ∇f(x) ≈ (f(x + h v) − f(x − h v)) / 2h,
//
// for Central, and analogously for the other real methods: it is the
// one-dimensional difference of s.Method applied to g(t) = f(x + t v) at t = 0.
// The step is taken along v, so v should have length of order one, as
// RandomDirection's has.
//
// Comparing Directional with vᵀ times a backpropagated gradient checks the
// gradient of a network in a few evaluations of f whatever its size, as
// PyTorch gradcheck's fast mode does; entry by entry would take 2·len(x).
//
// x and v are not changed. Directional panics if the lengths of x and v
// differ, and as Gradient does.
func Directional(f func([]float64) float64, x, v []float64, s *Settings) float64 {
	if len(v) != len(x) {
		panic("numgrad: slice length mismatch")
	}
	g := func(t float64) float64 {
		xt := make([]float64, len(x))
		copy(xt, x)
		floats.AddScaled(xt, t, v)
		return f(xt)
	}
	return derivative(g, s)
}

// RandomDirection returns a random unit vector of length n, uniformly
// distributed on the sphere: n independent standard normal entries divided by
// their Euclidean norm. The normal distribution is rotation invariant, so no
// direction is favoured, as none should be in a check of vᵀ∇f. Entries come
// from rng; a nil rng means math/rand/v2's unseeded global source.
func RandomDirection(rng *rand.Rand, n int) []float64 {
	norm := rand.NormFloat64
	if rng != nil {
		norm = rng.NormFloat64
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = norm()
	}
	if n > 0 {
		floats.Scale(1/floats.Norm(v, 2), v)
	}
	return v
}
