package formula

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// scaffolded is a backward pass as a notebook holds it: a docstring, a
// cache unpacked, statements over several lines, dictionary entries read
// and written, len, and asserts on shapes. Sigmoid hidden layer, sigmoid
// output with cross-entropy: every line is the textbook formula, so each is
// right by hand, and the last assert claims db2 has W2's shape, which it
// has not (n2×1 against n2×n1).
const scaffolded = `def backward(parameters, cache, X, Y):
    """Backward propagation.

    Returns a dictionary of gradients.
    """
    (Z1, A1, W1, b1,
     Z2, A2, W2, b2) = cache
    m = len(X.T)
    dZ2 = A2 - Y
    dW2, db2 = np.dot(dZ2, A1.T) / m, np.sum(dZ2, axis=1, keepdims=True) / m
    dA1 = np.dot(parameters.get("W2").T,
                 dZ2)                      # back through W2
    dZ1 = dA1 * A1 * \
          (1 - A1)
    grads = {}
    grads["dW1"] = np.dot(dZ1, cache["A0"].T) / m
    grads["db1"] = np.sum(dZ1, axis=1,
                          keepdims=True) / m
    assert grads["dW1"].shape == W1.shape
    assert (dW2.shape == (2, 3))
    assert(db2.shape == W2.shape), "db2 has the shape of b2"
    return grads
`

func TestScaffolding(t *testing.T) {
	p := randomProblem(t, col, 5, derive.Sigmoid, derive.CrossEntropy, derive.Mean)
	rep := checkText(t, scaffolded, p)
	got := map[int]LineResult{}
	for _, r := range rep.Results {
		got[r.Line] = r
	}
	for _, w := range []struct {
		line   int
		name   string
		status Status
		says   string
	}{
		{8, "m", Correct, "m = 5, the batch size"},
		{9, "dZ2", Correct, ""},
		{10, "dW2", Correct, ""},
		{10, "db2", Correct, ""},
		{11, "dA1", Correct, ""},
		{13, "dZ1", Correct, ""},
		{16, "dW1", Correct, ""},
		{17, "db1", Correct, ""},
		{19, assertName, Correct, "assert holds: grads[\"dW1\"].shape is (3, 4)"},
		{20, assertName, Correct, "assert holds: dW2.shape is (2, 3)"},
		{21, assertName, Failed, "the assert fails, and numpy stops here with an AssertionError: db2.shape is (2, 1) (n2×1 = 2×1), but W2.shape is (2, 3)"},
	} {
		var r *LineResult
		for i := range rep.Results {
			if rep.Results[i].Line == w.line && rep.Results[i].Name == w.name {
				r = &rep.Results[i]
			}
		}
		require.NotNil(t, r, "line %d %s: %v", w.line, w.name, got)
		assert.Equal(t, w.status, r.Status, "line %d %s: %s", w.line, w.name, r.Message)
		assert.Contains(t, r.Message, w.says, "line %d", w.line)
	}
	assert.Equal(t, VerdictFail, rep.Verdict, "a false assert stops numpy: the file fails")
	assert.Equal(t, "db2 = np.sum(dZ2, axis=1, keepdims=True) / m", rep.Results[3].Text)

	// without the false assert every line is right
	fixed := checkText(t, scaffolded[:len(scaffolded)-len("    assert(db2.shape == W2.shape), \"db2 has the shape of b2\"\n    return grads\n")], p)
	assert.True(t, fixed.Pass, "%+v", fixed.Results)
}

// TestJoinedLinesPlaced: an error inside a statement over several lines is
// reported at its line and column in the file, not in the joined text.
func TestJoinedLinesPlaced(t *testing.T) {
	for _, tc := range []struct {
		src  string
		at   Pos
		says string
	}{
		{"dW2 = np.dot(A1.T,\n             dZ2 // 2)", Pos{2, 18}, "floor division"},
		{"dW2 = A1.T @ \\\n   dZ2 ^ 2\n", Pos{2, 8}, "^ makes no powers"},
		{"h = 1\ngrads = {\"dW1\": dW1,  # first\n         \"db1\": db1}\ndW2 = (A1ᵀ @\n  qq)", Pos{5, 3}, "unknown name qq"},
	} {
		t.Run(tc.src, func(t *testing.T) {
			prog, err := Parse(tc.src)
			if err == nil {
				p := randomProblem(t, row, 5, derive.Sigmoid, derive.Quadratic, derive.Mean)
				_, err = Check(prog, p.Net, p.X, p.Y)
			}
			var fe *Error
			require.True(t, errors.As(err, &fe), "%v", err)
			assert.Equal(t, tc.at, fe.Pos, err.Error())
			assert.Contains(t, fe.Msg, tc.says)
		})
	}
}

