//go:build !purego

package kernel

import "golang.org/x/sys/cpu"

// Asm says whether gather and scatter run assembly: the CPU has AVX2
// and FMA, and the operating system saves the 256-bit registers. AVX512
// says whether that assembly is the AVX-512 one: the CPU has AVX-512F and
// the operating system also saves the 512-bit registers and the masks.
// golang.org/x/sys/cpu checks both, the CPU's bits and the OS's.
var (
	Asm    = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	AVX512 = Asm && cpu.X86.HasAVX512F
)

// gather32 is gather for 32 columns: dst[k] += Σ_p coef[p]·w[rows[p]·stride+k],
// k < 32, for rows below nrows. It returns −1, or the place in the list of
// a row that is not, having changed nothing. With AVX-512 the list's even
// and odd entries are summed apart and the two sums added at the end.
func gather32(dst, w []float64, stride int, rows []int32, coef []float64, nrows int) (bad int) {
	if AVX512 {
		return gather32avx512(dst, w, stride, rows, coef, nrows)
	}
	return gather32avx2(dst, w, stride, rows, coef, nrows)
}

// scatter32 is scatter for 32 columns: w[rows[p]·stride+k] += coef[p]·v[k],
// k < 32, for rows below nrows. It returns −1, or the place in the list of
// a row that is not, having added the rows before it.
func scatter32(w []float64, stride int, rows []int32, coef, v []float64, nrows int) (bad int) {
	if AVX512 {
		return scatter32avx512(w, stride, rows, coef, v, nrows)
	}
	return scatter32avx2(w, stride, rows, coef, v, nrows)
}

// Implemented in kernels_amd64.s.

//go:noescape
func gather32avx2(dst, w []float64, stride int, rows []int32, coef []float64, nrows int) (bad int)

//go:noescape
func scatter32avx2(w []float64, stride int, rows []int32, coef, v []float64, nrows int) (bad int)

//go:noescape
func gather32avx512(dst, w []float64, stride int, rows []int32, coef []float64, nrows int) (bad int)

//go:noescape
func scatter32avx512(w []float64, stride int, rows []int32, coef, v []float64, nrows int) (bad int)

//go:noescape
func sigmoidAVX512(a, z []float64)

// Prefetch asks for every cache line of col and val, without waiting.
//
//go:noescape
func Prefetch(col []int32, val []float64)
