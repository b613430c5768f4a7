package formula

import (
	"bytes"
	"encoding/json"
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

// fileOracleScript runs a whole pasted file in numpy (defs and all) in a
// namespace holding the problem's arrays, and returns the final value of
// each name asked for, as 2-D lists.
const fileOracleScript = `
import json, sys
import numpy as np
d = json.load(sys.stdin)
env = {"np": np, "numpy": np, "m": d["m"]}
for k, v in d["names"].items():
    env[k] = np.array(v, dtype=np.float64)
exec(d["src"], env)
json.dump({n: np.atleast_2d(np.asarray(env[n], dtype=np.float64)).tolist() for n in d["want"]}, sys.stdout)
`

// numpyFile runs src in numpy on p and returns the values of names.
func numpyFile(t *testing.T, src string, p *problem.Problem, names []string) map[string]*mat.Dense {
	t.Helper()
	py := numpyPython(t)
	o := newOracle(p.Net, p.X, p.Y)
	given := map[string]any{}
	for k, v := range o.env(-1) {
		if k != "m" {
			given[k] = rows(v.M)
		}
	}
	in, err := json.Marshal(map[string]any{"m": o.m, "names": given, "src": src, "want": names})
	require.NoError(t, err)
	cmd := exec.Command(py, "-c", fileOracleScript)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	raw, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	var got map[string][][]float64
	require.NoError(t, json.Unmarshal(raw, &got))
	out := map[string]*mat.Dense{}
	for k, v := range got {
		out[k] = mat.NewDense(len(v), len(v[0]), flat(v))
	}
	return out
}

// lastValues is what each statement name holds after backproof runs the
// file, as numpy's namespace would after exec.
func lastValues(t *testing.T, src string, p *problem.Problem) map[string]*mat.Dense {
	t.Helper()
	prog, err := Parse(src)
	require.NoError(t, err)
	out := map[string]*mat.Dense{}
	for i, v := range values(t, src, p) {
		out[prog.Stmts[i].Name] = v
	}
	return out
}

func rowProblem(t *testing.T, acts ...derive.Activation) *problem.Problem {
	t.Helper()
	p, err := problem.Random(problem.Spec{Convention: derive.Row, Sizes: []int{4, 3, 2}, Batch: 5,
		Acts: acts, Cost: derive.Quadratic, Reduction: derive.Mean, Init: derive.Normal, Seed: 7})
	require.NoError(t, err)
	return p
}

// TestDefIsTheLearners: a def in the file is evaluated as written, with
// numpy itself the oracle for every line's value; a right def makes its
// lines right, a wrong one makes the lines that depend on it wrong.
func TestDefIsTheLearners(t *testing.T) {
	p := rowProblem(t, derive.Sigmoid, derive.Sigmoid)
	right := `import numpy as np

def sigmoid(z):
    s = 1 / (1 + np.exp(-z))
    return s

def sigmoid_prime(a): return a*(1-a)

def hidden_delta(dZ, W, A):
    # a def that calls another def
    return (dZ @ W.T) * sigmoid_prime(A)

Z1 = X @ W1 + b1
A1 = sigmoid(Z1)
Z2 = A1 @ W2 + b2
A2 = sigmoid(Z2)
dZ2 = (A2 - Y) * sigmoid_prime(A2) / m
dW2 = A1.T @ dZ2
db2 = np.sum(dZ2, axis=0, keepdims=True)
dZ1 = hidden_delta(dZ2, W2, A1)
dW1 = X.T @ dZ1
db1 = np.sum(dZ1, axis=0, keepdims=True)
`
	wrongSign := strings.Replace(right, "np.exp(-z)", "np.exp(z)", 1)
	for _, tc := range []struct {
		name, src string
		pass      bool
		wrong     []string // the checked lines that are wrong; the rest are correct
	}{
		{"right", right, true, nil},
		// σ(−z) = 1 − σ(z): the forward lines are wrong, and so is every
		// line that reads A1 or A2 (a(1 − a) is the same for both, so
		// the deltas differ only through A2 − Y and A1)
		{"sign-wrong", wrongSign, false, []string{"A1", "Z2", "A2", "dZ2", "dW2", "db2", "dZ1", "dW1", "db1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			names := []string{"Z1", "A1", "Z2", "A2", "dZ2", "dW2", "db2", "dZ1", "dW1", "db1"}
			want := numpyFile(t, tc.src, p, names)
			got := lastValues(t, tc.src, p)
			for _, n := range names {
				// the same float64 operations, possibly summed in another order
				assert.LessOrEqual(t, compare.MaxRelError(got[n], want[n]), 1e-13, "%s: backproof %v\nnumpy %v", n, mat.Formatted(got[n]), mat.Formatted(want[n]))
			}
			rep := checkText(t, tc.src, p)
			assert.Equal(t, tc.pass, rep.Pass)
			for _, r := range rep.Results {
				require.True(t, r.Checked, "%s", r.Text)
				status := Correct
				for _, w := range tc.wrong {
					if r.Name == w {
						status = Wrong
					}
				}
				assert.Equal(t, status, r.Status, "%s: %s", r.Text, r.Message)
			}
			if !tc.pass {
				// the lines after the forward pass are right given the true A1, A2
				dW2 := rep.Results[5]
				require.Equal(t, "dW2", dW2.Name)
				assert.Contains(t, dW2.Message, "own formula is right")
				// and the forward lines are right but for the def
				A1 := rep.Results[1]
				require.Equal(t, "A1", A1.Name)
				assert.Contains(t, A1.Message, "With the language's sigmoid for your sigmoid (line 3), this line gives the true A1: the mistake is in your def, not in this line.")
				assert.NotContains(t, A1.Message, "sigmoid_prime", "the right def is not blamed")
			}
		})
	}
}

// TestDefNotBuiltin: sigmoid_prime applied to A2 is the learner's a(1−a),
// not the language's σ′(A2) (the fprime-of-A mistake), and the same def
// applied to Z2 is that mistake.
func TestDefNotBuiltin(t *testing.T) {
	p := rowProblem(t, derive.Sigmoid, derive.Sigmoid)
	def := "def sigmoid_prime(a):\n    return a*(1-a)\n"
	rep := checkText(t, def+"dZ2 = (A2 - Y) * sigmoid_prime(A2) / m\ndW2 = A1.T @ dZ2", p)
	assert.True(t, rep.Pass, rep.Results[0].Message)
	assert.Empty(t, rep.Warnings)
	// without the def, sigmoid_prime is the language's σ′: at A2 it is fprime-of-A
	rep = checkText(t, "dZ2 = (A2 - Y) * sigmoid_prime(A2) / m\ndW2 = A1.T @ dZ2", p)
	assert.Equal(t, Wrong, rep.Results[0].Status)
	assert.Contains(t, rep.Results[0].Diagnosis, compare.FprimeOfA)
	// the learner's a(1−a) applied to Z2 is wrong, and the message points
	// at the def and its argument
	rep = checkText(t, def+"dZ2 = (A2 - Y) * sigmoid_prime(Z2) / m\ndW2 = A1.T @ dZ2", p)
	assert.Equal(t, Wrong, rep.Results[0].Status)
	assert.Contains(t, rep.Results[0].Message, "With the language's sigmoid′ for your sigmoid_prime (line 1), this line gives the true dZ2: the mistake is in your def or in what the line passes it")
}

// TestDefCannotTell: a def the checker cannot evaluate makes the lines
// that use it "cannot tell", with the reason, never a mistake code, and
// the file neither passes nor fails on them.
func TestDefCannotTell(t *testing.T) {
	p := rowProblem(t, derive.ReLU, derive.Sigmoid)
	head := "dZ2 = (A2 - Y) * sigmoid'(Z2) / m\ndW2 = A1.T @ dZ2\ndA1 = dZ2 @ W2.T\n"
	for _, tc := range []struct {
		name, def, call, says string
	}{
		{"slicing", "def relu_backward(dA, Z):\n    dZ = np.array(dA, copy=True)\n    dZ[:, 0] = 0\n    return dZ\n", "relu_backward(dA1, Z1)", "line 3"},
		{"tuple", "def relu_backward(dA, Z):\n    return dA * (Z > 0), Z\n", "relu_backward(dA1, Z1)", "returns 2 values (a tuple), which a line reads only by unpacking them into names (a, b = relu_backward(dA1, Z1))"},
		{"if", "def relu_backward(dA, Z):\n    if True:\n        return dA\n", "relu_backward(dA1, Z1)", "its if is read when it compares a parameter with a string"},
		{"unknown-name", "def relu_backward(dA, cache):\n    return dA * (cache[0] > 0)\n", "relu_backward(dA1, Z1)", "line 2"},
		{"global-unknown", "def relu_backward(dA):\n    return dA * (Zcache > 0)\n", "relu_backward(dA1)", "Zcache"},
		{"no-return", "def relu_backward(dA, Z):\n    dZ = dA * (Z > 0)\n", "relu_backward(dA1, Z1)", "no return"},
		{"unknown-function", "def relu_backward(dA, Z):\n    return np.heaviside(Z, 0) * dA\n", "relu_backward(dA1, Z1)", "heaviside"},
		{"recursion", "def relu_backward(dA, Z):\n    return relu_backward(dA, Z)\n", "relu_backward(dA1, Z1)", "calls itself"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := tc.def + head + "dZ1 = " + tc.call + "\ndW1 = X.T @ dZ1\n"
			rep := checkText(t, src, p)
			byName := map[string]LineResult{}
			for _, r := range rep.Results {
				byName[r.Name] = r
			}
			for _, n := range []string{"dZ1", "dW1"} {
				r := byName[n]
				assert.Equal(t, StatusCannotTell, r.Status, "%s: %s", n, r.Message)
				assert.Empty(t, r.Diagnosis, n)
				assert.Nil(t, r.MaxRelError, n)
				assert.Contains(t, r.Message, "cannot tell", n)
			}
			assert.Contains(t, byName["dZ1"].Message, tc.says)
			assert.Contains(t, byName["dZ1"].Message, "relu_backward (your def on line 1)")
			assert.Equal(t, Correct, byName["dW2"].Status)
			assert.Equal(t, VerdictCannotTell, rep.Verdict)
			assert.False(t, rep.Pass)
			var out strings.Builder
			rep.WriteText(&out)
			assert.Contains(t, out.String(), "CANNOT TELL, not a pass")
		})
	}
	// a wrong line elsewhere still fails the file
	src := "def relu_backward(dA, Z):\n    return dA * (Z > 0), Z\n" + "dZ2 = (A2 - Y) * sigmoid'(Z2)\ndW2 = A1.T @ dZ2\ndA1 = dZ2 @ W2.T\ndZ1 = relu_backward(dA1, Z1)\n"
	rep := checkText(t, src, p)
	assert.Equal(t, VerdictFail, rep.Verdict)
}

