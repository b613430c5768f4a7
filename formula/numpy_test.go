package formula

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// numpyPython is the interpreter with numpy the oracle runs on: Debian's
// python3 on the team's machines, or $BACKPROOF_PYTHON.
func numpyPython(t *testing.T) string {
	py := os.Getenv("BACKPROOF_PYTHON")
	if py == "" {
		py = "/usr/bin/python3"
	}
	if err := exec.Command(py, "-c", "import numpy").Run(); err != nil {
		t.Skipf("no python3 with numpy at %s (set BACKPROOF_PYTHON): %v", py, err)
	}
	return py
}

// oracleScript executes numpy source lines in a namespace holding the
// problem's arrays and returns every name each line binds, as 2-D lists.
const oracleScript = `
import json, sys
import numpy as np
d = json.load(sys.stdin)
env = {"np": np, "numpy": np, "m": d["m"]}
for k, v in d["names"].items():
    env[k] = np.array(v, dtype=np.float64)
out = []
for line in d["lines"]:
    name = line.split("=", 1)[0].strip()
    exec(line, env)
    out.append(np.atleast_2d(np.asarray(env[name], dtype=np.float64)).tolist())
json.dump(out, sys.stdout)
`

// TestNumpyMeansNumpy runs pasted numpy lines twice: in numpy itself and
// in backproof, on the same problem, and requires the same numbers line
// by line. The numpy spellings mean what numpy means — the oracle shares
// no code with the evaluator. Where backproof keeps a dimension that numpy
// drops (a sum without keepdims), the numbers still agree.
func TestNumpyMeansNumpy(t *testing.T) {
	py := numpyPython(t)
	p, err := problem.Random(problem.Spec{Convention: derive.Row, Sizes: []int{4, 3, 2}, Batch: 5,
		Acts: []derive.Activation{derive.ReLU, derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean, Init: derive.Normal, Seed: 11})
	require.NoError(t, err)
	lines := []string{
		"dZ2 = (A2 - Y) * A2 * (1 - A2) / m",
		"dW2 = np.dot(A1.T, dZ2)",
		"db2 = np.sum(dZ2, axis=0, keepdims=True)",
		"dA1 = dZ2.dot(W2.T)",
		"dZ1 = np.where(Z1 > 0, dA1, 0)",
		"dW1 = X.T.dot(dZ1)",
		"db1 = dZ1.sum(axis=0, keepdims=True)",
		"q1 = dA1 * (Z1 > 0)",
		"q2 = np.multiply(dA1, np.int64(A1 > 0))",
		"q3 = 1./m * np.square(A1) + A1**2 - np.power(A1, 3) + (1 + A1) ** -1",
		"q4 = A1.T.dot(dZ1).transpose()",
		"q5 = np.mean(dZ1, axis=1, keepdims=True)",
		"q6 = (Z1 <= 0).astype(float) + (Z1 >= 0.5) - (0.1 < Z1)",
		"q7 = np.exp(-Z2) / (1 + np.exp(-Z2)) - np.log(A2)",
		"q8 = np.transpose(W1) @ X.T - np.tanh(Z1).T",
		"q9 = 2.*dZ2 - np.divide(dZ2, 3) + np.subtract(A2, Y) * np.add(A2, 1e-3)",
		"q10 = np.matmul(dZ2, W2.T) - numpy.dot(dZ2, W2.transpose())",
		"q11 = dZ2.sum() + dZ2.mean() + np.sum(dZ1) - -A1.copy()",
		"q12 = np.sum(dZ2, axis=0) + b2",
		"q13 = np.where(A1 > 0.5, 1, 0.01) * (A1 - b1) ** 2",
		"q14 = -A1**2 + 1.e-3",
		"q15 = np.array(dA1, copy=True) * np.float64(Z1 < 0)",
		"q16 = np.maximum(0, Z1) - np.minimum(A1, 0.5) + np.maximum(Z1, b1) * np.minimum(dZ2.sum(axis=1, keepdims=True), b1)",
		"q17 = dW2.reshape(W2.shape[1], W2.shape[0]) + dW2.reshape((2, -1))",
		"q18 = np.reshape(dZ1, (-1, 5)) + dZ1.reshape(Z1.T.shape)",
		"q19 = np.squeeze(np.sum(dZ2)) + np.squeeze(db2) + db2.squeeze()",
		"q20 = np.squeeze(dZ1) + np.squeeze(dW2.sum(axis=1, keepdims=True)).reshape(-1, 1).T",
		"q21 = np.eye(3) @ dW2 + np.eye(3, 2) - 2 * dW2 @ np.eye(W2.shape[1])",
		"q22 = np.mean(np.argmax(A2, 1) == np.argmax(Y, 1))",
		"predictions = np.argmax(A2, axis=1)",
		"q23 = np.mean(predictions == np.argmax(Y, axis=1)) * Y.size + (predictions != A2.argmin(axis=1))",
		"q24 = np.argmin(Z1, axis=0) + Z1.argmax(axis=1, keepdims=True) + np.argmax(A1) + A1.argmin() + np.argmax(Z1 <= 0, axis=0)",
		"q25 = (Z1 == 0) + (A1 != Z1) * 2 + (Z1 == b1) + (np.maximum(0, Z1) == A1) * 4",
		"q26 = float((np.dot(Y.T, A2) + np.dot(1 - Y.T, 1 - A2)).sum() / float(Y.size) * 100) + int(np.sum(A1)) + int(-2.7) + float(dZ2.size)",
		"q27 = np.argmax(np.log(Z1), axis=1) * 10 + np.argmin(np.log(Z1), axis=1) + np.argmax(np.where(Z1 > 0, 1, np.log(Z1)), axis=1) * 100",
		"Z1 = X @ W1 + b1",
		"A1 = np.maximum(0, Z1)",
		"Z2 = np.dot(A1, W2) + b2",
	}
	// the given names, in the problem's layout
	o := newOracle(p.Net, p.X, p.Y)
	names := map[string]any{}
	for k, v := range o.env(-1) {
		if k != "m" {
			names[k] = rows(v.M)
		}
	}
	in, err := json.Marshal(map[string]any{"m": o.m, "names": names, "lines": lines})
	require.NoError(t, err)
	cmd := exec.Command(py, "-c", oracleScript)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	raw, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	var want [][][]float64
	require.NoError(t, json.Unmarshal(raw, &want))

	got := values(t, strings.Join(lines, "\n"), p)
	require.Len(t, got, len(lines))
	for i, line := range lines {
		w := want[i]
		g := got[i]
		r, c := g.Dims()
		require.Equal(t, r*c, len(w)*len(w[0]), "%s: %d×%d against numpy's %d×%d", line, r, c, len(w), len(w[0]))
		wm := mat.NewDense(r, c, flat(w))
		// the same operations in float64, in an order that may differ in
		// the last bits (BLAS sums): compare's relative error within 1e-13
		assert.LessOrEqual(t, compare.MaxRelError(g, wm), 1e-13, "%s\nbackproof %v\nnumpy     %v", line, mat.Formatted(g), mat.Formatted(wm))
	}
	// and the gradient lines are right: numpy and backproof agree with derive
	rep := checkText(t, strings.Join(lines, "\n"), p)
	for _, res := range rep.Results {
		if res.Checked {
			assert.Equal(t, Correct, res.Status, "%s: %s", res.Text, res.Message)
		}
	}
	assert.True(t, rep.Pass)
}

func rows(M *mat.Dense) [][]float64 {
	r, _ := M.Dims()
	out := make([][]float64, r)
	for i := range out {
		out[i] = mat.Row(nil, i, M)
	}
	return out
}

func flat(rows [][]float64) []float64 {
	var out []float64
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}
