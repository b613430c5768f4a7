// Package backproof checks backpropagation derivations: it sets the
// analytic gradient beside finite differences, entry by entry.
package backproof

import (
	"math"
	"time"
	"unsafe"

	"github.com/backproof/backproof/budget"
	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/internal/printf"
	"github.com/backproof/backproof/numgrad"
	"github.com/backproof/backproof/problem"
	"gonum.org/v1/gonum/floats"
)

// Settings tune a check. Nil or zero fields take the defaults.
type Settings struct {
	// Method is the numerical method: a finite difference (the zero value
	// is central) or the complex step, which CheckBackprop evaluates in complex
	// arithmetic (derive.Net.ComplexLoss, or the fast path's own).
	Method numgrad.Method
	// Step is h; zero means Method.DefaultStep().
	Step float64
	// Criteria are what the comparison judges by (compare.Criteria): Tol,
	// the largest relative error that passes, zero meaning
	// DefaultTol(Method); Floor, the absolute error under which entries
	// agree, zero meaning NoiseFloor(C, Method, h) (ComplexFloor for the
	// complex step); Worst, how many of the worst entries the result
	// keeps, zero meaning 5.
	compare.Criteria
	// The fields above serve every check. An entry-by-entry check
	// (CheckBackprop, and CheckGradient without Directions) also reads
	// Generic, a directional one (CheckDirections, and CheckGradient with
	// Directions) Directions and Seed. They stay in one Settings because
	// CheckGradient runs either kind; Validate refuses Generic with
	// Directions, which no check could honour.

	// Generic computes the numeric gradient by the generic path:
	// numgrad.Gradient (ComplexGradient for the complex step) of
	// θ ↦ C(θ), the whole network recomputed at every point. The default
	// is numgrad.NetGradient's layer-aware fast path, which gives the same
	// numbers to rounding in a small fraction of the time; Generic is
	// there to compare the two. A directional check has no fast path to
	// compare with: CheckDirections refuses Generic.
	Generic bool
	// Directions is how many random unit vectors v (seeded by Seed) a
	// directional check draws, for each the analytic vᵀ∇C against
	// Method's difference of C along v (see DirectionalResult): in
	// CheckDirections, where zero means 8, and in CheckGradient, which is
	// directional when it is positive. The CLI's --method directional is
	// this with the central difference.
	Directions int
	// Seed seeds the directions of a directional check.
	Seed uint64
	// Progress, when set, is told now and then how many of the entries of
	// the numerical gradient are done (the fast path only; a confirmation
	// counts each of its steps anew). It may be called from several
	// goroutines at once.
	Progress func(done, total int)
}

// DefaultTol is the relative error each method is trusted to in float64 on
// smooth functions, its row's numgrad.Method.Tol: central differences
// reach 1e-7 (docs/contracts.md, and CS231n's "good"); one-sided ones
// about the square root of machine epsilon; the higher-order stencils and
// the complex step far better.
func DefaultTol(m numgrad.Method) float64 { return m.Tol() }

// NoiseFloor is the absolute error finite differences cannot resolve: the
// rounding error of a difference quotient, about ε·|C|/h, with a margin of
// 100. Entries whose analytic and numeric values differ by less agree,
// whatever their relative error (a gradient entry of 1e-12 is noise).
func NoiseFloor(cost float64, m numgrad.Method, h float64) float64 {
	const eps = 0x1p-52
	scale := math.Max(1, math.Abs(cost))
	if m.Complex() {
		return 100 * eps * scale // no subtraction, no cancellation
	}
	return 10 * eps * scale / h
}

// ComplexFloor is the absolute error under which the complex step and
// backpropagation agree for a gradient grad: 100·ε times its largest
// entry. The complex step subtracts nothing, so its rounding, like
// backpropagation's, is relative to the gradient's entries (about ε times
// the sizes of the terms each entry sums), not to the cost.
func ComplexFloor(grad []float64) float64 {
	const eps = 0x1p-52
	var top float64
	for _, g := range grad {
		if a := math.Abs(g); a > top {
			top = a
		}
	}
	return math.Max(100*eps*top, math.SmallestNonzeroFloat64)
}

func (s *Settings) tol() float64 {
	if s == nil {
		return 0
	}
	return s.Tol
}

// ErrNonFinite is returned by CheckBackprop and CheckGradient when the cost at the given parameters
// is not a finite number: no derivative can be compared there.
type ErrNonFinite struct {
	Cost float64
}

func (e *ErrNonFinite) Error() string {
	return printf.Sprintf("the cost C is %v at the given parameters, so no gradient can be compared there: "+
		"a log of 0 in cross-entropy or log-likelihood (a saturated output: scale the inputs or the initial weights down), "+
		"or an overflow in the forward pass", e.Cost)
}