// TestDefErrorsAtTheCall: a def that numpy would stop on (a shape that
// does not fit, the wrong number of arguments) makes the calling line
// fail, with the def's line named and the column inside the calling line.
func TestDefErrorsAtTheCall(t *testing.T) {
	p := rowProblem(t, derive.Sigmoid, derive.Sigmoid)
	for _, tc := range []struct {
		src    string
		status Status
		says   string
	}{
		{"def sp(a): return a @ (1 - a)\ndZ2 = (A2 - Y) * sp(A2)\ndW2 = A1.T @ dZ2", ShapeError, "in sp (your def on line 1), called here, at line 1"},
		{"def sp(a, b): return a*(1-b)\ndZ2 = (A2 - Y) * sp(A2)\ndW2 = A1.T @ dZ2", Failed, "takes 2 arguments (a, b), and this call gives 1"},
	} {
		rep := checkText(t, tc.src, p)
		r := rep.Results[0]
		assert.Equal(t, tc.status, r.Status, r.Message)
		assert.Contains(t, r.Message, tc.says)
		assert.Equal(t, 18, r.Col, "the call's column in line 2")
		assert.Equal(t, VerdictFail, rep.Verdict)
	}
}

// TestDefFrame: a def whose body writes the gradient lines is the frame of
// a pasted backward pass: its lines are checked as written, as before.
func TestDefFrame(t *testing.T) {
	p := rowProblem(t, derive.Sigmoid, derive.Sigmoid)
	src := "def backward(X, Y, cache):\n    m = X.shape[0]\n    dZ2 = (A2 - Y) * A2 * (1 - A2) / m\n    dW2 = A1.T @ dZ2\n    return {'dW2': dW2}\n"
	rep := checkText(t, src, p)
	require.Len(t, rep.Results, 3)
	assert.True(t, rep.Pass)
}

