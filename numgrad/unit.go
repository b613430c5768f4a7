package numgrad

import (
	"math"

	"github.com/backproof/backproof/internal/kernel"
)

// The entries of the last hidden layer ℓ = L−1 are most of a network's
// parameters (the book's W¹ is 23,520 of 23,860), and when the output
// layer is a sigmoid and the cost a sum of squares, each point of their
// stencils costs, per example, one moved hidden unit and the n_L moved
// outputs. unitEntries computes every entry of one hidden unit k at once:
// its weights W^ℓ[k, j] for each input j, and its bias. The loop runs
// over the examples outside and the entries inside, so that what one
// example needs (unit k's z and a, the outputs, the targets, W^L[k, :])
// stays in registers and cache while the entries stream by, and the
// inputs a^{ℓ−1}_jx are read in the order they are stored.
//
// Each entry's cost at each point is still Σ_x C_x summed over the
// examples in order, times R, as realEntry sums it; the per-example cost
// is pointCost's, so the two give the same numbers.

// unitKernel reports whether the entries of layer ℓ's units go through
// unitEntries: ℓ is the last hidden layer, the output layer is a sigmoid,
// the cost a sum of squares, no kink is to be watched, and neither an L2
// term nor dropout on layer ℓ adds to the moves (realEntry takes those).
func (p *netPass) unitKernel(ℓ int, watch bool) bool {
	return ℓ >= 1 && ℓ == p.L-1 && p.sigmoid[p.L] && !watch && p.decay == 0 && p.drop[ℓ] == nil &&
		p.cost.Squares() > 0
}

// unitEntry is the index in θ of W^ℓ[k, j] (the column sense), or of the
// bias b^ℓ_k for j = n_{ℓ−1}.
func (p *netPass) unitEntry(ℓ, k, j int) int {
	in, out := p.sizes[ℓ-1], p.sizes[ℓ]
	switch {
	case j == in:
		return p.offset[ℓ] + in*out + k
	case p.col:
		return p.offset[ℓ] + k*in + j
	}
	return p.offset[ℓ] + j*out + k
}

