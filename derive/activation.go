package derive

import "math"

// leakySlope is leaky-relu's slope for z < 0.
const leakySlope = 0.01

// F is the elementwise activation f(z). Softmax is not elementwise: use
// Activate on a whole example instead.
func (a Activation) F(z float64) float64 {
	switch a {
	case Sigmoid:
		return sigmoid(z)
	case Tanh:
		return math.Tanh(z)
	case ReLU:
		return math.Max(z, 0)
	case LeakyReLU:
		if z < 0 {
			return leakySlope * z
		}
		return z
	case Softplus:
		// ln(1+e^z) without overflow for large z.
		if z > 0 {
			return z + math.Log1p(math.Exp(-z))
		}
		return math.Log1p(math.Exp(z))
	case Identity:
		return z
	}
	panic("derive: F of non-elementwise activation " + a.String())
}

// Prime is f′(z). At relu's kink z = 0 it takes the left derivative, as
// most frameworks do; finite differences there are reported as kinks.
func (a Activation) Prime(z float64) float64 {
	switch a {
	case Sigmoid:
		s := sigmoid(z)
		return s * (1 - s) // σ′(z) = σ(z)(1−σ(z)): evaluated at z, not at a
	case Tanh:
		t := math.Tanh(z)
		return 1 - t*t
	case ReLU:
		if z > 0 {
			return 1
		}
		return 0
	case LeakyReLU:
		if z > 0 {
			return 1
		}
		return leakySlope
	case Softplus:
		return sigmoid(z)
	case Identity:
		return 1
	}
	panic("derive: Prime of non-elementwise activation " + a.String())
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// Activate sets a = f(z) for one example's pre-activations z.
//
//	softmax: a_k = e^{z_k − max z} / Σ_j e^{z_j − max z}
//
// (subtracting max z changes nothing mathematically and avoids overflow).
func (act Activation) Activate(a, z []float64) {
	if act != Softmax {
		for k, zk := range z {
			a[k] = act.F(zk)
		}
		return
	}
	top := math.Inf(-1)
	for _, zk := range z {
		top = math.Max(top, zk)
	}
	var sum float64
	for k, zk := range z {
		a[k] = math.Exp(zk - top)
		sum += a[k]
	}
	for k := range a {
		a[k] /= sum
	}
}

// BackStep sets δ = ∂C/∂z for one example from g = ∂C/∂a.
//
// Elementwise f has a diagonal Jacobian, so δ = g ⊙ f′(z).
// Softmax's Jacobian is J = diag(a) − a aᵀ (symmetric), so
//
//	δ = J g = a ⊙ (g − (aᵀg)·1)
//
// and the Hadamard form g ⊙ f′(z) with an "elementwise softmax′" a(1−a)
// is wrong: it drops every off-diagonal term −a_k a_j.
func (act Activation) BackStep(delta, g, z, a []float64) {
	if act != Softmax {
		for k := range delta {
			delta[k] = g[k] * act.Prime(z[k])
		}
		return
	}
	var ag float64
	for k := range a {
		ag += a[k] * g[k]
	}
	for k := range delta {
		delta[k] = a[k] * (g[k] - ag)
	}
}
