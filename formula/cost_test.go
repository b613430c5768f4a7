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

// TestCostNoteAccuracy: an accuracy as courses write it (an argmax
// compared with ==) is evaluated and passed over, never a cost line, nor
// the line said not to be placed: that is the loss line, when it is no
// cost's on every problem (nnfs's mean of −log of the right class's
// probability, the log-likelihood on one-hot targets only), and with no
// loss line nothing is said.
func TestCostNoteAccuracy(t *testing.T) {
	draw := problem.Drawer(func(c derive.Cost) (problem.Spec, error) {
		return problem.Spec{Convention: derive.Row, Sizes: []int{4, 3, 3}, Batch: 6,
			Acts: []derive.Activation{derive.ReLU, derive.Softmax}, Cost: c, Init: derive.NormalScaled, Seed: 3}, nil
	})
	const fwd = "Z1 = X @ W1 + b1\nA1 = np.maximum(0, Z1)\nZ2 = A1 @ W2 + b2\nA2 = softmax(Z2, 1)\n"
	const acc = "predictions = np.argmax(A2, axis=1)\naccuracy = np.mean(predictions == np.argmax(Y, 1))\nwrong = int(np.sum(predictions != Y.argmax(1)))\n"
	for _, c := range []struct {
		name, lines string
		cost        derive.Cost
		red         derive.Reduction
		note        string
	}{
		{"loss then accuracy", "loss = -np.sum(Y * np.log(A2)) / m\n" + acc, derive.LogLikelihood, derive.Mean, "cost read from your forward pass: log-likelihood, mean (line 5)"},
		{"accuracy then loss", acc + "loss = -np.sum(Y * np.log(A2))\n", derive.LogLikelihood, derive.Sum, "cost read from your forward pass: log-likelihood, sum (line 8)"},
		{"loss no cost's, then accuracy", "loss = np.mean(-np.log(np.sum(A2 * Y, axis=1)))\n" + acc, derive.Quadratic, derive.Mean, "the cost on line 5 of your forward pass could not be placed"},
		{"accuracy alone", acc, derive.Quadratic, derive.Mean, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			prog, err := Parse(fwd + c.lines + "dZ2 = (A2 - Y) / m\n")
			require.NoError(t, err)
			cost, red, note := prog.CostNote(derive.Quadratic, derive.Mean, false, false, 0, draw)
			assert.Equal(t, c.cost, cost)
			assert.Equal(t, c.red, red)
			if c.note == "" {
				assert.Empty(t, note)
			} else {
				assert.Contains(t, note, c.note)
			}
		})
	}
}
