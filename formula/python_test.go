package formula

import (
	"errors"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	got := map[int]Result{}
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
		var r *Result
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
