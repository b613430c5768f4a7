// Package backproof checks backpropagation derivations: it sets the
// analytic gradient beside finite differences, entry by entry.
package backproof

import (
	"errors"
	"math"
	"time"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/numgrad"
	"github.com/backproof/backproof/problem"
)

// Settings tune a check. Nil or zero fields take the defaults.
type Settings struct {
	// Method is the finite-difference method; the zero value is central.
	Method numgrad.Method
	// Step is h; zero means Method.DefaultStep().
	Step float64
	// Tol is the largest relative error that passes; zero means
	// DefaultTol(Method).
	Tol float64
	// Floor is the absolute error under which entries agree; zero means
	// NoiseFloor(C, Method, h).
	Floor float64
	// Worst is how many of the worst entries the report names; zero means 5.
	Worst int
}

// DefaultTol is the relative error each method is trusted to in float64 on
// smooth functions: central differences reach 1e-7 (DESIGN.md, and CS231n's
// "good"); one-sided ones about the square root of machine epsilon; the
// higher-order stencils and the complex step far better.
func DefaultTol(m numgrad.Method) float64 {
	switch m {
	case numgrad.Forward, numgrad.Backward:
		return 1e-5
	case numgrad.FivePoint, numgrad.Richardson:
		return 1e-9
	case numgrad.ComplexStep:
		return 1e-12
	}
	return 1e-7
}

// NoiseFloor is the absolute error finite differences cannot resolve: the
// rounding error of a difference quotient, about ε·|C|/h, with a margin of
// 100. Entries whose analytic and numeric values differ by less agree,
// whatever their relative error (a gradient entry of 1e-12 is noise).
func NoiseFloor(cost float64, m numgrad.Method, h float64) float64 {
	const eps = 0x1p-52
	scale := math.Max(1, math.Abs(cost))
	if m == numgrad.ComplexStep {
		return 100 * eps * scale // no subtraction, no cancellation
	}
	return 10 * eps * scale / h
}

// Report is the result of a check.
type Report struct {
	Problem    *problem.Problem
	Trace      *derive.Trace // every intermediate of the analytic pass
	Value      float64       // C at the given parameters
	Method     numgrad.Method
	Step       float64
	Analytic   []float64 // in the order of derive.Net.Params
	Numeric    []float64
	Comparison *compare.Result
	Seconds    float64
}

// Pass reports whether every entry agrees within the tolerance.
func (r *Report) Pass() bool { return r.Comparison.Pass }

// Check computes p's gradient analytically (derive) and by finite
// differences (numgrad), and compares them entry by entry (compare).
// p is not modified.
func Check(p *problem.Problem, s *Settings) (*Report, error) {
	start := time.Now()
	var set Settings
	if s != nil {
		set = *s
	}
	if set.Method == numgrad.ComplexStep {
		return nil, errors.New("the complex-step method is not available for networks yet")
	}
	if set.Step == 0 {
		set.Step = set.Method.DefaultStep()
	}
	if set.Tol == 0 {
		set.Tol = DefaultTol(set.Method)
	}
	trace := p.Net.Backprop(p.X, p.Y)
	r := &Report{Problem: p, Trace: trace, Value: trace.Cost, Method: set.Method, Step: set.Step,
		Analytic: trace.Grad(nil)}
	θ := p.Net.Params(nil)
	r.Numeric = numericGradient(p, θ, set.Method, set.Step)
	if set.Floor == 0 {
		set.Floor = NoiseFloor(r.Value, set.Method, set.Step)
	}
	kink := kinkFinder(p, θ, set.Method, set.Step)
	r.Comparison = compare.Gradients(r.Analytic, r.Numeric, p.Net.ParamAt, kink,
		&compare.Settings{Floor: set.Floor, Tol: set.Tol, Worst: set.Worst})
	r.Seconds = time.Since(start).Seconds()
	return r, nil
}

// numericGradient differentiates θ ↦ C(θ) by the chosen method. Each
// evaluation builds its own copy of the network, so evaluations can run on
// every core.
func numericGradient(p *problem.Problem, θ []float64, m numgrad.Method, h float64) []float64 {
	cost := func(x []float64) float64 {
		n := p.Net.In(p.Net.Convention)
		n.SetParams(x)
		return n.Loss(p.X, p.Y)
	}
	return numgrad.Gradient(nil, cost, θ, &numgrad.Settings{Method: m, Step: h, Concurrent: true})
}

// kinkFinder returns, for networks with relu or leaky-relu layers, a test of
// whether entry i's stencil straddles a kink: whether some pre-activation
// of a kinked layer has a different sign at the stencil's two ends.
func kinkFinder(p *problem.Problem, θ []float64, m numgrad.Method, h float64) func(int) bool {
	kinked := false
	for _, l := range p.Net.Layers {
		kinked = kinked || l.Act.Kinked()
	}
	if !kinked {
		return nil
	}
	lo, hi := stencilEnds(m)
	return func(i int) bool {
		signs := func(t float64) [][]bool {
			x := append([]float64(nil), θ...)
			x[i] += t * h
			n := p.Net.In(p.Net.Convention)
			n.SetParams(x)
			Z, _ := n.Forward(p.X)
			var s [][]bool
			for ℓ, l := range n.Layers {
				if l.Act.Kinked() {
					row := make([]bool, 0, len(Z[ℓ+1].RawMatrix().Data))
					for _, z := range Z[ℓ+1].RawMatrix().Data {
						row = append(row, z > 0)
					}
					s = append(s, row)
				}
			}
			return s
		}
		a, b := signs(lo), signs(hi)
		for j := range a {
			for k := range a[j] {
				if a[j][k] != b[j][k] {
					return true
				}
			}
		}
		return false
	}
}

// stencilEnds are the outermost evaluation points of a method, in steps.
func stencilEnds(m numgrad.Method) (lo, hi float64) {
	switch m {
	case numgrad.Forward:
		return 0, 1
	case numgrad.Backward:
		return -1, 0
	case numgrad.FivePoint:
		return -2, 2
	}
	return -1, 1
}
