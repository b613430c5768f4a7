package formula

import (
	"cmp"
	"fmt"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadCost places a pasted cost line by its value: each row of
// derive's cost table, written as numpy writes it (the formulas here,
// not derive's), under the sum and the mean, is read as that row alone;
// a line that is no cost, and one whose value two rows share, are not.
func TestReadCost(t *testing.T) {
	type tc struct {
		name  string
		cost  derive.Cost
		acts  string
		line  string
		want  []CostRead
		batch int     // 5 unless given
		l2    float64 // λ, none unless given
	}
	q, s, ce, ll := derive.Quadratic, derive.SumSquares, derive.CrossEntropy, derive.LogLikelihood
	cases := []tc{
		{"quadratic sum", q, "sigmoid", "cost = 0.5 * np.sum(np.power(A2 - Y, 2))", []CostRead{{q, derive.Sum}}, 0, 0},
		{"quadratic mean", q, "sigmoid", "cost = 0.5 * np.sum(np.power(A2 - Y, 2)) / m", []CostRead{{q, derive.Mean}}, 0, 0},
		{"sum-squares sum", s, "sigmoid", "cost = np.sum(np.power(A2 - Y, 2))", []CostRead{{s, derive.Sum}}, 0, 0},
		{"sum-squares mean", s, "sigmoid", "cost = np.sum(np.power(A2 - Y, 2)) / m", []CostRead{{s, derive.Mean}}, 0, 0},
		{"cross-entropy sum", ce, "sigmoid", "cost = -np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))", []CostRead{{ce, derive.Sum}}, 0, 0},
		{"cross-entropy mean", ce, "sigmoid", "cost = -np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m", []CostRead{{ce, derive.Mean}}, 0, 0},
		{"log-likelihood sum", ll, "sigmoid,softmax", "loss = -np.sum(Y * np.log(A2))", []CostRead{{ll, derive.Sum}}, 0, 0},
		{"log-likelihood mean", ll, "sigmoid,softmax", "loss = -np.sum(Y * np.log(A2)) / m", []CostRead{{ll, derive.Mean}}, 0, 0},
		{"no cost", ce, "sigmoid", "cost = np.sum(A2 - Y) / m", nil, 0, 0},
		// with two examples, ½ Σ‖a−y‖² is ‖a−y‖² averaged: two rows
		{"ambiguous", q, "sigmoid", "cost = 0.5 * np.sum(np.power(A2 - Y, 2))", []CostRead{{q, derive.Sum}, {s, derive.Mean}}, 2, 0},
		// Ng's compute_cost_with_regularization: the problem's λ term
		{"cross-entropy mean with L2", ce, "sigmoid", "cost = -np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m + lambd / (2 * m) * (np.sum(np.square(W1)) + np.sum(np.square(W2)))", []CostRead{{ce, derive.Mean}}, 0, 0.7},
		{"L2 term without λ in the problem", ce, "sigmoid", "cost = -np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m + 0.7 / (2 * m) * (np.sum(np.square(W1)) + np.sum(np.square(W2)))", nil, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			acts, err := derive.ParseActs(c.acts)
			require.NoError(t, err)
			p, err := problem.Random(problem.Spec{Convention: derive.Column, Sizes: []int{3, 4, 3}, Batch: cmp.Or(c.batch, 5), Acts: acts, Cost: c.cost, Seed: 7, L2: derive.L2{Lambda: c.l2}})
			require.NoError(t, err)
			prog, err := Parse(fmt.Sprintf("Z1 = W1 @ X + b1\nA1 = sigmoid(Z1)\n%s\ndZ2 = A2 - Y\n", c.line))
			require.NoError(t, err)
			reads, line, evaluated := prog.ReadCost(p.Net, p.X, p.Y, 0)
			assert.True(t, evaluated)
			assert.Equal(t, 3, line)
			assert.Equal(t, c.want, reads)
		})
	}
}
