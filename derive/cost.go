package derive

import "math"

// Value is C_x summed over the given outputs a and targets y. Every cost
// here is a sum over output entries, so the layout does not matter.
//
//	quadratic       ½ Σ (a−y)²
//	sum-squares       Σ (a−y)²
//	cross-entropy   −Σ [y ln a + (1−y) ln(1−a)]
//	log-likelihood  −Σ y ln a
//
// Terms with y = 0 (or 1−y = 0) are left out, so 0·ln 0 counts as 0.
func (c Cost) Value(a, y []float64) float64 {
	var s float64
	for k := range a {
		d := a[k] - y[k]
		switch c {
		case Quadratic:
			s += d * d / 2
		case SumSquares:
			s += d * d
		case CrossEntropy:
			if y[k] != 0 {
				s -= y[k] * math.Log(a[k])
			}
			if y[k] != 1 {
				s -= (1 - y[k]) * math.Log(1-a[k])
			}
		case LogLikelihood:
			if y[k] != 0 {
				s -= y[k] * math.Log(a[k])
			}
		}
	}
	return s
}

// Grad sets g = ∂C_x/∂a, entry by entry.
//
//	quadratic       a − y
//	sum-squares     2(a − y)
//	cross-entropy   −y/a + (1−y)/(1−a)   (= (a − y) / (a(1 − a)))
//	log-likelihood  −y / a
//
// Terms with y = 0 (or 1−y = 0) are left out, as in Value, so a sigmoid
// saturated at exactly the right answer gives 0, not 0/0.
func (c Cost) Grad(g, a, y []float64) {
	for k := range a {
		switch c {
		case Quadratic:
			g[k] = a[k] - y[k]
		case SumSquares:
			g[k] = 2 * (a[k] - y[k])
		case CrossEntropy:
			g[k] = 0
			if y[k] != 0 {
				g[k] -= y[k] / a[k]
			}
			if y[k] != 1 {
				g[k] += (1 - y[k]) / (1 - a[k])
			}
		case LogLikelihood:
			g[k] = 0
			if y[k] != 0 {
				g[k] = -y[k] / a[k]
			}
		}
	}
}

// outputDelta sets δ^L = ∂C_x/∂z^L for one example and returns g = ∂C_x/∂a^L
// in g. With a sigmoid output and cross-entropy, σ′(z) = a(1−a) cancels the
// denominator of g exactly, so δ = a − y is computed in that form: the same
// number, without 0·∞ when a sigmoid saturates to exactly 0 or 1.
func outputDelta(c Cost, act Activation, delta, g, z, a, y []float64) {
	c.Grad(g, a, y)
	if c == CrossEntropy && act == Sigmoid {
		for k := range delta {
			delta[k] = a[k] - y[k]
		}
		return
	}
	act.BackStep(delta, g, z, a)
}
