package train

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/kernel"
	"github.com/stretchr/testify/require"
)

// trainerFor is a trainer for cfg (its names left to their defaults) in
// convention c with the activations act ("hidden,output" or one for all)
// and the cost.
func trainerFor(t *testing.T, cfg Config, set *data.Set, c derive.Convention, act string, cost derive.Cost) *trainer {
	_, inputs := set.X.Dims()
	cfg, sp, err := cfg.resolve(inputs, set.Classes, set.Len())
	require.NoError(t, err)
	var names []derive.Activation
	for _, name := range strings.Split(act, ",") {
		a, err := derive.ParseActivation(name)
		require.NoError(t, err)
		names = append(names, a)
	}
	L := len(sp.sizes) - 1
	acts := make([]derive.Activation, L)
	for ℓ := range acts {
		acts[ℓ] = names[0]
	}
	acts[L-1] = names[len(names)-1]
	sp.acts, sp.cost, sp.conv = acts, cost, c
	return newTrainer(cfg, sp, set)
}

// want is what a measurement should find, computed with derive alone: the
// whole set as one batch through derive.Net.Forward, Loss and Backprop in
// the row convention, and the tallies written out from Z^ℓ and A^L.
func wantMeasure(t *testing.T, net *derive.Net, set *data.Set, decay, saturation float64, n int) measure {
	net = net.In(derive.Row)
	net.Reduction = derive.Mean
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	X, Y := set.Batch(idx)
	L := len(net.Layers)
	m := measure{grad: make([]float64, L), saturatedByLayer: make([]float64, L), maxAbsZ: make([]float64, L)}
	var sq float64
	for _, l := range net.Layers {
		for _, v := range raw(l.W) {
			sq += v * v
		}
	}
	m.cost = net.Loss(X, Y) + decay/2*sq
	tr := net.Backprop(X, Y)
	var total float64
	for ℓ := 1; ℓ <= L; ℓ++ {
		var s float64
		for k, g := range raw(tr.DW[ℓ]) {
			g += decay * raw(net.Layers[ℓ-1].W)[k]
			s += g * g
		}
		for _, g := range tr.DB[ℓ] {
			s += g * g
		}
		m.grad[ℓ-1] = math.Sqrt(s)
		total += s
	}
	m.gradTotal = math.Sqrt(total)
	Z, A := net.Forward(X)
	var sat, units int
	for ℓ := 1; ℓ <= L; ℓ++ {
		thr := map[derive.Activation]float64{derive.Sigmoid: saturation, derive.Tanh: saturation / 2}[net.Layers[ℓ-1].Act]
		c := 0
		for _, z := range raw(Z[ℓ]) {
			m.maxAbsZ[ℓ-1] = math.Max(m.maxAbsZ[ℓ-1], math.Abs(z))
			if thr > 0 && math.Abs(z) > thr {
				c++
			}
			if net.Layers[ℓ-1].Act == derive.Sigmoid && z < -709.782712893384 {
				m.expOverflow++
			}
		}
		if thr > 0 {
			m.saturatedByLayer[ℓ-1] = float64(c) / float64(len(raw(Z[ℓ])))
			sat, units = sat+c, units+len(raw(Z[ℓ]))
		}
	}
	if units > 0 {
		m.saturated = float64(sat) / float64(units)
	}
	out := A[L]
	_, classes := out.Dims()
	seen := map[int]bool{}
	correct := 0
	for i := range n {
		row := out.RawRowView(i)
		arg := 0
		for k, v := range row {
			if v > row[arg] {
				arg = k
			}
		}
		seen[arg] = true
		if arg == set.Labels[i] {
			correct++
		}
	}
	m.accuracy, m.distinct = float64(correct)/float64(n), len(seen)
	for k := range classes {
		var mean, v float64
		for i := range n {
			mean += out.At(i, k) / float64(n)
		}
		for i := range n {
			v += (out.At(i, k) - mean) * (out.At(i, k) - mean) / float64(n)
		}
		m.outputSpread = math.Max(m.outputSpread, math.Sqrt(v))
	}
	return m
}