// TestDefNeverCalled: a def no line calls is said to be unchecked.
func TestDefNeverCalled(t *testing.T) {
	p := rowProblem(t, derive.Sigmoid, derive.Sigmoid)
	rep := checkText(t, "def sigmoid(z): return 1/(1+np.exp(z))\ndZ2 = (A2 - Y) * sigmoid'(Z2) / m\ndW2 = A1.T @ dZ2", p)
	assert.True(t, rep.Pass)
	assert.Contains(t, rep.Warnings, "sigmoid (your def on line 1) is never called, so nothing in it was checked")
}

// TestLineEndings: \r\n, a lone \r and a leading byte-order mark read as
// \n does, with the same lines and columns.
func TestLineEndings(t *testing.T) {
	p := rowProblem(t, derive.Sigmoid, derive.Sigmoid)
	lines := []string{"# header", "def sp(a):", "    return a*(1-a)", "dZ2 = (A2 - Y) * sp(A2) / m", "dW2 = A1.T @ dZ2 @ @"}
	_, err := Parse(strings.Join(lines, "\n"))
	require.Error(t, err)
	for name, src := range map[string]string{
		"crlf": strings.Join(lines, "\r\n") + "\r\n",
		"cr":   strings.Join(lines, "\r"),
		"bom":  "\ufeff" + strings.Join(lines, "\r\n"),
	} {
		t.Run(name, func(t *testing.T) {
			_, got := Parse(src)
			require.Error(t, got)
			assert.Equal(t, err.Error(), got.Error())
			rep := checkText(t, strings.TrimSuffix(strings.ReplaceAll(src, "@ @", ""), "\r\n"), p)
			require.Len(t, rep.Results, 2)
			assert.True(t, rep.Pass, rep.Results[0].Message)
			assert.Equal(t, 4, rep.Results[0].Line)
		})
	}
}

