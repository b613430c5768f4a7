package train

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/backproof/backproof/curvature"
	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/derive"
)

// trainer is one run's state.
type trainer struct {
	cfg   Config
	sp    spec
	net   *derive.Net
	train *data.Set
	decay float64 // λ/n
	cores int     // Config.Cores, 0 resolved to GOMAXPROCS
	eval  *evaluator
	// Steps run on fast (row and column) or pe (per-example). fast keeps
	// its own copy of the parameters; stale says net is behind it.
	fast  *fastNet
	stale bool
	pe    *perExample
	// behind measures epoch k on a copy of its parameters while epoch
	// k+1 trains (see Run); nil without training, or when the next
	// epoch waits for the measuring (GradTol).
	behind *background
	// kept are the parameters of the last epoch recorded, for the
	// training set's measuring at the end (Config.TrainingSetAtEnds).
	kept []float64
}

func newTrainer(cfg Config, sp spec, train *data.Set) *trainer {
	return newTrainerOn(cfg, sp, train, nil)
}

// newTrainerOn is newTrainer with input, the nonzeros of train's inputs
// (from Config.Inputs); nil lists them here when a step needs them, and
// the measuring when it first measures the training set.
func newTrainerOn(cfg Config, sp spec, train *data.Set, input *sparseRows) *trainer {
	// One seed, two streams: stream 0 draws the parameters, stream 1
	// shuffles. derive.NewNet draws in the column layout and transposes
	// for Row, so every convention starts from the same numbers and sees
	// the examples in the same order.
	rng := rand.New(rand.NewPCG(cfg.Seed, 0))
	net := derive.NewNet(derive.NetSpec{Convention: sp.conv, Sizes: sp.sizes, Acts: sp.acts, Cost: sp.cost, Reduction: sp.red, Init: sp.init}, rng)
	t := &trainer{cfg: cfg, sp: sp, net: net, train: train,
		decay: cfg.Lambda / float64(train.Len()), cores: cfg.Cores}
	if t.cores == 0 {
		t.cores = runtime.GOMAXPROCS(0)
	}
	var drop *dropout
	if cfg.Keep > 0 {
		// A third stream draws the masks, example after example and layer
		// after layer in every convention.
		drop = &dropout{keep: cfg.Keep, rng: rand.New(rand.NewPCG(cfg.Seed, 2))}
	}
	steps := sp.conv == derive.PerExample || cfg.Epochs != NoTraining
	if input == nil && steps {
		input = newSparseRows(train.X)
	}
	switch {
	case sp.conv == derive.PerExample:
		t.pe = newPerExampleOn(net, train, input)
		t.pe.drop = drop
	case cfg.Epochs != NoTraining:
		// A step never takes more examples than the set has: the buffers
		// (and Config.Memory, which the budget checks) follow.
		t.fast = newFastNetOn(net, train, input, min(cfg.Batch, train.Len()))
		t.fast.drop = drop
	}
	// The measurements read the step's own parameters in the row and
	// column conventions, and a copy loaded before each pass otherwise.
	if t.fast != nil {
		t.eval = newEvaluator(&t.fast.layers, false, cfg.Saturation, t.decay, t.cores)
	} else {
		t.eval = newEvaluator(newLayers(net), true, cfg.Saturation, t.decay, t.cores)
	}
	t.eval.inputs = cfg.Inputs
	if input != nil {
		t.eval.setInput(train, input)
	}
	return t
}

// measureSet measures the first limit examples of set (all if limit ≤ 0)
// at the current parameters; with withGrad, the gradient too.
func (t *trainer) measureSet(set *data.Set, withGrad bool, limit int) *measure {
	return t.eval.measureSet(t.net, set, withGrad, limit)
}

// close stops the measurements' workers.
func (t *trainer) close() {
	t.eval.close()
	if t.behind != nil {
		if t.behind.busy {
			<-t.behind.result // a Run that panicked leaves no worker behind
		}
		t.behind.eval.close()
	}
}

// current returns the net with the parameters of the last step.
func (t *trainer) current() *derive.Net {
	if t.stale {
		t.fast.publish(t.net)
		t.stale = false
	}
	return t.net
}

