package backproof

import (
	"math"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/numgrad"
	"github.com/backproof/backproof/problem"
)

// The three kinds of check each return their own result: CheckBackprop an
// EntryResult, CheckDirections a DirectionalResult, CheckGradient a
// GradientResult. The text and JSON that the CLI prints are written from
// them by package render, which reads these values and decides nothing.

// Backprop is backproof's own backpropagation set beside a numerical
// method, and what that showed: the part an EntryResult and a
// DirectionalResult share.
type Backprop struct {
	Problem  *problem.Problem
	Trace    *derive.Trace // every intermediate of the analytic pass
	Value    float64       // C at the given parameters
	Method   numgrad.Method
	Step     float64
	Analytic []float64 // ∇C by backpropagation, in the order of derive.Net.Params
	// Comparison compares the analytic with the numerical side at Step:
	// entry by entry, or one entry per direction.
	Comparison *compare.Result
	// Outcome is the conclusion: Comparison's when it agrees, else the
	// Confirmation's.
	Outcome Outcome
	// Confirmation is set when Comparison did not agree: the ladder of
	// steps and the complex step that decided whether the disagreement is
	// the gradient's or the step's.
	Confirmation *Confirmation
	// Exact is the gradient in double-double arithmetic beside float64
	// backpropagation's, for a network small enough (maxExactWork) that
	// needed it: a learner's gradient, a confirmation, the complex step.
	// nil otherwise.
	Exact   *Exact
	Seconds float64
}

// Pass reports whether backpropagation agrees with the numerical method:
// at the chosen step, or, confirmed, at another step or by the complex
// step.
func (b *Backprop) Pass() bool { return b.Outcome == Agree }

// Unsettled says why the comparison at the chosen step did not settle the
// outcome: the confirmation's conclusion, or the band's reading.
func (b *Backprop) Unsettled() string {
	if b.Confirmation != nil {
		return b.Confirmation.Message
	}
	return b.Comparison.Band.Explain(b.Comparison.Criteria.Tol)
}

// complexTol is the complex step's tolerance tol, widened where float64
// itself cannot do better: the complex step rounds as backpropagation
// does (both compute a − y in float64), so where the exact reference
// measures backpropagation's relative error at Exact.Rel, they can be
// asked to agree to ten times that and no better.
func (b *Backprop) complexTol(tol float64) float64 {
	if b.Exact == nil {
		return tol
	}
	return math.Max(tol, 10*b.Exact.Rel)
}

// EntryResult is the result of CheckBackprop: backpropagation against a
// numerical method entry by entry.
type EntryResult struct {
	Backprop
	Numeric []float64 // in the order of Analytic
	// Generic is set when the numeric gradient came from the generic path.
	Generic bool
}

// floor is the noise floor of method m at step h in an entry-by-entry
// check: ComplexFloor for the complex step, NoiseFloor otherwise.
func (r *EntryResult) floor(m numgrad.Method, h float64) float64 {
	if m.Complex() {
		return ComplexFloor(r.Analytic)
	}
	return NoiseFloor(r.Value, m, h)
}

// DirectionalResult is the result of CheckDirections: backpropagation
// against a numerical method along a few random unit directions v, the
// analytic derivative along v,
//
//	∂C/∂v = vᵀ∇C        (∇C from backpropagation),
//
// against the method's one-dimensional difference of t ↦ C(θ + t v) at
// t = 0 (numgrad.Directional), or Im C(θ + i h v)/h for the complex step
// (numgrad.ComplexDirectional). Comparison has one entry per direction.
type DirectionalResult struct {
	Backprop
	Seed       uint64      // the seed of the directions
	Directions []Direction // one per direction, in the order drawn
	// StepNote says why Step is not the method's default, when backproof
	// chose it (no step was given).
	StepNote string
}

// GradientResult is the result of CheckGradient: a learner's gradient set
// beside backproof's backpropagation and the numerical method, array by
// array and entry by entry.
type GradientResult struct {
	// Entries or Directions is the check of backproof's own
	// backpropagation that the learner's gradient is set beside: entry by
	// entry, or (Settings.Directions > 0) along random directions. The
	// other is nil.
	Entries    *EntryResult
	Directions *DirectionalResult

	Source  string
	Float32 bool
	// Values is the learner's gradient in the order of derive.Net.Params.
	// An array of the wrong shape has no entries to set side by side: its
	// places hold backpropagation's values, so that they add no error to
	// VsBackprop, and its LearnerParam says what is wrong.
	Values []float64
	// VsBackprop compares Values with backproof's backpropagation entry
	// by entry, and VsNumeric with the finite differences (nil in a
	// directional check): the per-entry relative errors, for plots. The
	// judgement is Params', array by array.
	VsBackprop *compare.Result
	VsNumeric  *compare.Result
	Params     []LearnerParam // W¹, b¹, W², b², …
	// Worst are the entries that differ, worst first (non-finite ones
	// first, then those of the first wrong layer), at most Settings.Worst.
	Worst []LearnerEntry
	// Wrong names the arrays that differ of their own accord ("dW2"), and
	// Inheriting those that differ only because layer First's δ does.
	Wrong, Inheriting []string
	// Diagnosed are the arrays that differ, in the order their diagnosis
	// reads: the first wrong layer's first, so the line to fix comes
	// first.
	Diagnosed []LearnerParam
	// First is the first wrong layer in backward order when the arrays of
	// layers below it inherit its mistake (their Inherits), else 0.
	First int
	// Kinks are the entries on a relu kink, judged against the interval
	// of their two one-sided values.
	Kinks []derive.Param
	// Float64Err is how far float64 backpropagation is from the exact
	// gradient here, relative to each array's largest entry, the largest
	// over the arrays; NaN without the exact reference.
	Float64Err float64
	Outcome    Outcome
	Message    string // the conclusion in words
	Seconds    float64
}

// Backprop is the check of backproof's own backpropagation that the
// learner's gradient was set beside, whichever kind it was.
func (g *GradientResult) Backprop() *Backprop {
	if g.Directions != nil {
		return &g.Directions.Backprop
	}
	return &g.Entries.Backprop
}

// Pass reports whether backpropagation agrees with the numerical method
// and the learner's gradient agrees with both.
func (g *GradientResult) Pass() bool {
	return g.Backprop().Pass() && g.Outcome == Agree
}
