package backproof

import (
	"fmt"
	"math"
	"testing"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/numgrad"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func randomProblem(t testing.TB, conv derive.Convention, sizes []int, acts []derive.Activation, cost derive.Cost, red derive.Reduction, seed uint64) *problem.Problem {
	t.Helper()
	p, err := problem.Random(problem.Spec{Convention: conv, Sizes: sizes, Batch: batch, Acts: acts,
		Cost: cost, Reduction: red, Init: derive.NormalScaled, Seed: seed})
	require.NoError(t, err)
	return p
}

// fastVsGeneric is how far the two paths may differ: 16 ε·max(1,|C|)·Σ|c_p|/h
// (see fastTol in numgrad's tests: the same stencil, rounded differently;
// Σ|c_p|/h is at most 3/h, Richardson's),
// and for the complex step, which subtracts nothing, 64 ε·max|g| (see
// complexFloor there).
func fastVsGeneric(m numgrad.Method, h, cost, gmax float64) float64 {
	const eps = 0x1p-52
	if m == numgrad.ComplexStep {
		return 64 * eps * gmax
	}
	return 16 * eps * math.Max(1, math.Abs(cost)) * 3 / h
}

// TestCheckFastMatchesGeneric runs CheckBackprop by both paths on every method and
// on relu networks with a step large enough to cross kinks: the numbers
// agree to rounding, and the entries flagged as kinks are the same.
func TestCheckFastMatchesGeneric(t *testing.T) {
	for _, conv := range derive.Conventions {
		for _, act := range []derive.Activation{derive.Sigmoid, derive.ReLU, derive.LeakyReLU} {
			for _, m := range numgrad.Methods {
				name := fmt.Sprintf("%v/%v/%v", conv, act, m)
				t.Run(name, func(t *testing.T) {
					p := randomProblem(t, conv, []int{4, 6, 5, 3}, []derive.Activation{act, act, derive.Sigmoid},
						derive.CrossEntropy, derive.Mean, 5)
					step := 0.0
					if act.Kinked() && m != numgrad.ComplexStep {
						step = 0.05 // cross some kinks
					}
					fast, err := CheckBackprop(p, &Settings{Method: m, Step: step})
					require.NoError(t, err)
					generic, err := CheckBackprop(p, &Settings{Method: m, Step: step, Generic: true})
					require.NoError(t, err)
					assert.True(t, generic.Generic)
					var gmax float64
					for _, g := range fast.Analytic {
						gmax = math.Max(gmax, math.Abs(g))
					}
					tol := fastVsGeneric(m, fast.Step, fast.Value, gmax)
					for i := range fast.Numeric {
						assert.InDelta(t, generic.Numeric[i], fast.Numeric[i], tol, "entry %v", p.Net.ParamAt(i))
						assert.Equal(t, generic.Comparison.Entries()[i].Kink, fast.Comparison.Entries()[i].Kink, "kink at %v", p.Net.ParamAt(i))
					}
					if step != 0 {
						assert.Positive(t, fast.Comparison.Kinks, "the step crosses kinks")
					}
				})
			}
		}
	}
}

// TestCheckComplexStep checks every convention, smooth activation, cost and
// reduction by the complex step through backproof.CheckBackprop: it passes at its
// default tolerance, and every entry above the noise floor (100 ε·|C|) is
// within 1e-13 of the analytic gradient. The largest relative error
// measured among entries at least 1e-3 of the largest was 5.1e-14.
func TestCheckComplexStep(t *testing.T) {
	var worst float64
	for _, conv := range derive.Conventions {
		for _, act := range []derive.Activation{derive.Sigmoid, derive.Tanh, derive.Softplus, derive.Identity} {
			for _, cost := range derive.Costs {
				for _, red := range derive.Reductions {
					acts := []derive.Activation{act, outputFor(act, cost)}
					p := randomProblem(t, conv, []int{3, 5, 4}, acts, cost, red, 7)
					r, err := CheckBackprop(p, &Settings{Method: numgrad.ComplexStep})
					require.NoError(t, err)
					c := r.Comparison
					assert.True(t, c.Pass, "%v %v %v %v: max rel error %.3g", conv, act, cost, red, c.MaxRel)
					assert.LessOrEqual(t, c.MaxRel, 1e-13, "%v %v %v %v", conv, act, cost, red)
					var top float64
					for _, e := range c.Entries() {
						top = math.Max(top, math.Abs(e.Analytic))
					}
					for _, e := range c.Entries() {
						if math.Abs(e.Analytic) >= 1e-3*top {
							worst = math.Max(worst, e.RelErr)
						}
					}
				}
			}
		}
	}
	t.Logf("largest relative error of entries ≥ 1e-3 of the largest: %.2g", worst)
	assert.LessOrEqual(t, worst, 1e-13)
}