// step is one mini-batch step on the examples idx of the training set: the
// gradient of the batch cost C = R·Σ_x C_x, then the update. It returns the
// batch cost and whether every parameter is still finite; a non-finite cost
// is returned without updating.
func (t *trainer) step(idx []int) (cost float64, finite bool) {
	R := t.sp.red.Factor(len(idx))
	if t.pe != nil {
		cost = R * t.pe.gradient(t.net, idx, R)
		if !isFinite(cost) {
			return cost, true
		}
		return cost, update(t.net, t.pe.dw, t.pe.db, t.cfg.Eta, t.decay)
	}
	t.stale = true
	return t.fast.step(idx, R, t.cfg.Eta, t.decay)
}

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// Run trains a network on train by Config's mini-batch SGD and measures it
// on validation and test (either may be nil) before training and after every
// epoch. Each epoch shuffles the training set (seeded; the same order in
// every convention) and steps through it in mini-batches of Config.Batch
// (the last one smaller if the size does not divide), each step
//
//	W ← W − η (∂C/∂W + (λ/n) W),   b ← b − η ∂C/∂b,   C = R Σ_{x in batch} C_x
//
// with R = 1/m for the mean reduction (Nielsen's η/m) and R = 1 for sum.
// Training stops after Config.Epochs, after Config.MaxTime, when the
// training-cost gradient falls to Config.GradTol, or at the first step where
// the batch cost or a parameter becomes NaN or ±Inf; History.Stopped says
// which. A divergence is not an error: it is in the History. progress, if
// not nil, is called as training goes.
//
// Run returns an error only for a Config that does not fit the data (bad
// names, sizes, values); the message names the field.
func Run(cfg Config, train, validation, test *data.Set, progress func(Progress)) (*History, error) {
	if train == nil || train.Len() == 0 {
		return nil, errors.New("no training data")
	}
	_, inputs := train.X.Dims()
	cfg, sp, err := cfg.resolve(inputs, train.Classes, train.Len())
	if err != nil {
		return nil, err
	}
	for _, s := range []*data.Set{validation, test} {
		if s == nil {
			continue
		}
		if _, c := s.X.Dims(); c != inputs || s.Classes != train.Classes {
			return nil, fmt.Errorf("set %s has %d inputs and %d classes, but the training set %s has %d and %d",
				s.Name, c, s.Classes, train.Name, inputs, train.Classes)
		}
	}
	full := train
	if cfg.TrainSize > 0 && cfg.TrainSize < train.Len() {
		train = train.Subset(cfg.TrainSize)
	}
	start := time.Now()
	var input *sparseRows
	if cfg.Inputs != nil {
		// The subset's rows are the first rows of the set's.
		input = cfg.Inputs.rows(full).prefix(train.Len())
	}
	t := newTrainerOn(cfg, sp, train, input)
	defer t.close()
	h := &History{Config: cfg, Sets: SetNames{Train: train.Name}}
	h.Config.Inputs = nil // a cache, not a setting; kept, it would keep the lists alive
	if validation != nil {
		h.Sets.Validation = validation.Name
	}
	if test != nil {
		h.Sets.Test = test.Name
	}
	monitor := validation
	if monitor == nil {
		monitor = test
	}
	if monitor == nil {
		monitor = train
	}
	h.Sets.Samples = fmt.Sprintf("%s[:%d]", monitor.Name, min(SampleSize, monitor.Len()))

	n, m := train.Len(), cfg.Batch
	steps := (n + m - 1) / m
	h.StepsPerEpoch = steps
	epochs := max(cfg.Epochs, 0)
	lastAcc := math.NaN()
	report := func(p Progress) {
		if progress != nil {
			p.Epochs, p.Steps, p.Elapsed, p.Accuracy = epochs, steps, time.Since(start), lastAcc
			progress(p)
		}
	}
	add := func(e Epoch) *Epoch {
		h.Epochs = append(h.Epochs, e)
		h.FinalTestAccuracy = e.TestAccuracy
		if !math.IsNaN(float64(e.ValidationAccuracy)) {
			lastAcc = float64(e.ValidationAccuracy)
		} else {
			lastAcc = float64(e.TestAccuracy)
		}
		report(Progress{Epoch: e.Epoch, Step: e.Steps, Done: &h.Epochs[len(h.Epochs)-1]})
		return &h.Epochs[len(h.Epochs)-1]
	}
	stamp := func(e *Epoch, seconds float64, stepsDone int) {
		e.Seconds, e.Steps = seconds, stepsDone
		e.Partial = stepsDone < steps && e.Epoch > 0
	}
	// collect adds the epoch measured in the background, waiting for it
	// if wait, and returns at once otherwise if it is not ready.
	collect := func(wait bool) {
		if e, ok := t.collect(wait); ok {
			add(e)
		}
	}
	record := func(epoch int, seconds float64, stepsDone int) *Epoch {
		collect(true)
		t.keep()
		e := t.measureEpoch(t.eval, epoch, validation, test)
		stamp(&e, seconds, stepsDone)
		return add(e)
	}
	probe := func(epoch int) {
		if cfg.Curvature {
			h.Curvature = append(h.Curvature, t.checkpoint(epoch).Probe(cfg.CurvatureExamples))
		}
	}
	// passed hands the caller the parameters at the end of an epoch's
	// training, so that it can probe or keep them without training again
	// up to there.
	passed := func(epoch, stepsDone int) {
		if progress != nil {
			report(Progress{Epoch: epoch, Step: stepsDone, Checkpoint: t.checkpoint(epoch)})
		}
	}

	// Epoch k's measuring, a pass over every set, is done on a copy of
	// its parameters on the other core while epoch k+1 trains, when
	// nothing in epoch k+1 waits for it (GradTol decides from the
	// measured gradient whether to train on) and the run has another
	// core (Config.Cores).
	if epochs >= 1 && cfg.GradTol == 0 && t.cores > 1 {
		t.behind = newBackground(t, validation, test)
		t.measureBehind(0, validation, test, func(e *Epoch) { stamp(e, 0, 0) })
	} else {
		record(0, 0, 0)
	}
	probe(0)
	passed(0, 0)
	shuffle := rand.New(rand.NewPCG(cfg.Seed, 1))
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sampleAt := sampleSteps(steps)
	every := max(1, steps/200)
	h.Stopped = MaxEpochs
	outOfTime := func() bool { return cfg.MaxTime > 0 && time.Since(start) >= cfg.MaxTime }
epochs:
	for epoch := 1; epoch <= epochs; epoch++ {
		if outOfTime() {
			h.Stopped = MaxTime
			break
		}
		shuffle.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
		var trained time.Duration
		segment := time.Now()
		done := 0
		for s := 0; s < steps; s++ {
			idx := order[s*m : min(n, (s+1)*m)]
			cost, finite := t.step(idx)
			done = s + 1
			if !finite || !isFinite(cost) {
				trained += time.Since(segment)
				collect(true)
				h.Divergence = t.divergence(epoch, done, cost, idx)
				h.Stopped = Diverged
				break epochs
			}
			if epoch == 1 && len(sampleAt) > 0 && sampleAt[0] == done {
				trained += time.Since(segment)
				sampleAt = sampleAt[1:]
				ms := t.measureSet(monitor, false, SampleSize)
				h.FirstEpoch = append(h.FirstEpoch, Sample{Step: done, Examples: min(n, done*m),
					Cost: Float(ms.cost), Accuracy: Float(ms.accuracy), SaturatedFraction: Float(ms.saturated)})
				segment = time.Now()
			}
			if done%every == 0 {
				collect(false)
				report(Progress{Epoch: epoch, Step: done})
			}
			if done < steps && outOfTime() {
				trained += time.Since(segment)
				h.Stopped = MaxTime
				record(epoch, trained.Seconds(), done)
				break epochs
			}
		}
		trained += time.Since(segment)
		passed(epoch, done)
		if t.behind != nil && epoch < epochs {
			collect(true)
			seconds, stepsDone := trained.Seconds(), done
			t.measureBehind(epoch, validation, test, func(e *Epoch) { stamp(e, seconds, stepsDone) })
			continue
		}
		e := record(epoch, trained.Seconds(), done)
		if cfg.GradTol > 0 && float64(e.GradTotal) <= cfg.GradTol {
			h.Stopped = Converged
			break
		}
	}
	collect(true)
	t.measureEnd(&h.Epochs[len(h.Epochs)-1])
	if h.Stopped != Diverged && epochs > 0 {
		probe(h.Epochs[len(h.Epochs)-1].Epoch)
	}
	h.Seconds = time.Since(start).Seconds()
	return h, nil
}