// unitEntries sets dst for every entry of unit k of layer ℓ (unitKernel
// must hold) by the stencil st.
func (p *netPass) unitEntries(dst []float64, ℓ, k int, st *stencil, s *scratch) {
	nIn, n, nL := p.sizes[ℓ-1], p.sizes[ℓ], p.sizes[p.L]
	np := len(st.points)
	entries := nIn + 1 // the weights from each input, then the bias
	delta, acc := s.delta[:entries*np], s.acc[:entries*np]
	for j := range entries {
		θi := p.B[ℓ][k]
		if j < nIn {
			θi = p.W[ℓ][j*n+k]
		}
		for q, pt := range st.points {
			delta[j*np+q] = (θi + pt.loc*pt.step) - θi // the move fd makes, exactly
		}
	}
	clear(acc)
	scale := p.cost.Squares() // C_x = scale Σ (a−y)²: ½ or 1, and halving is exact
	W := p.W[p.L][k*nL : (k+1)*nL]
	var maxW float64
	for _, v := range W {
		maxW = math.Max(maxW, math.Abs(v))
	}
	for x := 0; x < p.m; x++ {
		in := p.A[ℓ-1][x*nIn : (x+1)*nIn]
		zk, ak := p.Z[ℓ][x*n+k], p.A[ℓ][x*n+k]
		a0, z0, y := p.A[p.L][x*nL:(x+1)*nL], p.Z[p.L][x*nL:(x+1)*nL], p.Y[x*nL:(x+1)*nL]
		c0, r0 := s.c0[:len(a0)], s.r0[:len(a0)]
		for u, au := range a0 {
			c0[u], r0[u] = 1-au, au-y[u]
		}
		w := W[:len(a0)]
		z0, y = z0[:len(a0)], y[:len(a0)]
		cx := p.cx[x]
		// First the move da of unit k's output at every point of every
		// entry, then the example's cost at all of them.
		moves := s.da[:entries*np]
		maxDa := p.hiddenMoves(moves, delta, in, np, ℓ, zk, ak)
		// Every |da·w_u| ≤ maxDa·maxW (rounding is monotone): when that is
		// at most kernel.TinyMove, every output moves by kernel.SigmoidMove. A point
		// where the unit did not move (da = 0) gets Σ_u (a_u − y_u)²·scale,
		// which is C_x at θ to the bit.
		if maxDa*maxW <= kernel.TinyMove {
			movedSquares(acc, moves, w, a0, c0, r0, scale)
			continue
		}
		for i, da := range moves {
			if da == 0 { // the unit did not move: C_x is as at θ
				acc[i] += cx
				continue
			}
			var c float64 // Σ_u e_u²
			for u, au := range a0 {
				e := movedSigmoid(au, z0[u], da*w[u]) - y[u]
				c += e * e
			}
			acc[i] += c * scale
		}
	}
	if part := &st.parts[0]; len(st.parts) == 1 && !st.origin && np == 2 {
		// The central difference: combine's arithmetic, written out.
		c0, c1 := part.formula[0].Coeff, part.formula[1].Coeff
		q0, q1 := part.index[0], part.index[1]
		for j := range entries {
			var deriv float64
			deriv += c0 * (acc[j*2+q0] * p.R)
			deriv += c1 * (acc[j*2+q1] * p.R)
			dst[p.unitEntry(ℓ, k, j)] = deriv / part.step
		}
		return
	}
	costs := s.costs[:np]
	for j := range entries {
		for q := range np {
			costs[q] = acc[j*np+q] * p.R
		}
		dst[p.unitEntry(ℓ, k, j)] = st.combine(costs, p.origin)
	}
}

// hiddenMoves sets moves[j·np+q] to the move f(z + dz) − f(z) of unit k
// of layer ℓ (z = zk, f(z) = ak) at point q of entry j, dz = delta[j·np+q]
// times the entry's input in[j] (1 for the bias, entry len(in)), and
// returns the largest |move|. For the central difference of a sigmoid
// unit, whole pairs of weights go to movesPairs (assembly on amd64, the
// same operations as kernel.SigmoidMove), unless some |dz| there is above
// kernel.TinyMove; the Go loop does the rest.
func (p *netPass) hiddenMoves(moves, delta, in []float64, np, ℓ int, zk, ak float64) (maxDa float64) {
	ck := 1 - ak
	done := 0 // entries done
	if p.sigmoid[ℓ] && np == 2 {
		if pairs, maxDz, maxMove := movesPairs(moves, delta, in, ak, ck); maxDz <= kernel.TinyMove {
			done, maxDa = 2*pairs, maxMove
		}
	}
	sigmoid, act := p.sigmoid[ℓ], p.acts[ℓ]
	for j := done; j*np < len(moves); j++ {
		factor := 1.0 // ∂z^ℓ_kx/∂θ_i: a^{ℓ−1}_jx for a weight, 1 for the bias
		if j < len(in) {
			factor = in[j]
		}
		mv := moves[j*np : (j+1)*np]
		for q, dq := range delta[j*np : (j+1)*np] {
			dz := dq * factor
			var da float64 // f(z^ℓ_k + dz) − f(z^ℓ_k)
			switch {
			case !sigmoid:
				if dz != 0 {
					da = act.F(zk+dz) - ak
				}
			case dz <= kernel.TinyMove && dz >= -kernel.TinyMove:
				da = kernel.SigmoidMove(ak, ck, dz) // 0 for dz = 0
			default:
				da = movedSigmoid(ak, zk, dz) - ak
			}
			mv[q] = da
			if v := math.Abs(da); v > maxDa {
				maxDa = v
			}
		}
	}
	return maxDa
}
