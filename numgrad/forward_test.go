package numgrad

import (
	"testing"

	"github.com/backproof/backproof/internal/forwardtest"
)

// numgrad's two forward passes on forwardtest's problems, each example
// held to derive's forward pass as forwardtest.Check says: the cached
// real pass every stencil point moves from, and the complex step's pass
// with one unit of layer 1 moved by i·h (its real parts), h the complex
// step's default. An example where no unit of layer 1 moves (a relu layer
// all off) has no complex pass to check: the pass returns C_x at θ.
func TestForwardPasses(t *testing.T) {
	h := ComplexStep.DefaultStep()
	for _, p := range forwardtest.Problems() {
		net := p.Net
		L := len(net.Layers)
		sizes := net.Sizes()
		pass := newNetPass(net, p.X, p.Y)
		example := func() forwardtest.Example {
			return forwardtest.Example{Z: make([][]float64, L+1), A: make([][]float64, L+1)}
		}
		s := pass.newScratch(0)
		moved := 0
		for x := range p.Set.Len() {
			got := example()
			got.C = pass.cx[x]
			for ℓ := 1; ℓ <= L; ℓ++ {
				n := sizes[ℓ]
				got.Z[ℓ], got.A[ℓ] = pass.Z[ℓ][x*n:(x+1)*n], pass.A[ℓ][x*n:(x+1)*n]
			}
			forwardtest.Check(t, forwardtest.NumgradReal, p, x, got)

			// The complex pass from unit k of layer 1, the first that moves.
			n1 := sizes[1]
			for k := range n1 {
				zk := complex(pass.Z[1][x*n1+k], h)
				fk := pass.acts[1].ComplexF(zk)
				if fk == complex(pass.A[1][x*n1+k], 0) {
					continue
				}
				c := pass.complexPointCost(x, 1, k, zk, s, nil)
				got := example()
				got.C = real(c)
				got.Z[1] = pass.Z[1][x*n1 : (x+1)*n1]
				got.A[1] = append([]float64(nil), pass.A[1][x*n1:(x+1)*n1]...)
				got.A[1][k] = real(fk)
				for ℓ := 2; ℓ <= L; ℓ++ {
					got.Z[ℓ], got.A[ℓ] = realParts(s.zc[ℓ]), realParts(s.ac[ℓ])
				}
				forwardtest.Check(t, forwardtest.NumgradComplex, p, x, got)
				moved++
				break
			}
		}
		if moved < p.Set.Len()/2 {
			t.Errorf("%s: the complex pass checked on %d examples of %d", p.Name, moved, p.Set.Len())
		}
	}
}

func realParts(v []complex128) []float64 {
	out := make([]float64, len(v))
	for i, c := range v {
		out[i] = real(c)
	}
	return out
}
