package numgrad

import "math"

// movedSquares adds to acc[i], for each i, scale times the sum of squares
// of the errors r[u] + σ(z_u + d) − σ(z_u), d = da[i]·w[u], of the outputs
// u of one example:
//
//	acc[i] += scale · Σ_u (r[u] + kernel.SigmoidMove(a[u], c[u], da[i]·w[u]))²
//
// with a = σ(z), c = 1 − a and r = a − y of each output. It is the cost of
// one example at each of the points da of a hidden unit's output, the
// innermost work of a check (unitEntries), and every |da[i]·w[u]| must be
// at most kernel.TinyMove. scale is ½ for the quadratic cost, 1 for the sum of
// squares: halving the sum is Σ e²/2 to the bit.
//
// On amd64 with AVX2, the entries are taken four at a time by
// movedSquaresBlocks, in assembly that does each operation of
// movedSquaresGo in the same order, fusing the multiply-adds it fuses
// (math.FMA, one rounding) and no others, so that both give the same
// numbers to the bit; the Go loop does the rest (and everything elsewhere,
// or with -tags purego).
func movedSquares(acc, da, w, a, c, r []float64, scale float64) {
	n := len(da)
	acc, w = acc[:n], w[:len(a)]
	c, r = c[:len(a)], r[:len(a)]
	done := movedSquaresBlocks(acc, da, w, a, c, r, scale)
	movedSquaresGo(acc[done:], da[done:], w, a, c, r, scale)
}

// movedSquaresGo is movedSquares in Go, with kernel.SigmoidMove written out in
// the order the assembly computes it. It stays written out, not a call to
// kernel.SigmoidMove: it is the Go definition that squares_amd64.s matches
// to the bit (TestKernelsAgainstGo), and its last multiply-add fuses the
// move with r, which a call returning the move alone would round apart.
func movedSquaresGo(acc, da, w, a, c, r []float64, scale float64) {
	acc = acc[:len(da)]
	w, c, r = w[:len(a)], c[:len(a)], r[:len(a)]
	for i, v := range da {
		var s float64
		for u, au := range a {
			d := v * w[u]
			m := d * math.FMA(d, math.FMA(-d, 1.0/6, 1.0/2), -1) // e^{−d} − 1
			t := c[u] * m
			e := math.FMA(au*t, math.FMA(t, 1-t, -1), r[u]) // r + kernel.SigmoidMove
			s += e * e                                      // not fused: for da = 0, Σ (a − y)² as the cost sums it
		}
		acc[i] += s * scale
	}
}

// movesPairs (squares_amd64.go; elsewhere it does nothing) is the central
// difference's part of hiddenMoves for a sigmoid unit, for the weights
// from inputs 0 … 2·pairs−1 taken two at a time:
//
//	moves[i] = kernel.SigmoidMove(a, c, dz_i),   dz_i = delta[i]·in[i/2],   i < 4·pairs
//
// It returns pairs (0 when it did nothing), the largest |dz_i| and the
// largest |moves[i]|; the moves are kernel.SigmoidMove's only if the largest
// |dz_i| is at most kernel.TinyMove.
