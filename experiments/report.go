package experiments

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/pprof"
	"slices"
	"sync"
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
	// Workers is how many experiments run at once; 0 means one per core
	// (GOMAXPROCS). The results are the same for any number.
	Workers int
}

// FullReport reproduces the chapter-1 settings of Nielsen's "Neural
// Networks and Deep Learning": 30 epochs on all 50,000 training images.
func FullReport() ReportSettings {
	return ReportSettings{Name: "full", Epochs: 30, Seed: 1, Checkpoints: []int{0, 1, 2, 5, 10, 20, 30},
		ProbeExamples: 1000, Batches: ReportBatches, Etas: ReportEtas, SliceGrid: 31}
}

// QuickReport is the report in about 9 s on two cores: 4 epochs on
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
	// LayoutGrads are the layouts' gradients themselves, for the
	// conventions figure's heat maps.
	LayoutGrads *LayoutGradients
	Inits       []Run
	Etas        []Run
	Batches     []Run
	Saddle      *Saddle
	Plateau     *Point
	Tracks      []*Track // saddle, plateau, healthy
	Slices      []Slice  // saddle, plateau, minimum
	Seconds     float64  // the experiments' wall time
	// Parts are where the experiments' time went: each part's jobs' wall
	// times, added up over the workers (on two cores they add up to about
	// twice Seconds), and their CPU times.
	Parts []Part
	// Regularization is the regularized problem's check (RunRegcheck on
	// RegcheckSpec): learners' gradients with L2 and dropout mistakes
	// planted, judged by backproof.CheckGradient. No training.
	Regularization *Gradcheck
}

// Part is one part of the report's experiments and the time its jobs took.
type Part struct {
	Name    string
	Jobs    int
	Seconds float64
	// CPUSeconds is the CPU time of the jobs' own goroutines (each job
	// runs on one thread of its own), which on a machine busy with other
	// work is what the part cost where Seconds also counts the waiting;
	// NaN where the system does not say.
	CPUSeconds float64
}

// timer adds up the jobs' times by part; safe for concurrent use.
type timer struct {
	mu    sync.Mutex
	parts *[]Part
}

// job wraps run to time it as part name. It runs with the profiler label
// part=name, so that a CPU profile of the report says what each part cost
// in CPU time (go tool pprof -tags), which the wall times here do not on
// a busy machine.
func (t *timer) job(name string, run func() error) func() error {
	return func() error {
		// The job keeps its thread, so that the thread's CPU time is the
		// job's (its runs and probes keep to one goroutine: Config.Cores,
		// derive.Net.Cores).
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		start, cpu := time.Now(), threadCPU()
		var err error
		pprof.Do(context.Background(), pprof.Labels("part", name), func(context.Context) { err = run() })
		cpu = threadCPU() - cpu
		t.mu.Lock()
		defer t.mu.Unlock()
		k := slices.IndexFunc(*t.parts, func(p Part) bool { return p.Name == name })
		if k < 0 {
			*t.parts = append(*t.parts, Part{Name: name})
			k = len(*t.parts) - 1
		}
		(*t.parts)[k].Jobs++
		(*t.parts)[k].Seconds += time.Since(start).Seconds()
		(*t.parts)[k].CPUSeconds += cpu
		return err
	}
}

// RunReport runs every experiment of the report on the MNIST sets d with
// the settings s, in two stages: the small problems, then the MNIST runs
// with their curvature probes. Each stage runs its independent parts on
// every core (Workers); the numbers are the same on any number. Every
// distinct MNIST run trains once: the figures that show the same run
// share it, and the curvature tracks probe the parameters a run hands
// back as it passes each checkpoint. progress may be nil.
func RunReport(d Sets, s ReportSettings, progress Progress) (*Results, error) {
	start := time.Now()
	r := &Results{Settings: s}
	r.Parts = []Part{{Name: "planted mistakes, step sizes, layouts"}, {Name: "XOR saddle, its track and slices"},
		{Name: "init runs"}, {Name: "η sweep runs"}, {Name: "sum-against-mean runs"}, {Name: "curvature runs"},
		{Name: "MNIST curvature probes"}, {Name: "plateau probe and slice"}}
	tell := newTracker(progress)
	if err := runSmall(r, s, tell); err != nil {
		return nil, err
	}
	if err := runMNIST(r, d, s, tell); err != nil {
		return nil, err
	}
	r.Seconds = time.Since(start).Seconds()
	return r, nil
}

