package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/kernel"
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

// relErr is the project's relative error (compare.RelError) |a−b| / max(|a|,|b|), 0 when both are 0.
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

// sparsify zeroes about frac of x's entries, and all of row 0: MNIST-like
// inputs, and an example with no input at all.
func sparsify(rng *rand.Rand, set *data.Set, frac float64) *data.Set {
	x := mat.DenseCopyOf(set.X)
	for i := range raw(x) {
		if rng.Float64() < frac {
			raw(x)[i] = 0
		}
	}
	clear(x.RawRowView(0))
	return &data.Set{Name: set.Name + " sparse", X: x, Labels: set.Labels, Classes: set.Classes}
}

// gradient runs the fast path on the examples idx and returns C and its
// gradient in the layout of conv: the step's forward and backward pass, then
// each example's piece of ∂C/∂W^ℓ added into zeros instead of into W^ℓ.
func (f *fastNet) gradient(idx []int, R float64, conv derive.Convention) (cost float64, dw []*mat.Dense, db [][]float64) {
	f.grow(len(idx))
	f.batch = idx
	clear(f.amax)
	for r := range idx {
		cost += f.forward(r, R)
	}
	f.backward(len(idx))
	L := len(f.sizes) - 1
	dw, db = make([]*mat.Dense, L+1), make([][]float64, L+1)
	for ℓ := 1; ℓ <= L; ℓ++ {
		n, np, wd := f.sizes[ℓ], f.sizes[ℓ-1], f.width[ℓ]
		g := make([]float64, np*wd)
		db[ℓ] = make([]float64, n)
		for r := range idx {
			d := f.d[ℓ][r*wd:][:wd]
			rows, vals := f.inputs(ℓ, r)
			kernel.Scatter(g, wd, rows, vals, d)
			for k := range db[ℓ] {
				db[ℓ][k] += d[k]
			}
		}
		dw[ℓ] = mat.NewDense(np, n, nil)
		for j := range np {
			copy(dw[ℓ].RawRowView(j), g[j*wd:][:n])
		}
		if conv.ColumnLayout() {
			dw[ℓ] = mat.DenseCopyOf(dw[ℓ].T())
		}
	}
	return R * cost, dw, db
}

// The gradients of training against derive.Backprop, which shares only the
// per-example activation and cost functions with them, for every
// convention, activation, cost and reduction that fit together, on dense
// N(0,1) inputs and on the same with 70% zeros (and an example of zeros):
// the fast path of step.go (row and column), the matrix products of
// workspace.go (row and column; they measure the sets) and Nielsen's loop
// (per-example). Then one step with and without L2 against
// W − η (∂C/∂W + (λ/n) W), b − η ∂C/∂b from derive's gradient. Tolerance:
// 1e-12 relative per entry (after a step, of the sizes of its terms, which
// cancel where the step is nearly W itself); both sides do the same
// arithmetic in other orders (and the assembly rounds a multiply-add once).
func TestFastPathMatchesDerive(t *testing.T) {
	sizes := []int{4, 5, 3}
	rng := rand.New(rand.NewPCG(7, 7))
	dense := randomSet(rng, 6, sizes[0], sizes[2])
	sets := []*data.Set{dense, sparsify(rng, dense, 0.7)}
	idx := []int{3, 0, 5, 1, 4, 2, 3} // shuffled, with a repeat
	const eta = 0.3
	for _, hidden := range derive.Activations {
		if !hidden.Elementwise() {
			continue
		}
		for _, out := range derive.Activations {
			for _, cost := range derive.Costs {
				if (derive.NetSpec{Sizes: sizes, Acts: []derive.Activation{hidden, out}, Cost: cost}).Validate() != nil {
					continue // a pair derive refuses (cross-entropy of a relu output)
				}
				for _, red := range derive.Reductions {
					for _, c := range derive.Conventions {
						for _, set := range sets {
							name := fmt.Sprintf("%v/%v/%v/%v/%v/%s", hidden, out, cost, red, c, set.Name)
							newNet := func() *derive.Net {
								return derive.NewNet(derive.NetSpec{Convention: c, Sizes: sizes, Acts: []derive.Activation{hidden, out}, Cost: cost, Reduction: red, Init: derive.NormalScaled}, rand.New(rand.NewPCG(1, 2)))
							}
							net := newNet()
							x, y := set.Batch(idx)
							want := net.Backprop(derive.Batch(x, derive.Row, c), derive.Batch(y, derive.Row, c))
							R := red.Factor(len(idx))
							check := func(path string, cost float64, dw []*mat.Dense, db [][]float64) {
								require.LessOrEqual(t, relErr(want.Cost, cost), 1e-12, "%s %s cost", name, path)
								for ℓ := 1; ℓ <= 2; ℓ++ {
									requireClose(t, raw(want.DW[ℓ]), raw(dw[ℓ]), 1e-12, fmt.Sprintf("%s %s dW%d", name, path, ℓ))
									requireClose(t, want.DB[ℓ], db[ℓ], 1e-12, fmt.Sprintf("%s %s db%d", name, path, ℓ))
								}
							}
							if c == derive.PerExample {
								p := newPerExample(net, set)
								cost := R * p.gradient(net, idx, R)
								check("loop", cost, p.dw, p.db)
							} else {
								w := newWorkspace(net, len(idx))
								w.load(set, idx)
								w.forward(net)
								cost := R * w.costSum(net)
								w.backward(net, R)
								check("products", cost, w.dw, w.db)
								cost, dw, db := newFastNet(net, set, 2).gradient(idx, R, c)
								check("fast", cost, dw, db)
							}
							for _, decay := range []float64{0, 0.05} {
								net := newNet()
								if c == derive.PerExample {
									p := newPerExample(net, set)
									p.gradient(net, idx, R)
									require.True(t, update(net, p.dw, p.db, eta, decay))
								} else {
									f := newFastNet(net, set, len(idx))
									_, finite := f.step(idx, R, eta, decay)
									require.True(t, finite)
									f.publish(net)
								}
								// W − η(∂C/∂W + (λ/n) W) cancels where the step is
								// nearly W itself, so each entry is held to 1e-12
								// of the sizes of its terms, not of the result.
								start := newNet()
								for ℓ, l := range start.Layers {
									W, G := raw(l.W), raw(want.DW[ℓ+1])
									got := raw(net.Layers[ℓ].W)
									for i := range W {
										size := math.Abs(W[i]) + eta*(math.Abs(G[i])+decay*math.Abs(W[i]))
										W[i] -= eta * (G[i] + decay*W[i])
										require.InDelta(t, W[i], got[i], 1e-12*size, "%s λ/n=%g W%d after a step[%d]", name, decay, ℓ+1, i)
									}
									for i, g := range want.DB[ℓ+1] {
										size := math.Abs(l.B[i]) + eta*math.Abs(g)
										l.B[i] -= eta * g
										require.InDelta(t, l.B[i], net.Layers[ℓ].B[i], 1e-12*size, "%s λ/n=%g b%d after a step[%d]", name, decay, ℓ+1, i)
									}
								}
							}
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
			var cfg Config
			var sp spec
			var err error
			set := set
			if out == "big" {
				cfg, sp, err = Config{Convention: c, Eta: 0.1}.resolve(784, 10, 40)
				set = big
			} else {
				cfg, sp, err = Config{Convention: c, Act: mustActs("tanh," + out), Net: []int{6, 5, 3}, Eta: 0.1}.resolve(6, 3, 40)
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