// TestReadHeader: the header line's flags, in order, with their columns.
func TestReadHeader(t *testing.T) {
	h, err := ReadHeader("# a comment\n  #backproof: --net 4,3,2 --cost=sum-squares --json\ndZ2 = A2 - Y # backproof: --x 1\n")
	require.NoError(t, err)
	require.NotNil(t, h)
	assert.Equal(t, 2, h.Line)
	assert.Equal(t, []HeaderFlag{{Name: "net", Value: "4,3,2", Col: 15}, {Name: "cost", Value: "sum-squares", Col: 27}, {Name: "json", Col: 46, Bare: true}}, h.Flags)
	h, err = ReadHeader("dZ2 = A2 - Y\n")
	require.NoError(t, err)
	assert.Nil(t, h)
	_, err = ReadHeader("# backproof: cost sum\n")
	require.Error(t, err)
	assert.Equal(t, "1:14: \"cost\" in the header is not a flag: the header is --name value pairs, as in # backproof: --convention row --cost sum-squares", err.Error())
}

// TestDefPerExample: network.py's own sigmoid and sigmoid_prime (of z),
// docstrings and all, pasted above Nielsen's BP1–BP4, pass in the
// per-example convention.
func TestDefPerExample(t *testing.T) {
	p := randomProblem(t, per, 5, derive.Sigmoid, derive.Quadratic, derive.Mean)
	src := `def sigmoid(z):
    """The sigmoid function."""
    return 1.0/(1.0+np.exp(-z))

def sigmoid_prime(z):
    """Derivative of the sigmoid function,
    written in terms of z: σ(z)(1 − σ(z)).
    """
    return sigmoid(z)*(1-sigmoid(z))

delta2 = (a2 - y) * sigmoid_prime(z2)
db2 = delta2
dW2 = np.dot(delta2, a1.transpose())
delta1 = np.dot(w2.transpose(), delta2) * sigmoid_prime(z1)
db1 = delta1
dW1 = np.dot(delta1, x.transpose())
`
	rep := checkText(t, src, p)
	for _, r := range rep.Results {
		assert.Equal(t, Correct, r.Status, "%s: %s", r.Text, r.Message)
	}
	assert.True(t, rep.Pass)
}

