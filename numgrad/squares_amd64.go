//go:build !purego

package numgrad

import "golang.org/x/sys/cpu"

// useAVX2 says whether movedSquares and movesPairs run assembly: the CPU
// has AVX2 and FMA, and the operating system saves the 256-bit registers.
// use512 says whether movedSquares takes 16 points at a time in AVX-512:
// the CPU has AVX-512F and the operating system also saves the 512-bit
// registers and the masks. golang.org/x/sys/cpu checks both.
var (
	useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	use512  = useAVX2 && cpu.X86.HasAVX512F
)

// movedSquaresBlocks does movedSquares for the entries of da in whole
// blocks (of 16 with AVX-512, else of four), and returns how many it did.
func movedSquaresBlocks(acc, da, w, a, c, r []float64, scale float64) int {
	if !useAVX2 || len(a) == 0 {
		return 0
	}
	if n := len(da) &^ 15; use512 && n > 0 {
		movedSquaresAVX512(&acc[0], &da[0], &w[0], &a[0], &c[0], &r[0], n, len(a), scale)
		return n
	}
	n := len(da) &^ 3
	if n > 0 {
		movedSquaresAVX2(&acc[0], &da[0], &w[0], &a[0], &c[0], &r[0], n, len(a), scale)
	}
	return n
}

func movesPairs(moves, delta, in []float64, a, c float64) (pairs int, maxDz, maxMove float64) {
	pairs = len(in) / 2
	if !useAVX2 || pairs == 0 {
		return 0, 0, 0
	}
	_, _ = moves[4*pairs-1], delta[4*pairs-1] // the assembly reads and writes 4·pairs
	maxDz, maxMove = movesPairsAVX2(&moves[0], &delta[0], &in[0], pairs, a, c)
	return pairs, maxDz, maxMove
}

// Implemented in squares_amd64.s.

//go:noescape
func movedSquaresAVX512(acc, da, w, a, c, r *float64, n, nu int, scale float64)

//go:noescape
func movedSquaresAVX2(acc, da, w, a, c, r *float64, n, nu int, scale float64)

//go:noescape
func movesPairsAVX2(moves, delta, in *float64, pairs int, a, c float64) (maxDz, maxMove float64)
