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
