package experiments

import (
	"fmt"
	"time"

	"github.com/backproof/backproof/curvature"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
	"github.com/backproof/backproof/train"
)

// ReportSettings say how much of each experiment the report runs.
type ReportSettings struct {
	Name      string // "quick" or "full", for the report's head
	Epochs    int    // epochs of every MNIST run
	TrainSize int    // training examples of every MNIST run; 0 means all 50,000
	Seed      uint64 // seeds every run, the problems and the probes
	// Checkpoints are the epochs after which the MNIST curvature tracks
	// probe (0: the start).
	Checkpoints []int
	// ProbeExamples are the training examples the MNIST curvature probes
	// and the plateau's loss-surface slice average over.
	ProbeExamples int
	Batches       []int     // mini-batch sizes of the sum-against-mean sweep
	Etas          []float64 // learning rates of the η sweep
	SliceGrid     int       // points along each axis of a loss-surface slice
	Saddle        SaddleSettings
}

// FullReport reproduces the chapter-1 settings of Nielsen's "Neural
// Networks and Deep Learning": 30 epochs on all 50,000 training images.
func FullReport() ReportSettings {
	return ReportSettings{Name: "full", Epochs: 30, Seed: 1, Checkpoints: []int{0, 1, 2, 5, 10, 20, 30},
		ProbeExamples: 1000, Batches: ReportBatches, Etas: ReportEtas, SliceGrid: 31}
}

// QuickReport is the report in about a minute on two cores: 4 epochs on
// the first 10,000 training images, fewer probes, coarser slices. The
// shapes of every figure are those of the full report; the accuracies are
// a few points lower.
func QuickReport() ReportSettings {
	return ReportSettings{Name: "quick", Epochs: 4, TrainSize: 10000, Seed: 1, Checkpoints: []int{0, 1, 4},
		ProbeExamples: 150, Batches: ReportBatches, Etas: ReportEtas, SliceGrid: 21}
}

// Results are everything the report draws.
type Results struct {
	Settings  ReportSettings
	Data      string // the training set's name, e.g. "mnist-train[:10000]"
	Gradcheck *Gradcheck
	// StepProblem is the problem of the step-size sweep, StepCurves its
	// curves.
	StepProblem *problem.Problem
	StepCurves  []StepCurve
	Layouts     *Layouts
	Inits       []Run
	Etas        []Run
	Batches     []Run
	Saddle      *Saddle
	Plateau     *Point
	Tracks      []*Track // saddle, plateau, healthy
	Slices      []Slice  // saddle, plateau, minimum
	Seconds     float64  // the experiments' wall time
}

// Progress is told how much of the report is done, in work units (about
// one MNIST epoch each), and what is under way.
type Progress func(done, total int, what string)

// units is the report's work in units, for Progress.
func (s ReportSettings) units() int {
	runs := len(ReportInits) + len(s.Etas) + 2*len(s.Batches)
	track := 0
	for _, c := range s.Checkpoints {
		track += max(c, 1)
	}
	return runs*s.Epochs + 2*track + 5
}

// RunReport runs every experiment of the report on the MNIST sets d with
// the settings s. progress may be nil.
func RunReport(d Sets, s ReportSettings, progress Progress) (*Results, error) {
	start := time.Now()
	total, done := s.units(), 0
	tell := func(n int, what string) {
		done += n
		if progress != nil {
			progress(min(done, total), total, what)
		}
	}
	r := &Results{Settings: s}
	base := train.Config{Data: "mnist", Epochs: s.Epochs, TrainSize: s.TrainSize, Seed: s.Seed}

	tell(0, "gradient check with planted mistakes")
	var err error
	spec := GradcheckSpec
	spec.Seed = s.Seed
	if r.Gradcheck, err = RunGradcheck(spec); err != nil {
		return nil, err
	}
	tell(1, "step-size sweep")
	r.StepProblem, err = problem.Random(problem.Spec{Convention: derive.Row, Sizes: []int{6, 5, 4}, Batch: 7,
		Acts: []derive.Activation{derive.Tanh, derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean,
		Init: derive.NormalScaled, Seed: s.Seed})
	if err != nil {
		return nil, err
	}
	r.StepCurves = StepCurves(r.StepProblem)
	tell(1, "the three layouts")
	lspec := LayoutsSpec
	lspec.Seed = s.Seed
	if r.Layouts, err = RunLayouts(lspec); err != nil {
		return nil, err
	}

	// The figures read the training cost, gradient and saturation and the
	// test accuracy: the validation set is not measured, which saves a
	// third of the measuring.
	dt := Sets{Train: d.Train, Test: d.Test}
	sweep := func(what string, cfgs []train.Config, labels []string) ([]Run, error) {
		// labels is also what each run is called in the progress line.
		return Sweep(dt, cfgs, labels, func(i int, p train.Progress) {
			if p.Done != nil && p.Epoch > 0 {
				tell(1, fmt.Sprintf("%s: %s, epoch %d/%d", what, labels[i], p.Epoch, p.Epochs))
			}
		})
	}
	tell(0, "init sweep")
	cfgs, labels := InitConfigs(base, ReportInits)
	if r.Inits, err = sweep("inits", cfgs, labels); err != nil {
		return nil, err
	}
	if len(r.Inits) > 0 {
		r.Data = r.Inits[0].History.Sets.Train
	}
	cfgs, labels = EtaConfigs(base, s.Etas)
	if r.Etas, err = sweep("η sweep", cfgs, labels); err != nil {
		return nil, err
	}
	cfgs, labels = BatchConfigs(base, s.Batches)
	if r.Batches, err = sweep("sum against mean", cfgs, labels); err != nil {
		return nil, err
	}

	tell(0, "the saddle on XOR")
	ss := s.Saddle
	if r.Saddle, err = RunSaddle(&ss); err != nil {
		return nil, err
	}
	tell(1, "curvature along training")
	tracks := []*Track{SaddleTrack(r.Saddle, 24)}
	for _, t := range []struct {
		name string
		cfg  train.Config
	}{
		{"MNIST, uniform [0,1) start (plateau)", withInit(base, derive.Uniform01)},
		{"MNIST, N(0,1) start (healthy)", base},
	} {
		k := 0
		tr, err := MNISTTrack(t.name, d, t.cfg, s.Checkpoints, s.ProbeExamples, func() {
			tell(max(s.Checkpoints[k], 1), "curvature: "+t.name)
			k++
		})
		if err != nil {
			return nil, err
		}
		tracks = append(tracks, tr)
	}
	r.Tracks = tracks

	tell(0, "loss-surface slices")
	r.Plateau = UniformPlateau(d.Train, s.ProbeExamples, s.Seed)
	r.Plateau.ProbeWith(&curvature.Settings{Seed: s.Seed})
	sc := CostAt(r.Saddle.Net, r.Saddle.X, r.Saddle.Y, r.Saddle.Settings.Decay)
	r.Slices = []Slice{
		SliceAt("XOR, symmetric critical point", sc, r.Saddle.Point, r.Saddle.Probe, s.SliceGrid),
		SliceAt("MNIST, uniform [0,1) start", r.Plateau.Cost(), r.Plateau.Theta(), r.Plateau.Probe, s.SliceGrid),
		SliceAt("XOR, where the nudged run ends", sc, r.Saddle.Nudged.Final, r.Saddle.Minimum, s.SliceGrid),
	}
	tell(1, "experiments done")
	r.Seconds = time.Since(start).Seconds()
	return r, nil
}

func withInit(c train.Config, in derive.Init) train.Config {
	c.Init = in
	return c
}
