package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// gather and scatter against the same loops written entry by entry with
// math.FMA, the single rounding of the assembly's fused multiply-add: equal
// to the last bit. The Go loops (other machines, -tags purego, and widths
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
				for p, r := range rows {
					want[k] = math.FMA(coef[p], w[int(r)*stride+k], want[k])
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
