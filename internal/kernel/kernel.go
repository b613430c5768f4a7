// Package kernel holds the row-layout loops that train's fast passes share:
// gather and scatter over a list of rows (a row of A·W with A sparse, and
// W += aᵀv) and the sigmoid σ(z) = 1/(1 + e^{−z}) unit by unit, in Go and
// in assembly; and numgrad's series for σ at a moved point (moved.go).
// Each is tested against what it must equal (the Go loops written with
// math.FMA, math.Exp, a closed form); derive keeps its own readable
// equations and is the reference every fast pass is compared with
// (internal/forwardtest).
package kernel

import (
	"math"

	"github.com/backproof/backproof/internal/printf"
)

// The two loops that do nearly all of a training step's arithmetic. Both
// walk a list of rows of a matrix stored row by row (row r of w starts at
// w[r·stride]) with one coefficient per row:
//
//	gather:   dst[k] += Σ_p coef[p] · w[rows[p]·stride + k]      (a row of A·W, A sparse)
//	scatter:  w[rows[p]·stride + k] += coef[p] · v[k]  for every p (W += aᵀv, a sparse)
//
// for k < len(dst) (len(v)). The sum in gather runs in the order of the
// list (with AVX-512, the list's even and odd entries in two sums added at
// the end). With the list of an example's nonzero inputs and their values,
// gather is the example's row of X·W and scatter adds its part of the
// weight gradient (X)ᵀδ to W: rows of W whose input is zero are neither
// read nor written.
//
// On amd64 with AVX2 and FMA the loops are written in assembly
// (kernels_amd64.s), 32 columns at a time: the 32 entries of dst (gather)
// or v (scatter) stay in eight 4-wide registers (four 8-wide ones with
// AVX-512) while the loop runs down the list, and every multiply-add is
// one fused instruction (rounded once: the result may differ from the Go
// loops below in the last bit). Every other machine runs the Go loops,
// which are the definition.

// Name names the loops that Gather, Scatter and Sigmoid run on this
// machine: "avx512", "avx2" or "go" (other machines, and the purego
// build). Each gives the same numbers wherever it runs; two of them agree
// to rounding, not to the bit (the AVX-512 gather adds a list's even and
// odd entries apart, and the assembly fuses its multiply-adds), so a
// record of a run's numbers to the bit holds for one of them.
func Name() string {
	switch {
	case AVX512:
		return "avx512"
	case Asm:
		return "avx2"
	}
	return "go"
}

// Width is the number of columns the assembly handles at a time.
// Widths passed to gather and scatter are multiples of it (the fast path
// pads its matrices with zero columns).
const Width = 32

// gather sets dst[k] += Σ_p coef[p]·w[rows[p]·stride+k]. Every rows[p]
// must index a row of w (it panics otherwise, before reading outside w);
// len(dst) must be a multiple of Width when Asm.
func Gather(dst, w []float64, stride int, rows []int32, coef []float64) {
	coef = coef[:len(rows)]
	if !Asm {
		checkRows("gather", w, stride, len(dst), rows)
		gatherGo(dst, w, stride, rows, coef)
		return
	}
	n := wholeRows(w, stride, len(dst))
	for c := 0; c < len(dst); c += Width {
		if bad := gather32(dst[c:c+Width], w[c:], stride, rows, coef, n); bad >= 0 {
			panic(outside("gather", rows[bad], w, stride, len(dst)))
		}
	}
}

// scatter sets w[rows[p]·stride+k] += coef[p]·v[k] for every p, k. Every
// rows[p] must index a row of w (it panics otherwise, before writing
// outside w); len(v) must be a multiple of Width when Asm.
func Scatter(w []float64, stride int, rows []int32, coef, v []float64) {
	coef = coef[:len(rows)]
	if !Asm {
		checkRows("scatter", w, stride, len(v), rows)
		scatterGo(w, stride, rows, coef, v)
		return
	}
	n := wholeRows(w, stride, len(v))
	for c := 0; c < len(v); c += Width {
		if bad := scatter32(w[c:], stride, rows, coef, v[c:c+Width], n); bad >= 0 {
			panic(outside("scatter", rows[bad], w, stride, len(v)))
		}
	}
}

// wholeRows is the number of rows r of w whose columns [0, width) lie
// inside it: r·stride + width ≤ len(w). The assembly reads and writes
// w[rows[p]·stride+k] without Go's bounds checks, so it compares each row
// with this number first (unsigned, which also catches a negative row) and
// stops at a bad one, returning its place in the list: a bad index would
// otherwise read or corrupt whatever memory lies there, silently. The
// compare costs next to nothing beside the row's arithmetic, where a
// separate pass over the list cost 15% of an epoch. Rows before a bad one
// may have been added to w (scatter): the panic reports a bug, and the
// matrix is not used after it.
func wholeRows(w []float64, stride, width int) int {
	if len(w) < width || stride <= 0 {
		return 0
	}
	return (len(w)-width)/stride + 1
}

func outside(kernel string, bad int32, w []float64, stride, width int) string {
	return printf.Sprintf("kernel: %s row %d, columns [0,%d) with stride %d, outside a matrix of %d entries (%d whole rows)",
		kernel, bad, width, stride, len(w), len(w)/max(stride, 1))
}

