package formula

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomProblem is a problem with distinct dimensions (m = 5, n = 4, 3, 2)
// so that every shape mistake shows.
func randomProblem(t testing.TB, c derive.Convention, batch int, out derive.Activation, cost derive.Cost, red derive.Reduction) *problem.Problem {
	t.Helper()
	p, err := problem.Random(problem.Spec{Convention: c, Sizes: []int{4, 3, 2}, Batch: batch,
		Acts: []derive.Activation{derive.Sigmoid, out}, Cost: cost, Reduction: red, Init: derive.NormalScaled, Seed: 3})
	require.NoError(t, err)
	return p
}

func checkText(t testing.TB, src string, p *problem.Problem) *Result {
	t.Helper()
	prog, err := Parse(src)
	require.NoError(t, err, src)
	rep, err := Check(prog, p.Net, p.X, p.Y)
	require.NoError(t, err, src)
	return rep
}

// std is each convention's standard form of a line: the derivation that
// must pass (two sigmoid layers, quadratic cost, mean reduction; the
// per-example form is Nielsen's BP1–BP4 and carries no 1/m).
func std(c derive.Convention, name string) string {
	row, per := c == derive.Row, c == derive.PerExample
	pick := func(r, col string) string {
		if row {
			return r
		}
		return col
	}
	switch name {
	case "dZ2":
		if per {
			return "(A2 - Y) * sigmoid'(Z2)"
		}
		return "(A2 - Y) * sigmoid'(Z2) / m"
	case "dW2":
		return pick("A1ᵀ @ dZ2", "dZ2 @ A1ᵀ")
	case "db2":
		if per {
			return "dZ2"
		}
		return pick("sum(dZ2, 0)", "sum(dZ2, 1)")
	case "dZ1":
		return pick("(dZ2 @ W2ᵀ) * sigmoid'(Z1)", "(W2ᵀ @ dZ2) * sigmoid'(Z1)")
	case "dW1":
		return pick("Xᵀ @ dZ1", "dZ1 @ Xᵀ")
	case "db1":
		if per {
			return "dZ1"
		}
		return pick("sum(dZ1, 0)", "sum(dZ1, 1)")
	}
	panic(name)
}

var lineNames = []string{"dZ2", "dW2", "db2", "dZ1", "dW1", "db1"}

// program writes the standard derivation with some lines replaced.
func program(c derive.Convention, edits map[string]string) string {
	var b strings.Builder
	for _, n := range lineNames {
		rhs, ok := edits[n]
		if !ok {
			rhs = std(c, n)
		}
		fmt.Fprintf(&b, "%s = %s\n", n, rhs)
	}
	for _, n := range sortedKeys(edits) {
		if !contains(lineNames, n) { // extra lines: helpers, dA
			fmt.Fprintf(&b, "%s = %s\n", n, edits[n])
		}
	}
	return b.String()
}

func sortedKeys(m map[string]string) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var (
	row, col, per = derive.Row, derive.Column, derive.PerExample
	allConv       = []derive.Convention{row, col, per}
	batchConv     = []derive.Convention{row, col}
)

