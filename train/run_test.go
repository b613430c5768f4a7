package train

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/derive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func blobs(t *testing.T, m int, seed uint64) *data.Set {
	s, err := data.Synthetic("blobs", m, seed)
	require.NoError(t, err)
	return s
}

// Row and per-example training, side by side: the same seed gives the same
// parameters (one layout the transpose of the other) and the same example
// order, so after every step of three epochs the batch costs and the
// parameters agree to rounding. Tolerance: 1e-10 relative per entry; the
// measured worst is 1e-13. η is kept at 0.1: at η 0.5 these tanh nets on
// inputs up to ±12 amplify any rounding difference about 100 times an
// epoch (3e-9 after three), a property of the map, not of the gradients,
// which agree to 1e-12 at every step (TestFastPathMatchesDerive).
func TestRowAndPerExampleTrainAlike(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	sparse := sparsify(rng, randomSet(rng, 200, 20, 3), 0.8) // MNIST-like: 80% zeros
	for _, act := range []string{"sigmoid", "tanh,softmax", "relu,sigmoid"} {
		set := blobs(t, 200, 3)
		cost := derive.Quadratic
		if act != "sigmoid" {
			cost = derive.LogLikelihood
		}
		if act == "relu,sigmoid" {
			set, cost = sparse, derive.CrossEntropy
		}
		_, inputs := set.X.Dims()
		base := Config{Net: []int{inputs, 8, 3}, Act: mustActs(act), Cost: cost, Eta: 0.1, Batch: 7, Lambda: 0.1}
		trainers := map[derive.Convention]*trainer{}
		for _, c := range derive.Conventions {
			cfg := base
			cfg.Convention = c
			cfg, sp, err := cfg.resolve(inputs, 3, set.Len())
			require.NoError(t, err)
			trainers[c] = newTrainer(cfg, sp, set)
		}
		row := trainers[derive.Row]
		order := make([]int, set.Len())
		for i := range order {
			order[i] = i
		}
		shuffle := rand.New(rand.NewPCG(1, 1))
		for range 3 {
			shuffle.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			for s := 0; s < len(order); s += base.Batch {
				idx := order[s:min(len(order), s+base.Batch)]
				want, _ := row.step(idx)
				for _, c := range []derive.Convention{derive.Column, derive.PerExample} {
					got, _ := trainers[c].step(idx)
					require.LessOrEqual(t, relErr(want, got), 1e-10, "%s %v batch cost", act, c)
				}
			}
		}
		for _, c := range []derive.Convention{derive.Column, derive.PerExample} {
			back := trainers[c].current().In(derive.Row)
			for ℓ, l := range row.current().Layers {
				requireClose(t, raw(l.W), raw(back.Layers[ℓ].W), 1e-10, act+" "+c.String()+" W")
				requireClose(t, l.B, back.Layers[ℓ].B, 1e-10, act+" "+c.String()+" b")
			}
		}
	}
}

