package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// gather and scatter against the same loops written entry by entry with
// math.FMA, the single rounding of the assembly's fused multiply-add, in
// the assembly's order (with AVX-512, gather's even and odd entries in two
// sums): equal to the last bit. The Go loops (other machines, -tags purego, and widths
// that are not whole chunks of kernelWidth, as 13) round twice and agree to
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
	for _, width := range []int{kernelWidth, 2 * kernelWidth, 13} {
		tol := 0.0
		if !useAsm || width%kernelWidth != 0 {
			tol = 1e-14
		}
		for _, rows := range [][]int32{{}, {0}, {4, 1, 6, 1, 0}, {6, 5, 4, 3, 2, 1, 0}} {
			nrows, stride := 7, width+kernelWidth // stride wider than the columns used
			w := fill(nrows * stride)
			coef := fill(len(rows))

			dst := fill(width)
			want := append([]float64(nil), dst...)
			for k := range want {
				// The AVX-512 gather sums the list's even and odd
				// entries apart, then adds the two sums.
				odd := 0.0
				for p, r := range rows {
					if use512 && width%kernelWidth == 0 && p%2 == 1 {
						odd = math.FMA(coef[p], w[int(r)*stride+k], odd)
					} else {
						want[k] = math.FMA(coef[p], w[int(r)*stride+k], want[k])
					}
				}
				if use512 && width%kernelWidth == 0 {
					want[k] += odd
				}
			}
			if width%kernelWidth == 0 {
				gather(dst, w, stride, rows, coef)
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
			if width%kernelWidth == 0 {
				scatter(got, stride, rows, coef, v)
			} else {
				scatterGo(got, stride, rows, coef, v)
			}
			requireClose(t, wantW, got, tol, fmt.Sprintf("scatter width %d rows %v", width, rows))
		}
	}
}

// A row index outside the matrix panics, naming the kernel and the row,
// before anything outside the matrix is read or written: the assembly has
// no bounds checks of its own. The matrix is 4 rows of stride kernelWidth
// inside a larger array whose rows before and after it must stay as they
// were; the index just past the end, a negative one, and a good list with
// one bad index at its end (in the two places of the AVX-512 gather's
// pairs) all panic. gather leaves dst as it was; the Go loops (checked
// first) leave w as it was too, the assembly may have added the rows
// before the bad one.
func TestKernelsCheckRows(t *testing.T) {
	const stride = kernelWidth
	for _, rows := range [][]int32{{4}, {-1}, {0, 1, 2, 3, 9}, {0, 1, 2, 9}, {0, 1, -5}} {
		backing := make([]float64, 6*stride)
		w := backing[stride : 5*stride : 5*stride]
		dst, v := make([]float64, kernelWidth), make([]float64, kernelWidth)
		for i := range v {
			v[i] = 1
		}
		coef := make([]float64, len(rows))
		for i := range coef {
			coef[i] = 1
		}
		bad := rows[len(rows)-1]
		require.PanicsWithValue(t, fmt.Sprintf("train: gather row %d, columns [0,32) with stride 32, outside a matrix of 128 entries (4 whole rows)", bad),
			func() { gather(dst, w, stride, rows, coef) })
		require.Equal(t, make([]float64, kernelWidth), dst, "gather wrote nothing")
		require.PanicsWithValue(t, fmt.Sprintf("train: scatter row %d, columns [0,32) with stride 32, outside a matrix of 128 entries (4 whole rows)", bad),
			func() { scatter(w, stride, rows, coef, v) })
		require.Equal(t, make([]float64, stride), backing[:stride], "nothing before the matrix written")
		require.Equal(t, make([]float64, stride), backing[5*stride:], "nothing after the matrix written")
		if !useAsm {
			require.Equal(t, make([]float64, 4*stride), w, "the Go loops wrote nothing")
		}
	}
	// The last row itself is inside.
	w := make([]float64, 4*stride)
	require.NotPanics(t, func() { scatter(w, stride, []int32{3}, []float64{1}, make([]float64, kernelWidth)) })
	require.NotPanics(t, func() { gather(make([]float64, kernelWidth), w, stride, []int32{3, 3}, []float64{1, 1}) })
}

// alone's slices start on a 64-byte line, and two of them, allocated one
// after the other as the parts' buffers are, never come within a line of
// each other, for every type it is used with and sizes around a line.
func TestAlone(t *testing.T) {
	span := func(p unsafe.Pointer, bytes int) (uintptr, uintptr) {
		a := uintptr(p)
		return a, a + uintptr(bytes)
	}
	apart := func(a0, a1, b0, b1 uintptr, what string) {
		require.Zero(t, a0%64, "%s starts on a line", what)
		require.True(t, b0 >= a1+64 || a0 >= b1+64, "%s: a line between two of them", what)
	}
	for n := 1; n < 70; n++ {
		f, g := alone[float64](n), alone[float64](n)
		require.Len(t, f, n)
		require.Equal(t, n, cap(f))
		a0, a1 := span(unsafe.Pointer(&f[0]), 8*n)
		b0, b1 := span(unsafe.Pointer(&g[0]), 8*n)
		apart(a0, a1, b0, b1, fmt.Sprint("float64 ", n))
		i, j := alone[int32](n), alone[int32](n)
		a0, a1 = span(unsafe.Pointer(&i[0]), 4*n)
		b0, b1 = span(unsafe.Pointer(&j[0]), 4*n)
		apart(a0, a1, b0, b1, fmt.Sprint("int32 ", n))
		p, q := alone[bool](n), alone[bool](n)
		a0, a1 = span(unsafe.Pointer(&p[0]), n)
		b0, b1 = span(unsafe.Pointer(&q[0]), n)
		apart(a0, a1, b0, b1, fmt.Sprint("bool ", n))
	}
}

// newSparseRows, cut into parts for the cores, lists every row's nonzero
// entries in column order, and the largest |entry| (NaN once there is a
// NaN), as a plain loop over the matrix finds them.
func TestSparseRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	const rows, cols = 3001, 37
	x := mat.NewDense(rows, cols, nil)
	for i := range rows {
		for j := range cols {
			if rng.Float64() < 0.3 {
				x.Set(i, j, rng.NormFloat64())
			}
		}
	}
	x.Set(2999, 5, -40)
	for _, bad := range []float64{0, math.NaN()} {
		if bad != 0 {
			x.Set(1500, 3, bad)
		}
		s := newSparseRows(x)
		top := 0.0
		for i := range rows {
			var col []int32
			var val []float64
			for j, v := range x.RawRowView(i) {
				if v != 0 {
					col, val = append(col, int32(j)), append(val, v)
					top = math.Max(top, math.Abs(v))
				}
			}
			gc, gv := s.row(i)
			require.Equal(t, len(col), len(gc), "row %d", i)
			if len(col) > 0 {
				require.Equal(t, col, gc, "row %d", i)
				require.Equal(t, fmt.Sprint(val), fmt.Sprint(gv), "row %d", i)
			}
		}
		if bad != 0 {
			require.True(t, math.IsNaN(s.maxAbs))
		} else {
			require.Equal(t, 40.0, top)
			require.Equal(t, top, s.maxAbs)
		}
	}
}