// inPlace is CS231n's two-layer network in the row layout as its notes
// write it: dscores bound to probs by a plain =, the labels' update with
// range(N) and y, /= in place, and relu's mask as an indexed assignment.
// With a relu hidden layer and softmax with log-likelihood every gradient
// is right by hand (the notes' derivation); the updates in place change
// probs too, as numpy does.
const inPlace = `N = X.shape[0]
exp_scores = np.exp(Z2)
probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
dscores = probs
dscores[range(N), y] -= 1
dscores /= N
dW2 = np.dot(A1.T, dscores)
db2 = np.sum(dscores, axis=0, keepdims=True)
dhidden = np.dot(dscores, W2.T)
dhidden[A1 <= 0] = 0
dW1 = np.dot(X.T, dhidden)
db1 = np.sum(dhidden, axis=0, keepdims=True)
dZ1 = np.zeros_like(Z1)
dZ1[Z1 > 0] = dhidden[Z1 > 0]
dZ1 *= 1
check = probs
`

func TestInPlace(t *testing.T) {
	p := reluSoftmax(t, row)
	rep := checkText(t, inPlace, p)
	assert.True(t, rep.Pass, "%+v", rep.Results)
	assert.Contains(t, strings.Join(rep.Results[4].Notes, " "), "numpy changes probs too")
	// probs itself now holds dscores: check reads it
	prog, err := Parse(inPlace + "dZ2 = check\n")
	require.NoError(t, err)
	rep, err = Check(prog, p.Net, p.X, p.Y)
	require.NoError(t, err)
	last := rep.Results[len(rep.Results)-1]
	assert.Equal(t, Correct, last.Status, "probs was changed in place into ∂C/∂Z2: %s", last.Message)

	// in the column layout the labels index the rows
	col := reluSoftmax(t, col)
	rep = checkText(t, "m = X.shape[1]\ndZ2 = A2.copy()\ndZ2[y, range(m)] -= 1\ndZ2 = dZ2 / m\ndW2 = dZ2 @ A1.T\n", col)
	assert.True(t, rep.Pass, "%+v", rep.Results)

	for _, tc := range []struct{ src, says string }{
		{"d = A2.copy()\nd[range(3), y] -= 1\ndW2 = A1.T @ d", "must run over every example"},
		{"d = A2.copy()\nd[Z1 > 0] = 0\ndW2 = A1.T @ d", "numpy indexes an array only with a mask of its own shape"},
		{"d = A2.copy()\nd[range(m), A1] -= 1\ndW2 = A1.T @ d", "must be the labels of the examples"},
	} {
		rep := checkText(t, tc.src, p)
		assert.Equal(t, ShapeError, rep.Results[1].Status, tc.src)
		assert.Contains(t, rep.Results[1].Message, tc.says)
	}
}

// reluSoftmax is a problem with a relu hidden layer and a softmax output
// under log-likelihood, whose targets are one-hot: the labels y exist.
func reluSoftmax(t testing.TB, c derive.Convention) *problem.Problem {
	t.Helper()
	p, err := problem.Random(problem.Spec{Convention: c, Sizes: []int{4, 3, 2}, Batch: 5,
		Acts: []derive.Activation{derive.ReLU, derive.Softmax}, Cost: derive.LogLikelihood, Reduction: derive.Mean, Init: derive.NormalScaled, Seed: 3})
	require.NoError(t, err)
	return p
}

// TestNgHelpers: the helpers Ng's week-4 notebook calls, written as it
// writes them (a copy, a mask, an assert on the shape), are evaluated as
// written: relu_backward gives relu's δ, and with the mask turned the
// wrong way round it gives what is left, which is wrong.
func TestNgHelpers(t *testing.T) {
	p := reluSoftmax(t, col)
	helpers := `def relu_backward(dA, cache):
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0
    assert (dZ.shape == Z.shape)
    return dZ

`
	body := "dZ2 = (A2 - Y) / m\ndA1 = W2.T @ dZ2\ndZ1 = relu_backward(dA1, Z1)\ndW1 = dZ1 @ X.T\n"
	rep := checkText(t, helpers+body, p)
	assert.True(t, rep.Pass, "%+v", rep.Results)
	rep = checkText(t, strings.Replace(helpers, "Z <= 0", "Z > 0", 1)+body, p)
	assert.Equal(t, VerdictFail, rep.Verdict)
	assert.Equal(t, Wrong, rep.Results[2].Status, rep.Results[2].Message)
	// an assert in the helper that fails stops the call
	rep = checkText(t, strings.Replace(helpers, "Z.shape)", "Z.T.shape)", 1)+body, p)
	assert.Equal(t, Failed, rep.Results[2].Status)
	assert.Contains(t, rep.Results[2].Message, "the assert fails")
}

// TestGradientSpellings: PyTorch's W2_grad is refused as the gradient it
// names, never a silent helper; full-width ｄＷ２ is dW2 itself.
func TestGradientSpellings(t *testing.T) {
	p := randomProblem(t, row, 5, derive.Sigmoid, derive.Quadratic, derive.Mean)
	prog, err := Parse("W2_grad = A1.T @ (A2 - Y)")
	require.NoError(t, err)
	_, err = Check(prog, p.Net, p.X, p.Y)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "did you mean dW2?")
	rep := checkText(t, "ｄＷ２ = A1.T @ ((A2 - Y) * A2 * (1 - A2)) / m", p)
	assert.True(t, rep.Results[0].Checked)
	assert.Equal(t, Correct, rep.Results[0].Status, rep.Results[0].Message)
}