// runSmall is the report's first stage: the planted mistakes, the step
// sizes, the layouts and the XOR saddle with its track and slices.
func runSmall(r *Results, s ReportSettings, tell *tracker) error {
	p := newPool()
	tm := &timer{parts: &r.Parts}
	// Units here are rough seconds on one core; they only order the jobs
	// and pace the estimate of the time left.
	tell.stage(1, "the small problems: planted mistakes, step sizes, layouts, the XOR saddle", 5)
	p.add(1, tm.job("planted mistakes, step sizes, layouts", func() error {
		spec := GradcheckSpec
		spec.Seed = s.Seed
		var err error
		if r.Gradcheck, err = RunGradcheck(spec); err != nil {
			return err
		}
		rspec := RegcheckSpec
		rspec.Seed = s.Seed
		if r.Regularization, err = RunRegcheck(rspec); err != nil {
			return err
		}
		tell.did(0.5, "gradient checks with planted mistakes")
		r.StepProblem, err = problem.Random(problem.Spec{Convention: derive.Row, Sizes: []int{6, 5, 4}, Batch: 7,
			Acts: []derive.Activation{derive.Tanh, derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean,
			Init: derive.NormalScaled, Seed: s.Seed})
		if err != nil {
			return err
		}
		r.StepCurves = StepCurves(r.StepProblem)
		tell.did(0.25, "step-size sweep")
		lspec := LayoutsSpec
		lspec.Seed = s.Seed
		if r.Layouts, err = RunLayouts(lspec); err != nil {
			return err
		}
		if r.LayoutGrads, err = RunLayoutGradients(lspec); err != nil {
			return err
		}
		tell.did(0.25, "the three layouts")
		return nil
	}))
	r.Tracks = make([]*Track, 3)
	r.Slices = make([]Slice, 3)
	saddle := "XOR saddle, its track and slices"
	p.add(2, tm.job(saddle, func() error {
		ss := s.Saddle
		var err error
		if r.Saddle, err = RunSaddle(&ss); err != nil {
			return err
		}
		tell.did(1, "the saddle on XOR")
		// Its track and its two slices read the saddle and nothing else.
		p.add(2, tm.job(saddle, func() error {
			r.Tracks[0] = SaddleTrack(r.Saddle, 24)
			tell.did(2, "curvature along the XOR run")
			return nil
		}))
		p.add(1, tm.job(saddle, func() error {
			sc := CostAt(r.Saddle.Net, r.Saddle.X, r.Saddle.Y, r.Saddle.Settings.Decay)
			r.Slices[0] = SliceAt("XOR, symmetric critical point", sc, r.Saddle.Point, r.Saddle.Probe, s.SliceGrid)
			r.Slices[2] = SliceAt("XOR, where the nudged run ends", sc, r.Saddle.Nudged.Final, r.Saddle.Minimum, s.SliceGrid)
			tell.did(1, "loss-surface slices on XOR")
			return nil
		}))
		return nil
	}))
	return p.run(s.Workers)
}

// mnistRun is one distinct MNIST run of the report, shared by every
// figure that shows it.
type mnistRun struct {
	cfg     train.Config
	label   string  // what the progress calls it
	cost    float64 // in units of one chapter-1 epoch
	history *train.History
	// reads is the most any figure that shows the run reads of its
	// training set.
	reads reads
	part  string // the first figure's that names it, for Results.Parts
	// tracks are the curvature tracks that probe this run.
	tracks []int
}

// reads is what a figure reads of a run's training set, the least first:
// the run measures what the figures that show it read.
type reads int

const (
	testSetOnly reads = iota // test accuracies alone
	// the training cost, accuracy and classes where the run starts and
	// ends, not the gradient
	ends
	everything // every epoch's, with the gradient
)

// trackSpec is one MNIST curvature track: its name and run.
type trackSpec struct {
	name string
	cfg  train.Config
}

// runMNIST is the report's second stage: every MNIST run once, the
// curvature probes at the checkpoints the runs pass, the plateau and its
// slice.
func runMNIST(r *Results, d Sets, s ReportSettings, tell *tracker) error {
	base := train.Config{Data: "mnist", Epochs: s.Epochs, TrainSize: s.TrainSize, Seed: s.Seed}
	// The figures read the training cost, gradient and saturation and the
	// test accuracy: the validation set is not measured, which saves a
	// third of the measuring.
	dt := Sets{Train: d.Train, Test: d.Test}
	n := d.Train.Len()
	if s.TrainSize > 0 && s.TrainSize < n {
		n = s.TrainSize
	}

	// The distinct runs, in the order the figures first name them.
	var runs []*mnistRun
	byKey := map[string]*mnistRun{}
	var resolveErr error
	find := func(cfg train.Config, label string, rd reads, part string) *mnistRun {
		// Configs that resolve alike are one run: η = 3 is the default η.
		rc, err := cfg.Resolved(d.Train)
		if err != nil && resolveErr == nil {
			resolveErr = fmt.Errorf("run %q: %v", label, err)
		}
		k := configKey(sameStep(rc))
		if run, ok := byKey[k]; ok {
			run.reads = max(run.reads, rd)
			return run
		}
		run := &mnistRun{cfg: cfg, label: label, reads: rd, part: part}
		byKey[k] = run
		runs = append(runs, run)
		return run
	}
	// reads says what a figure reads of the numbers measured on the
	// training set (cost, gradient, saturation, classes predicted): the
	// sum-against-mean figure reads test accuracies alone, so its runs skip
	// that measuring, which costs about what the training does. The η
	// sweep's caption reads where a too-small η's training cost starts and
	// ends and the classes a too-large one predicts at the end, so its runs
	// measure the training set at their two ends alone, by the forward
	// pass, without the backward pass and the sum of the gradient. A run
	// that another figure shares measures what each reads.
	type figure struct {
		dst   *[]Run
		what  string
		cfgs  []train.Config
		labs  []string
		reads reads
		part  string
	}
	var figures []figure
	cfgs, labels := InitConfigs(base, ReportInits)
	figures = append(figures, figure{&r.Inits, "inits", cfgs, labels, everything, "init runs"})
	cfgs, labels = EtaConfigs(base, s.Etas)
	figures = append(figures, figure{&r.Etas, "η sweep", cfgs, labels, ends, "η sweep runs"})
	cfgs, labels = BatchConfigs(base, s.Batches)
	figures = append(figures, figure{&r.Batches, "sum against mean", cfgs, labels, testSetOnly, "sum-against-mean runs"})
	slots := make([][]*mnistRun, len(figures))
	for i, f := range figures {
		for j, cfg := range f.cfgs {
			slots[i] = append(slots[i], find(cfg, f.what+": "+f.labs[j], f.reads, f.part))
		}
	}
	tracks := []trackSpec{
		{"MNIST, U[0,1) start", withInit(base, derive.Uniform01)},
		{"MNIST, N(0,1) start", base},
	}
	var checkpoints []int
	for _, c := range s.Checkpoints {
		if c <= s.Epochs {
			checkpoints = append(checkpoints, c)
		}
	}
	probes := make([][]*curvature.Result, len(tracks))
	for i, t := range tracks {
		run := find(t.cfg, t.name, testSetOnly, "curvature runs")
		run.tracks = append(run.tracks, i)
		probes[i] = make([]*curvature.Result, len(checkpoints))
	}

	if resolveErr != nil {
		return resolveErr
	}
	// Two runs at once on two cores: each on a core of its own, so that a
	// run's measuring does not take turns with the other run's training.
	// The runs read one list of the sets' nonzero inputs, made by the first
	// run that needs it: d's sets do not change while the report runs, and
	// the list goes when it ends.
	cores := max(1, runtime.GOMAXPROCS(0)/workers(s.Workers))
	inputs := train.NewInputs()
	for _, run := range runs {
		run.cfg.SkipTrainingSet = run.reads == testSetOnly
		run.cfg.SkipTrainingGradient = run.reads == ends
		run.cfg.TrainingSetAtEnds = run.reads == ends
		run.cfg.Cores = cores
		run.cfg.Inputs = inputs
		run.cost = runCost(run.cfg, n)
	}

	// The plateau of the loss-surface figure is the plateau track's start,
	// the same net on the same examples (UniformPlateau): its probe is
	// that track's probe at epoch 0 when the track has one there.
	r.Plateau = UniformPlateau(d.Train, s.ProbeExamples, s.Seed)
	// Its probe and slice run beside a training run, as the tracks'
	// probes do (their runs' Cores), on a core of their own.
	r.Plateau.Net.Cores = cores
	plateauShared := len(checkpoints) > 0 && checkpoints[0] == 0 && s.ProbeExamples <= n && base.Lambda == 0
	plateauSlice := func() error {
		r.Slices[1] = SliceAt("MNIST, U[0,1) start", r.Plateau.Cost(), r.Plateau.Theta(), r.Plateau.Probe, s.SliceGrid)
		tell.did(sliceCost(s), "loss-surface slice of the plateau")
		return nil
	}

	total := 0.0
	for _, run := range runs {
		total += run.cost
	}
	total += float64(len(tracks)*len(checkpoints))*probeCost(s.ProbeExamples) + sliceCost(s)
	if !plateauShared {
		total += probeCost(s.ProbeExamples)
	}
	tell.stage(2, fmt.Sprintf("%d MNIST runs of %d epochs on %d images, %d curvature probes", len(runs), s.Epochs, n,
		len(tracks)*len(checkpoints)), total)

	p := newPool()
	tm := &timer{parts: &r.Parts}
	if !plateauShared {
		p.add(probeCost(s.ProbeExamples), tm.job("plateau probe and slice", func() error {
			r.Plateau.ProbeWith(&curvature.Settings{Seed: s.Seed})
			tell.did(probeCost(s.ProbeExamples), "curvature of the plateau")
			p.add(sliceCost(s), tm.job("plateau probe and slice", plateauSlice))
			return nil
		}))
	}
	for _, run := range runs {
		epochCost := run.cost / float64(max(run.cfg.Epochs, 1))
		p.add(run.cost, tm.job(run.part, func() error {
			done := 0.0
			h, err := train.Run(run.cfg, dt.Train, dt.Validation, dt.Test, func(pr train.Progress) {
				if pr.Done != nil && pr.Epoch > 0 {
					done += epochCost
					tell.did(epochCost, fmt.Sprintf("%s, epoch %d/%d", run.label, pr.Epoch, pr.Epochs))
				}
				cp := pr.Checkpoint
				if cp == nil {
					return
				}
				for _, ti := range run.tracks {
					k := slices.Index(checkpoints, cp.Epoch)
					if k < 0 {
						continue
					}
					p.add(probeCost(s.ProbeExamples), tm.job("MNIST curvature probes", func() error {
						c := cp.Probe(s.ProbeExamples)
						probes[ti][k] = c.Result
						tell.did(probeCost(s.ProbeExamples), fmt.Sprintf("curvature: %s, epoch %d", tracks[ti].name, cp.Epoch))
						if ti == 0 && k == 0 && plateauShared {
							r.Plateau.Probe = c.Result
							p.add(sliceCost(s), tm.job("plateau probe and slice", plateauSlice))
						}
						return nil
					}))
				}
			})
			if err != nil {
				return fmt.Errorf("run %q: %v", run.label, err)
			}
			run.history = h
			// A run that stops early (diverged) did less than planned.
			tell.did(run.cost-done, run.label+" done")
			return nil
		}))
	}
	if err := p.run(s.Workers); err != nil {
		return err
	}

	for i, f := range figures {
		*f.dst = nil
		for j, run := range slots[i] {
			h := run.history
			// A run shared by a config that names the other reduction
			// (batches of 1) is recorded with the config's own.
			if red := f.cfgs[j].Reduction; h != nil && h.Config.Reduction != red {
				c := *h
				c.Config.Reduction = red
				h = &c
			}
			*f.dst = append(*f.dst, Run{Label: f.labs[j], History: h})
		}
	}
	if len(r.Inits) > 0 {
		r.Data = r.Inits[0].History.Sets.Train
	}
	for i, t := range tracks {
		tr := &Track{Name: t.name, Unit: "epoch"}
		for k, e := range checkpoints {
			if probes[i][k] == nil {
				break // the run diverged before it
			}
			tr.At = append(tr.At, float64(e))
			tr.Probes = append(tr.Probes, probes[i][k])
		}
		r.Tracks[1+i] = tr
	}
	tell.did(0, "experiments done")
	return nil
}

// configKey says when two configs are the same run.
func configKey(c train.Config) string {
	b, err := json.Marshal(c)
	if err != nil {
		panic("experiments: a train.Config that does not encode: " + err.Error())
	}
	return fmt.Sprintf("%s|%d|%d", b, c.MaxTime, c.MaxMemory)
}

// sameStep is c with what does not change a step made the same: with
// batches of one example the mean over the batch is the sum (R = 1/m =
// 1), every step the same to the bit, so the mean at η and the sum at η
// are one run.
func sameStep(c train.Config) train.Config {
	if c.Batch == 1 {
		c.Reduction = derive.Sum
	}
	return c
}

func withInit(c train.Config, in derive.Init) train.Config {
	c.Init = in
	return c
}