// A step whose update overflows a weight reports it at that step, in every
// convention, although the batch cost (computed before the update) is
// finite; a step of a sane size does not. Inputs of 1e10 into relu units
// make the weight gradients about 1e10 times the bias gradients, so that
// at η 1e290 only weights overflow: the fast path must find them through
// its bound on |W| (fastNet.update), not through the biases.
func TestStepReportsOverflow(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	set := sparsify(rng, randomSet(rng, 20, 30, 3), 0.8)
	for i := range raw(set.X) {
		raw(set.X)[i] *= 1e10
	}
	for _, c := range derive.Conventions {
		for _, eta := range []float64{1e-25, 1e290} {
			cfg, sp, err := Config{Net: []int{30, 40, 3}, Act: mustActs("relu,identity"), Convention: c, Eta: eta, Reduction: derive.Sum}.resolve(30, 3, set.Len())
			require.NoError(t, err)
			tr := newTrainer(cfg, sp, set)
			cost, finite := tr.step([]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
			require.True(t, isFinite(cost), "%v η %g cost", c, eta)
			require.Equal(t, eta < 1, finite, "%v η %g", c, eta)
			if !finite {
				for _, l := range tr.current().Layers {
					require.Empty(t, nonFinite(l.B), "%v: the biases stay finite", c)
				}
				assert.Regexp(t, `^W\d has (NaN and )?±Inf entries`, tr.divergence(1, 1, cost, nil).What, "%v", c)
			}
		}
	}
}

// The same through Run: every convention's history holds the same numbers.
func TestRunConventionsAgree(t *testing.T) {
	train, test := blobs(t, 150, 1), blobs(t, 60, 1)
	var hs []*History
	for _, c := range derive.Conventions {
		h, err := Run(Config{Net: []int{2, 6, 3}, Convention: c, Eta: 1, Epochs: 3}, train, nil, test, nil)
		require.NoError(t, err)
		hs = append(hs, h)
	}
	for _, h := range hs[1:] {
		require.Len(t, h.Epochs, 4)
		for i, e := range h.Epochs {
			w := hs[0].Epochs[i]
			assert.LessOrEqual(t, relErr(float64(w.TrainCost), float64(e.TrainCost)), 1e-10)
			assert.Equal(t, w.TestAccuracy, e.TestAccuracy)
			requireClose(t, toF(w.GradNorm), toF(e.GradNorm), 1e-8, "grad norm")
		}
	}
}

func toF(v []Float) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// It learns: blobs are separable, and 20 epochs of the defaults (scaled
// down) get the test set nearly right. The history has the contract's
// shape: epoch 0 first, then one record per epoch.
func TestRunLearnsBlobs(t *testing.T) {
	train, test := blobs(t, 300, 1), blobs(t, 150, 1)
	var calls, done int
	h, err := Run(Config{Net: []int{2, 10, 3}, Init: derive.NormalScaled, Eta: 1, Epochs: 20}, train, nil, test, func(p Progress) {
		calls++
		if p.Done != nil {
			done++
		}
	})
	require.NoError(t, err)
	assert.Equal(t, MaxEpochs, h.Stopped)
	require.Len(t, h.Epochs, 21)
	for i, e := range h.Epochs {
		assert.Equal(t, i, e.Epoch)
		assert.Len(t, e.GradNorm, 2)
	}
	assert.Zero(t, h.Epochs[0].Seconds)
	assert.Greater(t, float64(h.FinalTestAccuracy), 0.9)
	assert.Less(t, float64(h.Epochs[20].TrainCost), float64(h.Epochs[0].TrainCost))
	assert.Equal(t, 21, done)
	assert.Greater(t, calls, done)
	assert.Equal(t, 30, h.StepsPerEpoch)
	// samples inside epoch 1: 1, 2, 3, 5, 6, 9, 10, 12, 15, 18, 20, 21, 24, 27
	require.NotEmpty(t, h.FirstEpoch)
	assert.Equal(t, 1, h.FirstEpoch[0].Step)
	assert.True(t, math.IsNaN(float64(h.Epochs[0].ValidationCost)), "no validation set")
}

func TestSampleSteps(t *testing.T) {
	assert.Equal(t, []int{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500}, sampleSteps(5000))
	assert.Empty(t, sampleSteps(1))
	assert.Equal(t, []int{1, 2}, sampleSteps(3))
}

func TestStopping(t *testing.T) {
	train := blobs(t, 100, 4)
	cfg := Config{Net: []int{2, 4, 3}, Epochs: 5}

	c := cfg
	c.GradTol = 1e6
	h, err := Run(c, train, nil, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, Converged, h.Stopped)
	assert.Len(t, h.Epochs, 2, "epoch 0, then the first epoch's gradient passes")

	c = cfg
	c.MaxTime = time.Nanosecond
	h, err = Run(c, train, nil, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, MaxTime, h.Stopped)
	assert.LessOrEqual(t, len(h.Epochs), 2)

	c = cfg
	c.Epochs = NoTraining
	h, err = Run(c, train, nil, nil, nil)
	require.NoError(t, err)
	assert.Len(t, h.Epochs, 1)
}

// Divergence: relu with η 5 and the sum reduction over batches of 50 on
// inputs of size 10 blows up within the first epoch. It is reported at the
// step, with a cause that names the sum reduction, and the history so far
// is kept.
func TestDivergence(t *testing.T) {
	train := blobs(t, 500, 5)
	h, err := Run(Config{Net: []int{2, 20, 3}, Act: mustActs("relu,identity"), Reduction: derive.Sum, Eta: 5, Batch: 50, Epochs: 3}, train, nil, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, Diverged, h.Stopped)
	require.NotNil(t, h.Divergence)
	assert.Equal(t, 1, h.Divergence.Epoch)
	assert.GreaterOrEqual(t, h.Divergence.Step, 1)
	assert.Contains(t, h.Divergence.Cause, "sum reduction and batch 50 is a step 50 times larger")
	assert.Contains(t, h.Divergence.Cause, "unbounded")
	assert.Contains(t, h.Divergence.Cause, "inputs reach")
	assert.NotEmpty(t, h.Divergence.What)
	assert.Len(t, h.Epochs, 1, "epoch 0 is kept")
	_, err = json.Marshal(h)
	require.NoError(t, err)
}

// A divergence caused by an L2 λ so large that 1 − ηλ/n ≤ −1 names λ, not
// η: at λ 1e308 every step multiplies the weights by about −6e303, and a
// smaller η would not help until ηλ/n < 2. A λ well inside that bound
// leaves the cause to η, as before.
func TestDivergenceBlamesLambda(t *testing.T) {
	train := blobs(t, 500, 5)
	h, err := Run(Config{Net: []int{2, 20, 3}, Lambda: 1e308, Epochs: 3}, train, nil, nil, nil)
	require.NoError(t, err)
	require.Equal(t, Diverged, h.Stopped)
	cause := h.Divergence.Cause
	assert.True(t, strings.HasPrefix(cause, "λ 1e+308 is too large for η 3 and 500 training examples"), cause)
	assert.Contains(t, cause, "1 − ηλ/n = -6e+305")
	assert.Contains(t, cause, "here λ < 333")
	assert.NotContains(t, cause, "try a smaller η")

	h, err = Run(Config{Net: []int{2, 20, 3}, Act: mustActs("relu,identity"), Reduction: derive.Sum, Eta: 5, Batch: 50, Lambda: 1, Epochs: 3}, train, nil, nil, nil)
	require.NoError(t, err)
	require.Equal(t, Diverged, h.Stopped)
	assert.Contains(t, h.Divergence.Cause, "sum reduction and batch 50")
	assert.NotContains(t, h.Divergence.Cause, "λ")
}

func TestConfigErrors(t *testing.T) {
	train := blobs(t, 20, 1)
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Act: mustActs("softmax,sigmoid")}, "softmax is only allowed on the output layer"},
		{Config{Cost: derive.CrossEntropy, Act: mustActs("relu")}, "needs outputs in (0,1)"},
		{Config{Init: derive.Init(99)}, "init(99) has no name"},
		{Config{Net: []int{784, 30, 10}}, "the input layer has 784 units but the data has 2 inputs"},
		{Config{Net: []int{2, 30, 10}}, "the output layer has 10 units but the data has 3 classes"},
		{Config{Eta: -1}, "eta -1"},
		{Config{Batch: -3}, "batch -3"},
		{Config{TrainSize: 21}, "train size 21: want 1 to 20"},
		{Config{Cores: -1}, "cores -1"},
		{Config{Act: mustActs("relu,relu,softmax")}, "3 activations for 2 layers"},
		{Config{Reduction: derive.Reduction(2)}, "reduction(2) has no name"},
		{Config{Convention: derive.Convention(-1)}, "convention(-1) has no name"},
		{Config{Net: []int{2, 1 << 40, 3}}, "more than the limit of 4 GiB"},
		{Config{Net: []int{2, 1 << 20, 3}, MaxMemory: 1 << 20}, "more than the limit of 1 MiB"},
	} {
		_, err := Run(tc.cfg, train, nil, nil, nil)
		require.Error(t, err, tc.want)
		assert.Contains(t, err.Error(), tc.want)
	}
}

