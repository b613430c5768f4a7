package experiments

import (
	"fmt"
	"math"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
	"gonum.org/v1/gonum/mat"
)

// Layouts is one network's gradient computed in each of the three
// conventions (row, column, per-example) from the same numbers.
type Layouts struct {
	Problem *problem.Problem // the problem in the row convention
	// Shapes[c][ℓ−1] is the shape of ∂C/∂W^ℓ in convention derive.Conventions[c].
	Shapes [][]string
	// Pairs names the compared pairs, "row vs column" …, and MaxDiff[k][ℓ−1]
	// is the largest |difference| between pair k's ∂C/∂W^ℓ, the row one
	// transposed into the column layout (0 when they agree to the bit).
	Pairs   []string
	MaxDiff [][]float64
	// BiasDiff[k] is the same for all the biases together.
	BiasDiff []float64
}

// LayoutsSpec is the problem of the conventions figure: the thread's
// [784, 30, 10] shape scaled down to [8, 5, 3], sigmoid, quadratic cost
// averaged over a batch of 4.
var LayoutsSpec = problem.Spec{Sizes: []int{8, 5, 3}, Batch: 4, Acts: []derive.Activation{derive.Sigmoid},
	Cost: derive.Quadratic, Reduction: derive.Mean, Init: derive.Normal, Seed: 1}

// RunLayouts draws the problem of spec in every convention (one seed draws
// the same numbers in each) and compares the three gradients pairwise.
func RunLayouts(spec problem.Spec) (*Layouts, error) {
	row, traces, err := layoutTraces(spec)
	if err != nil {
		return nil, err
	}
	out := &Layouts{Problem: row}
	for _, t := range traces {
		var shapes []string
		for ℓ := 1; ℓ < len(t.DW); ℓ++ {
			r, k := t.DW[ℓ].Dims()
			shapes = append(shapes, fmt.Sprintf("%d×%d", r, k))
		}
		out.Shapes = append(out.Shapes, shapes)
	}
	inColumns := func(c derive.Convention, m *mat.Dense) *mat.Dense {
		if c.ColumnLayout() {
			return m
		}
		return mat.DenseCopyOf(m.T())
	}
	for i := range derive.Conventions {
		for j := i + 1; j < len(derive.Conventions); j++ {
			ci, cj := derive.Conventions[i], derive.Conventions[j]
			out.Pairs = append(out.Pairs, fmt.Sprintf("%v vs %v", ci, cj))
			var diffs []float64
			var bias float64
			for ℓ := 1; ℓ < len(traces[i].DW); ℓ++ {
				var d mat.Dense
				d.Sub(inColumns(ci, traces[i].DW[ℓ]), inColumns(cj, traces[j].DW[ℓ]))
				diffs = append(diffs, maxAbs(d.RawMatrix().Data))
				for k := range traces[i].DB[ℓ] {
					bias = math.Max(bias, math.Abs(traces[i].DB[ℓ][k]-traces[j].DB[ℓ][k]))
				}
			}
			out.MaxDiff = append(out.MaxDiff, diffs)
			out.BiasDiff = append(out.BiasDiff, bias)
		}
	}
	return out, nil
}

func maxAbs(v []float64) float64 {
	var m float64
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}
