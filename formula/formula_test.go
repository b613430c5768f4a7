package formula

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/derive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(src)
}

// TestThread runs the thread's own formulas (testdata/thread-*.txt) on the
// problems their comments name and pins what backproof says about each.
func TestThread(t *testing.T) {
	C, W, S, E := Correct, Wrong, ShapeError, Failed
	sig := derive.Sigmoid
	q, ss := derive.Quadratic, derive.SumSquares
	mean, sum := derive.Mean, derive.Sum
	for _, tc := range []struct {
		file     string
		conv     derive.Convention
		batch    int
		cost     derive.Cost
		red      derive.Reduction
		statuses []Status
		codes    map[int][]compare.Code // line index → codes
		pass     bool
		says     []string // in the messages and notes
	}{
		{"issue.txt", row, 5, q, mean, []Status{C, C, C, C}, nil, true, []string{"unreduced"}},
		{"column-standard.txt", col, 5, q, mean, []Status{C, C, C, C, C, C}, nil, true, nil},
		{"nielsen-bp.txt", per, 5, q, mean, []Status{C, C, C, C, C, C}, nil, true, []string{"each example's own"}},
		{"thread-post01.txt", row, 5, ss, sum, []Status{C, C, C}, nil, true, nil},
		{"thread-post01.txt", row, 5, ss, mean, []Status{C, C, W}, map[int][]compare.Code{2: {compare.MissingOneOverM}}, false, []string{"post #3"}},
		{"thread-post07-vector.txt", row, 1, ss, sum, []Status{C, C, C, C, C, C, C}, nil, true,
			[]string{"outer product", "only because m = 1 here"}},
		{"thread-post07-vector.txt", row, 5, ss, sum, []Status{C, C, S, S, C, S, S},
			map[int][]compare.Code{3: {compare.BiasNotSummed}, 6: {compare.BiasNotSummed}}, false, []string{"if the matrix product was meant, write A1ᵀ @ dZ2"}},
		{"thread-post07-matrix.txt", row, 5, ss, sum, []Status{C, C, C, C, C, C, C}, nil, true, nil},
		{"thread-post07-nielsen-in-rows.txt", row, 5, q, mean, []Status{C, S, E}, nil, false,
			[]string{"W2ᵀ @ dZ2 cannot multiply", "inner dimensions n1 = 3 and m = 5 differ", "dZ2 @ W2ᵀ would be m×n1", "own formula is right"}},
		// the shape-error line decides: every checked line that is wrong does
		{"thread-post09.txt", row, 1, q, mean, []Status{C, S, C}, nil, false, []string{"inner dimensions n1 = 3 and m = 1 differ"}},
		{"thread-post13-zap.txt", row, 5, q, mean, []Status{C, W, W},
			map[int][]compare.Code{1: {compare.MissingOneOverM}, 2: {compare.MissingOneOverM}}, false, nil},
		{"thread-post13-zap.txt", row, 5, q, sum, []Status{C, C, C}, nil, true, nil},
		{"thread-post13-video.txt", col, 5, q, mean, []Status{C, C, C}, nil, true, nil},
		{"thread-post13-video.txt", row, 5, q, mean, []Status{C, S, S}, map[int][]compare.Code{2: {compare.BiasWrongAxis}}, false,
			[]string{"A1ᵀ @ dZ2 would be n1×n2"}},
		{"thread-post20.txt", row, 1, q, mean, []Status{C, S, C, S, C}, nil, false, nil},
		{"thread-post20.txt", per, 5, q, mean, []Status{C, C, S, C, S}, nil, false, []string{"dZ2 @ A1ᵀ would be n2×n1"}},
	} {
		t.Run(tc.file+"/"+tc.conv.String()+"/"+tc.red.String(), func(t *testing.T) {
			rep := checkText(t, readTestdata(t, tc.file), randomProblem(t, tc.conv, tc.batch, sig, tc.cost, tc.red))
			require.Len(t, rep.Results, len(tc.statuses))
			var all strings.Builder
			for i, r := range rep.Results {
				assert.Equal(t, tc.statuses[i], r.Status, "line %d: %s\n%s", r.Line, r.Text, r.Message)
				want := tc.codes[i]
				if want == nil {
					want = []compare.Code{}
				}
				assert.ElementsMatch(t, want, r.Diagnosis, "line %d: %s", r.Line, r.Message)
				all.WriteString(r.Message + "\n" + strings.Join(r.Notes, "\n") + "\n")
			}
			assert.Equal(t, tc.pass, rep.Pass)
			for _, s := range tc.says {
				assert.Contains(t, all.String(), s)
			}
		})
	}
}