// The JSON record has the contract's names, writes the defaults out, and
// writes NaN (a missing set) as null.
func TestHistoryJSON(t *testing.T) {
	train := blobs(t, 30, 1)
	h, err := Run(Config{Net: []int{2, 3, 3}, Epochs: 1, MaxTime: 90 * time.Second}, train, nil, nil, nil)
	require.NoError(t, err)
	b, err := json.Marshal(h)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(b, &got))
	for _, k := range []string{"config", "epochs", "stopped", "final_test_accuracy"} {
		assert.Contains(t, got, k)
	}
	assert.Nil(t, got["final_test_accuracy"], "no test set: null")
	cfg := got["config"].(map[string]any)
	assert.Equal(t, "mean", cfg["reduction"])
	assert.Equal(t, "sigmoid", cfg["act"])
	assert.Equal(t, 3.0, cfg["eta"])
	assert.Equal(t, 90.0, cfg["max_time_seconds"])
	e := got["epochs"].([]any)[1].(map[string]any)
	for _, k := range []string{"epoch", "seconds", "train_cost", "test_cost", "test_accuracy", "grad_norm", "saturated_fraction"} {
		assert.Contains(t, e, k)
	}
	var back History
	require.NoError(t, json.Unmarshal(b, &back))
	assert.True(t, math.IsNaN(float64(back.FinalTestAccuracy)))
}