// measureEpoch measures the parameters of e on every set: on the
// training set unless the run skips it there (Config.SkipTrainingSet, and
// the epochs after the first with TrainingSetAtEnds, whose last one
// measureEnd measures).
func (t *trainer) measureEpoch(e *evaluator, epoch int, validation, test *data.Set) Epoch {
	measureSet := func(set *data.Set, withGrad bool) *measure { return e.measureSet(t.net, set, withGrad, 0) }
	nan := Float(math.NaN())
	ep := Epoch{Epoch: epoch, TrainCost: nan, TrainAccuracy: nan, ValidationCost: nan, ValidationAccuracy: nan,
		TestCost: nan, TestAccuracy: nan, GradTotal: nan, SaturatedFraction: nan, OutputSpread: nan}
	if !t.cfg.SkipTrainingSet && (epoch == 0 || !t.cfg.TrainingSetAtEnds) {
		t.measureTraining(&ep, e, t.net)
	}
	t.measureOthers(&ep, measureSet, validation, test)
	return ep
}

// measureTraining measures the training set at net's parameters (loaded
// by e if it keeps its own) into ep; without its gradient with
// Config.SkipTrainingGradient.
func (t *trainer) measureTraining(ep *Epoch, e *evaluator, net *derive.Net) {
	withGrad := !t.cfg.SkipTrainingGradient
	tr := e.measureSet(net, t.train, withGrad, 0)
	ep.TrainCost, ep.TrainAccuracy = Float(tr.cost), Float(tr.accuracy)
	ep.SaturatedFraction, ep.SaturatedByLayer = Float(tr.saturated), floats(tr.saturatedByLayer)
	ep.MaxAbsZ, ep.ExpOverflow = floats(tr.maxAbsZ), tr.expOverflow
	ep.DistinctPredictions, ep.OutputSpread = tr.distinct, Float(tr.outputSpread)
	if withGrad {
		ep.GradNorm, ep.GradTotal = floats(tr.grad), Float(tr.gradTotal)
	}
}

