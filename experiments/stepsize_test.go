package experiments

import (
	"fmt"
	"math"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/numgrad"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func stepProblem(t *testing.T) *problem.Problem {
	p, err := problem.Random(problem.Spec{Convention: derive.Row, Sizes: []int{6, 5, 4}, Batch: 7,
		Acts: []derive.Activation{derive.Tanh, derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean,
		Init: derive.NormalScaled, Seed: 1})
	require.NoError(t, err)
	return p
}

// TestStepCurves checks the shape the figure is drawn to show: each real
// difference is a V with its bottom within a decade and a half of the
// method's best step ε^(1/(p+1)), and the complex step stays at rounding
// level for every h ≤ 1e-7, down to 1e-20 (at 1e-6 its truncation
// error h²|f‴/6f′| is still 5e-12 on this problem).
func TestStepCurves(t *testing.T) {
	curves := StepCurves(stepProblem(t))
	require.Len(t, curves, len(numgrad.Methods))
	best := map[numgrad.Method]float64{numgrad.Central: 6e-6, numgrad.Forward: 1.5e-8, numgrad.Backward: 1.5e-8,
		numgrad.FivePoint: 7e-4, numgrad.Richardson: 1.5e-3}
	for _, c := range curves {
		lo := 0
		for k := range c.Errors {
			if c.Errors[k] < c.Errors[lo] {
				lo = k
			}
		}
		t.Logf("%-12v best h %.1e, error %.1e; at the default step %.1e", c.Method, c.Steps[lo], c.Errors[lo], c.DefaultError)
		if c.Method == numgrad.ComplexStep {
			for k, h := range c.Steps {
				if h <= 1e-7 {
					assert.LessOrEqual(t, c.Errors[k], 1e-13, "complex step at h = %g", h)
				}
			}
			continue
		}
		assert.InDelta(t, math.Log10(best[c.Method]), math.Log10(c.Steps[lo]), 1.5, "%v: bottom of the V", c.Method)
		assert.Greater(t, c.Errors[0], 10*c.Errors[lo], "%v: truncation on the right", c.Method)
		assert.Greater(t, c.Errors[len(c.Errors)-1], 10*c.Errors[lo], "%v: rounding on the left", c.Method)
	}
}

// TestPlanStepsEstimate: the plan's cost, derived by hand for a [2,3,1]
// network with a batch of 4. One stencil point costs, per example, for
// an entry of layer 1: 1 (the move) + 10 (its activation) + 1 (W² times
// the move) + 10 (the output's activation) + 1 (the cost) = 23; of layer
// 2: 1 + 10 + 1 = 12. A sweep evaluates each entry at 32 steps (31 and
// the default) for the real methods, with 2 (central), 1 (forward), 1
// (backward), 4 (five-point) and 4 (Richardson: ±h and ±h/2) points, and
// at 40 steps for the complex step, counted as 4: 12·32 + 4·40 = 544.
// Layer 1 has 6 + 3 entries, layer 2 has 3 + 1.
func TestPlanStepsEstimate(t *testing.T) {
	p, err := problem.Random(problem.Spec{Convention: derive.Row, Sizes: []int{2, 3, 1}, Batch: 4, Seed: 3})
	require.NoError(t, err)
	plan := PlanSteps(p, 0)
	require.Equal(t, 13, plan.WellScaled, "every entry well scaled in this draw: the sums below assume it")
	assert.False(t, plan.Sampled())
	assert.Len(t, plan.Entries, 13)
	assert.Equal(t, 13*544, plan.Evaluations)
	assert.Equal(t, float64(4*544*(9*23+4*12)), plan.Work)
	assert.Contains(t, plan.String(), "all 13 well-scaled entries (of 13)")
}

// TestPlanStepsSample: a network too large to sweep whole is swept on a
// sample within the work limit, drawn from every W and b, of well-scaled
// entries only, the same sample each time.
func TestPlanStepsSample(t *testing.T) {
	p, err := problem.Random(problem.Spec{Convention: derive.Row, Sizes: []int{784, 100, 10}, Batch: 100, Seed: 1})
	require.NoError(t, err)
	plan := PlanSteps(p, 0)
	require.True(t, plan.Sampled())
	assert.LessOrEqual(t, plan.Work, StepWork)
	assert.Greater(t, plan.Work, StepWork/2, "the limit is used")
	analytic := p.Net.Backprop(p.X, p.Y).Grad(nil)
	var top float64
	for _, a := range analytic {
		top = math.Max(top, math.Abs(a))
	}
	// The arrays' bounds in the order of Params: W¹ 784·100, b¹ 100, W² 100·10, b² 10.
	bounds := []int{0, 78400, 78500, 79500, 79510}
	per := make([]int, 4)
	for k, i := range plan.Entries {
		if k > 0 {
			require.Less(t, plan.Entries[k-1], i, "increasing, no repeats")
		}
		assert.GreaterOrEqual(t, math.Abs(analytic[i]), WellScaled*top, "entry %d is well scaled", i)
		for a := range per {
			if i >= bounds[a] && i < bounds[a+1] {
				per[a]++
			}
		}
	}
	for a, n := range per {
		assert.Positive(t, n, "array %d is sampled", a)
	}
	assert.Equal(t, plan.Entries, PlanSteps(p, 0).Entries, "seeded: the same sample")
	assert.Contains(t, plan.String(), fmt.Sprintf("a seeded sample of %d of the %d well-scaled entries (of 79510)", len(plan.Entries), plan.WellScaled))
}

// TestStepCurvesOfSample: the curves of a sample are the largest errors
// over its entries, each at most the curve over every well-scaled entry
// (cross-entropy on a sigmoid output: both paths compute each entry with
// the same code, so the numbers are the same), and progress reaches its
// total.
func TestStepCurvesOfSample(t *testing.T) {
	p, err := problem.Random(problem.Spec{Convention: derive.Column, Sizes: []int{12, 9, 5}, Batch: 6,
		Acts: []derive.Activation{derive.Tanh, derive.Sigmoid}, Cost: derive.CrossEntropy, Init: derive.NormalScaled, Seed: 2})
	require.NoError(t, err)
	whole := PlanSteps(p, 0)
	require.False(t, whole.Sampled())
	sample := PlanSteps(p, whole.Work/5)
	require.True(t, sample.Sampled())
	var last, total int
	all := StepCurvesOf(p, whole, nil)
	part := StepCurvesOf(p, sample, func(done, tot int) { last, total = max(last, done), tot })
	assert.Equal(t, total, last, "progress ends at its total")
	assert.Equal(t, len(sample.Entries)*(6*32+8), total)
	below := 0
	for m := range all {
		require.Equal(t, all[m].Steps, part[m].Steps)
		for k := range all[m].Errors {
			assert.LessOrEqual(t, part[m].Errors[k], all[m].Errors[k], "%v at h = %g", all[m].Method, all[m].Steps[k])
			if part[m].Errors[k] < all[m].Errors[k] {
				below++
			}
		}
	}
	assert.Positive(t, below, "the sample misses some worst entries: it is a sample")
}
