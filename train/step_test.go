package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/derive"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// randomSet is a labelled set of m examples with N(0,1) inputs.
func randomSet(rng *rand.Rand, m, inputs, classes int) *data.Set {
	x := mat.NewDense(m, inputs, nil)
	for i := range raw(x) {
		raw(x)[i] = rng.NormFloat64()
	}
	labels := make([]int, m)
	for i := range labels {
		labels[i] = rng.IntN(classes)
	}
	return &data.Set{Name: "random", X: x, Labels: labels, Classes: classes}
}

// relErr is DESIGN's relative error |a−b| / max(|a|,|b|), 0 when both are 0.
func relErr(a, b float64) float64 {
	if a == b {
		return 0
	}
	return math.Abs(a-b) / math.Max(math.Abs(a), math.Abs(b))
}

// requireClose checks every entry to relative error tol.
func requireClose(t *testing.T, want, got []float64, tol float64, what string) {
	t.Helper()
	require.Len(t, got, len(want), what)
	for i := range want {
		require.LessOrEqual(t, relErr(want[i], got[i]), tol, "%s[%d]: want %g, got %g", what, i, want[i], got[i])
	}
}

// The fast path's gradient (workspace for row and column, Nielsen's loop for
// per-example) against derive.Backprop, which shares only the per-example
// activation and cost functions with it, for every convention, activation,
// cost and reduction that fit together. Tolerance: 1e-12 relative per
// entry; both sides do the same arithmetic in nearly the same order.
func TestFastPathMatchesDerive(t *testing.T) {
	sizes := []int{4, 5, 3}
	rng := rand.New(rand.NewPCG(7, 7))
	set := randomSet(rng, 6, sizes[0], sizes[2])
	idx := []int{3, 0, 5, 1, 4, 2, 3} // shuffled, with a repeat
	for _, hidden := range derive.Activations {
		if hidden == derive.Softmax {
			continue
		}
		for _, out := range []derive.Activation{derive.Sigmoid, derive.Softmax, derive.Tanh, derive.Identity, derive.ReLU, derive.Softplus, derive.LeakyReLU} {
			for _, cost := range derive.Costs {
				if (cost == derive.CrossEntropy || cost == derive.LogLikelihood) && out != derive.Sigmoid && out != derive.Softmax {
					continue
				}
				for _, red := range derive.Reductions {
					for _, c := range derive.Conventions {
						name := fmt.Sprintf("%v/%v/%v/%v/%v", hidden, out, cost, red, c)
						net := derive.NewNet(c, sizes, []derive.Activation{hidden, out}, cost, red, derive.NormalScaled, rand.New(rand.NewPCG(1, 2)))
						x, y := set.Batch(idx)
						want := net.Backprop(derive.Batch(x, derive.Row, c), derive.Batch(y, derive.Row, c))
						R := red.Factor(len(idx))
						var cost float64
						var dw []*mat.Dense
						var db [][]float64
						if c == derive.PerExample {
							p := newPerExample(net)
							cost = R * p.gradient(net, set, idx, R)
							dw, db = p.dw, p.db
						} else {
							w := newWorkspace(net, len(idx))
							w.load(set, idx)
							w.forward(net)
							cost = R * w.costSum(net)
							w.backward(net, R)
							dw, db = w.dw, w.db
						}
						require.LessOrEqual(t, relErr(want.Cost, cost), 1e-12, name+" cost")
						for ℓ := 1; ℓ <= 2; ℓ++ {
							requireClose(t, raw(want.DW[ℓ]), raw(dw[ℓ]), 1e-12, fmt.Sprintf("%s dW%d", name, ℓ))
							requireClose(t, want.DB[ℓ], db[ℓ], 1e-12, fmt.Sprintf("%s db%d", name, ℓ))
						}
					}
				}
			}
		}
	}
}

// A training step allocates nothing in any convention, once its buffers
// exist.
func TestStepAllocatesNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	set := randomSet(rng, 40, 6, 3)
	big := randomSet(rng, 40, 784, 10) // MNIST's shape: mul works in panels
	for _, c := range derive.Conventions {
		for _, out := range []string{"sigmoid", "softmax", "big"} {
			cfg, sp, err := Config{Convention: c.String(), Act: "tanh," + out, Net: []int{6, 5, 3}, Eta: 0.1}.resolve(6, 3, 40)
			set := set
			if out == "big" {
				cfg, sp, err = Config{Convention: c.String(), Eta: 0.1}.resolve(784, 10, 40)
				set = big
			}
			require.NoError(t, err)
			tr := newTrainer(cfg, sp, set)
			idx := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
			tr.step(idx)
			allocs := testing.AllocsPerRun(20, func() { tr.step(idx) })
			require.Zero(t, allocs, "%v/%s", c, out)
		}
	}
}

// mul against mat.Dense.Mul for shapes that take gonum's serial path and
// shapes that mul splits into panels, with every transpose. The panels
// change no number: equality is exact.
func TestMulPanels(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	fill := func(r, c int) *mat.Dense {
		m := mat.NewDense(r, c, nil)
		for i := range raw(m) {
			raw(m)[i] = rng.NormFloat64()
		}
		return m
	}
	for _, sh := range [][3]int{{10, 30, 784}, {784, 30, 10}, {30, 784, 10}, {300, 300, 5}, {7, 5, 3}, {200, 1000, 3}} {
		m, n, k := sh[0], sh[1], sh[2]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				a, b := fill(m, k), fill(k, n)
				var opA, opB mat.Matrix = a, b
				if ta {
					a = mat.DenseCopyOf(a.T())
					opA = a.T()
				}
				if tb {
					b = mat.DenseCopyOf(b.T())
					opB = b.T()
				}
				var want mat.Dense
				want.Mul(opA, opB)
				got := fill(m, n) // garbage that mul must overwrite
				mul(got, a, ta, b, tb)
				require.Equal(t, raw(&want), raw(got), "%v ta=%v tb=%v", sh, ta, tb)
			}
		}
	}
}