// TestCheckComplexStepKink puts a relu pre-activation exactly at 0 (an
// all-zero example and a zero bias): by both paths, the complex step's
// kink test flags the one entry whose step reaches it, b¹[2], and the check
// passes, the complex step taking Prime's left derivative there.
// (compare.Gradients marks an entry as a kink only when the numbers also
// disagree above the floor, which here they do not.)
func TestCheckComplexStepKink(t *testing.T) {
	p := randomProblem(t, derive.Column, []int{3, 4, 2}, []derive.Activation{derive.ReLU, derive.Sigmoid},
		derive.Quadratic, derive.Mean, 2)
	for k := 0; k < 3; k++ {
		p.X.Set(k, 0, 0)
	}
	p.Net.Layers[0].B[2] = 0
	θ := p.Net.Params(nil)
	for _, generic := range []bool{false, true} {
		_, kink := numericGradient(p, θ, numgrad.ComplexStep, 1e-20, generic, nil)
		require.NotNil(t, kink)
		var kinks []string
		for i := range θ {
			if kink(i) {
				kinks = append(kinks, p.Net.ParamAt(i).String())
			}
		}
		assert.Equal(t, []string{"b1[2]"}, kinks, "generic %v", generic)
		r, err := CheckBackprop(p, &Settings{Method: numgrad.ComplexStep, Generic: generic})
		require.NoError(t, err)
		assert.True(t, r.Pass())
	}
}

// TestDirectionalCheck checks the directional mode: it passes on right
// gradients in every convention, its analytic values are vᵀ∇C for the
// directions drawn from the seed, and it fails the thread's missing 1/m.
func TestDirectionalCheck(t *testing.T) {
	for _, conv := range derive.Conventions {
		for _, m := range []numgrad.Method{numgrad.Central, numgrad.FivePoint, numgrad.ComplexStep} {
			p := randomProblem(t, conv, []int{6, 5, 4, 2}, []derive.Activation{derive.Tanh}, derive.Quadratic, derive.Mean, 3)
			r, err := CheckDirections(p, &Settings{Method: m, Directions: 6, Seed: 9})
			require.NoError(t, err)
			require.Len(t, r.Directions, 6)
			assert.True(t, r.Pass(), "%v %v: max rel error %.3g", conv, m, r.Comparison.MaxRel)
			for _, d := range r.Directions {
				// The derivative along a unit v is of the size of ∇C/√N,
				// here about 1e-2; every method resolves it far better
				// than its tolerance.
				assert.LessOrEqual(t, d.AbsErr, 1e-9, "%v %v", conv, m)
				assert.NotZero(t, d.Analytic)
			}
			again, err := CheckDirections(p, &Settings{Method: m, Directions: 6, Seed: 9})
			require.NoError(t, err)
			assert.Equal(t, r.Directions[0].Analytic, again.Directions[0].Analytic, "seeded")
		}
	}
	spec := problem.Spec{Convention: derive.Row, Sizes: []int{4, 3, 2}, Batch: 5, Acts: []derive.Activation{derive.Sigmoid},
		Cost: derive.Quadratic, Reduction: derive.Mean, Seed: 1}
	mean, err := problem.Random(spec)
	require.NoError(t, err)
	spec.Reduction = derive.Sum
	sum, err := problem.Random(spec)
	require.NoError(t, err)
	rm, err := CheckDirections(mean, &Settings{Directions: 4, Seed: 2})
	require.NoError(t, err)
	rs, err := CheckDirections(sum, &Settings{Directions: 4, Seed: 2})
	require.NoError(t, err)
	var wrong, numeric []float64
	for k := range rm.Directions {
		wrong = append(wrong, rs.Directions[k].Analytic) // the gradient of the summed cost
		numeric = append(numeric, rm.Directions[k].Numeric)
	}
	c := compare.Gradients(wrong, numeric, func(k int) derive.Param { return derive.Param{Name: "v", Row: k} }, nil, nil)
	assert.False(t, c.Pass)
	assert.InDelta(t, 0.8, c.MaxRel, 1e-6, "m·vᵀg against vᵀg: 4/5 along every direction")
}

// TestDirectionalKinks crosses relu kinks along some directions with a
// large step, and checks that exactly those are flagged: the kinked
// directions are the ones whose error is large.
func TestDirectionalKinks(t *testing.T) {
	p := randomProblem(t, derive.Row, []int{4, 8}, []derive.Activation{derive.ReLU}, derive.Quadratic, derive.Sum, 4)
	r, err := CheckDirections(p, &Settings{Directions: 16, Step: 0.3, Seed: 1})
	require.NoError(t, err)
	var kinked int
	for _, d := range r.Directions {
		if d.Kink {
			kinked++
		} else {
			// One layer: z is linear along v, relu(z) piecewise linear,
			// ½‖a−y‖² piecewise quadratic, so off the kinks the central
			// difference is exact to rounding even at h = 0.3.
			assert.LessOrEqual(t, d.AbsErr, 1e-12)
		}
	}
	assert.Positive(t, kinked)
	assert.Equal(t, kinked, r.Comparison.Kinks)
}

func TestCheckBadSettings(t *testing.T) {
	p := randomProblem(t, derive.Row, []int{2, 2}, []derive.Activation{derive.Sigmoid}, derive.Quadratic, derive.Mean, 1)
	_, err := CheckBackprop(p, &Settings{Method: 42})
	assert.ErrorContains(t, err, "unknown")
	_, err = CheckBackprop(p, &Settings{Step: -1})
	assert.ErrorContains(t, err, "step")
}