// The measurements against derive, for every convention and several
// activations and costs, on dense N(0,1) inputs and on inputs that are 70%
// zeros, with and without L2, over a whole set and over its first few
// examples, after a few steps of training (so that the step's parameters,
// not the initial ones, are read). Sums run in other orders (by example
// and by part here, as matrix products in derive): costs and gradient
// norms and the largest |z| agree to 1e-12 relative, the output spread (a
// difference of means) to 1e-9; counts and fractions exactly.
func TestMeasureMatchesDerive(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	dense := randomSet(rng, 203, 6, 3) // not a multiple of the parts
	sets := []*data.Set{dense, sparsify(rng, dense, 0.7)}
	for _, c := range derive.Conventions {
		for _, act := range []string{"sigmoid", "tanh,softmax", "relu,sigmoid", "softplus,identity"} {
			cost := derive.Quadratic
			switch act {
			case "tanh,softmax":
				cost = derive.LogLikelihood
			case "relu,sigmoid":
				cost = derive.CrossEntropy
			}
			for _, lambda := range []float64{0, 0.5} {
				for _, set := range sets {
					name := fmt.Sprintf("%v/%s/λ=%g/%s", c, act, lambda, set.Name)
					tr := trainerFor(t, Config{Net: []int{6, 40, 3}, Eta: 0.05, Lambda: lambda, Saturation: 1}, set, c, act, cost)
					for s := range 5 {
						tr.step([]int{s, s + 1, s + 7, 2 * s})
					}
					for _, limit := range []int{0, 5} {
						n := set.Len()
						if limit > 0 {
							n = limit
						}
						want := wantMeasure(t, tr.current(), set, tr.decay, 1, n)
						got := tr.measureSet(set, true, limit)
						what := fmt.Sprintf("%s/first %d", name, n)
						require.InEpsilon(t, want.cost, got.cost, 1e-12, what+" cost")
						require.Equal(t, want.accuracy, got.accuracy, what+" accuracy")
						requireClose(t, want.grad, got.grad, 1e-12, what+" grad")
						require.InEpsilon(t, want.gradTotal, got.gradTotal, 1e-12, what+" grad total")
						require.Equal(t, want.saturated, got.saturated, what+" saturated")
						require.Equal(t, want.saturatedByLayer, got.saturatedByLayer, what+" saturated by layer")
						requireClose(t, want.maxAbsZ, got.maxAbsZ, 1e-12, what+" max |z|")
						require.Equal(t, want.expOverflow, got.expOverflow, what+" exp overflow")
						require.Equal(t, want.distinct, got.distinct, what+" distinct")
						require.InEpsilon(t, want.outputSpread, got.outputSpread, 1e-9, what+" output spread")
					}
					tr.close()
				}
			}
		}
	}
}

// The raw pixels of the thread's first attempt: z of thousands, numpy's
// exp overflows, every sigmoid saturates; and a NaN input makes the
// largest |z| NaN. Both as derive finds them.
func TestMeasureExtremes(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	set := randomSet(rng, 40, 6, 3)
	for i := range raw(set.X) {
		raw(set.X)[i] *= 1e4
	}
	cfg, sp, err := Config{Net: []int{6, 8, 3}}.resolve(6, 3, set.Len())
	require.NoError(t, err)
	tr := newTrainer(cfg, sp, set)
	defer tr.close()
	want := wantMeasure(t, tr.current(), set, 0, cfg.Saturation, set.Len())
	got := tr.measureSet(set, false, 0)
	require.Positive(t, got.expOverflow)
	require.Equal(t, want.expOverflow, got.expOverflow)
	require.Equal(t, want.saturatedByLayer, got.saturatedByLayer)
	requireClose(t, want.maxAbsZ, got.maxAbsZ, 1e-12, "max |z|")

	raw(set.X)[7] = math.NaN()
	tr2 := newTrainer(cfg, sp, set)
	defer tr2.close()
	require.True(t, math.IsNaN(tr2.measureSet(set, false, 0).maxAbsZ[0]))
}

// A measurement allocates nothing once the evaluator has seen the set, on
// one core and on several: the workers are started once and fed parts.
func TestMeasureAllocatesNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 13))
	set := sparsify(rng, randomSet(rng, 500, 50, 4), 0.8)
	for _, c := range derive.Conventions {
		tr := trainerFor(t, Config{Net: []int{50, 40, 4}}, set, c, "sigmoid", derive.Quadratic)
		tr.measureSet(set, true, 0)
		allocs := testing.AllocsPerRun(10, func() {
			tr.measureSet(set, true, 0)
			tr.measureSet(set, false, 100)
		})
		require.Zero(t, allocs, "%v", c)
		tr.close()
	}
}

