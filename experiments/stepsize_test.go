package experiments

import (
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
