//go:build !amd64 || purego

package numgrad

// useAVX2 and use512 are false: movedSquares runs its Go loop.
const (
	useAVX2 = false
	use512  = false
)

func movedSquaresBlocks(acc, da, w, a, c, r []float64, scale float64) int { return 0 }

func movesPairs(moves, delta, in []float64, a, c float64) (pairs int, maxDz, maxMove float64) {
	return 0, 0, 0
}
