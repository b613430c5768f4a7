package train

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/backproof/backproof/budget"
	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/derive"
)

// Config is one training run. Every zero field means its documented default,
// Nielsen's chapter 1 run: [784,30,10] sigmoid, quadratic cost averaged over
// the mini-batch, N(0,1) weights, η = 3, mini-batches of 10, 30 epochs.
//
// The choices (activation, cost, …) are derive's named types, whose zero
// values are the defaults (derive.Quadratic, derive.Mean, derive.Row,
// derive.Normal); they write themselves by name in the JSON record, the
// words of the CLI.
type Config struct {
	// Data and Pixels label the data for the record ("mnist", "unit"): Run
	// trains on the sets it is given and does not read them.
	Data   string `json:"data,omitempty"`
	Pixels string `json:"pixels,omitempty"`

	// Net is n₀, n₁, …, n_L. nil means [inputs, 30, classes] from the
	// training set: 784,30,10 on MNIST.
	Net []int `json:"net"`
	// Act is one activation for every layer (sigmoid), one per layer
	// (relu,relu,softmax), or two: hidden then output (relu,softmax); see
	// derive.Acts.Layers. nil means sigmoid.
	Act        derive.Acts       `json:"act"`
	Cost       derive.Cost       `json:"cost"`
	Reduction  derive.Reduction  `json:"reduction"` // zero value mean: C = (1/m) Σ_x C_x over a mini-batch of m
	Convention derive.Convention `json:"convention"`
	Init       derive.Init       `json:"init"` // zero value normal, N(0,1)

	Eta    float64 `json:"eta"`    // learning rate η; 0 means 3
	Batch  int     `json:"batch"`  // mini-batch size m; 0 means 10
	Epochs int     `json:"epochs"` // passes over the training set; 0 means 30, NoTraining (−1) none
	// Lambda is the L2 parameter λ of Nielsen's network2: (λ/n)·W is added
	// to each weight gradient, n the training-set size. 0: none.
	Lambda float64 `json:"lambda"`

	// MaxTime stops training when the run (training and measuring) has
	// lasted this long; 0 means no limit.
	MaxTime time.Duration `json:"-"`
	// GradTol stops training as converged when, after an epoch, the norm of
	// the gradient of the whole training cost (every parameter, the full
	// training set) is at most GradTol. 0 means never. Note that a plateau
	// passes this test as well as a minimum does: the curvature probe tells
	// them apart.
	GradTol float64 `json:"grad_tol"`
	// SkipTrainingSet measures each epoch on the validation and test sets
	// alone: the training set's numbers (cost, accuracy, gradient, units)
	// are NaN, and their lists empty. Measuring the training set with its
	// gradient costs about what training the epoch does; a sweep that reads
	// only test accuracies need not pay it. Not with GradTol, which stops on
	// the training set's gradient.
	SkipTrainingSet bool `json:"skip_training_set,omitempty"`

	// TrainSize trains on the first TrainSize examples only; 0 means all.
	TrainSize int    `json:"train_size"`
	Seed      uint64 `json:"seed"` // 0 means 1

	// Saturation is the |z| above which a sigmoid unit counts as saturated;
	// 0 means 5, where σ′(z) < 0.0067, 2.7% of its peak σ′(0) = 1/4. A tanh
	// unit counts above Saturation/2, the same fraction of its peak (tanh′(z)
	// = 4σ′(2z)). Other activations do not saturate and are not counted.
	Saturation float64 `json:"saturation"`

	// Curvature probes the Hessian of the training cost before training
	// and where training stops (curvature.ProbeNet) on the first
	// CurvatureExamples training examples (0 means 1000).
	Curvature         bool `json:"curvature"`
	CurvatureExamples int  `json:"curvature_examples,omitempty"`

	// MaxMemory is the most Memory may estimate; 0 means budget.Default.
	MaxMemory budget.Bytes `json:"-"`

	// Keep is the keep probability p of inverted dropout on every hidden
	// layer while training, Nielsen's chapter 3 with p = 1/2: each step
	// draws a mask D for each example of the mini-batch (a stream of Seed
	// of its own) and uses A^ℓ = (D ⊙ f(Z^ℓ))/p; measuring uses the whole
	// network. 0 (or 1) means none.
	Keep float64 `json:"keep_prob,omitempty"`

	// Cores is how many cores the run keeps busy: 0 means every one
	// (GOMAXPROCS). With 1 the run trains and measures on its own
	// goroutine alone, each epoch's measuring after the epoch instead of
	// beside the next one: for runs side by side, one a core, which then
	// do not take turns on the cores. The numbers are the same for any
	// value; only the time changes.
	Cores int `json:"-"`

	// Inputs, if not nil, lists the nonzero inputs of the sets the run
	// trains and measures on, shared with every other run given the same
	// Inputs instead of listed again by each (see Inputs: the sets must not
	// change while it is in use). Not a setting: the numbers are the same
	// with or without it, and History.Config does not keep it.
	Inputs *Inputs `json:"-"`

	// SkipTrainingGradient measures the training set without its
	// gradient: the forward pass alone, about three fifths of the
	// measuring's time on the training set. Its cost, accuracy, units and
	// classes predicted are measured; GradNorm is empty and GradTotal NaN.
	// Not with GradTol, which stops on that gradient.
	SkipTrainingGradient bool `json:"skip_training_gradient,omitempty"`
	// TrainingSetAtEnds measures the training set at the run's two ends
	// alone: before training and at the last epoch recorded (the last
	// before a divergence or MaxTime, if one stops the run). The epochs
	// between record NaN (and empty lists) for its numbers, as with
	// SkipTrainingSet, and are measured on the validation and test sets.
	// For a sweep whose figure reads where each run starts and ends on the
	// training set. Not with GradTol.
	TrainingSetAtEnds bool `json:"training_set_at_ends,omitempty"`
}

