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
	// Raised is set when backproof chose a step larger than the method's
	// default (no step was given), and says why.
	Raised *StepRaise
}

// StepRaise is why a directional check took a step larger than the
// method's Default: along a random unit direction of Params parameters
// the derivative is typically ‖∇C‖·√(2/(πP)) = Typical, under Resolves,
// the noise floor over the tolerance at the default step.
type StepRaise struct {
	Default, Typical, Resolves float64
	Params                     int
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
	// KinkSlopes counts which slope the learner's entries on a kink
	// follow, and OnKink the pre-activations within float64's rounding
	// of 0 (Exact.OnKink).
	KinkSlopes KinkSlopes
	OnKink     int
	// Float64Err is how far float64 backpropagation is from the exact
	// gradient here, relative to each array's largest entry, the largest
	// over the arrays; NaN without the exact reference.
	Float64Err float64
	// NoExact is set when the network was too large for the exact
	// reference: the arrays were judged against float64 backpropagation
	// alone.
	NoExact *ExactLimit
	// BothKeeps is set when a lower dropout layer forgot its own 1/p as
	// well as inheriting the first wrong layer's missing one.
	BothKeeps *BothKeeps
	// Cost is the problem's cost, which the words for a NaN name.
	Cost       derive.Cost
	Conclusion Conclusion
	Outcome    Outcome // the Conclusion's
	Seconds    float64
}

// Precision is the precision the learner's arrays were judged to.
func (g *GradientResult) Precision() Precision {
	if g.Float32 {
		return Float32Precision
	}
	return Float64Precision
}

// Conclusion is what the learner's arrays, backpropagation and the
// numerical method side by side let one conclude; package render words
// it.
type Conclusion int

const (
	// Right: backpropagation is confirmed and every array agrees with it.
	Right Conclusion = iota
	// Wrong: backpropagation is confirmed and some array differs.
	Wrong
	// WrongUnconfirmed: some array differs from backpropagation, which
	// finite differences could not confirm here.
	WrongUnconfirmed
	// PartlyJudged: backpropagation is confirmed, the arrays that could be
	// judged agree, some could not be.
	PartlyJudged
	// Unconfirmed: the arrays agree with backpropagation, which finite
	// differences could not confirm here.
	Unconfirmed
)

// Outcome is the conclusion's outcome.
func (c Conclusion) Outcome() Outcome {
	switch c {
	case Right:
		return Agree
	case Wrong, WrongUnconfirmed:
		return Disagree
	}
	return CannotTell
}

// Finding is what the judgement found in one of the learner's arrays when
// no mistake of compare's catalogue names the disagreement.
type Finding int

const (
	NoFinding   Finding = iota // agrees, not judged, or named by its Mistakes
	Misshaped                  // another shape, which no mistake of the catalogue gives
	Flattened                  // the matrix's entries as a flat vector (LearnerParam.Flat)
	NotFinite                  // NaN or infinite entries (LearnerParam.NaN, Inf)
	AllZeros                   // all zeros where backpropagation's is not (LearnerParam.Largest)
	Unexplained                // differs in a way no mistake of the catalogue reproduces
	Inherited                  // differs only because layer LearnerParam.Inherits' δ does
)

// Unjudged is why an array could not be judged.
type Unjudged int

const (
	JudgedArray       Unjudged = iota // it was judged
	BackpropNotFinite                 // backproof's own backpropagation is not finite here
	Underflow                         // its entries (at most LearnerParam.Scale) have lost digits to underflow
)

// FlatReading is a flat vector read back row by row into the matrix's
// shape: right, or wrong by Mistakes (none named: not right either).
type FlatReading struct {
	Right    bool
	Mistakes []compare.Code
}

// KinkSlopes counts the learner's entries on a relu kink by the slope
// they follow: the left one (relu′(0) = 0), the right one (relu′(0) = 1),
// or between the two.
type KinkSlopes struct{ Left, Right, Between int }

// ExactLimit is the work of the exact reference for a network, m·Σ
// n_{ℓ−1}·n_ℓ multiply-adds a forward pass, and the largest it takes.
type ExactLimit struct{ Work, Limit int }

// BothKeeps is a lower dropout layer Layer that forgot its own 1/p (its
// keep probability Own) as well as inheriting layer First's missing 1/p
// (First's keep probability Above): its δ is Own·Above times the truth.
type BothKeeps struct {
	Layer, First int
	Own, Above   float64
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
