//go:build !purego

package kernel

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// On a machine with AVX-512 the tests above run its kernels; these run
// the AVX2 ones too, which machines without it use.
func TestKernelsAVX2(t *testing.T) {
	if !AVX512 {
		t.Skip("no AVX-512 here: the kernel tests already ran the AVX2 kernels")
	}
	AVX512 = false
	defer func() { AVX512 = true }()
	t.Run("values", TestKernels)
	t.Run("rows", TestKernelsCheckRows)
}

// The AVX-512 sigmoid against 1/(1 + math.Exp(−z)): within 4 units in the
// last place for |z| ≤ 700 (a million draws over six decades, and the
// edges of the series' range), the limits 0 and 1 beyond (where math.Exp
// on amd64 already gives +Inf at 709.78 and the assembly a subnormal
// 5.6e−309, the nearer one), NaN for NaN, and nothing written past the
// end for every length up to 19 (the masked last turn).
func TestSigmoidAVX512(t *testing.T) {
	if !AVX512 {
		t.Skip("no AVX-512 here")
	}
	rng := rand.New(rand.NewPCG(5, 5))
	z := []float64{0, math.Copysign(0, -1), 1, -1, 0.34657359, -0.34657359, 0.3466, 36, 37, 38, -36, -37.5, 1e-10, 5e-324, -5e-324,
		700, -700, 709.78, -709.78, 709.79, -709.79, 745, -745, 746, -746, 800, -800, 1e300, -1e300, math.Inf(1), math.Inf(-1), math.NaN()}
	for range 1_000_000 {
		z = append(z, rng.NormFloat64()*math.Pow(10, rng.Float64()*6-3))
	}
	a := make([]float64, len(z))
	sigmoidAVX512(a, z)
	for k, v := range z {
		want := 1 / (1 + math.Exp(-v))
		switch {
		case math.IsNaN(v):
			require.True(t, math.IsNaN(a[k]), "σ(NaN)")
		case math.Abs(v) > 700:
			require.InDelta(t, want, a[k], 1e-300, "σ(%v)", v)
		default:
			require.InDelta(t, 0, (a[k]-want)/want, 4*0x1p-52, "σ(%v) = %v, want %v", v, a[k], want)
		}
	}
	for n := range 20 {
		b := make([]float64, n+8)
		for i := range b {
			b[i] = 99
		}
		sigmoidAVX512(b[:n], z[:n])
		require.Equal(t, a[:n], b[:n], "length %d", n)
		for _, v := range b[n:] {
			require.Equal(t, 99.0, v, "length %d: nothing written past the end", n)
		}
	}
}

// BACKPROOF_AVX2=1 runs the tests and benchmarks with the AVX2 kernels on
// a machine with AVX-512, to compare the two (docs/training-speed.md).
func init() {
	if os.Getenv("BACKPROOF_AVX2") == "1" {
		AVX512 = false
	}
}
