package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// gather and scatter against the same loops written entry by entry with
// math.FMA, the single rounding of the assembly's fused multiply-add, in
// the assembly's order (with AVX-512, gather's even and odd entries in two
// sums): equal to the last bit. The Go loops (other machines, -tags purego, and widths
// that are not whole chunks of Width, as 13) round twice and agree to
// 1e-14 relative. Lists include an empty one, repeats of a row and rows in
// any order.
func TestKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	fill := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		return v
	}
	for _, width := range []int{Width, 2 * Width, 13} {
		tol := 0.0
		if !Asm || width%Width != 0 {
			tol = 1e-14
		}
		for _, rows := range [][]int32{{}, {0}, {4, 1, 6, 1, 0}, {6, 5, 4, 3, 2, 1, 0}} {
			nrows, stride := 7, width+Width // stride wider than the columns used
			w := fill(nrows * stride)
			coef := fill(len(rows))

			dst := fill(width)
			want := append([]float64(nil), dst...)
			for k := range want {
				// The AVX-512 gather sums the list's even and odd
				// entries apart, then adds the two sums.
				odd := 0.0
				for p, r := range rows {
					if AVX512 && width%Width == 0 && p%2 == 1 {
						odd = math.FMA(coef[p], w[int(r)*stride+k], odd)
					} else {
						want[k] = math.FMA(coef[p], w[int(r)*stride+k], want[k])
					}
				}
				if AVX512 && width%Width == 0 {
					want[k] += odd
				}
			}
			if width%Width == 0 {
				Gather(dst, w, stride, rows, coef)
			} else {
				gatherGo(dst, w, stride, rows, coef)
			}
			requireClose(t, want, dst, tol, fmt.Sprintf("gather width %d rows %v", width, rows))

			v := fill(width)
			got := append([]float64(nil), w...)
			wantW := append([]float64(nil), w...)
			for p, r := range rows {
				for k, vk := range v {
					i := int(r)*stride + k
					wantW[i] = math.FMA(coef[p], vk, wantW[i])
				}
			}
			if width%Width == 0 {
				Scatter(got, stride, rows, coef, v)
			} else {
				scatterGo(got, stride, rows, coef, v)
			}
			requireClose(t, wantW, got, tol, fmt.Sprintf("scatter width %d rows %v", width, rows))
		}
	}
}

// A row index outside the matrix panics, naming the kernel and the row,
// before anything outside the matrix is read or written: the assembly has
// no bounds checks of its own. The matrix is 4 rows of stride Width
// inside a larger array whose rows before and after it must stay as they
// were; the index just past the end, a negative one, and a good list with
// one bad index at its end (in the two places of the AVX-512 gather's
// pairs) all panic. gather leaves dst as it was; the Go loops (checked
// first) leave w as it was too, the assembly may have added the rows
// before the bad one.
func TestKernelsCheckRows(t *testing.T) {
	const stride = Width
	for _, rows := range [][]int32{{4}, {-1}, {0, 1, 2, 3, 9}, {0, 1, 2, 9}, {0, 1, -5}} {
		backing := make([]float64, 6*stride)
		w := backing[stride : 5*stride : 5*stride]
		dst, v := make([]float64, Width), make([]float64, Width)
		for i := range v {
			v[i] = 1
		}
		coef := make([]float64, len(rows))
		for i := range coef {
			coef[i] = 1
		}
		bad := rows[len(rows)-1]
		require.PanicsWithValue(t, fmt.Sprintf("kernel: gather row %d, columns [0,32) with stride 32, outside a matrix of 128 entries (4 whole rows)", bad),
			func() { Gather(dst, w, stride, rows, coef) })
		require.Equal(t, make([]float64, Width), dst, "gather wrote nothing")
		require.PanicsWithValue(t, fmt.Sprintf("kernel: scatter row %d, columns [0,32) with stride 32, outside a matrix of 128 entries (4 whole rows)", bad),
			func() { Scatter(w, stride, rows, coef, v) })
		require.Equal(t, make([]float64, stride), backing[:stride], "nothing before the matrix written")
		require.Equal(t, make([]float64, stride), backing[5*stride:], "nothing after the matrix written")
		if !Asm {
			require.Equal(t, make([]float64, 4*stride), w, "the Go loops wrote nothing")
		}
	}
	// The last row itself is inside.
	w := make([]float64, 4*stride)
	require.NotPanics(t, func() { Scatter(w, stride, []int32{3}, []float64{1}, make([]float64, Width)) })
	require.NotPanics(t, func() { Gather(make([]float64, Width), w, stride, []int32{3, 3}, []float64{1, 1}) })
}

// rowRange against min and max, on lists of every length up to 9 and
// a long one, in any order.
func TestRowRange(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 14))
	for n := 1; n <= 9; n++ {
		for range 20 {
			rows := make([]int32, n)
			for i := range rows {
				rows[i] = int32(rng.IntN(100)) - 20
			}
			lo, hi := rowRange(rows)
			require.Equal(t, minOf(rows), lo)
			require.Equal(t, maxOf(rows), hi)
		}
	}
}

func minOf(v []int32) int32 {
	m := v[0]
	for _, x := range v {
		if x < m {
			m = x
		}
	}
	return m
}

func maxOf(v []int32) int32 {
	m := v[0]
	for _, x := range v {
		if x > m {
			m = x
		}
	}
	return m
}

// relErr is the project's relative error (compare.RelError) |a−b| / max(|a|,|b|), 0 when both are 0.
func relErr(a, b float64) float64 {
	if a == b {
		return 0
	}
	return math.Abs(a-b) / math.Max(math.Abs(a), math.Abs(b))
}

// requireClose checks every entry to relative error tol.
func requireClose(t *testing.T, want, got []float64, tol float64, what string) {
	t.Helper()
	require.Len(t, got, len(want), what)
	for i := range want {
		require.LessOrEqual(t, relErr(want[i], got[i]), tol, "%s[%d]: want %g, got %g", what, i, want[i], got[i])
	}
}
