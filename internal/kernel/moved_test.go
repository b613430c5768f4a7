package kernel

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// sigmoid is σ(z) = 1/(1 + e^{−z}) computed directly: derive's formula.
func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// MovedSigmoid against σ at z + d computed directly, for moves up to
// SmallMove on both sides and z from deep negative saturation to positive
// saturation: within four roundings (each side rounds z + d or a once, and
// its own arithmetic a few times), and exactly 0 or 1 where σ is.
func TestMovedSigmoid(t *testing.T) {
	const eps = 0x1p-52
	for _, z := range []float64{-800, -709, -40, -5, -1, -1e-9, 0, 0.3, 2, 17, 30, 40} {
		for _, d := range []float64{0, 1e-12, -3e-7, 1e-6, 1e-4, -1e-4, -SmallMove, SmallMove} {
			want := sigmoid(z + d)
			got := MovedSigmoid(sigmoid(z), d)
			tol := 4 * eps * math.Max(1, math.Abs(z+d)) // the rounding of z + d moves σ by up to ε|z|σ′
			assert.InDelta(t, want, got, tol*want, "σ(%g + %g)", z, d)
		}
	}
}

// SigmoidMove against two oracles that share nothing with its series: the
// closed form σ(z+d) − σ(z) = sinh(d/2) / (2 cosh((z+d)/2) cosh(z/2)),
// from σ(x) = (1 + tanh(x/2))/2, and σ at z + d computed directly. z runs
// from deep negative saturation to positive saturation, d up to TinyMove
// on both sides. The move is within 2⁻⁵⁶·a of the closed form (the
// series' truncation, as TinyMove states; a series with a wrong or
// missing term is off by 1e-14·a or more at d = TinyMove), plus a few
// roundings of itself and ε|d| for the rounding of a and 1 − a it starts
// from; a plus the move is σ(z + d) within the four roundings
// TestMovedSigmoid allows.
func TestSigmoidMove(t *testing.T) {
	const eps = 0x1p-52
	for _, z := range []float64{-700, -40, -5, -1, -1e-9, 0, 0.3, 2, 17, 30, 40} {
		for _, d := range []float64{0, 1e-12, -3e-7, 1e-6, -2e-5, 0x1p-15, -TinyMove, TinyMove} {
			a := sigmoid(z)
			got := SigmoidMove(a, 1-a, d)
			want := math.Sinh(d/2) / (2 * math.Cosh((z+d)/2) * math.Cosh(z/2))
			tol := 0x1p-56*a + (4+math.Abs(z))*eps*math.Abs(want) + eps*math.Abs(d) // cosh((z+d)/2) rounds z + d
			assert.InDelta(t, want, got, tol, "σ(%g + %g) − σ(%g)", z, d, z)
			moved := sigmoid(z + d)
			assert.InDelta(t, moved, a+got, 4*eps*math.Max(1, math.Abs(z+d))*moved, "σ(%g + %g)", z, d)
		}
	}
}
