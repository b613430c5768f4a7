package backproof

import (
	"errors"
	"math"
	"testing"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/numgrad"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func smallProblem(t *testing.T) *problem.Problem {
	p, err := problem.Random(problem.Spec{Convention: derive.Row, Sizes: []int{4, 3, 2}, Batch: 5,
		Acts: []derive.Activation{derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean, Init: derive.NormalScaled, Seed: 1})
	require.NoError(t, err)
	return p
}

// saturated is a sigmoid output under cross-entropy with z ≈ 21: 1 − a
// keeps only a few digits, so no finite difference resolves C.
func saturated(t *testing.T) *problem.Problem {
	p, err := problem.Random(problem.Spec{Convention: derive.Row, Sizes: []int{1000, 1}, Batch: 1,
		Acts: []derive.Activation{derive.Sigmoid}, Cost: derive.CrossEntropy, Reduction: derive.Mean, Init: derive.Normal, Seed: 1})
	require.NoError(t, err)
	return p
}

// trial returns the ladder's trial at step h.
func trial(t *testing.T, c *Confirmation, h float64) *compare.Result {
	for _, tr := range c.Ladder {
		if math.Abs(tr.Step-h) <= 1e-9*h {
			return tr.Comparison
		}
	}
	t.Fatalf("no trial at h = %g", h)
	return nil
}

func TestStepTooLargeIsNotABug(t *testing.T) {
	r, err := CheckBackprop(smallProblem(t), &Settings{Step: 0.1})
	require.NoError(t, err)
	assert.False(t, r.Comparison.Pass, "at h = 0.1 central differences are off by truncation")
	require.NotNil(t, r.Confirmation)
	assert.Equal(t, StepTooLarge, r.Confirmation.Cause)
	assert.Equal(t, Agree, r.Outcome)
	assert.True(t, r.Pass())
	// Truncation of central differences is O(h²): ten times smaller a
	// step, about a hundred times smaller an error (Taylor's theorem, not
	// the code, says so).
	ratio := trial(t, r.Confirmation, 0.01).MaxRel / trial(t, r.Confirmation, 0.001).MaxRel
	assert.InDelta(t, 100, ratio, 30)
	assert.Less(t, r.Confirmation.Agreed.Step, 0.1)
	assert.Equal(t, 0.1, r.Confirmation.Step, "the step it found too large")
}

func TestStepTooSmallIsNotAPass(t *testing.T) {
	r, err := CheckBackprop(smallProblem(t), &Settings{Step: 1e-15})
	require.NoError(t, err)
	assert.Zero(t, r.Comparison.Judged, "at h = 1e-15 rounding swamps every entry")
	assert.Equal(t, compare.NoneJudged, r.Comparison.Band)
	require.NotNil(t, r.Confirmation)
	assert.Equal(t, StepTooSmall, r.Confirmation.Cause)
	assert.Greater(t, r.Confirmation.Agreed.Step, 1e-15)
	assert.True(t, r.Pass(), "confirmed at a larger step")
}

func TestSaturatedCostIsConfirmedByTheComplexStep(t *testing.T) {
	p := saturated(t)
	r, err := CheckBackprop(p, nil)
	require.NoError(t, err)
	assert.False(t, r.Comparison.Pass, "C is quantized: numeric differences of 0")
	require.NotNil(t, r.Confirmation)
	assert.Equal(t, CostRounding, r.Confirmation.Cause)
	assert.Equal(t, Agree, r.Outcome)

	// Checked by the complex step itself, the rounding inside C (6e-8) is
	// above the complex step's tolerance but too small to be a mistake:
	// cannot tell, never "wrong".
	r, err = CheckBackprop(p, &Settings{Method: numgrad.ComplexStep})
	require.NoError(t, err)
	assert.Equal(t, CannotTell, r.Outcome)
	assert.Equal(t, SmallPersistent, r.Confirmation.Cause)
	assert.False(t, r.Pass())
}

// TestAMistakeSurvivesConfirmation plants the thread's missing 1/m in the
// analytic side: the difference stays at every step and in the complex
// step, so it is called the gradient's.
func TestAMistakeSurvivesConfirmation(t *testing.T) {
	p := smallProblem(t)
	r, err := CheckBackprop(p, nil)
	require.NoError(t, err)
	θ := p.Net.Params(nil)
	for i := range r.Analytic {
		r.Analytic[i] *= 5 // m = 5
	}
	r.Comparison = compare.Gradients(r.Analytic, r.Numeric, p.Net.ParamAt, nil,
		&compare.Criteria{Floor: r.Comparison.Criteria.Floor, Tol: 1e-7})
	c, outcome := confirm(&r.Backprop, Settings{Method: numgrad.Central, Step: 6e-6, Criteria: compare.Criteria{Tol: 1e-7}}, func(m numgrad.Method, h, tol float64) *compare.Result {
		numeric, kink := numericGradient(p, θ, m, h, false, nil)
		return compare.Gradients(r.Analytic, numeric, p.Net.ParamAt, kink,
			&compare.Criteria{Floor: NoiseFloor(r.Value, m, h), Tol: tol})
	})
	assert.Equal(t, Disagree, outcome)
	assert.Equal(t, Mistake, c.Cause)
	assert.Nil(t, c.Agreed)
	assert.InDelta(t, 0.8, c.Complex.Comparison.MaxRel, 1e-6, "|5g − g| / |5g|")
}

func TestNonFiniteCostIsRefused(t *testing.T) {
	p, err := problem.Random(problem.Spec{Convention: derive.Row, Sizes: []int{10000, 1}, Batch: 3,
		Acts: []derive.Activation{derive.Sigmoid}, Cost: derive.CrossEntropy, Reduction: derive.Mean, Init: derive.Normal, Seed: 1})
	require.NoError(t, err)
	c := p.Net.Loss(p.X, p.Y)
	require.True(t, math.IsInf(c, 1) || math.IsNaN(c), "σ(z) = 1 exactly for |z| ≳ 37: ln(1 − a) = −∞")
	_, err = CheckBackprop(p, nil)
	var nf *ErrNonFinite
	require.True(t, errors.As(err, &nf), "%v", err)
	assert.Contains(t, err.Error(), "no gradient can be compared")
}

func TestSettingsAreValidated(t *testing.T) {
	p := smallProblem(t)
	for _, s := range []Settings{
		{Step: -1}, {Step: math.NaN()}, {Step: math.Inf(1)}, {Step: 1e300},
		{Criteria: compare.Criteria{Tol: -1}}, {Criteria: compare.Criteria{Tol: math.NaN()}}, {Criteria: compare.Criteria{Tol: 2}},
		{Criteria: compare.Criteria{Floor: math.Inf(1)}}, {Criteria: compare.Criteria{Worst: -5}},
	} {
		_, err := CheckBackprop(p, &s)
		assert.Error(t, err, "%+v", s)
	}
	// The settings of one kind of check given to the other: Generic with
	// Directions (CheckGradient could honour neither), Generic to
	// CheckDirections, a negative count of directions.
	var se *SettingsError
	_, err := CheckBackprop(p, &Settings{Generic: true, Directions: 4})
	require.True(t, errors.As(err, &se), "%v", err)
	assert.Equal(t, "generic", se.Field)
	_, err = CheckDirections(p, &Settings{Generic: true})
	require.True(t, errors.As(err, &se), "%v", err)
	assert.Equal(t, "generic", se.Field)
	_, err = CheckDirections(p, &Settings{Directions: -1})
	require.True(t, errors.As(err, &se), "%v", err)
	assert.Equal(t, "directions", se.Field)
}

// TestDirectionalStepTooLarge: a directional check at a step far too large
// is confirmed over the ladder, not called a mistake.
func TestDirectionalStepTooLarge(t *testing.T) {
	r, err := CheckDirections(smallProblem(t), &Settings{Step: 0.9, Directions: 6, Seed: 3})
	require.NoError(t, err)
	assert.False(t, r.Comparison.Pass)
	require.NotNil(t, r.Confirmation)
	assert.Equal(t, StepTooLarge, r.Confirmation.Cause)
	assert.Equal(t, Agree, r.Outcome)
	assert.Len(t, r.Directions, 6, "the report keeps the directions at the chosen step")
}

// A directional check without a given step raises it for large networks,
// where a random unit direction sees ∇C shrunk by about √(2/(πP)): the
// book's [784, 30, 10] on dense inputs passes at once, with no confirmation
// ladder, at a step above the default and says why; the 4-3-2 net keeps
// the default, and so does a given step. The step's arithmetic by hand:
// ‖∇C‖ = 1, C = 1, a million parameters: the typical derivative is
// √(2/π)/1000 = 7.98e-4; the default's floor/tol is 10ε/6e-6/1e-7 = 3.7e-3,
// tenfold it is 3.7e-4, so h = 6e-5 (twice 3.7e-4 is under 7.98e-4).
func TestDirectionalStepChosen(t *testing.T) {
	book, err := problem.Random(problem.Spec{Convention: derive.Row, Sizes: []int{784, 30, 10}, Batch: 10,
		Acts: []derive.Activation{derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean, Init: derive.Normal, Seed: 1})
	require.NoError(t, err)
	r, err := CheckDirections(book, &Settings{Directions: 8, Seed: 1})
	require.NoError(t, err)
	assert.Greater(t, r.Step, numgrad.Central.DefaultStep())
	assert.LessOrEqual(t, r.Step, 100*numgrad.Central.DefaultStep())
	assert.Nil(t, r.Confirmation, "no ladder needed")
	assert.True(t, r.Comparison.Pass)
	require.NotNil(t, r.Raised)
	assert.Equal(t, 6e-6, r.Raised.Default)

	small, err := CheckDirections(smallProblem(t), &Settings{Directions: 8, Seed: 1})
	require.NoError(t, err)
	assert.Equal(t, numgrad.Central.DefaultStep(), small.Step)
	assert.Nil(t, small.Raised)

	given, err := CheckDirections(book, &Settings{Directions: 8, Seed: 1, Step: 6e-6})
	require.NoError(t, err)
	assert.Equal(t, 6e-6, given.Step)
	assert.Nil(t, given.Raised)

	h, raised := directionalStep(numgrad.Central, 1, 1, 1_000_000, 1e-7)
	assert.Equal(t, 6e-5, h)
	require.NotNil(t, raised)
	assert.InDelta(t, 0.0008, raised.Typical, 0.00005, "‖∇C‖·√(2/(πP)) = √(2/π)/1000")
	h, _ = directionalStep(numgrad.FivePoint, 1, 1, 1_000_000, 1e-9)
	assert.Equal(t, numgrad.FivePoint.DefaultStep(), h, "other methods keep their steps")
}

// TestConfirmWording: the confirmation speaks only of comparisons that
// judged something. A difference that stays is the least over the steps
// that resolved an entry, not 0 from a comparison that resolved none; and
// one step alone, the only one to resolve anything, is no evidence of a
// mistake.
func TestConfirmWording(t *testing.T) {
	analytic := []float64{1e-3, -2e-3, 5e-4}
	param := func(i int) derive.Param { return derive.Param{Layer: 1, Name: "W", Col: i} }
	off := func(rel float64) []float64 {
		out := make([]float64, len(analytic))
		for i, a := range analytic {
			out[i] = a * (1 + rel)
		}
		return out
	}
	unresolved := func() *compare.Result { // everything under a floor of 1
		return compare.Gradients(analytic, off(1e-6), param, nil, &compare.Criteria{Floor: 1, Tol: 1e-7})
	}
	resolved := func(rel float64) *compare.Result {
		return compare.Gradients(analytic, off(rel), param, nil, &compare.Criteria{Floor: 1e-15, Tol: 1e-7})
	}
	r := &Backprop{Comparison: unresolved(), Value: 1}
	set := Settings{Method: numgrad.Central, Step: numgrad.Central.DefaultStep(), Criteria: compare.Criteria{Tol: 1e-7}}

	c, out := confirm(r, set, func(m numgrad.Method, h, tol float64) *compare.Result {
		if m == numgrad.ComplexStep {
			return unresolved()
		}
		return resolved(3e-6)
	})
	assert.Equal(t, CannotTell, out)
	assert.Equal(t, SmallPersistent, c.Cause)
	// The least difference is the ladder's, not the 0 of the comparison
	// that judged nothing.
	assert.InDelta(t, 3e-6, c.Least, 5e-10, "3e-06 to the three digits the words print")

	c, out = confirm(r, set, func(m numgrad.Method, h, tol float64) *compare.Result {
		if m != numgrad.ComplexStep && h >= 0.005 {
			return resolved(0.5) // the largest step: truncation
		}
		return unresolved()
	})
	assert.Equal(t, CannotTell, out)
	assert.Equal(t, Unresolved, c.Cause)
	assert.Equal(t, []float64{0.006}, c.Resolving, "only the step h = 0.006 resolves any entry")
}