// SettingsError is a setting out of its range; Field is the setting's
// name as the command line spells it (step, tol, floor, worst).
type SettingsError struct {
	Field, Problem string
}

func (e *SettingsError) Error() string { return e.Field + " " + e.Problem }

// Validate checks the settings before anything is computed: a
// *SettingsError names the one out of range.
func (s *Settings) Validate() error {
	switch {
	case !(s.Step >= 0 && s.Step <= maxStep):
		return &SettingsError{"step", printf.Sprintf("%g: want a step h with 0 < h ≤ %g (0 takes the method's default, %g for %v)",
			s.Step, maxStep, s.Method.DefaultStep(), s.Method)}
	case !(s.Tol >= 0 && s.Tol < 1):
		return &SettingsError{"tol", printf.Sprintf("%g: want a relative error 0 < tol < 1 (0 takes the method's default, %g for %v)",
			s.Tol, DefaultTol(s.Method), s.Method)}
	case !(s.Floor >= 0 && !math.IsInf(s.Floor, 0)):
		return &SettingsError{"floor", printf.Sprintf("%g: want a finite absolute error ≥ 0 (0 takes the estimate ε·|C|/h)", s.Floor)}
	case s.Worst < 0:
		return &SettingsError{"worst", printf.Sprintf("%d: want how many of the worst entries to show, 0 or more", s.Worst)}
	case s.Directions < 0:
		return &SettingsError{"directions", printf.Sprintf("%d: want how many random directions to draw, 0 or more", s.Directions)}
	case s.Generic && s.Directions > 0:
		return &SettingsError{"generic", "applies to entry-by-entry checks, not to a directional check"}
	}
	return nil
}

// Memory estimates what CheckBackprop or CheckGradient of p needs beyond p itself: for each of the
// n parameters the analytic and numeric gradients and one compared entry,
// twice over (the confirmation's numeric gradient and comparison at one
// step at a time), plus, for a directional check, three numbers per
// direction and one direction vector.
func Memory(p *problem.Problem, s *Settings) budget.Bytes {
	n := p.Net.NumParams()
	entry := budget.Bytes(unsafe.Sizeof(compare.Entry{}))
	perParam := budget.Float64.Times(2).Plus(entry).Times(2)
	if s != nil && s.Directions > 0 {
		return budget.Floats(s.Directions, 3).Plus(budget.Floats(n).Times(2)).Plus(entry.Times(s.Directions))
	}
	return perParam.Times(n)
}

// maxStep is the largest step CheckBackprop takes: a step of order one is no
// longer a derivative of anything at the scale of the parameters.
const maxStep = 1.0

// CheckBackprop checks backproof's own backpropagation: it computes p's
// gradient analytically (derive) and by finite differences or the complex
// step (numgrad, on its layer-aware fast path unless s.Generic), and
// compares them entry by entry (compare). p is not modified.
// s.Directions and s.Seed are CheckDirections' and are not read.
func CheckBackprop(p *problem.Problem, s *Settings) (*EntryResult, error) {
	set, _, err := settle(p, s)
	if err != nil {
		return nil, err
	}
	return checkEntries(p, s, set, false), nil
}

// settle validates s and fills in its defaults for a check of p: the
// method's step (autoStep says it was not given) and tolerance. It
// refuses a cost that is not finite at p's parameters.
func settle(p *problem.Problem, s *Settings) (set Settings, autoStep bool, err error) {
	if s != nil {
		set = *s
	}
	if set.Method < 0 || int(set.Method) >= len(numgrad.Methods) {
		return set, false, printf.Errorf("unknown numerical method %v", set.Method)
	}
	if err := set.Validate(); err != nil {
		return set, false, err
	}
	autoStep = set.Step == 0
	if autoStep {
		set.Step = set.Method.DefaultStep()
	}
	if set.Tol == 0 {
		set.Tol = DefaultTol(set.Method)
	}
	if c := p.Net.Loss(p.X, p.Y); math.IsNaN(c) || math.IsInf(c, 0) {
		return set, false, &ErrNonFinite{Cost: c}
	}
	return set, autoStep, nil
}

