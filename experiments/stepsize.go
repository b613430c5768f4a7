package experiments

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/numgrad"
	"github.com/backproof/backproof/problem"
)

// StepCurve is one method's error as a function of the step.
type StepCurve struct {
	Method numgrad.Method
	Steps  []float64
	// Errors[k] is the largest relative error compare.RelError over the
	// well-scaled entries (see WellScaled) at Steps[k].
	Errors []float64
	// DefaultError is the error at Method.DefaultStep().
	DefaultError float64
}

// WellScaled is the fraction of the largest analytic entry above which an
// entry counts in a StepCurve: an entry far smaller than the rest is known
// by a finite difference only to an absolute error set by the rest, so its
// relative error says nothing about the method.
const WellScaled = 1e-3

// Steps are the steps of the step-size sweep for method m: half decades
// from 1e-1 down to 1e-16 (where θ + h rounds back to θ for parameters of
// order one) for the real differences, and on to 1e-20, the default, for
// the complex step.
func Steps(m numgrad.Method) []float64 {
	last := 32
	if m == numgrad.ComplexStep {
		last = 40
	}
	var steps []float64
	for k := 2; k <= last; k++ {
		steps = append(steps, math.Pow(10, -float64(k)/2))
	}
	return steps
}

// StepWork is the most work a step-size sweep is planned to take, in
// multiply-adds (StepPlan.Work): a few seconds. Measured on a busy
// two-core machine, the sweep of [784,100,10] with a batch of 100 took
// 4.2 s of processor time planned at 3e9 (a sample of 1264 entries) and
// 1.2 s at 1e9. A problem whose every well-scaled entry fits is swept whole; a
// larger one on a sample.
const StepWork = 3e9

// StepPlan is which entries a step-size sweep measures, and what that
// costs, estimated before any of it is computed.
type StepPlan struct {
	// Entries are the measured entries, increasing indices in the order
	// of derive.Net.Params: every well-scaled entry, or a seeded sample
	// of them spread over every layer's W and b.
	Entries    []int
	Params     int // the network's parameters
	WellScaled int // those at least WellScaled of the largest analytic entry
	// Evaluations counts the cost evaluations of the sweep: for each
	// entry, method and step, the stencil's points (the complex step's
	// one point counted as four, for its complex arithmetic).
	Evaluations int
	// Work estimates the multiply-adds: an evaluation for an entry of
	// layer ℓ moves one unit of layer ℓ and runs layers ℓ+1 … L from
	// there, for every example.
	Work float64

	analytic []float64
}

// Sampled reports whether the plan measures fewer than all well-scaled
// entries.
func (s *StepPlan) Sampled() bool { return len(s.Entries) < s.WellScaled }

// String says which entries the sweep measures and what it costs.
func (s *StepPlan) String() string {
	which := fmt.Sprintf("all %d well-scaled entries (of %d)", s.WellScaled, s.Params)
	if s.Sampled() {
		which = fmt.Sprintf("a seeded sample of %d of the %d well-scaled entries (of %d), from every layer's W and b",
			len(s.Entries), s.WellScaled, s.Params)
	}
	return fmt.Sprintf("%s; %d methods × %d to %d steps: %.2g cost evaluations, about %.2g multiply-adds",
		which, len(numgrad.Methods), len(Steps(numgrad.Central))+1, len(Steps(numgrad.ComplexStep))+1, float64(s.Evaluations), s.Work)
}

// Title is a line for the figure: which entries its curves are over.
func (s *StepPlan) Title() string {
	if s.Sampled() {
		return fmt.Sprintf("over a seeded sample of %d of the %d well-scaled entries", len(s.Entries), s.WellScaled)
	}
	return fmt.Sprintf("over all %d well-scaled entries", s.WellScaled)
}

// PlanSteps plans the step-size sweep of p within maxWork multiply-adds
// (0: StepWork). When every well-scaled entry fits, all are measured;
// otherwise each of the 2L arrays (W¹, b¹, …) gets an equal share of the
// work, an array that needs less than its share giving the rest to the
// others, and its entries are drawn at random (seeded: the same problem
// gives the same sample). At least one entry of each array that has a
// well-scaled one is measured, whatever it costs.
func PlanSteps(p *problem.Problem, maxWork float64) *StepPlan {
	if maxWork <= 0 {
		maxWork = StepWork
	}
	analytic := p.Net.Backprop(p.X, p.Y).Grad(nil)
	var top float64
	for _, a := range analytic {
		top = math.Max(top, math.Abs(a))
	}
	plan := &StepPlan{Params: len(analytic), analytic: analytic}
	perEntry := float64(evaluationsPerEntry())
	sizes := p.Net.Sizes()
	L := len(sizes) - 1
	// arrays: the well-scaled entries of each W and b, and the work of one
	// evaluation for an entry of it.
	type array struct {
		entries []int
		cost    float64
	}
	var arrays []array
	off := 0
	for ℓ := 1; ℓ <= L; ℓ++ {
		r, c := p.Net.Layers[ℓ-1].W.Dims()
		cost := float64(p.Batch()) * pointWork(sizes, ℓ)
		for _, n := range []int{r * c, sizes[ℓ]} {
			a := array{cost: cost}
			for i := off; i < off+n; i++ {
				if math.Abs(analytic[i]) >= WellScaled*top {
					a.entries = append(a.entries, i)
				}
			}
			plan.WellScaled += len(a.entries)
			arrays = append(arrays, a)
			off += n
		}
	}
	// Shares, the cheapest arrays first so that what they leave goes to
	// the rest.
	order := make([]int, len(arrays))
	for i := range order {
		order[i] = i
	}
	full := func(a array) float64 { return float64(len(a.entries)) * a.cost * perEntry }
	sort.Slice(order, func(i, j int) bool { return full(arrays[order[i]]) < full(arrays[order[j]]) })
	left := maxWork
	rng := rand.New(rand.NewPCG(1, 2))
	for k, i := range order {
		a := arrays[i]
		share := left / float64(len(order)-k)
		n := len(a.entries)
		if full(a) > share {
			n = max(1, min(n, int(share/(a.cost*perEntry))))
			// The first n of a partial shuffle: a uniform sample.
			for j := range n {
				r := j + rng.IntN(len(a.entries)-j)
				a.entries[j], a.entries[r] = a.entries[r], a.entries[j]
			}
		}
		chosen := a.entries[:n]
		plan.Entries = append(plan.Entries, chosen...)
		work := float64(n) * a.cost * perEntry
		left = math.Max(left-work, 0)
		plan.Work += work
	}
	sort.Ints(plan.Entries)
	plan.Evaluations = len(plan.Entries) * evaluationsPerEntry()
	return plan
}