// NoTraining as Config.Epochs measures the starting point (and probes it,
// with Curvature) without training.
const NoTraining = -1

// Default values of Config's zero fields.
const (
	DefaultHidden            = 30
	DefaultEta               = 3.0
	DefaultBatch             = 10
	DefaultEpochs            = 30
	DefaultSeed              = 1
	DefaultSaturation        = 5.0
	DefaultCurvatureExamples = 1000
)

// MarshalJSON writes MaxTime as max_time_seconds (0 for no limit).
func (c Config) MarshalJSON() ([]byte, error) {
	type plain Config
	return json.Marshal(struct {
		plain
		MaxTimeSeconds float64 `json:"max_time_seconds"`
	}{plain(c), c.MaxTime.Seconds()})
}

// spec is a resolved Config: defaults filled in and names parsed.
type spec struct {
	sizes []int
	acts  []derive.Activation
	cost  derive.Cost
	red   derive.Reduction
	conv  derive.Convention
	init  derive.Init
}

// Resolved is c with every default filled in for the training set train,
// as Run records it in History.Config: two configs with the same Resolved
// are the same run. The error is Run's for a config that does not fit.
func (c Config) Resolved(train *data.Set) (Config, error) {
	_, inputs := train.X.Dims()
	r, _, err := c.resolve(inputs, train.Classes, train.Len())
	return r, err
}