// TestErrorsNameLineAndColumn: every error of a bad file says where.
func TestErrorsNameLineAndColumn(t *testing.T) {
	for _, tc := range []struct {
		src  string
		line int
		col  int
		says string
	}{
		{"dW2 = A1ᵀ @ @ dZ2", 1, 13, "needs a value on its left"},
		{"dW2 A1", 1, 5, "expected ="},
		{"dW2 = (A1", 1, 7, "never closed"},
		{"dW2 = A1 dZ2", 1, 10, "no operator"},
		{"q = 2 ** 0.5", 1, 7, "power"}, // whole powers only: ** 2 is numpy's square
		{"# comment\n\n  dW2 = A1^2", 3, 11, "^ is only the transpose"},
		{"dW2 = A1 × dZ2", 1, 10, "@ for the matrix product"},
		{"dW2 = ", 1, 7, "nothing after ="},
		{"dW2 = A1 +", 1, 11, "right operand is missing"},
		{"dW2 = 2A1", 1, 8, "runs into the name"},
		{"= A1", 1, 1, "NAME = EXPRESSION"},
		{"dW3 = A2ᵀ @ A1", 1, 1, "no layer 3"},
		{"dW2 = A3ᵀ @ A1", 1, 7, "no layer 3"},
		{"dW2 = A1ᵀ @ dZ2", 1, 13, "used before it is defined"},
		{"X = A1", 1, 1, "given by the problem"},
		{"dZ2 = foo(A2)", 1, 7, "unknown function"},
		{"dZ2 = f'(A2 - Y)", 1, 10, "a layer's Z or A"},
		{"dZ2 = A2\ndb2 = sum(dZ2, 2)", 2, 16, "axis"},
		{"dZ2 = sigmoid", 1, 7, "is a function"},
		{"dZ0 = X", 1, 1, "layer 0"},
		{"q = sum'(A1)", 1, 5, "no derivative"},
		{"q = softmax(A1)", 1, 5, "softmax(M, axis)"},
		{"q = A1\nr = q + qq", 2, 9, "unknown name qq"},
		{"q = f(X)", 1, 7, "input has no activation"},
	} {
		t.Run(tc.src, func(t *testing.T) {
			p := randomProblem(t, row, 5, derive.Sigmoid, derive.Quadratic, derive.Mean)
			prog, err := Parse(tc.src)
			if err == nil {
				_, err = Check(prog, p.Net, p.X, p.Y)
			}
			require.Error(t, err)
			var fe *Error
			require.True(t, errors.As(err, &fe))
			assert.Equal(t, Pos{tc.line, tc.col}, fe.Pos, err.Error())
			assert.Contains(t, err.Error(), tc.says)
			assert.True(t, strings.HasPrefix(err.Error(), fe.Pos.String()+": "))
		})
	}
}