// keep copies the parameters of the epoch about to be recorded, which may
// be the last (Config.TrainingSetAtEnds).
func (t *trainer) keep() {
	if t.cfg.TrainingSetAtEnds && !t.cfg.SkipTrainingSet {
		t.kept = t.current().Params(t.kept[:0])
	}
}

// measureEnd measures the training set at the last epoch recorded, last,
// from the parameters kept when it was recorded, when the run measures
// the training set at its ends alone and has not measured it there (the
// first epoch it measured as it went).
func (t *trainer) measureEnd(last *Epoch) {
	if !t.cfg.TrainingSetAtEnds || t.cfg.SkipTrainingSet || last.Epoch == 0 {
		return
	}
	net := t.net.In(t.net.Convention)
	net.SetParams(t.kept)
	e := newEvaluator(newLayers(net), true, t.cfg.Saturation, t.decay, t.cores)
	e.inputs = t.eval.inputs
	maps.Copy(e.sparse, t.eval.sparse)
	defer e.close()
	t.measureTraining(last, e, net)
}

// measureOthers measures the validation and test sets (either may be nil).
func (t *trainer) measureOthers(ep *Epoch, measureSet func(*data.Set, bool) *measure, validation, test *data.Set) {
	if validation != nil {
		v := measureSet(validation, false)
		ep.ValidationCost, ep.ValidationAccuracy = Float(v.cost), Float(v.accuracy)
	}
	if test != nil {
		v := measureSet(test, false)
		ep.TestCost, ep.TestAccuracy = Float(v.cost), Float(v.accuracy)
	}
}

// background measures an epoch on its own copy of the parameters, on a
// goroutine of its own, while the next epoch trains: on two cores most of
// the measuring then overlaps the training, where before it came after
// it (docs/training-speed.md). Its numbers are the same: the copy is
// exact, and the sums are added in the same fixed order (measure.go).
type background struct {
	eval   *evaluator
	result chan measured
	busy   bool // a measurement is under way or not collected
}

// measured is an epoch measured in the background, or what stopped it.
type measured struct {
	e     Epoch
	panic any
}

// newBackground builds the sets' sparse rows first, so that the two
// evaluators share them without a lock.
func newBackground(t *trainer, validation, test *data.Set) *background {
	for _, s := range []*data.Set{t.train, validation, test} {
		if s != nil {
			t.eval.input(s)
		}
	}
	lay := newLayers(t.current())
	e := newEvaluator(lay, false, t.cfg.Saturation, t.decay, t.cores)
	e.inputs = t.eval.inputs
	e.shared, e.jobs = true, make(chan *evalPart, measureParts)
	maps.Copy(e.sparse, t.eval.sparse)
	return &background{eval: e, result: make(chan measured, 1)}
}