// checkRows panics unless every row of the list, columns [0, width), lies
// inside w, before the Go loops read or write any: they would panic by
// themselves, but only after writing the rows before the bad one. The list
// is walked once for its smallest and largest index.
func checkRows(kernel string, w []float64, stride, width int, rows []int32) {
	if len(rows) == 0 {
		return
	}
	lo, hi := rowRange(rows)
	if lo < 0 || int(hi)*stride+width > len(w) {
		bad := lo
		if lo >= 0 {
			bad = hi
		}
		panic(outside(kernel, bad, w, stride, width))
	}
}

// rowRange returns the smallest and largest entry of a list that is not
// empty, four entries a turn in four independent pairs, which keeps the
// check a small part of a kernel's time.
func rowRange(rows []int32) (lo, hi int32) {
	lo, hi = rows[0], rows[0]
	l1, l2, l3, h1, h2, h3 := lo, lo, lo, hi, hi, hi
	p := 0
	for ; p+4 <= len(rows); p += 4 {
		r := rows[p : p+4]
		lo, l1, l2, l3 = min(lo, r[0]), min(l1, r[1]), min(l2, r[2]), min(l3, r[3])
		hi, h1, h2, h3 = max(hi, r[0]), max(h1, r[1]), max(h2, r[2]), max(h3, r[3])
	}
	for _, r := range rows[p:] {
		lo, hi = min(lo, r), max(hi, r)
	}
	return min(lo, l1, l2, l3), max(hi, h1, h2, h3)
}

// gatherGo is gather in Go, eight columns at a time so that the eight sums
// stay in registers while the loop runs down the list.
func gatherGo(dst, w []float64, stride int, rows []int32, coef []float64) {
	k := 0
	for ; k+8 <= len(dst); k += 8 {
		d := dst[k : k+8]
		s0, s1, s2, s3, s4, s5, s6, s7 := d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]
		p := 0
		for ; p+2 <= len(rows); p += 2 {
			c, e := coef[p], coef[p+1]
			x, y := (*[8]float64)(w[int(rows[p])*stride+k:]), (*[8]float64)(w[int(rows[p+1])*stride+k:])
			s0 += c * x[0]
			s1 += c * x[1]
			s2 += c * x[2]
			s3 += c * x[3]
			s4 += c * x[4]
			s5 += c * x[5]
			s6 += c * x[6]
			s7 += c * x[7]
			s0 += e * y[0]
			s1 += e * y[1]
			s2 += e * y[2]
			s3 += e * y[3]
			s4 += e * y[4]
			s5 += e * y[5]
			s6 += e * y[6]
			s7 += e * y[7]
		}
		for ; p < len(rows); p++ {
			r := rows[p]
			c, row := coef[p], w[int(r)*stride+k:][:8]
			s0 += c * row[0]
			s1 += c * row[1]
			s2 += c * row[2]
			s3 += c * row[3]
			s4 += c * row[4]
			s5 += c * row[5]
			s6 += c * row[6]
			s7 += c * row[7]
		}
		d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7] = s0, s1, s2, s3, s4, s5, s6, s7
	}
	for ; k < len(dst); k++ {
		s := dst[k]
		for p, r := range rows {
			s += coef[p] * w[int(r)*stride+k]
		}
		dst[k] = s
	}
}

// scatterGo is scatter in Go: 32 columns a turn through array pointers
// (one bounds check a row, none a column), then four at a time.
func scatterGo(w []float64, stride int, rows []int32, coef, v []float64) {
	n := len(v)
	for p, r := range rows {
		c, row := coef[p], w[int(r)*stride:][:n]
		k := 0
		for ; k+32 <= n; k += 32 {
			x, y := (*[32]float64)(row[k:]), (*[32]float64)(v[k:])
			for i := 0; i < 32; i += 8 {
				x, y := (*[8]float64)(x[i:]), (*[8]float64)(y[i:])
				x[0] += c * y[0]
				x[1] += c * y[1]
				x[2] += c * y[2]
				x[3] += c * y[3]
				x[4] += c * y[4]
				x[5] += c * y[5]
				x[6] += c * y[6]
				x[7] += c * y[7]
			}
		}
		for ; k+4 <= n; k += 4 {
			x, y := row[k:k+4], v[k:k+4]
			x[0] += c * y[0]
			x[1] += c * y[1]
			x[2] += c * y[2]
			x[3] += c * y[3]
		}
		for ; k < n; k++ {
			row[k] += c * v[k]
		}
	}
}

// Sigmoid sets a[k] = σ(z[k]) = 1/(1 + e^{−z[k]}) for k < len(z), the
// activation of nearly every unit of the book's nets. Without AVX-512 it
// is derive's very formula (the same bits); with it, the assembly's
// series for e^{−z}, within 4 units in the last place of it
// (TestSigmoidAVX512).
func Sigmoid(a, z []float64) {
	a = a[:len(z)]
	if AVX512 {
		sigmoidAVX512(a, z)
		return
	}
	for k, v := range z {
		a[k] = 1 / (1 + math.Exp(-v))
	}
}
