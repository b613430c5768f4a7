package train

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// TestDropoutStepMatchesDerive: a training step with dropout computes
// derive's gradient of the problem whose masks are the ones the step drew
// (drawn again here from the same stream, example after example and layer
// after layer), in every convention, with and without L2's cost term left
// to the update.
func TestDropoutStepMatchesDerive(t *testing.T) {
	sizes := []int{4, 5, 6, 3}
	rng := rand.New(rand.NewPCG(3, 3))
	set := sparsify(rng, randomSet(rng, 7, sizes[0], sizes[3]), 0.5)
	idx := []int{2, 0, 6, 1, 5}
	const keep = 0.6
	for _, acts := range [][]derive.Activation{{derive.Sigmoid, derive.Sigmoid, derive.Sigmoid}, {derive.ReLU, derive.Tanh, derive.Softmax}} {
		cost := derive.Quadratic
		if acts[2] == derive.Softmax {
			cost = derive.LogLikelihood
		}
		for _, c := range derive.Conventions {
			t.Run(fmt.Sprint(acts[0], "/", c), func(t *testing.T) {
				net := derive.NewNet(derive.NetSpec{Convention: c, Sizes: sizes, Acts: acts, Cost: cost, Reduction: derive.Mean, Init: derive.NormalScaled}, rand.New(rand.NewPCG(1, 2)))
				// The masks the step will draw, in the row layout.
				again := rand.New(rand.NewPCG(9, 2))
				masks := []*mat.Dense{nil, mat.NewDense(len(idx), sizes[1], nil), mat.NewDense(len(idx), sizes[2], nil)}
				for r := range idx {
					for ℓ := 1; ℓ <= 2; ℓ++ {
						for k := 0; k < sizes[ℓ]; k++ {
							if again.Float64() < keep {
								masks[ℓ].Set(r, k, 1)
							}
						}
					}
				}
				dropped := net.In(derive.Row)
				for ℓ := 1; ℓ <= 2; ℓ++ {
					dropped.Layers[ℓ-1].Drop = &derive.Dropout{Keep: keep, Mask: masks[ℓ]}
				}
				dropped = dropped.In(c)
				x, y := set.Batch(idx)
				want := dropped.Backprop(derive.Batch(x, derive.Row, c), derive.Batch(y, derive.Row, c))
				R := derive.Mean.Factor(len(idx))
				drop := &dropout{keep: keep, rng: rand.New(rand.NewPCG(9, 2))}
				var got float64
				var dw []*mat.Dense
				var db [][]float64
				if c == derive.PerExample {
					p := newPerExample(net, set)
					p.drop = drop
					got = R * p.gradient(net, idx, R)
					dw, db = p.dw, p.db
				} else {
					f := newFastNet(net, set, len(idx))
					f.drop = drop
					got, dw, db = f.gradient(idx, R, c)
				}
				require.LessOrEqual(t, relErr(want.Cost, got), 1e-12, "cost")
				for ℓ := 1; ℓ <= 3; ℓ++ {
					requireClose(t, raw(want.DW[ℓ]), raw(dw[ℓ]), 1e-12, fmt.Sprintf("dW%d", ℓ))
					requireClose(t, want.DB[ℓ], db[ℓ], 1e-12, fmt.Sprintf("db%d", ℓ))
				}
			})
		}
	}
}

// TestKeepResolves: keep 1 is no dropout, and a net without hidden layers
// or a keep outside (0, 1] is refused.
func TestKeepResolves(t *testing.T) {
	c, _, err := Config{Keep: 1}.resolve(4, 3, 100)
	require.NoError(t, err)
	require.Zero(t, c.Keep)
	_, _, err = Config{Keep: 1.5}.resolve(4, 3, 100)
	require.ErrorContains(t, err, "keep probability 1.5")
	_, _, err = Config{Keep: 0.5, Net: []int{4, 3}}.resolve(4, 3, 100)
	require.ErrorContains(t, err, "hidden layers")
}