// activate, the fast path's f, against PyTorch's f at float64 for every
// elementwise activation (../derive/testdata/activations_torch.json, which
// derive/testdata/activations_torch.py wrote): within 16 ulps of torch's
// value, plus where torch's own formula cancels (e^z − 1 for elu near 0,
// ½ z (1 + tanh u) for gelu at z ≪ 0) the absolute error that costs it.
// Then the values PyTorch's file cannot hold: ±Inf and NaN, against
// derive, to the bit (within 4 units in the last place and NaN for NaN
// for the AVX-512 sigmoid, its own series for e^x: TestSigmoidAVX512).
func TestActivate(t *testing.T) {
	raw, err := os.ReadFile("../derive/testdata/activations_torch.json")
	require.NoError(t, err)
	var torch map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &torch))
	var z []float64
	require.NoError(t, json.Unmarshal(torch["z"], &z))
	const eps = 0x1p-52
	for _, act := range derive.Activations {
		if !act.Elementwise() {
			continue
		}
		var want struct {
			F []float64 `json:"f"`
		}
		require.Contains(t, torch, act.String(), "derive/testdata/activations_torch.json has no %v", act)
		require.NoError(t, json.Unmarshal(torch[act.String()], &want))
		got := make([]float64, len(z))
		activate(act, got, z)
		for i, v := range z {
			tol := 16*eps*math.Abs(want.F[i]) + math.SmallestNonzeroFloat64
			switch act.String() {
			case "elu":
				tol += 2 * eps
			case "gelu":
				tol += 2 * eps * math.Abs(v)
			}
			require.InDelta(t, want.F[i], got[i], tol, "%v(%g)", act, v)
		}
	}
	special := []float64{math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN()}
	for _, act := range derive.Activations {
		want, got := make([]float64, len(special)), make([]float64, len(special))
		act.Activate(want, special)
		activate(act, got, special)
		for i := range special {
			if act == derive.Sigmoid && kernel.AVX512 {
				if math.IsNaN(want[i]) {
					require.True(t, math.IsNaN(got[i]), "%v(%g)", act, special[i])
				} else {
					require.InDelta(t, want[i], got[i], 4*eps*want[i], "%v(%g)", act, special[i])
				}
				continue
			}
			require.Equal(t, math.Float64bits(want[i]), math.Float64bits(got[i]), "%v(%g)", act, special[i])
		}
	}
}

// Weight gradients large enough to be added a block at a time (flush):
// [200, 400, 3] (G¹ 200×416) and [200, 400, 400, 3] (G¹ and G² blocked,
// G²'s inputs dense), on 70% zero inputs, over 450 examples (parts of
// 112–113: a full block and a partial one each) and over the first 30.
func TestMeasureBlocked(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 16))
	set := sparsify(rng, randomSet(rng, 450, 200, 3), 0.7)
	for _, sizes := range [][]int{{200, 400, 3}, {200, 400, 400, 3}} {
		for _, c := range []derive.Convention{derive.Row, derive.PerExample} {
			tr := trainerFor(t, Config{Net: sizes, Eta: 0.05, Lambda: 0.3, Saturation: 1}, set, c, "tanh,sigmoid", derive.Quadratic)
			for s := range 3 {
				tr.step([]int{s, s + 5, 3 * s})
			}
			require.True(t, tr.eval.parts[0].blk == nil || tr.eval.parts[0].blk.n == 0)
			for _, limit := range []int{0, 30} {
				n := set.Len()
				if limit > 0 {
					n = limit
				}
				want := wantMeasure(t, tr.current(), set, tr.decay, 1, n)
				got := tr.measureSet(set, true, limit)
				require.True(t, tr.eval.parts[0].blk.blocked[1], "%v", sizes)
				what := fmt.Sprintf("%v/%v/first %d", sizes, c, n)
				require.InEpsilon(t, want.cost, got.cost, 1e-12, what+" cost")
				requireClose(t, want.grad, got.grad, 1e-12, what+" grad")
				require.Equal(t, want.accuracy, got.accuracy, what+" accuracy")
			}
			tr.close()
		}
	}
}