func TestLanguage(t *testing.T) {
	p := randomProblem(t, row, 5, derive.Sigmoid, derive.Quadratic, derive.Mean)
	// Precedence as in numpy: * / @ ⊙ share one level, left to right;
	// unary minus binds tighter; all transposes agree.
	rep := checkText(t, `
dZ2 = (A2 - Y) * sigmoid′(Z2)
a = A1.T @ dZ2 / m
b = A1^T @ (dZ2 / m)
c = -A1ᵀ @ -dZ2 / m
dW2 = A1.T @ dZ2 / m
dW2 = A1^T @ (dZ2 / m)
dW2 = -A1ᵀ @ -dZ2 / m
dW2 = 1 / m * A1ᵀ @ dZ2
δ1 = dZ2 @ W2ᵀ ∘ sigmoid'(Z1)
dW1 = Xᵀ @ delta1 / m
db1 = mean(dZ1, axis=0)
db1 = sum(dZ1, -2) / m
`, p)
	for _, r := range rep.Results {
		if !r.Checked {
			continue
		}
		if r.Name == "δ1" {
			// dZ2 @ W2ᵀ ∘ f′ is (dZ2 @ W2ᵀ) ∘ f′: left to right
			assert.Equal(t, Correct, r.Status, r.Message)
			continue
		}
		assert.Equal(t, Correct, r.Status, "line %d: %s: %s", r.Line, r.Text, r.Message)
	}
	assert.True(t, rep.Pass)
}

func TestBroadcastingIsSaid(t *testing.T) {
	p := randomProblem(t, row, 5, derive.Sigmoid, derive.Quadratic, derive.Mean)
	rep := checkText(t, "Zb = A1 @ W2 + b2\ndZ2 = (A2 - Y) * sigmoid'(Z2) / m\ndb2 = sum(dZ2, 0) + 0 * b2\n", p)
	assert.Contains(t, strings.Join(rep.Results[0].Notes, " "), "b2 (1×n2 = 1×2) was repeated along its rows")
	assert.Empty(t, rep.Results[1].Notes, "scalars broadcast silently")
	assert.Equal(t, Correct, rep.Results[2].Status)
}

func TestEqualDimensionsWarn(t *testing.T) {
	p, err := randomSpec(row, []int{3, 3, 2}, 3)
	require.NoError(t, err)
	rep := checkText(t, "dZ2 = (A2 - Y) * sigmoid'(Z2) / m\ndW2 = A1ᵀ @ dZ2\n", p)
	require.NotEmpty(t, rep.Warnings)
	assert.Contains(t, rep.Warnings[0], "m = n0 = n1 = 3")
}

func TestJSONContract(t *testing.T) {
	p := randomProblem(t, row, 5, derive.Sigmoid, derive.Quadratic, derive.Mean)
	rep := checkText(t, "dZ2 = (A2 - Y) * sigmoid'(Z2)\ndW2 = log(-(A1ᵀ @ dZ2))\ndb2 = sum(dZ2, 0)\nh = A1ᵀ @ dZ2\n", p)
	raw, err := json.Marshal(rep)
	require.NoError(t, err, "NaN must not reach the JSON")
	var got struct {
		Convention string         `json:"convention"`
		Dims       map[string]int `json:"dims"`
		Pass       *bool          `json:"pass"`
		Results    []map[string]any
	}
	require.NoError(t, json.Unmarshal(raw, &got))
	assert.Equal(t, "row", got.Convention)
	assert.Equal(t, map[string]int{"m": 5, "n0": 4, "n1": 3, "n2": 2}, got.Dims)
	require.NotNil(t, got.Pass)
	assert.False(t, *got.Pass)
	for _, r := range got.Results {
		for _, k := range []string{"line", "name", "checked", "status", "shape", "want_shape", "max_rel_error", "diagnosis", "message"} {
			assert.Contains(t, r, k)
		}
	}
	assert.Equal(t, "wrong", got.Results[1]["status"])
	assert.Nil(t, got.Results[1]["max_rel_error"], "NaN entries: no number")
	assert.Equal(t, []any{string(compare.MissingOneOverM)}, got.Results[2]["diagnosis"])
	assert.Equal(t, false, got.Results[3]["checked"])
}