// TestLambda: sigmoid = lambda z: … is a def too.
func TestLambda(t *testing.T) {
	p := rowProblem(t, derive.Sigmoid, derive.Sigmoid)
	src := "sigmoid = lambda z: 1 / (1 + np.exp(-z))\nsp = lambda a: a * (1 - a)\nA2 = sigmoid(Z2)\ndZ2 = (A2 - Y) * sp(A2) / m\ndW2 = A1.T @ dZ2"
	rep := checkText(t, src, p)
	assert.True(t, rep.Pass, rep.Results[0].Message)
	rep = checkText(t, strings.Replace(src, "-z", "z", 1), p)
	assert.Equal(t, Wrong, rep.Results[0].Status)
	assert.Contains(t, rep.Results[0].Message, "With the language's sigmoid for your sigmoid (line 1)")
	rep = checkText(t, "sp = lambda *a: a\ndZ2 = (A2 - Y) * sp(A2)\ndW2 = A1.T @ dZ2", p)
	assert.Equal(t, StatusCannotTell, rep.Results[0].Status)
}

// TestDefTuple: a def returning several values, unpacked by the caller
// as Python unpacks them: each name is judged; a count that does not
// match stops the file (numpy's ValueError); unpacking an array is
// "cannot tell".
func TestDefTuple(t *testing.T) {
	p := rowProblem(t, derive.ReLU, derive.Sigmoid)
	def := "def lb(dZ, cache):\n    A_prev, W = cache\n    return dZ @ W.T, A_prev.T @ dZ, np.sum(dZ, axis=0, keepdims=True)\n"
	head := "dZ2 = (A2 - Y) * sigmoid'(Z2) / m\n"
	statuses := func(src string) map[string]LineResult {
		rep := checkText(t, src, p)
		out := map[string]LineResult{}
		for _, r := range rep.Results {
			out[r.Name] = r
		}
		return out
	}
	got := statuses(def + head + "dA1, dW2, db2 = lb(dZ2, (A1, W2))\n")
	for _, n := range []string{"dA1", "dW2", "db2"} {
		assert.Equal(t, Correct, got[n].Status, "%s: %s", n, got[n].Message)
	}
	assert.Equal(t, "dW2 = lb(dZ2, (A1, W2)) (value 2 of 3)", got["dW2"].Text)
	// swapped: each name holds another value
	got = statuses(def + head + "dW2, dA1, db2 = lb(dZ2, (A1, W2))\n")
	assert.NotEqual(t, Correct, got["dW2"].Status)
	assert.Equal(t, Correct, got["db2"].Status)
	// three values into two names: Python's ValueError
	got = statuses(def + head + "dA1, dW2 = lb(dZ2, (A1, W2))\n")
	assert.Equal(t, Failed, got["dW2"].Status)
	assert.Contains(t, got["dW2"].Message, "holds 3 values and this line unpacks 2 names")
	// a cache that is one array
	got = statuses(def + head + "dA1, dW2, db2 = lb(dZ2, A1)\n")
	assert.Equal(t, StatusCannotTell, got["dW2"].Status)
	assert.Contains(t, got["dW2"].Message, "line 2 unpacks 2 names from cache, which is one array there")
	// the tuple itself on a line
	got = statuses(def + head + "dW2 = lb(dZ2, (A1, W2))\n")
	assert.Equal(t, StatusCannotTell, got["dW2"].Status)
	assert.Contains(t, got["dW2"].Message, "lb (your def on line 1) returns 3 values (a tuple)")
}