// checkEntries is CheckBackprop with the settings s as given and set as
// settled; withExact asks for the exact reference (Backprop.Exact) even
// where the check itself does not need it (a learner's gradient is judged
// against it). The check needs it only to confirm a disagreement, and for
// the complex step's tolerance.
func checkEntries(p *problem.Problem, s *Settings, set Settings, withExact bool) *EntryResult {
	start := time.Now()
	trace := p.Net.Backprop(p.X, p.Y)
	r := &EntryResult{Backprop: Backprop{Problem: p, Trace: trace, Value: trace.Cost, Method: set.Method, Step: set.Step,
		Analytic: trace.Grad(nil)}, Generic: set.Generic}
	if withExact || set.Method == numgrad.ComplexStep {
		r.Exact = exactReference(p, r.Analytic)
	}
	if set.Method == numgrad.ComplexStep && s.tol() == 0 {
		set.Tol = r.complexTol(set.Tol)
	}
	θ := p.Net.Params(nil)
	var kink func(int) bool
	r.Numeric, kink = numericGradient(p, θ, set.Method, set.Step, set.Generic, set.Progress)
	if set.Floor == 0 {
		set.Floor = r.floor(set.Method, set.Step)
	}
	r.Comparison = compare.Gradients(r.Analytic, r.Numeric, p.Net.ParamAt, kink, &set.Criteria)
	if !r.Comparison.Pass {
		if r.Exact == nil {
			r.Exact = exactReference(p, r.Analytic)
		}
		set.Floor = 0 // each step of the confirmation has its own
		if s != nil {
			set.Floor = s.Floor
		}
		r.Confirmation, r.Outcome = confirm(&r.Backprop, set, func(m numgrad.Method, h, tol float64) *compare.Result {
			numeric, kink := numericGradient(p, θ, m, h, false, set.Progress)
			floor := set.Floor
			if floor == 0 {
				floor = r.floor(m, h)
			}
			return compare.Gradients(r.Analytic, numeric, p.Net.ParamAt, kink,
				&compare.Criteria{Floor: floor, Tol: tol, Worst: set.Worst})
		})
	}
	r.Seconds = time.Since(start).Seconds()
	return r
}

// numericGradient differentiates θ ↦ C(θ) by the chosen method, and returns
// with it a test of whether entry i's evaluations straddled a relu kink
// (nil for a network without kinks).
//
// The fast path is numgrad.NetGradientKinks on every core. The generic
// path recomputes the network at every point: each evaluation builds its
// own copy of the network, so that fd can run them on every core (the
// complex step runs on one).
func numericGradient(p *problem.Problem, θ []float64, m numgrad.Method, h float64, generic bool, progress func(done, total int)) ([]float64, func(int) bool) {
	kinked := false
	for _, l := range p.Net.Layers {
		kinked = kinked || l.Act.Kinked()
	}
	if !generic {
		var kinks []bool
		if kinked {
			kinks = make([]bool, len(θ))
		}
		g := numgrad.NetGradientKinks(nil, kinks, p.Net, p.X, p.Y, &numgrad.Settings{Method: m, Step: h, Concurrent: true, Progress: progress})
		if !kinked {
			return g, nil
		}
		return g, func(i int) bool { return kinks[i] }
	}
	if m == numgrad.ComplexStep {
		loss := func(z []complex128) complex128 { return p.Net.ComplexLoss(z, p.X, p.Y) }
		g := numgrad.ComplexGradient(nil, loss, θ, h)
		if !kinked {
			return g, nil
		}
		return g, complexKinkFinder(p, θ, h)
	}
	cost := func(x []float64) float64 {
		n := p.Net.In(p.Net.Convention)
		n.SetParams(x)
		return n.Loss(p.X, p.Y)
	}
	g := numgrad.Gradient(nil, cost, θ, &numgrad.Settings{Method: m, Step: h, Concurrent: true})
	if !kinked {
		return g, nil
	}
	return g, kinkFinder(p, θ, m, h)
}

// complexKinkFinder is kinkFinder for the complex step on the generic path:
// entry i is at a kink when its step i·h reaches a pre-activation of a
// kinked layer whose real part is exactly 0, where the complex step takes
// the left derivative of a function that has none.
func complexKinkFinder(p *problem.Problem, θ []float64, h float64) func(int) bool {
	return func(i int) bool {
		e := make([]float64, len(θ))
		e[i] = 1
		return complexAtKink(p, θ, e, h)
	}
}

// kinkFinder returns, for networks with relu or leaky-relu layers, a test of
// whether entry i's stencil straddles a kink: whether some pre-activation
// of a kinked layer has z > 0 at one point of the stencil (its centre
// included when the method uses it) and not at another. It is the generic
// path's twin of numgrad.NetGradientKinks.
func kinkFinder(p *problem.Problem, θ []float64, m numgrad.Method, h float64) func(int) bool {
	return func(i int) bool {
		e := make([]float64, len(θ))
		e[i] = 1
		return straddles(p, θ, e, m, h)
	}
}

// straddles reports whether the kinked layers' sign pattern changes
// between the points θ + t·v of m's stencil (numgrad.Points).
func straddles(p *problem.Problem, θ, v []float64, m numgrad.Method, h float64) bool {
	var first []bool
	for k, t := range numgrad.Points(m, h) {
		x := append([]float64(nil), θ...)
		floats.AddScaled(x, t, v)
		n := p.Net.In(p.Net.Convention)
		n.SetParams(x)
		signs := n.KinkSigns(p.X)
		if k == 0 {
			first = signs
			continue
		}
		for j := range signs {
			if signs[j] != first[j] {
				return true
			}
		}
	}
	return false
}
