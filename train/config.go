package train

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/backproof/backproof/derive"
)

// Config is one training run. Every zero field means its documented default,
// Nielsen's chapter 1 run: [784,30,10] sigmoid, quadratic cost averaged over
// the mini-batch, N(0,1) weights, η = 3, mini-batches of 10, 30 epochs.
//
// The choices (activation, cost, …) are held by their names, the words of
// DESIGN.md, the CLI and the JSON record, rather than as derive values, so
// that "" can mean the default: derive.Sum is the zero Reduction, and the
// default here is mean.
type Config struct {
	// Data and Pixels name the data for the record ("mnist", "unit"); Run
	// trains on the sets it is given and does not read these.
	Data   string `json:"data,omitempty"`
	Pixels string `json:"pixels,omitempty"`

	// Net is n₀, n₁, …, n_L. nil means [inputs, 30, classes] from the
	// training set: 784,30,10 on MNIST.
	Net []int `json:"net"`
	// Act is one activation for every layer ("sigmoid"), one per layer
	// ("relu,relu,softmax"), or, for nets with more than two layers, two:
	// hidden then output ("relu,softmax"). "" means sigmoid.
	Act        string `json:"act"`
	Cost       string `json:"cost"`       // "" means quadratic
	Reduction  string `json:"reduction"`  // "" means mean: C = (1/m) Σ_x C_x over a mini-batch of m
	Convention string `json:"convention"` // "" means row
	Init       string `json:"init"`       // "" means normal, N(0,1)

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
	sp.sizes = c.Net
	L := len(c.Net) - 1

	var err error
	if c.Act == "" {
		c.Act = "sigmoid"
	}
	if sp.acts, err = parseActs(c.Act, L); err != nil {
		return c, sp, err
	}
	c.Cost = orDefault(c.Cost, "quadratic")
	if sp.cost, err = derive.ParseCost(c.Cost); err != nil {
		return c, sp, err
	}
	c.Reduction = orDefault(c.Reduction, "mean")
	if sp.red, err = derive.ParseReduction(c.Reduction); err != nil {
		return c, sp, err
	}
	c.Convention = orDefault(c.Convention, "row")
	if sp.conv, err = derive.ParseConvention(c.Convention); err != nil {
		return c, sp, err
	}
	c.Init = orDefault(c.Init, "normal")
	if sp.init, err = derive.ParseInit(c.Init); err != nil {
		return c, sp, err
	}
	out := sp.acts[L-1]
	switch {
	case sp.cost == derive.CrossEntropy && out != derive.Sigmoid && out != derive.Softmax:
		return c, sp, fmt.Errorf("cost cross-entropy needs outputs in (0,1): a sigmoid or softmax output layer, not %v", out)
	case sp.cost == derive.LogLikelihood && out != derive.Sigmoid && out != derive.Softmax:
		return c, sp, fmt.Errorf("cost log-likelihood needs positive outputs: a softmax (or sigmoid) output layer, not %v", out)
	}

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
	if c.MaxTime < 0 {
		return c, sp, fmt.Errorf("max time %v: want a duration ≥ 0", c.MaxTime)
	}
	if !(c.GradTol >= 0) {
		return c, sp, fmt.Errorf("grad tol %g: want a tolerance ≥ 0", c.GradTol)
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
	return c, sp, nil
}

// parseActs reads Config.Act for L layers.
func parseActs(s string, L int) ([]derive.Activation, error) {
	names := strings.Split(s, ",")
	var list []derive.Activation
	for _, n := range names {
		a, err := derive.ParseActivation(strings.TrimSpace(n))
		if err != nil {
			return nil, err
		}
		list = append(list, a)
	}
	acts := make([]derive.Activation, L)
	switch {
	case len(list) == 1:
		for i := range acts {
			acts[i] = list[0]
		}
	case len(list) == L:
		copy(acts, list)
	case len(list) == 2 && L > 2:
		for i := range acts {
			acts[i] = list[0]
		}
		acts[L-1] = list[1]
	default:
		return nil, fmt.Errorf("act %q: %d activations for %d layers; give one for all, one per layer, or hidden,output", s, len(list), L)
	}
	for i, a := range acts[:L-1] {
		if a == derive.Softmax {
			return nil, fmt.Errorf("act %q: softmax is for the output layer only, not hidden layer %d", s, i+1)
		}
	}
	return acts, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ",")
}