// TestDefBranchesOnString: Ng's layer step branches on the activation it
// is passed as a string, by position or by keyword; each call runs the
// branch its string picks (the wrong pick is a wrong line), and a call
// Python would stop on is said as Python says it.
func TestDefBranchesOnString(t *testing.T) {
	p := randomProblem(t, derive.Column, 5, derive.Sigmoid, derive.CrossEntropy, derive.Mean)
	step := `def step(dA, Z, activation):
    if activation == "relu":
        dZ = dA * (Z > 0)
    elif activation == 'sigmoid':
        s = 1 / (1 + np.exp(-Z))
        dZ = dA * s * (1 - s)
    else:
        dZ = dA * 0
    return dZ

dA2 = -(Y / A2 - (1 - Y) / (1 - A2))
`
	for _, tc := range []struct {
		call string
		want Status
		says string
	}{
		{`dZ2 = step(dA2, Z2, "sigmoid")`, Correct, ""},
		{`dZ2 = step(dA2, Z2, activation="sigmoid")`, Correct, ""},
		{`dZ2 = step(dA2, activation = "sigmoid", Z=Z2)`, Correct, ""},
		{`dZ2 = step(dA2, Z2, "relu")`, Wrong, ""},
		{`dZ2 = step(dA2, Z2, "tanh")`, Wrong, ""}, // the else: zeros
		{`dZ2 = step(dA2, Z2, A2)`, StatusCannotTell, "activation is not a string in this call"},
		{`dZ2 = step(dA2, Z2, act="sigmoid")`, Failed, "has no parameter act"},
		{`dZ2 = step(dA2, Z2, Z="sigmoid")`, Failed, "gets Z twice"},
	} {
		t.Run(tc.call, func(t *testing.T) {
			rep := checkText(t, step+tc.call+"\ndW2 = dZ2 @ A1.T / m\n", p)
			var r LineResult
			for _, x := range rep.Results {
				if x.Name == "dZ2" {
					r = x
				}
			}
			assert.Equal(t, tc.want, r.Status, r.Message)
			assert.Contains(t, r.Message, tc.says)
		})
	}
}

// TestDefChangesCallersArray: a def that updates its parameter in place
// changes the array the caller passed, as numpy does: the caller's later
// lines read the changed array (db1 summed from the masked dA1 is the
// true db1), and the line says so; with a copy in the def they do not
// (the same db1 is then the sum of the unmasked dA1, which is wrong).
func TestDefChangesCallersArray(t *testing.T) {
	p := reluSoftmax(t, col)
	body := "dZ2 = (A2 - Y) / m\ndA1 = W2.T @ dZ2\ndZ1 = step(dA1, Z1)\ndb1 = np.sum(dA1, axis=1, keepdims=True)\ndW1 = dZ1 @ X.T\n"
	rep := checkText(t, "def step(dA, Z):\n    dA[Z <= 0] = 0\n    return dA\n"+strings.Replace(body, "step(dA1, Z1)", "step(dA1.copy(), Z1)", 1), p)
	assert.Equal(t, Wrong, rep.Results[3].Status, "a copy passed: dA1 is not changed") // db1
	for _, tc := range []struct {
		def  string
		db1  Status
		note bool
	}{
		{"def step(dA, Z):\n    dA[Z <= 0] = 0\n    return dA\n", Correct, true},
		{"def step(dA, Z):\n    dZ = dA\n    dZ[Z <= 0] = 0\n    return dZ\n", Correct, true},
		{"def step(dA, Z):\n    dZ = dA.copy()\n    dZ[Z <= 0] = 0\n    return dZ\n", Wrong, false},
		{"def inner(d, Z):\n    d *= (Z > 0)\n    return d\ndef step(dA, Z):\n    return inner(dA, Z)\n", Correct, true},
	} {
		rep := checkText(t, tc.def+body, p)
		byName := map[string]LineResult{}
		for _, r := range rep.Results {
			byName[r.Name] = r
		}
		assert.Equal(t, Correct, byName["dZ1"].Status, tc.def)
		assert.Equal(t, tc.db1, byName["db1"].Status, "%s%s", tc.def, byName["db1"].Message)
		said := strings.Contains(strings.Join(byName["dZ1"].Notes, "\n"), "numpy changes dA1 too")
		assert.Equal(t, tc.note, said, "%s%v", tc.def, byName["dZ1"].Notes)
	}
}
