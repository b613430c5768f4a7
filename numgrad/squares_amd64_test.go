//go:build !purego

package numgrad

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/backproof/backproof/internal/kernel"
	"github.com/stretchr/testify/require"
)

// Each assembly kernel this CPU can run, called directly (movedSquares
// takes only the widest), against the Go loop: the same operations in the
// same order, so the same numbers to the bit. movesPairs against
// kernel.SigmoidMove the same way, and its maxima against the largest |dz| and
// |move|.
func TestKernelsAgainstGo(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2: the Go loops run")
	}
	rng := rand.New(rand.NewPCG(12, 2))
	fill := func(n int, scale float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = scale * rng.NormFloat64()
		}
		return v
	}
	const outputs, n = 10, 48
	w, a := fill(outputs, 1), make([]float64, outputs)
	c, r := make([]float64, outputs), make([]float64, outputs)
	for u := range a {
		a[u] = 1 / (1 + math.Exp(-3*rng.NormFloat64()))
		c[u], r[u] = 1-a[u], a[u]-rng.Float64()
	}
	da := fill(n, 1e-6)
	acc := fill(n, 1)
	want := append([]float64(nil), acc...)
	movedSquaresGo(want, da, w, a, c, r, 0.5)

	got := append([]float64(nil), acc...)
	movedSquaresAVX2(&got[0], &da[0], &w[0], &a[0], &c[0], &r[0], n, outputs, 0.5)
	require.Equal(t, want, got, "AVX2")
	if use512 {
		got = append([]float64(nil), acc...)
		movedSquaresAVX512(&got[0], &da[0], &w[0], &a[0], &c[0], &r[0], n, outputs, 0.5)
		require.Equal(t, want, got, "AVX-512")
	}

	delta, in := fill(4*7, 6e-6), fill(2*7, 1)
	in[3] = 0 // a zero input: no move
	moves := make([]float64, len(delta))
	pairs, maxDz, maxMove := movesPairs(moves, delta, in, a[0], c[0])
	require.Equal(t, 7, pairs)
	var wantDz, wantMove float64
	for i := range moves {
		dz := delta[i] * in[i/2]
		move := kernel.SigmoidMove(a[0], c[0], dz)
		require.Equal(t, move, moves[i], "move %d", i)
		wantDz, wantMove = math.Max(wantDz, math.Abs(dz)), math.Max(wantMove, math.Abs(move))
	}
	require.Equal(t, wantDz, maxDz)
	require.Equal(t, wantMove, maxMove)
}
