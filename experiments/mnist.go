package experiments

import (
	"fmt"
	"runtime"
	"slices"

	"github.com/backproof/backproof/curvature"
	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/train"
)

// Sets are the data of the MNIST sweeps: training, validation (may be nil)
// and test (may be nil) sets, as data.LoadMNIST splits them.
type Sets struct {
	Train, Validation, Test *data.Set
}

// Run is one labelled training run of a sweep.
type Run struct {
	Label   string
	History *train.History
}

// Sweep runs train.Run once for each config of cfgs (labelled by labels)
// on the sets d, the runs side by side on every core; the histories are
// the same as one after another. progress, if not nil, gets train's
// progress reports with the run's index, from the run's goroutine: it may
// be called by two runs at once. A config that does not fit the data is
// an error naming the run.
func Sweep(d Sets, cfgs []train.Config, labels []string, progress func(run int, p train.Progress)) ([]Run, error) {
	runs := make([]Run, len(cfgs))
	p := newPool()
	// As many runs at once as cores, each on cores of its own.
	cores := max(1, runtime.GOMAXPROCS(0)/max(1, min(len(cfgs), workers(0))))
	// The runs share one list of the sets' nonzero inputs (train.Inputs),
	// which lives as long as the sweep.
	inputs := train.NewInputs()
	for i, cfg := range cfgs {
		if cfg.Cores == 0 {
			cfg.Cores = cores
		}
		if cfg.Inputs == nil {
			cfg.Inputs = inputs
		}
		var cb func(train.Progress)
		if progress != nil {
			cb = func(p train.Progress) { progress(i, p) }
		}
		p.add(0, func() error {
			h, err := train.Run(cfg, d.Train, d.Validation, d.Test, cb)
			if err != nil {
				return fmt.Errorf("run %q: %v", labels[i], err)
			}
			runs[i] = Run{Label: labels[i], History: h}
			return nil
		})
	}
	if err := p.run(0); err != nil {
		return nil, err
	}
	return runs, nil
}

// ReportInits are the init schemes of the report's init figures.
var ReportInits = []derive.Init{derive.Normal, derive.Uniform01, derive.UniformHalf, derive.Xavier}

// InitConfigs are base with each init of inits, labelled by name.
func InitConfigs(base train.Config, inits []derive.Init) ([]train.Config, []string) {
	var cfgs []train.Config
	var labels []string
	for _, in := range inits {
		c := base
		c.Init = in
		cfgs = append(cfgs, c)
		labels = append(labels, in.String())
	}
	return cfgs, labels
}

// ReportEtas are the learning rates of the report's η sweep: from 0.001,
// where Nielsen's chapter 1 says learning is too slow, to 100, where it
// says it fails.
var ReportEtas = []float64{0.001, 0.01, 0.1, 1, 3, 10, 100}

// EtaConfigs are base with each η of etas, labelled "η = 3".
func EtaConfigs(base train.Config, etas []float64) ([]train.Config, []string) {
	var cfgs []train.Config
	var labels []string
	for _, eta := range etas {
		c := base
		c.Eta = eta
		cfgs = append(cfgs, c)
		labels = append(labels, fmt.Sprintf("η = %g", eta))
	}
	return cfgs, labels
}

// ReportBatches are the mini-batch sizes of the report's sum-against-mean
// figure.
var ReportBatches = []int{1, 10, 100, 1000}

// BatchConfigs are base with each reduction (sum, mean) and batch size of
// batches, at base's η, labelled "sum, m = 10", then the sum at η/m for each
// batch size, labelled "sum at η/m, m = 10": the step of the mean at η, by
// the sum's cost (the thread's post #31).
func BatchConfigs(base train.Config, batches []int) ([]train.Config, []string) {
	var cfgs []train.Config
	var labels []string
	for _, red := range []derive.Reduction{derive.Sum, derive.Mean} {
		for _, m := range batches {
			c := base
			c.Reduction, c.Batch = red, m
			cfgs = append(cfgs, c)
			labels = append(labels, fmt.Sprintf("%s, m = %d", red, m))
		}
	}
	eta := base.Eta
	if eta == 0 {
		eta = train.DefaultEta
	}
	for _, m := range batches {
		c := base
		c.Reduction, c.Batch, c.Eta = derive.Sum, m, eta/float64(m)
		cfgs = append(cfgs, c)
		labels = append(labels, fmt.Sprintf("sum at η/m, m = %d", m))
	}
	return cfgs, labels
}

// Track is the curvature of one run probed along its training: gradient
// norm and extreme Hessian eigenvalues at each point.
type Track struct {
	Name   string
	Unit   string // what At counts: "epoch" or "step"
	At     []float64
	Probes []*curvature.Result
}

// MNISTTrack probes the run base describes after each number of epochs in
// checkpoints (0 is the start, ascending), on its first examples training
// examples. The run trains once, to the last checkpoint, and each probe is
// of the parameters it hands back as it passes a checkpoint
// (train.Checkpoint): the probes lie on one trajectory. The track ends
// early where the run diverged.
func MNISTTrack(name string, d Sets, base train.Config, checkpoints []int, examples int, tick func()) (*Track, error) {
	tr := &Track{Name: name, Unit: "epoch"}
	if len(checkpoints) == 0 {
		return tr, nil
	}
	c := base
	c.Epochs = slices.Max(checkpoints)
	if c.Epochs == 0 {
		c.Epochs = train.NoTraining
	}
	_, err := train.Run(c, d.Train, nil, nil, func(p train.Progress) {
		cp := p.Checkpoint
		if cp == nil || len(tr.At) == len(checkpoints) || checkpoints[len(tr.At)] != cp.Epoch {
			return
		}
		tr.At = append(tr.At, float64(cp.Epoch))
		tr.Probes = append(tr.Probes, cp.Probe(examples).Result)
		if tick != nil {
			tick()
		}
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return tr, nil
}

// SaddleTrack probes the nudged run of s at about n of its recorded steps.
func SaddleTrack(s *Saddle, n int) *Track {
	tr := &Track{Name: "XOR, symmetric start nudged", Unit: "step"}
	grad := CostGrad(s.Net, s.X, s.Y, s.Settings.Decay)
	run := s.Nudged
	every := max(1, len(run.Steps)/n)
	for i := 0; i < len(run.Steps); i += every {
		tr.At = append(tr.At, float64(run.Steps[i]))
		tr.Probes = append(tr.Probes, curvature.Probe(grad, run.Thetas[i], nil, &curvature.Settings{Seed: s.Settings.Seed}))
	}
	return tr
}
