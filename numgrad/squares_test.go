package numgrad

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/kernel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// movedSquares against the Go loop and against the cost computed from
// derive's σ at each moved point, for 1 to 11 outputs and point counts
// that are and are not whole blocks of four (the assembly does the blocks,
// the Go loop the rest).
//
// The assembly does each of the Go loop's operations in its order, so on
// amd64 the two agree to the bit (under GOAMD64=v3 the compiler may fuse
// the Go loop's multiply-adds, and they agree to 1e-15). The oracle rounds
// z + d before σ, which moves each output by up to ε|z|/4, and sums in
// its own way: within 8ε·Σ_u (1 + |z_u|)·|e_u| of it.
func TestMovedSquares(t *testing.T) {
	const eps = 0x1p-52
	rng := rand.New(rand.NewPCG(12, 1))
	for _, outputs := range []int{1, 3, 10, 11} {
		for _, n := range []int{1, 4, 7, 8, 13, 16, 35, 64} {
			z, w, a, c, r, y := make([]float64, outputs), make([]float64, outputs), make([]float64, outputs),
				make([]float64, outputs), make([]float64, outputs), make([]float64, outputs)
			for u := range z {
				z[u], w[u], y[u] = 4*rng.NormFloat64(), 3*rng.NormFloat64(), rng.Float64()
				a[u] = derive.Sigmoid.F(z[u])
				c[u], r[u] = 1-a[u], a[u]-y[u]
			}
			maxW := 0.0
			for _, v := range w {
				maxW = math.Max(maxW, math.Abs(v))
			}
			da := make([]float64, n)
			for i := range da {
				da[i] = (2*rng.Float64() - 1) * kernel.TinyMove / maxW // every |da·w| ≤ kernel.TinyMove
			}
			da[0] = 0 // a point where the unit does not move
			for _, scale := range []float64{0.5, 1} {
				acc := make([]float64, n)
				for i := range acc {
					acc[i] = rng.Float64()
				}
				want := append([]float64(nil), acc...)
				movedSquaresGo(want, da, w, a, c, r, scale)
				got := append([]float64(nil), acc...)
				movedSquares(got, da, w, a, c, r, scale)
				for i := range got {
					require.InDelta(t, want[i], got[i], 1e-15*math.Abs(want[i]), "outputs %d n %d i %d", outputs, n, i)
				}
				for i, v := range da {
					var sum, tol float64
					for u := range z {
						e := derive.Sigmoid.F(z[u]+v*w[u]) - y[u]
						sum += e * e
						tol += 8 * eps * (1 + math.Abs(z[u])) * math.Abs(e)
					}
					assert.InDelta(t, acc[i]+scale*sum, got[i], tol+eps*got[i], "outputs %d n %d i %d: oracle", outputs, n, i)
				}
				var cx float64 // C_x at θ, as the cost computes it
				for u := range r {
					cx += scale * r[u] * r[u]
				}
				assert.Equal(t, acc[0]+cx, got[0], "da = 0 gives C_x at θ to the bit")
			}
		}
	}
}