// measureBehind copies the current parameters and starts measuring them;
// collect returns the result. stamp fills in the epoch's training time.
func (t *trainer) measureBehind(epoch int, validation, test *data.Set, stamp func(*Epoch)) {
	b := t.behind
	t.keep()
	if t.fast != nil {
		b.eval.lay.copyFrom(&t.fast.layers)
	} else {
		b.eval.lay.load(t.net)
	}
	b.busy = true
	go func() {
		var r measured
		defer func() {
			// A panic here would end the program without the caller's
			// recover (the command's exit status 3): collect re-raises it.
			r.panic = recover()
			b.result <- r
		}()
		r.e = t.measureEpoch(b.eval, epoch, validation, test)
		stamp(&r.e)
	}()
}

// collect returns the epoch measured in the background, if one was
// started: waiting for it if wait, else only if it is done.
func (t *trainer) collect(wait bool) (Epoch, bool) {
	b := t.behind
	if b == nil || !b.busy {
		return Epoch{}, false
	}
	var r measured
	if wait {
		// Waiting, the training's goroutine measures parts too, so that
		// both cores work on what is left.
	help:
		for {
			select {
			case r = <-b.result:
				break help
			case p := <-b.eval.jobs:
				b.eval.runPart(p)
			}
		}
	} else {
		select {
		case r = <-b.result:
		default:
			return Epoch{}, false
		}
	}
	b.busy = false
	if r.panic != nil {
		panic(r.panic)
	}
	return r.e, true
}

// sampleSteps lists the steps inside the first epoch after which to
// measure: 1, 2, 5, 10, 20, 50, … and every tenth of the epoch, before its
// last step (which the epoch record measures).
func sampleSteps(steps int) []int {
	var at []int
	for p := 1; p < steps; p *= 10 {
		for _, k := range []int{1, 2, 5} {
			if k*p < steps {
				at = append(at, k*p)
			}
		}
	}
	for k := 1; k < 10; k++ {
		if s := k * steps / 10; s > 0 && s < steps {
			at = append(at, s)
		}
	}
	slices.Sort(at)
	return slices.Compact(at)
}

// Checkpoint is a run's parameters at the end of an epoch's training.
type Checkpoint struct {
	Epoch int
	// Net is a copy of the parameters, in the run's convention: the
	// receiver may keep it, and probe it while the run trains on.
	Net   *derive.Net
	train *data.Set // the run's training set (after TrainSize)
	decay float64   // λ/n
	seed  uint64
	cores int // the run's Config.Cores: 1 probes on one core
}

// checkpoint copies the current parameters.
func (t *trainer) checkpoint(epoch int) *Checkpoint {
	return &Checkpoint{Epoch: epoch, Net: t.current().In(t.net.Convention), train: t.train, decay: t.decay, seed: t.cfg.Seed, cores: t.cfg.Cores}
}

// Probe measures the curvature of the training cost (mean over the first
// examples training examples, 0 meaning DefaultCurvatureExamples, plus the
// L2 term) at the checkpoint's parameters, with derive's backpropagation:
// the probe Config.Curvature makes where a run stops, the same numbers.
// The per-example convention is probed in the column layout, which holds
// the same numbers and is faster. It reads only the checkpoint and the
// training set, so it may run on another goroutine while training goes on.
// A run on one core (Config.Cores 1) probes on one core (derive.Net.Cores),
// with the same numbers.
func (cp *Checkpoint) Probe(examples int) Curvature {
	if examples <= 0 {
		examples = DefaultCurvatureExamples
	}
	c := cp.Net.Convention
	if c == derive.PerExample {
		c = derive.Column
	}
	net := cp.Net.In(c)
	net.Reduction = derive.Mean
	if cp.cores == 1 {
		net.Cores = 1
	}
	k := min(examples, cp.train.Len())
	idx := make([]int, k)
	for i := range idx {
		idx[i] = i
	}
	x, y := cp.train.Batch(idx)
	X, Y := derive.Batch(x, derive.Row, c), derive.Batch(y, derive.Row, c)
	r := curvature.ProbeNet(net, X, Y, cp.decay, &curvature.Settings{Seed: cp.seed})
	return Curvature{Epoch: cp.Epoch, Examples: k, Result: r}
}

