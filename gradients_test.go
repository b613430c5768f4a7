package backproof

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shapes are the networks every case runs on: no two widths equal, and the
// batch (7) equal to none of them, so a transposed or misplaced dimension
// cannot line up by accident.
var shapes = [][]int{{3, 5, 4}, {6, 5, 4, 2}}

const batch = 7

// outputFor is the output activation each cost is tested with: the
// activation under test for the squared costs, and the pairing the cost is
// defined for otherwise.
func outputFor(act derive.Activation, cost derive.Cost) derive.Activation {
	switch cost {
	case derive.CrossEntropy:
		return derive.Sigmoid
	case derive.LogLikelihood:
		return derive.Softmax
	}
	return act
}

// TestGradients is the whole matrix: every convention × activation × cost ×
// reduction × shape, the analytic gradient (derive) against central
// differences (numgrad, on gonum's fd), every weight and every bias.
func TestGradients(t *testing.T) {
	for _, conv := range derive.Conventions {
		for _, act := range derive.Activations {
			for _, cost := range derive.Costs {
				for _, red := range derive.Reductions {
					for _, sizes := range shapes {
						name := fmt.Sprintf("%v/%v/%v/%v/%s", conv, act, cost, red, strings.Trim(strings.ReplaceAll(fmt.Sprint(sizes), " ", "-"), "[]"))
						t.Run(name, func(t *testing.T) {
							hidden := act
							if act == derive.Softmax {
								hidden = derive.Sigmoid // softmax lives on the output layer only
							}
							acts := make([]derive.Activation, len(sizes)-1)
							for i := range acts {
								acts[i] = hidden
							}
							acts[len(acts)-1] = outputFor(act, cost)
							p, err := problem.Random(problem.Spec{Convention: conv, Sizes: sizes, Batch: batch, Acts: acts,
								Cost: cost, Reduction: red, Init: derive.NormalScaled, Seed: 42})
							require.NoError(t, err)
							r, err := CheckBackprop(p, nil)
							require.NoError(t, err)
							c := r.Comparison
							// Entries under the noise floor agree by definition; the
							// relative error of the well-scaled ones shows how close
							// the rest are.
							var scaled float64
							for _, e := range c.Entries() {
								if !e.Kink && math.Abs(e.Numeric) >= 1e-3 {
									scaled = max(scaled, e.RelErr)
								}
							}
							t.Logf("max rel error %.3g; max abs error %.3g (floor %.3g); max rel error of entries ≥ 1e-3: %.3g; %d kinks",
								c.MaxRel, c.MaxAbs, c.Criteria.Floor, scaled, c.Kinks)
							require.Len(t, r.Analytic, p.Net.NumParams(), "every weight and every bias")
							assert.True(t, c.Pass, "max rel error %.3g at %v", c.MaxRel, c.Worst[0].Param)
							assert.LessOrEqual(t, c.MaxRel, 1e-7)
						})
					}
				}
			}
		}
	}
}

func TestCheckLeavesProblemUntouched(t *testing.T) {
	p, err := problem.Random(problem.Spec{Convention: derive.Row, Sizes: []int{4, 3, 2}, Batch: 5,
		Acts: []derive.Activation{derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean, Seed: 1})
	require.NoError(t, err)
	before, _ := json.Marshal(p)
	_, err = CheckBackprop(p, nil)
	require.NoError(t, err)
	after, _ := json.Marshal(p)
	require.JSONEq(t, string(before), string(after))
}

// TestCheckFindsAWrongGradient plants the thread's missing 1/m: the
// gradient of the summed cost set against finite differences of the mean.
func TestCheckFindsAWrongGradient(t *testing.T) {
	spec := problem.Spec{Convention: derive.Row, Sizes: []int{4, 3, 2}, Batch: 5,
		Acts: []derive.Activation{derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean, Seed: 1}
	p, err := problem.Random(spec)
	require.NoError(t, err)
	r, err := CheckBackprop(p, nil)
	require.NoError(t, err)
	require.True(t, r.Pass())
	spec.Reduction = derive.Sum
	summed, err := problem.Random(spec)
	require.NoError(t, err)
	wrong := summed.Net.Backprop(summed.X, summed.Y).Grad(nil)
	c := compare.Gradients(wrong, r.Numeric, p.Net.ParamAt, nil, nil)
	assert.False(t, c.Pass)
	assert.Equal(t, compare.Wrong, c.Band)
	assert.InDelta(t, 0.8, c.MaxRel, 1e-7, "m·g against g: |5g−g|/|5g| = 4/5")
}