// pointWork is the work of one stencil point for one example, in
// multiply-adds, for an entry of layer ℓ of a network of the given sizes:
// unit k of layer ℓ moves and is activated; layer ℓ+1 takes the move
// (n_{ℓ+1}); layers ℓ+2 … L are recomputed (n_{j−1}·n_j each); every unit
// after ℓ is activated, an exp or a tanh counted as actWork; the cost is
// read (n_L).
func pointWork(sizes []int, ℓ int) float64 {
	L := len(sizes) - 1
	w := 1.0 + actWork + float64(sizes[L])
	if ℓ < L {
		w += float64(sizes[ℓ+1])
	}
	for j := ℓ + 1; j <= L; j++ {
		if j >= ℓ+2 {
			w += float64(sizes[j-1]) * float64(sizes[j])
		}
		w += actWork * float64(sizes[j])
	}
	return w
}

// actWork is an activation's work in multiply-adds: an exp or a tanh
// takes about ten times as long. Counting an activation as one
// multiply-add, a sweep of [784,100,10] planned at 2e10 took over a
// minute of processor time; counted as ten, the plans above take seconds.
const actWork = 10

// evaluationsPerEntry is the cost evaluations of one entry over the whole
// sweep: each method's points (the complex step's counted four times, for
// its complex arithmetic) at each of its steps and at its default step.
func evaluationsPerEntry() int {
	n := 0
	for _, m := range numgrad.Methods {
		points := 4
		if m != numgrad.ComplexStep {
			points = 0
			for _, t := range numgrad.Points(m, m.DefaultStep()) {
				if t != 0 { // C(θ) itself is cached
					points++
				}
			}
		}
		n += points * (len(Steps(m)) + 1)
	}
	return n
}

// StepCurves computes every method's error against the analytic gradient
// of p at each of its Steps and at its default step, over the entries
// PlanSteps(p, StepWork) chooses.
func StepCurves(p *problem.Problem) []StepCurve {
	return StepCurvesOf(p, PlanSteps(p, StepWork), nil)
}

// StepCurvesOf computes the curves of plan, made by PlanSteps(p, …), by
// numgrad's layer-aware path on every core: NetGradient when every
// well-scaled entry is measured, NetEntries on a sample. progress, when
// set, is told how many of the sweep's entry evaluations are done.
func StepCurvesOf(p *problem.Problem, plan *StepPlan, progress func(done, total int)) []StepCurve {
	analytic := plan.analytic
	var top float64
	for _, a := range analytic {
		top = math.Max(top, math.Abs(a))
	}
	per := len(plan.Entries) // entry evaluations per gradient
	if !plan.Sampled() {
		per = len(analytic)
	}
	gradients := 0
	for _, m := range numgrad.Methods {
		gradients += len(Steps(m)) + 1
	}
	total, done := per*gradients, 0
	var numeric []float64
	if plan.Sampled() {
		numeric = make([]float64, len(plan.Entries))
	} else {
		numeric = make([]float64, len(analytic))
	}
	var sampled *numgrad.Entries // one forward pass for the whole sweep
	if plan.Sampled() {
		sampled = numgrad.NewEntries(p.Net, p.X, p.Y)
	}
	maxRel := func(m numgrad.Method, h float64) float64 {
		s := &numgrad.Settings{Method: m, Step: h, Concurrent: true}
		if progress != nil {
			s.Progress = func(d, _ int) { progress(done+d, total) }
		}
		var worst float64
		if plan.Sampled() {
			sampled.At(numeric, plan.Entries, s)
			for k, i := range plan.Entries {
				worst = math.Max(worst, compare.RelError(analytic[i], numeric[k]))
			}
		} else {
			numgrad.NetGradient(numeric, p.Net, p.X, p.Y, s)
			for i, a := range analytic {
				if math.Abs(a) >= WellScaled*top {
					worst = math.Max(worst, compare.RelError(a, numeric[i]))
				}
			}
		}
		done += per
		return worst
	}
	var curves []StepCurve
	for _, m := range numgrad.Methods {
		c := StepCurve{Method: m, Steps: Steps(m), DefaultError: maxRel(m, m.DefaultStep())}
		for _, h := range c.Steps {
			c.Errors = append(c.Errors, maxRel(m, h))
		}
		curves = append(curves, c)
	}
	return curves
}