// resolve fills in the defaults for a training set of examples with inputs
// values and classes classes, and checks every field. Its errors are the
// user's: they name the field and the valid values.
func (c Config) resolve(inputs, classes, examples int) (Config, spec, error) {
	var sp spec
	if c.Net == nil {
		c.Net = []int{inputs, DefaultHidden, classes}
	}
	c.Net = append([]int(nil), c.Net...)
	if len(c.Net) < 2 {
		return c, sp, fmt.Errorf("net %s: want at least an input and an output size", joinInts(c.Net))
	}
	for i, n := range c.Net {
		if n < 1 {
			return c, sp, fmt.Errorf("net %s: layer %d has %d units, want at least 1", joinInts(c.Net), i, n)
		}
	}
	if c.Net[0] != inputs {
		return c, sp, fmt.Errorf("net %s: the input layer has %d units but the data has %d inputs", joinInts(c.Net), c.Net[0], inputs)
	}
	if out := c.Net[len(c.Net)-1]; out != classes {
		return c, sp, fmt.Errorf("net %s: the output layer has %d units but the data has %d classes", joinInts(c.Net), out, classes)
	}
	L := len(c.Net) - 1

	if len(c.Act) == 0 {
		c.Act = derive.Acts{derive.Sigmoid}
	}
	acts, err := c.Act.Layers(L)
	if err != nil {
		return c, sp, fmt.Errorf("act: %v", err)
	}
	ns := derive.NetSpec{Convention: c.Convention, Sizes: c.Net, Acts: acts, Cost: c.Cost, Reduction: c.Reduction, Init: c.Init}
	if err := ns.Validate(); err != nil {
		return c, sp, err
	}
	sp = spec{sizes: c.Net, acts: acts, cost: c.Cost, red: c.Reduction, conv: c.Convention, init: c.Init}

	if c.Eta == 0 {
		c.Eta = DefaultEta
	}
	if !(c.Eta > 0) || math.IsInf(c.Eta, 0) {
		return c, sp, fmt.Errorf("eta %g: want a positive learning rate", c.Eta)
	}
	if c.Batch == 0 {
		c.Batch = DefaultBatch
	}
	if c.Batch < 0 {
		return c, sp, fmt.Errorf("batch %d: want a positive mini-batch size", c.Batch)
	}
	switch {
	case c.Epochs == 0:
		c.Epochs = DefaultEpochs
	case c.Epochs < NoTraining:
		return c, sp, fmt.Errorf("epochs %d: want a positive number (or NoTraining)", c.Epochs)
	}
	if !(c.Lambda >= 0) || math.IsInf(c.Lambda, 0) {
		return c, sp, fmt.Errorf("lambda %g: want λ ≥ 0", c.Lambda)
	}
	if !(c.Keep >= 0 && c.Keep <= 1) {
		return c, sp, fmt.Errorf("keep probability %g: want 0 < p ≤ 1, the chance that a hidden unit is kept", c.Keep)
	}
	if c.Keep == 1 {
		c.Keep = 0 // every unit kept: no dropout
	}
	if c.Keep > 0 && L < 2 {
		return c, sp, fmt.Errorf("keep probability %g: dropout is on hidden layers, and net %s has none", c.Keep, joinInts(c.Net))
	}
	if c.MaxTime < 0 {
		return c, sp, fmt.Errorf("max time %v: want a duration ≥ 0", c.MaxTime)
	}
	if c.Cores < 0 {
		return c, sp, fmt.Errorf("cores %d: want 0 (every core) or a number of cores", c.Cores)
	}
	if !(c.GradTol >= 0) {
		return c, sp, fmt.Errorf("grad tol %g: want a tolerance ≥ 0", c.GradTol)
	}
	if c.SkipTrainingSet && c.GradTol > 0 {
		return c, sp, fmt.Errorf("grad tol %g: it stops on the training set's gradient, which skip training set leaves unmeasured", c.GradTol)
	}
	if c.SkipTrainingGradient && c.GradTol > 0 {
		return c, sp, fmt.Errorf("grad tol %g: it stops on the training set's gradient, which skip training gradient leaves unmeasured", c.GradTol)
	}
	if c.TrainingSetAtEnds && c.GradTol > 0 {
		return c, sp, fmt.Errorf("grad tol %g: it stops on the training set's gradient after any epoch, which training set at ends measures at the ends alone", c.GradTol)
	}
	if c.TrainSize < 0 || c.TrainSize > examples {
		return c, sp, fmt.Errorf("train size %d: want 1 to %d, the size of the training set (or 0 for all)", c.TrainSize, examples)
	}
	if c.Seed == 0 {
		c.Seed = DefaultSeed
	}
	if c.Saturation == 0 {
		c.Saturation = DefaultSaturation
	}
	if !(c.Saturation > 0) {
		return c, sp, fmt.Errorf("saturation threshold %g: want |z| > 0", c.Saturation)
	}
	if c.Curvature && c.CurvatureExamples == 0 {
		c.CurvatureExamples = DefaultCurvatureExamples
	}
	if c.CurvatureExamples < 0 {
		return c, sp, fmt.Errorf("curvature examples %d: want a positive number", c.CurvatureExamples)
	}
	what := fmt.Sprintf("training a %s network on %d examples", joinInts(c.Net), c.examples(examples))
	if err := budget.Check(what, c.Memory(examples), c.MaxMemory); err != nil {
		return c, sp, err
	}
	return c, sp, nil
}

// evalChunk is the number of examples Memory assumes a measuring pass
// holds at once.
const evalChunk = 1000

func (c Config) examples(n int) int {
	if c.TrainSize > 0 {
		return min(c.TrainSize, n)
	}
	return n
}

// Memory estimates what training takes beyond the data sets themselves,
// for a training set of examples examples: the parameters P about
// thirteen times over (the network, the step's copy, the gradient, and the
// measurements' copies: one measuring beside the training, one behind it), the first layer's inputs once more (the sparse
// copy the steps read), a mini-batch and a measuring chunk of evalChunk
// examples through every layer (z, a and δ of each unit, twice), and with
// Curvature the Lanczos vectors (Iterations + 8 vectors of P) and the
// probed examples through every layer. Net must be set (resolve sets it).
func (c Config) Memory(examples int) budget.Bytes {
	P := budget.Params(c.Net)
	n0 := 0
	if len(c.Net) > 0 {
		n0 = c.Net[0]
	}
	perExample := budget.Count(2, budget.Add(n0, budget.Count(4, budget.Units(c.Net))))
	n := c.examples(examples)
	need := budget.Sum(
		budget.Floats(13, P),
		budget.Floats(2, n, n0),
		// A step never takes more examples than the set has, nor a
		// probe.
		budget.Floats(perExample, min(max(c.Batch, DefaultBatch), n)+evalChunk),
	)
	if c.Curvature {
		need = need.Plus(budget.Floats(30+8, P)).Plus(budget.Floats(perExample, min(c.CurvatureExamples, n)))
	}
	return need
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ",")
}
