package train

import (
	"math"
	"strconv"
	"time"

	"github.com/backproof/backproof/curvature"
)

// Stop says why training ended.
type Stop string

const (
	MaxEpochs Stop = "max-epochs" // every epoch of Config.Epochs ran
	MaxTime   Stop = "max-time"   // Config.MaxTime ran out
	Converged Stop = "converged"  // the training-cost gradient fell to Config.GradTol
	Diverged  Stop = "diverged"   // a cost or parameter became NaN or ±Inf
)

// History is the record of a run: the `train --json` contract of docs/contracts.md
// (config, epochs, stopped, final_test_accuracy) and more.
//
// Costs and gradients here are those of the training cost per example,
//
//	C = (1/n) Σ_x C_x + (λ/2n) Σ_ℓ ‖W^ℓ‖²
//
// over a whole set of n examples, whatever Config.Reduction is: the
// reduction scales the mini-batch steps, so runs with sum and mean compare
// on one scale. Accuracies are fractions (9129/10000 is 0.9129).
type History struct {
	Config Config `json:"config"`
	// Epochs[0] is epoch 0, measured before any training step (its
	// seconds are 0); Epochs[i] is epoch i. An epoch cut short by MaxTime
	// is recorded with Partial set.
	Epochs  []Epoch `json:"epochs"`
	Stopped Stop    `json:"stopped"`
	// FinalTestAccuracy is the test accuracy of the last recorded epoch:
	// for a diverged run, the last one before the divergence.
	FinalTestAccuracy Float `json:"final_test_accuracy"`

	Sets SetNames `json:"sets"`
	// FirstEpoch samples the cost and accuracy inside epoch 1, after
	// steps 1, 2, 5, 10, 20, 50, … and every tenth of the epoch, on the
	// first SampleSize examples of the validation set (else test, else
	// training set), so that an early plateau shows.
	FirstEpoch    []Sample    `json:"first_epoch,omitempty"`
	Divergence    *Divergence `json:"divergence,omitempty"`
	Curvature     []Curvature `json:"curvature,omitempty"`
	Seconds       float64     `json:"seconds"` // the whole run: training, measuring and probing
	StepsPerEpoch int         `json:"steps_per_epoch"`
}

// SetNames says which data each measurement used.
type SetNames struct {
	Train      string `json:"train"`
	Validation string `json:"validation,omitempty"`
	Test       string `json:"test,omitempty"`
	Samples    string `json:"samples,omitempty"`
}

// SampleSize is the number of examples the first-epoch samples measure.
const SampleSize = 1000

// Epoch is what the end of one epoch looks like.
type Epoch struct {
	Epoch   int     `json:"epoch"`
	Seconds float64 `json:"seconds"` // the epoch's training steps alone, without measuring
	Steps   int     `json:"steps"`   // mini-batch steps taken in the epoch
	Partial bool    `json:"partial,omitempty"`

	TrainCost     Float `json:"train_cost"`
	TrainAccuracy Float `json:"train_accuracy"`
	// Validation fields are null without a validation set, test fields
	// without a test set.
	ValidationCost     Float `json:"validation_cost"`
	ValidationAccuracy Float `json:"validation_accuracy"`
	TestCost           Float `json:"test_cost"`
	TestAccuracy       Float `json:"test_accuracy"`

	// GradNorm[ℓ−1] is ‖∂C/∂(W^ℓ, b^ℓ)‖ of the training cost over the whole
	// training set; GradTotal is the norm of the whole gradient, the one
	// Config.GradTol compares.
	GradNorm  []Float `json:"grad_norm"`
	GradTotal Float   `json:"grad_total"`
	// SaturatedFraction is the fraction of sigmoid and tanh units, over
	// every such layer and every training example, whose |z| is above the
	// threshold of Config.Saturation; 0 if there are no such units.
	// SaturatedByLayer is the same per layer (0 for other activations).
	SaturatedFraction Float   `json:"saturated_fraction"`
	SaturatedByLayer  []Float `json:"saturated_by_layer"`
	// MaxAbsZ[ℓ−1] is the largest |z| in layer ℓ over the training set.
	// numpy's sigmoid 1/(1+exp(−z)) raises "overflow encountered in exp"
	// (with np.seterr(over='raise')) once −z > 709.78.
	MaxAbsZ []Float `json:"max_abs_z"`
	// ExpOverflow counts the (unit, example) pairs of sigmoid layers, over
	// the training set, with z < −709.78: there numpy's 1/(1+np.exp(−z))
	// overflows in exp ("RuntimeWarning: overflow encountered in exp", an
	// error under np.seterr(over='raise'), as the thread's learner had it).
	// In Go, exp gives +Inf, σ = 0 and σ′ = 0: no error, and no gradient.
	ExpOverflow int `json:"exp_overflow"`
	// DistinctPredictions is the number of classes the net predicts for
	// at least one training example, and OutputSpread the largest standard
	// deviation of an output unit's activation across the training set:
	// 1 and ≈ 0 when every input gives the same output.
	DistinctPredictions int   `json:"distinct_predictions"`
	OutputSpread        Float `json:"output_spread"`
}

// Sample is one measurement inside the first epoch.
type Sample struct {
	Step              int   `json:"step"`     // mini-batch steps taken
	Examples          int   `json:"examples"` // training examples seen
	Cost              Float `json:"cost"`
	Accuracy          Float `json:"accuracy"`
	SaturatedFraction Float `json:"saturated_fraction"`
}

// Divergence is where and why training blew up.
type Divergence struct {
	Epoch int    `json:"epoch"`
	Step  int    `json:"step"` // from 1, within the epoch
	What  string `json:"what"` // which number was first NaN or ±Inf
	Cause string `json:"cause"`
}

// Curvature is a curvature probe of the training cost on a fixed subset of
// the training set, after an epoch (0: before training).
type Curvature struct {
	Epoch    int `json:"epoch"`
	Examples int `json:"examples"`
	*curvature.Result
}

// Progress is reported to Run's callback as training goes.
type Progress struct {
	Epoch, Epochs int           // the epoch under way (0 while measuring the start), and the planned number
	Step, Steps   int           // steps taken in this epoch, and steps per epoch
	Elapsed       time.Duration // since Run started
	Accuracy      float64       // the latest measured validation (else test) accuracy; NaN before any
	Done          *Epoch        // the epoch just recorded (valid during the call), or nil during an epoch
	// Checkpoint is the run as it passes the end of epoch Epoch's training
	// (and the start, epoch 0), before that epoch is measured; nil in
	// every other report. Each epoch the run completes is reported once,
	// with Step = Steps (0 at the start).
	Checkpoint *Checkpoint
}

// Float is a float64 that JSON encodes as null when it is NaN or ±Inf,
// which JSON numbers cannot express (a cross-entropy of a saturated output
// is +Inf; a missing set's cost is NaN).
type Float float64

// MarshalJSON writes f, or null when it is not finite.
func (f Float) MarshalJSON() ([]byte, error) {
	x := float64(f)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, x, 'g', -1, 64), nil
}

// UnmarshalJSON reads a number, or null as NaN.
func (f *Float) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = Float(math.NaN())
		return nil
	}
	x, err := strconv.ParseFloat(string(b), 64)
	*f = Float(x)
	return err
}

func floats(v []float64) []Float {
	out := make([]Float, len(v))
	for i, x := range v {
		out[i] = Float(x)
	}
	return out
}
