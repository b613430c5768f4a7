package train

import (
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/forwardtest"
)

// train's three forward passes (the step, the per-example loop and the
// evaluator) on forwardtest's problems, each example held to derive's
// forward pass as forwardtest.Check says: the sums within their rounding
// bound, f and the cost as the table computes them.
func TestForwardPasses(t *testing.T) {
	for _, p := range forwardtest.Problems() {
		net, set := p.Net, p.Set
		L := len(net.Layers)
		sizes := net.Sizes()
		m := set.Len()
		example := func() forwardtest.Example {
			return forwardtest.Example{Z: make([][]float64, L+1), A: make([][]float64, L+1)}
		}

		f := newFastNet(net, set, m)
		f.batch = make([]int, m)
		for r := range m {
			f.batch[r] = r
		}
		for r := range m {
			got := example()
			got.C = f.forward(r, 1)
			for ℓ := 1; ℓ <= L; ℓ++ {
				wd := f.width[ℓ]
				got.Z[ℓ], got.A[ℓ] = f.z[ℓ][r*wd:][:sizes[ℓ]], f.a[ℓ][r*wd:][:sizes[ℓ]]
			}
			forwardtest.Check(t, forwardtest.FastNet, p, r, got)
		}

		col := net.In(derive.PerExample)
		pe := newPerExample(col, set)
		for x := range m {
			got := example()
			got.C = pe.gradient(col, []int{x}, 1)
			for ℓ := 1; ℓ <= L; ℓ++ {
				got.Z[ℓ], got.A[ℓ] = vec(pe.z[ℓ]), vec(pe.a[ℓ])
			}
			forwardtest.Check(t, forwardtest.PerExample, p, x, got)
		}

		e := newEvaluator(newLayers(net), false, 0, 0, 1)
		part := e.parts[0]
		part.set, part.input = set, newSparseRows(set.X)
		for x := range m {
			part.lo, part.hi = x, x+1
			part.run()
			got := example()
			got.C = part.cost
			for ℓ := 1; ℓ <= L; ℓ++ {
				got.Z[ℓ], got.A[ℓ] = part.z[ℓ][:sizes[ℓ]], part.a[ℓ][:sizes[ℓ]]
			}
			forwardtest.Check(t, forwardtest.Evaluator, p, x, got)
		}
	}
}