// TestPastedStatementsMatchPlain: each piece of pasted Python gives, on
// the same problem, the value of its plain-language equivalent; the last
// line's value is compared. Where the piece brings something new (a mask,
// the labels, np.outer) the plain side is an independent formula: where,
// Y itself, a column times a row.
func TestPastedStatementsMatchPlain(t *testing.T) {
	p := randomProblem(t, row, 5, derive.Sigmoid, derive.Quadratic, derive.Mean)
	ll := reluSoftmax(t, row)
	pre := preamble + "dZ1 = dA1 * sigmoid'(Z1)\n"
	for _, tc := range []struct {
		name, written, plain string
		p                    *problem.Problem
	}{
		{"brackets over lines", "q = np.dot(A1.T,\n           dZ2)", "q = A1ᵀ @ dZ2", p},
		{"a backslash", "q = A1.T @ \\\n    dZ2", "q = A1ᵀ @ dZ2", p},
		{"a comment inside brackets", "q = (A1.T  # the input\n     @ dZ2)", "q = A1ᵀ @ dZ2", p},
		{"parameters[\"W2\"]", "q = parameters[\"W2\"]", "q = W2", p},
		{".get", "q = parameters.get('W2').T", "q = W2ᵀ", p},
		{"cache entry", "q = cache[\"A1\"] * 2", "q = A1 * 2", p},
		{"a cache unpacked", "(Z1, A1,\n W2) = cache\nq = A1", "q = A1", p},
		{"a tuple of values", "h, q = A1, A2 @ W2.T", "q = A2 @ W2ᵀ", p},
		{"len", "q = len(X)", "q = m", p},
		{"+=", "q = A2.copy()\nq += Y", "q = A2 + Y", p},
		{"-= of an expression", "q = A2.copy()\nq -= Y * 2 + 1", "q = A2 - (Y * 2 + 1)", p},
		{"*=", "q = A2.copy()\nq *= 1 - A2", "q = A2 * (1 - A2)", p},
		{"/=", "q = A2.copy()\nq /= m", "q = A2 / m", p},
		{"a mask set to 0", "q = dA1.copy()\nq[Z1 <= 0] = 0", "q = where(Z1 <= 0, 0, dA1)", p},
		{"a mask from another array", "q = np.zeros_like(dA1)\nq[Z1 > 0] = dZ1[Z1 > 0]", "q = where(Z1 > 0, dZ1, 0)", p},
		{"a masked update", "q = dA1.copy()\nq[Z1 > 0] *= 2", "q = where(Z1 > 0, 2 * dA1, dA1)", p},
		{"the labels", "q = A2.copy()\nq[range(m), y] -= 1", "q = A2 - Y", ll},
		{"np.arange and a label name", "N = X.shape[0]\nq = A2.copy()\nq[np.arange(N), Yb] -= 1", "q = A2 - Y", ll},
		{"np.outer", "q = np.outer(sum(A1, 0), sum(A2, 0))", "q = sum(A1, 0)ᵀ @ sum(A2, 0)", p},
		{"np.ones_like", "q = np.ones_like(A1) * 3", "q = A1 * 0 + 3", p},
		{"full-width", "ｑ = A1 * ２", "q = A1 * 2", p},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := values(t, pre+tc.written+"\n", tc.p)
			want := values(t, pre+tc.plain+"\n", tc.p)
			g, w := got[len(got)-1], want[len(want)-1]
			require.Equal(t, fmt.Sprint(w.Dims()), fmt.Sprint(g.Dims()))
			assert.True(t, mat.EqualApprox(g, w, 1e-15), "%s\n%v\n%v", tc.written, mat.Formatted(g), mat.Formatted(w))
		})
	}
}

// TestFlatSumNoted: a sum along the examples' axis without keepdims is
// one-dimensional in numpy, (n2,), and broadcasts as a row; it is kept
// n2×1 here, and the line says what numpy would make of it.
func TestFlatSumNoted(t *testing.T) {
	p := randomProblem(t, col, 5, derive.Sigmoid, derive.CrossEntropy, derive.Mean)
	rep := checkText(t, "dZ2 = A2 - Y\ndb2 = np.sum(dZ2, axis=1) / m\ndb2 = dZ2.sum(axis=1, keepdims=True) / m\ndb2 = dZ2.sum(1) / m\n", p)
	for i, noted := range []bool{false, true, false, true} {
		r := rep.Results[i]
		assert.Equal(t, Correct, r.Status, r.Text)
		assert.Equal(t, noted, strings.Contains(strings.Join(r.Notes, " "), "one-dimensional without keepdims=True: (2,), which broadcasts as a row"), r.Text)
	}
}