// With Curvature, the start and the end are probed and recorded.
func TestRunRecordsCurvature(t *testing.T) {
	train := blobs(t, 60, 1)
	h, err := Run(Config{Net: []int{2, 3, 3}, Epochs: 2, Curvature: true, CurvatureExamples: 40}, train, nil, nil, nil)
	require.NoError(t, err)
	require.Len(t, h.Curvature, 2)
	assert.Equal(t, 0, h.Curvature[0].Epoch)
	assert.Equal(t, 2, h.Curvature[1].Epoch)
	assert.Equal(t, 40, h.Curvature[1].Examples)
	assert.Equal(t, 2*3+3+3*3+3, h.Curvature[1].Params)
	assert.Len(t, h.Curvature[1].Blocks, 2)
	b, err := json.Marshal(h)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"lambda_min"`)
}

// A run hands its parameters to the progress callback at the end of every
// epoch's training, and a checkpoint's probe is the probe of a run stopped
// there: the same numbers, bit for bit, in every convention (training is
// deterministic for a seed, so the run to epoch e is the first e epochs of
// the longer run).
func TestCheckpointsAreTheStoppedRuns(t *testing.T) {
	train := blobs(t, 60, 1)
	for _, conv := range []derive.Convention{derive.Row, derive.Column, derive.PerExample} {
		t.Run(conv.String(), func(t *testing.T) {
			base := Config{Net: []int{2, 4, 3}, Convention: conv, Batch: 7, Lambda: 0.5, Seed: 3}
			var cps []*Checkpoint
			cfg := base
			cfg.Epochs = 3
			h, err := Run(cfg, train, nil, nil, func(p Progress) {
				if p.Checkpoint != nil {
					assert.Nil(t, p.Done)
					assert.Equal(t, p.Checkpoint.Epoch, p.Epoch)
					cps = append(cps, p.Checkpoint)
				}
			})
			require.NoError(t, err)
			require.Len(t, cps, 4)
			for e, cp := range cps {
				require.Equal(t, e, cp.Epoch)
				stopped := base
				stopped.Epochs, stopped.Curvature, stopped.CurvatureExamples = e, true, 50
				if e == 0 {
					stopped.Epochs = NoTraining
				}
				hs, err := Run(stopped, train, nil, nil, nil)
				require.NoError(t, err)
				want := hs.Curvature[len(hs.Curvature)-1]
				got := cp.Probe(50)
				assert.Equal(t, want.Epoch, got.Epoch)
				assert.Equal(t, want.Examples, got.Examples)
				assert.Equal(t, *want.Result, *got.Result, "epoch %d", e)
				if e > 0 {
					assert.Equal(t, hs.Epochs[e].TrainCost, h.Epochs[e].TrainCost, "epoch %d: the same run", e)
				}
			}
			// The checkpoint is a copy: the run went on past epoch 1.
			assert.NotEqual(t, cps[1].Net.Params(nil), cps[3].Net.Params(nil))
		})
	}
}

// SkipTrainingSet leaves the training set unmeasured and nothing else:
// the run, its test numbers and its first-epoch samples are those of the
// run that measures everything, bit for bit.
func TestSkipTrainingSet(t *testing.T) {
	train, test := blobs(t, 80, 1), blobs(t, 30, 2)
	cfg := Config{Net: []int{2, 4, 3}, Batch: 7, Epochs: 3, Eta: 0.5, Seed: 4}
	all, err := Run(cfg, train, nil, test, nil)
	require.NoError(t, err)
	cfg.SkipTrainingSet = true
	some, err := Run(cfg, train, nil, test, nil)
	require.NoError(t, err)
	require.Len(t, some.Epochs, len(all.Epochs))
	for i, e := range some.Epochs {
		a := all.Epochs[i]
		assert.Equal(t, a.TestCost, e.TestCost, "epoch %d", i)
		assert.Equal(t, a.TestAccuracy, e.TestAccuracy, "epoch %d", i)
		assert.Equal(t, a.Steps, e.Steps)
		assert.True(t, math.IsNaN(float64(e.TrainCost)) && math.IsNaN(float64(e.TrainAccuracy)) && math.IsNaN(float64(e.GradTotal)))
		assert.Empty(t, e.GradNorm)
		assert.False(t, math.IsNaN(float64(a.TrainCost)))
	}
	assert.Equal(t, all.FirstEpoch, some.FirstEpoch)
	assert.Equal(t, all.FinalTestAccuracy, some.FinalTestAccuracy)
	cfg.GradTol = 1e-3
	_, err = Run(cfg, train, nil, test, nil)
	assert.ErrorContains(t, err, "grad tol")
}

// The thread's opening post on a few hundred real MNIST images: uniform
// [0,1) weights and biases saturate every hidden sigmoid (|z| ≫ 5, since
// z sums ~100 positive terms), so the net gives every input the same output.
func TestUniform01SaturatesOnMNIST(t *testing.T) {
	train := smallMNIST(t, 300, data.Unit)
	h, err := Run(Config{Init: derive.Uniform01, Epochs: NoTraining}, train, nil, nil, nil)
	require.NoError(t, err)
	e := h.Epochs[0]
	assert.Greater(t, float64(e.SaturatedByLayer[0]), 0.99, "hidden layer")
	assert.Equal(t, 1, e.DistinctPredictions)
	assert.Less(t, float64(e.OutputSpread), 1e-3)

	h, err = Run(Config{Init: derive.UniformHalf, Epochs: NoTraining}, train, nil, nil, nil)
	require.NoError(t, err)
	assert.Less(t, float64(h.Epochs[0].SaturatedByLayer[0]), 0.5)
	assert.Zero(t, h.Epochs[0].ExpOverflow)
}

// The thread's "overflow error" at any η: N(0,1) weights on raw pixels
// (0–255) give hidden z of thousands, and numpy's exp(−z) overflows for
// z < −709.78, on the first forward pass, before any step.
func TestRawPixelsOverflowNumpyExp(t *testing.T) {
	train := smallMNIST(t, 300, data.Raw)
	h, err := Run(Config{Epochs: NoTraining}, train, nil, nil, nil)
	require.NoError(t, err)
	e := h.Epochs[0]
	assert.Greater(t, float64(e.MaxAbsZ[0]), 709.78)
	assert.Greater(t, e.ExpOverflow, 300, "more than one unit an example")
}

// smallMNIST returns the first m MNIST training images, or skips.
func smallMNIST(t testing.TB, m int, px data.Pixels) *data.Set {
	dir, err := data.MNISTDir()
	if err != nil {
		t.Skip("MNIST not found:", err)
	}
	train, _, _, err := data.LoadMNIST(dir, px)
	if err != nil {
		t.Skip("MNIST not found:", err)
	}
	return train.Subset(m)
}

// Measuring behind the training (epoch k measured on a copy while epoch
// k+1 trains) records exactly what measuring in line does: the same
// numbers to the last bit, in the same order, reported once each in
// order. A GradTol too small to stop anything keeps the measuring in line
// (the next epoch waits for it), so it is the reference; so does a run
// on one core (Cores: 1), which measures each epoch after it, the parts
// of a set one after another on its own goroutine. MNIST images take the
// sparse first layer; blobs in every convention take the rest.
func TestMeasuredBehindAsInLine(t *testing.T) {
	type run struct {
		name             string
		cfg              Config
		train, val, test *data.Set
	}
	mnist := smallMNIST(t, 400, data.Unit)
	var runs []run
	for _, c := range derive.Conventions {
		runs = append(runs, run{"blobs " + c.String(), Config{Net: []int{2, 6, 3}, Convention: c, Eta: 1, Epochs: 4}, blobs(t, 150, 1), blobs(t, 40, 2), blobs(t, 60, 3)})
	}
	runs = append(runs, run{"mnist", Config{Net: []int{784, 30, 10}, Epochs: 3, Lambda: 0.5}, mnist.Subset(300), nil, mnist})
	for _, r := range runs {
		var order []int
		behind, err := Run(r.cfg, r.train, r.val, r.test, func(p Progress) {
			if p.Done != nil {
				order = append(order, p.Done.Epoch)
				assert.Equal(t, p.Epoch, p.Done.Epoch, r.name)
			}
		})
		require.NoError(t, err)
		inline := r.cfg
		inline.GradTol = 1e-300
		want, err := Run(inline, r.train, r.val, r.test, nil)
		require.NoError(t, err)
		one := r.cfg
		one.Cores = 1
		alone, err := Run(one, r.train, r.val, r.test, nil)
		require.NoError(t, err)
		for _, got := range []struct {
			how string
			h   *History
		}{{"behind", behind}, {"on one core", alone}} {
			name := r.name + ", " + got.how
			require.Equal(t, MaxEpochs, got.h.Stopped, name)
			require.Len(t, got.h.Epochs, len(want.Epochs), name)
			for i := range want.Epochs {
				g, w := got.h.Epochs[i], want.Epochs[i]
				assert.Positive(t, g.Seconds+float64(1-min(i, 1)), "%s epoch %d is timed", name, i)
				g.Seconds, w.Seconds = 0, 0
				// %v writes every float64 exactly (and NaN, which is not
				// equal to itself, as NaN).
				assert.Equal(t, fmt.Sprintf("%v", w), fmt.Sprintf("%v", g), "%s epoch %d", name, i)
			}
			assert.Equal(t, want.FinalTestAccuracy, got.h.FinalTestAccuracy, name)
		}
		assert.Equal(t, []int{0, 1, 2, 3, 4}[:len(want.Epochs)], order, r.name)
	}
}

// A divergence in a later epoch keeps every epoch measured behind it, in
// order. An L2 λ with 1 − ηλ/n ≈ −3e11 multiplies the weights by that
// each step (10 a epoch), so they overflow in the 28th step or so.
func TestMeasuredBehindThenDiverged(t *testing.T) {
	train := blobs(t, 500, 5)
	h, err := Run(Config{Net: []int{2, 20, 3}, Lambda: 5e13, Batch: 50, Epochs: 8}, train, nil, nil, nil)
	require.NoError(t, err)
	require.Equal(t, Diverged, h.Stopped)
	require.GreaterOrEqual(t, h.Divergence.Epoch, 2, "a later epoch")
	require.Len(t, h.Epochs, h.Divergence.Epoch, "epochs 0 … %d", h.Divergence.Epoch-1)
	for i, e := range h.Epochs {
		assert.Equal(t, i, e.Epoch)
	}
}
