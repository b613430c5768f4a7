//go:build !purego

package train

// useAsm says whether gather and scatter run the AVX2/FMA assembly: the CPU
// has AVX2 and FMA, and the operating system saves the 256-bit registers.
var useAsm = hasAVX2FMA()

func hasAVX2FMA() bool {
	_, _, ecx1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	if xgetbv()&6 != 6 { // the OS saves XMM (bit 1) and YMM (bit 2) state
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	const avx2 = 1 << 5
	return ebx7&avx2 != 0
}

// Implemented in kernels_amd64.s.

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
func xgetbv() (eax uint32)

// gather32 is gather for 32 columns: dst[k] += Σ_p coef[p]·w[rows[p]·stride+k], k < 32.
//
//go:noescape
func gather32(dst, w []float64, stride int, rows []int32, coef []float64)

// scatter32 is scatter for 32 columns: w[rows[p]·stride+k] += coef[p]·v[k], k < 32.
//
//go:noescape
func scatter32(w []float64, stride int, rows []int32, coef, v []float64)