// divergence says where training blew up and why, from what is NaN or
// ±Inf and from the config.
func (t *trainer) divergence(epoch, step int, cost float64, idx []int) *Divergence {
	d := &Divergence{Epoch: epoch, Step: step}
	if !isFinite(cost) {
		d.What = fmt.Sprintf("the batch cost is %v", cost)
	} else {
		for ℓ, l := range t.current().Layers {
			if bad := nonFinite(raw(l.W)); bad != "" {
				d.What = fmt.Sprintf("W%d has %s entries after the update", ℓ+1, bad)
				break
			}
			if bad := nonFinite(l.B); bad != "" {
				d.What = fmt.Sprintf("b%d has %s entries after the update", ℓ+1, bad)
				break
			}
		}
		if d.What == "" {
			d.What = "the parameters' sum overflowed"
		}
	}
	d.Cause = t.cause(cost)
	return d
}

func nonFinite(v []float64) string {
	var nan, inf bool
	for _, x := range v {
		nan = nan || math.IsNaN(x)
		inf = inf || math.IsInf(x, 0)
	}
	switch {
	case nan && inf:
		return "NaN and ±Inf"
	case nan:
		return "NaN"
	case inf:
		return "±Inf"
	}
	return ""
}

// cause is the likely cause of a divergence, from the config and the data:
// the size of a step, the size of the inputs, unbounded activations and
// logarithms of saturated outputs.
func (t *trainer) cause(cost float64) string {
	cfg, sp := t.cfg, t.sp
	m := cfg.Batch
	var parts []string
	// L2 scales every weight by 1 − ηλ/n at every step, before the
	// gradient. From ηλ/n = 2 on that factor is −1 or beyond: the weights
	// grow |1 − ηλ/n|-fold a step, whatever the gradient and η's share of
	// it, so λ is the cause to name, and the one to change.
	if shrink := 1 - cfg.Eta*t.decay; shrink <= -1 {
		n := t.train.Len()
		return fmt.Sprintf("λ %g is too large for η %g and %d training examples: L2 multiplies every weight by 1 − ηλ/n = %.3g at every step, "+
			"so the weights grow %.3g-fold a step until they overflow (the decay shrinks them only while ηλ/n < 2, here λ < %.3g); "+
			"try a λ of about 1 to 5, as Nielsen does for 50,000 images (say %g)",
			cfg.Lambda, cfg.Eta, n, shrink, -shrink, 2*float64(n)/cfg.Eta, min(5.0, float64(n)/cfg.Eta/10))
	}
	if sp.red == derive.Sum && m > 1 {
		parts = append(parts, fmt.Sprintf("η %g with the sum reduction and batch %d is a step %d times larger than with mean (η/m = %.3g per example's gradient)",
			cfg.Eta, m, m, cfg.Eta/float64(m)))
	} else {
		parts = append(parts, fmt.Sprintf("η %g overshoots for this net and data (each step moves the parameters by η times the batch gradient)", cfg.Eta))
	}
	// Inputs only a little outside [0,1] (noisy synthetic points) are not
	// worth a sentence; raw pixels (up to 255) are the thread's case.
	if top := maxAbs(raw(t.train.X)); top > 2 {
		hint := ""
		if cfg.Pixels == "raw" {
			hint = " (raw pixels)"
		}
		parts = append(parts, fmt.Sprintf("inputs reach %.3g%s, so z = W·x and the layer-1 weight gradients are up to %.3g times what inputs in [0,1] give", top, hint, top))
	}
	var unbounded []string
	for _, a := range sp.acts {
		if !a.Bounded() && !slices.Contains(unbounded, a.String()) {
			unbounded = append(unbounded, a.String())
		}
	}
	if len(unbounded) > 0 {
		verb := " is"
		if len(unbounded) > 1 {
			verb = " are"
		}
		parts = append(parts, strings.Join(unbounded, " and ")+verb+" unbounded, so once a step overshoots, activations and gradients grow with every layer until they overflow")
	}
	if math.IsInf(cost, 1) && sp.cost.UnitOutputs() {
		parts = append(parts, fmt.Sprintf("the %v cost takes ln of an output that rounded to exactly 0 (or 1): a sigmoid does so in float64 once |z| > 36.7, so the cost is +Inf", sp.cost))
	}
	s := parts[0]
	for _, p := range parts[1:] {
		s += "; " + p
	}
	return s + fmt.Sprintf("; try a smaller η (say %g)", cfg.Eta/10)
}

func maxAbs(v []float64) float64 {
	var top float64
	for _, x := range v {
		top = math.Max(top, math.Abs(x))
	}
	return top
}