// TestCatalogueInFormulas plants each mistake of compare's catalogue in
// formula text, in every convention where it can occur, and requires its
// codes on the lines it touches; every correct derivation passes with no
// code on any line.
func TestCatalogueInFormulas(t *testing.T) {
	sig, soft := derive.Sigmoid, derive.Softmax
	q, ss, ce, ll := derive.Quadratic, derive.SumSquares, derive.CrossEntropy, derive.LogLikelihood
	mean, sum := derive.Mean, derive.Sum
	// per convention: /m in the batch conventions only
	perM := func(c derive.Convention, s string) string {
		if c == per {
			return s
		}
		return "(" + s + ") / m"
	}
	unitAxis := func(c derive.Convention) string { return map[bool]string{true: "1", false: "0"}[c == row] }
	for _, tc := range []struct {
		name  string
		in    []derive.Convention
		out   derive.Activation
		cost  derive.Cost
		red   derive.Reduction
		edits func(c derive.Convention) map[string]string
		want  map[string][]compare.Code // line → codes; nil: the derivation is correct
	}{
		{"standard", allConv, sig, q, mean, func(derive.Convention) map[string]string { return nil }, nil},
		{"standard-sum", allConv, sig, q, sum, func(c derive.Convention) map[string]string {
			return map[string]string{"dZ2": "(A2 - Y) * sigmoid'(Z2)"}
		}, nil},
		{"unreduced-delta", batchConv, sig, q, mean, func(c derive.Convention) map[string]string {
			// δ without 1/m, divided in dW and db: the thread's own arrangement
			e := map[string]string{"dZ2": "(A2 - Y) ⊙ sigmoid'(Z2)"}
			for _, n := range []string{"dW2", "db2", "dW1", "db1"} {
				e[n] = std(c, n) + " / m"
			}
			return e
		}, nil},
		{"f-and-A(1-A)", allConv, sig, q, mean, func(c derive.Convention) map[string]string {
			return map[string]string{"dZ2": perM(c, "(A2 - Y) * A2 * (1 - A2)"), "dZ1": strings.Replace(std(c, "dZ1"), "sigmoid'(Z1)", "f'(Z1)", 1)}
		}, nil},
		{"cross-entropy-shortcut", allConv, sig, ce, mean, func(c derive.Convention) map[string]string {
			return map[string]string{"dZ2": perM(c, "A2 - Y")}
		}, nil},
		{"cross-entropy-long-way", allConv, sig, ce, mean, func(c derive.Convention) map[string]string {
			return map[string]string{"dA2": perM(c, "(A2 - Y) / (A2 * (1 - A2))"), "dZ2": perM(c, "(A2 - Y) / (A2 * (1 - A2))") + " * sigmoid'(Z2)"}
		}, nil},
		{"softmax-log-likelihood", allConv, soft, ll, mean, func(c derive.Convention) map[string]string {
			return map[string]string{"dZ2": perM(c, "A2 - Y")}
		}, nil},
		{"softmax-jacobian", allConv, soft, ll, mean, func(c derive.Convention) map[string]string {
			return map[string]string{"dZ2": perM(c, fmt.Sprintf("A2 * (-Y / A2 - sum(A2 * (-Y / A2), %s))", unitAxis(c)))}
		}, nil},

		{string(compare.MissingOneOverM), batchConv, sig, q, mean, func(c derive.Convention) map[string]string {
			return map[string]string{"dZ2": "(A2 - Y) * sigmoid'(Z2)"}
		}, map[string][]compare.Code{"dW2": {compare.MissingOneOverM}, "db2": {compare.MissingOneOverM}, "dW1": {compare.MissingOneOverM}, "db1": {compare.MissingOneOverM}}},
		{string(compare.ExtraOneOverM), allConv, sig, q, mean, func(c derive.Convention) map[string]string {
			return map[string]string{"dW2": std(c, "dW2") + " / m", "db2": std(c, "db2") + " / m"}
		}, map[string][]compare.Code{"dW2": {compare.ExtraOneOverM}, "db2": {compare.ExtraOneOverM}}},
		{"extra-1/m-sum-cost", batchConv, sig, q, sum, func(c derive.Convention) map[string]string {
			return map[string]string{"dZ2": "(A2 - Y) * sigmoid'(Z2)", "dW2": std(c, "dW2") + " / m"}
		}, map[string][]compare.Code{"dW2": {compare.ExtraOneOverM}}},
		{string(compare.MissingFactor2), allConv, sig, ss, mean, func(c derive.Convention) map[string]string {
			return nil // the quadratic cost's a − y used for the sum of squares
		}, map[string][]compare.Code{"dZ2": {compare.MissingFactor2}, "dW2": {compare.MissingFactor2}, "db2": {compare.MissingFactor2},
			"dZ1": {compare.MissingFactor2}, "dW1": {compare.MissingFactor2}, "db1": {compare.MissingFactor2}}},
		{string(compare.ExtraFactor2), allConv, sig, q, mean, func(c derive.Convention) map[string]string {
			return map[string]string{"dZ2": "2 * " + std(c, "dZ2")}
		}, map[string][]compare.Code{"dZ2": {compare.ExtraFactor2}, "dW2": {compare.ExtraFactor2}, "db2": {compare.ExtraFactor2}}},
		{string(compare.Sign), allConv, sig, q, mean, func(c derive.Convention) map[string]string {
			return map[string]string{"dZ2": strings.Replace(std(c, "dZ2"), "(A2 - Y)", "(Y - A2)", 1)}
		}, map[string][]compare.Code{"dZ2": {compare.Sign}, "dW2": {compare.Sign}, "db2": {compare.Sign}, "dW1": {compare.Sign}}},
		{string(compare.Transposed), allConv, sig, q, mean, func(c derive.Convention) map[string]string {
			if c == row {
				return map[string]string{"dW2": "dZ2ᵀ @ A1", "dW1": "dZ1.T @ X"}
			}
			return map[string]string{"dW2": "A1 @ dZ2ᵀ", "dW1": "X @ dZ1^T"}
		}, map[string][]compare.Code{"dW2": {compare.Transposed}, "dW1": {compare.Transposed}}},
		{"transposed+missing-1/m", batchConv, sig, q, mean, func(c derive.Convention) map[string]string {
			if c == row {
				return map[string]string{"dZ2": "(A2 - Y) * sigmoid'(Z2)", "dW2": "dZ2ᵀ @ A1"}
			}
			return map[string]string{"dZ2": "(A2 - Y) * sigmoid'(Z2)", "dW2": "A1 @ dZ2ᵀ"}
		}, map[string][]compare.Code{"dW2": {compare.MissingOneOverM, compare.Transposed}}},
		{string(compare.BiasNotSummed), batchConv, sig, q, mean, func(c derive.Convention) map[string]string {
			return map[string]string{"db2": "dZ2", "db1": "dZ1"}
		}, map[string][]compare.Code{"db2": {compare.BiasNotSummed}, "db1": {compare.BiasNotSummed}}},
		{string(compare.BiasWrongAxis), allConv, sig, q, mean, func(c derive.Convention) map[string]string {
			axis := map[derive.Convention]string{row: "1", col: "0", per: "0"}[c]
			return map[string]string{"db2": "sum(dZ2, " + axis + ")", "db1": "sum(dZ1, axis=" + axis + ")"}
		}, map[string][]compare.Code{"db2": {compare.BiasWrongAxis}, "db1": {compare.BiasWrongAxis}}},
		{string(compare.FprimeOfA), allConv, sig, q, mean, func(c derive.Convention) map[string]string {
			return map[string]string{"dZ2": strings.Replace(std(c, "dZ2"), "sigmoid'(Z2)", "sigmoid'(A2)", 1),
				"dZ1": strings.Replace(std(c, "dZ1"), "sigmoid'(Z1)", "f'(A1)", 1)}
		}, map[string][]compare.Code{"dZ2": {compare.FprimeOfA}, "dW2": {compare.FprimeOfA}, "db2": {compare.FprimeOfA}}},
		{"hidden-fprime-of-A", allConv, sig, q, mean, func(c derive.Convention) map[string]string {
			return map[string]string{"dZ1": strings.Replace(std(c, "dZ1"), "sigmoid'(Z1)", "σ′(A1)", 1)}
		}, map[string][]compare.Code{"dZ1": {compare.FprimeOfA}, "dW1": {compare.FprimeOfA}, "db1": {compare.FprimeOfA}}},
		{string(compare.MissingFprime), allConv, sig, q, mean, func(c derive.Convention) map[string]string {
			return map[string]string{"dZ2": perM(c, "A2 - Y")}
		}, map[string][]compare.Code{"dZ2": {compare.MissingFprime}, "dW2": {compare.MissingFprime}, "db2": {compare.MissingFprime}}},
		{string(compare.HadamardForSoftmax), allConv, soft, ll, mean, func(c derive.Convention) map[string]string {
			return map[string]string{"dA2": perM(c, "-Y / A2"), "dZ2": perM(c, "-Y / A2") + " * A2 * (1 - A2)"}
		}, map[string][]compare.Code{"dZ2": {compare.HadamardForSoftmax}, "dW2": {compare.HadamardForSoftmax}, "db2": {compare.HadamardForSoftmax}}},
		{"hadamard-softmax-prime", allConv, soft, ll, mean, func(c derive.Convention) map[string]string {
			return map[string]string{"dZ2": perM(c, "-Y / A2") + " ⊙ softmax'(Z2, " + unitAxis(c) + ")"}
		}, map[string][]compare.Code{"dZ2": {compare.HadamardForSoftmax}, "dW2": {compare.HadamardForSoftmax}}},
		{string(compare.Scale), allConv, sig, q, mean, func(c derive.Convention) map[string]string {
			return map[string]string{"dW2": "0.3 * " + std(c, "dW2")} // a learning rate folded in
		}, map[string][]compare.Code{"dW2": {compare.Scale}}},
	} {
		for _, c := range tc.in {
			t.Run(fmt.Sprintf("%s/%v", tc.name, c), func(t *testing.T) {
				src := program(c, tc.edits(c))
				rep := checkText(t, src, randomProblem(t, c, 5, tc.out, tc.cost, tc.red))
				for _, r := range rep.Results {
					want, listed := tc.want[r.Name]
					switch {
					case tc.want == nil:
						require.Equal(t, Correct, r.Status, "%s\nline %d: %s", src, r.Line, r.Message)
						require.Empty(t, r.Diagnosis, "a correct line gets no code")
					case listed:
						require.NotEqual(t, Correct, r.Status, "%s\nline %d", src, r.Line)
						require.ElementsMatch(t, want, r.Diagnosis, "%s\nline %d: %s", src, r.Line, r.Message)
					}
					if r.Status == Correct {
						require.Empty(t, r.Diagnosis)
					}
				}
				assert.Equal(t, tc.want == nil, rep.Pass)
			})
		}
	}
}

func randomSpec(c derive.Convention, sizes []int, batch int) (*problem.Problem, error) {
	return problem.Random(problem.Spec{Convention: c, Sizes: sizes, Batch: batch,
		Acts: []derive.Activation{derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean, Init: derive.NormalScaled, Seed: 3})
}
