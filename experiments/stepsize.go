package experiments

import (
	"math"

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

// StepCurves computes every method's error against the analytic gradient
// of p at each of its Steps and at its default step, by numgrad's
// layer-aware NetGradient on every core. It evaluates the gradient 6 × 32
// times (the complex step 40).
func StepCurves(p *problem.Problem) []StepCurve {
	analytic := p.Net.Backprop(p.X, p.Y).Grad(nil)
	var top float64
	for _, a := range analytic {
		top = math.Max(top, math.Abs(a))
	}
	numeric := make([]float64, len(analytic))
	maxRel := func(m numgrad.Method, h float64) float64 {
		numgrad.NetGradient(numeric, p.Net, p.X, p.Y, &numgrad.Settings{Method: m, Step: h, Concurrent: true})
		var worst float64
		for i, a := range analytic {
			if math.Abs(a) >= WellScaled*top {
				worst = math.Max(worst, compare.RelError(a, numeric[i]))
			}
		}
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
