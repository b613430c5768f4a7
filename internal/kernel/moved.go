package kernel

import "math"

// A move of a sigmoid unit's pre-activation from z to z + d, with
// a = σ(z) = 1/(1 + e^{−z}) known, changes its output to
//
//	σ(z + d) = 1 / (1 + e^{−z} e^{−d}) = a / (1 + t),   t = (1 − a)(e^{−d} − 1),
//
// since e^{−z} = (1 − a)/a. The moves of a finite difference are tiny (|d|
// ≈ h·|a|·|w|, about 1e-6), and for |d| ≤ SmallMove both e^{−d} − 1 and
// 1/(1 + t) are their series to the fourth power, whose first omitted
// terms (d⁵/120 and t⁵, |t| ≤ |d|) are below 1e-18 relative, far under the
// rounding of a float64: σ at the moved point to rounding, without an exp
// or a division. Nothing here uses σ′ or any derivative a check is
// checking: it is the value of σ at the moved point computed another way,
// so finite differences taken with it stay independent of
// backpropagation. A network of sigmoids then costs numgrad a few
// multiply-adds per unit and point (the book's net spent four fifths of
// its time in math.Exp); larger moves, as with --step 0.1 or the
// five-point stencil's step, take exp.
const SmallMove = 0x1p-12

// MovedSigmoid is σ(z + d) from a = σ(z), for |d| ≤ SmallMove. It is small
// enough to be inlined (go build -gcflags=-m says so), which the innermost
// loops of numgrad rely on: a call per unit and point would cost more than
// the series.
func MovedSigmoid(a, d float64) float64 {
	m := d * (-1 + d*(1.0/2+d*(-1.0/6+d*(1.0/24)))) // e^{−d} − 1
	t := (1 - a) * m
	return a * (1 - t*(1-t*(1-t*(1-t)))) // a / (1 + t)
}

// A move of a sigmoid unit's pre-activation from z to z + d changes its
// output by
//
//	σ(z + d) − σ(z) = a / (1 + t) − a = −a·t / (1 + t),   t = (1 − a)(e^{−d} − 1)
//
// (see SmallMove), and a sum of squares needs only that move: the output's
// error is (a − y) + the move. For |d| ≤ TinyMove, e^{−d} − 1 is its
// series to d³ and t/(1 + t) to t³, t − t² + t³: the first omitted terms
// change the move by |d|³/24 and t³ of itself, and so the output by at
// most 2⁻⁵⁶·a, an eighth of a unit in the last place of a. Like
// MovedSigmoid it is the value of σ at the moved point, by the series of
// e^{−d} and 1/(1 + t): no derivative of σ, nothing from backpropagation.
// It costs eight operations (three of them fused multiply-adds) against
// MovedSigmoid's eighteen.
const TinyMove = 0x1p-14

// SigmoidMove is σ(z + d) − σ(z) from a = σ(z) and c = 1 − a, for
// |d| ≤ TinyMove; it is 0 for d = 0, and inlined.
//
// Three of its multiply-adds are fused (math.FMA), as numgrad's assembly
// (squares_amd64.s), which does the same for many points at once, fuses
// them: the two agree to the bit.
func SigmoidMove(a, c, d float64) float64 {
	m := d * math.FMA(d, math.FMA(-d, 1.0/6, 1.0/2), -1) // e^{−d} − 1 = d·(−1 + d·(1/2 − d/6))
	t := c * m
	return a * t * math.FMA(t, 1-t, -1) // −a·t/(1 + t) = a·t·(−1 + t·(1 − t))
}
