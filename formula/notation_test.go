package formula

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// values runs src on p and returns the value each statement binds (nil
// where a line failed), failing the test on any parse or name error.
func values(t testing.TB, src string, p *problem.Problem) []*mat.Dense {
	t.Helper()
	prog, err := Parse(src)
	require.NoError(t, err, src)
	o := newOracle(p.Net, p.X, p.Y)
	uses, err := resolve(prog, o.L)
	require.NoError(t, err, src)
	c := &checker{prog: prog, p: o, uses: uses}
	for _, st := range prog.Stmts {
		c.info = append(c.info, classify(st.Name).in(o.L))
	}
	var out []*mat.Dense
	for i, r := range c.run(-1, nil) {
		require.Nil(t, r.err, "line %d of\n%s", i+1, src)
		out = append(out, r.v.M)
	}
	return out
}

// preamble defines the targets the expressions below read: the row
// convention's standard dZ2 and dA1.
const preamble = "dZ2 = (A2 - Y) * sigmoid'(Z2) / m\ndA1 = dZ2 @ W2ᵀ\n"

// TestNotationsMatchPlain: every accepted spelling of numpy, LaTeX,
// MATLAB and the course aliases gives, on the same problem, the value of
// its plain-language equivalent. The plain side is written with the
// language's original operators only, and where the notation brings
// something new (the comparison mask, where, powers) with an independent
// equivalent: relu′ is the mask, a product is the power.
func TestNotationsMatchPlain(t *testing.T) {
	p := randomProblem(t, row, 5, derive.Sigmoid, derive.Quadratic, derive.Mean)
	for _, tc := range []struct{ notation, written, plain string }{
		// numpy
		{"np.dot", "np.dot(A1.T, dZ2)", "A1ᵀ @ dZ2"},
		{"numpy.dot", "numpy.dot(A1.T, dZ2)", "A1ᵀ @ dZ2"},
		{"np.matmul", "np.matmul(A1.T, dZ2)", "A1ᵀ @ dZ2"},
		{"a.dot(b)", "A1.T.dot(dZ2)", "A1ᵀ @ dZ2"},
		{"(a).dot(b)", "(A2 - Y).dot(W2.T)", "(A2 - Y) @ W2ᵀ"},
		{"np.multiply", "np.multiply(dA1, sigmoid'(Z1))", "dA1 * sigmoid'(Z1)"},
		{"np.divide", "np.divide(dZ2, 3)", "dZ2 / 3"},
		{"np.add", "np.add(A2, 1)", "A2 + 1"},
		{"np.subtract", "np.subtract(A2, Y)", "A2 - Y"},
		{"np.transpose", "np.transpose(W2)", "W2ᵀ"},
		{"a.transpose()", "W2.transpose()", "W2ᵀ"},
		{"a.T", "W2.T", "W2ᵀ"},
		{"x.sum(axis=0, keepdims=True)", "dZ2.sum(axis=0, keepdims=True)", "sum(dZ2, 0)"},
		{"x.sum(1)", "dZ2.sum(1)", "sum(dZ2, 1)"},
		{"x.sum()", "dZ2.sum()", "sum(dZ2)"},
		{"x.mean(axis=0)", "dZ2.mean(axis=0)", "mean(dZ2, 0)"},
		{"np.sum keepdims", "np.sum(dZ2, axis=1, keepdims=True)", "sum(dZ2, 1)"},
		{"np.mean", "np.mean(dZ2)", "mean(dZ2)"},
		{"**2", "A1**2", "A1 * A1"},
		{"** -1", "A1 ** -1", "1 / A1"},
		{"**(3)", "A1**(3)", "A1 * A1 * A1"},
		{"np.power", "np.power(A1, 2)", "A1 * A1"},
		{"np.square", "np.square(A1)", "A1 * A1"},
		{"²", "A1²", "A1 * A1"},
		{"³", "(1 - A1)³", "(1 - A1) * (1 - A1) * (1 - A1)"},
		{"-x**2 is -(x**2)", "-A1**2", "-(A1 * A1)"},
		{"Ng's tanh derivative", "1 - np.power(A1, 2)", "1 - A1 * A1"},
		{"1./m", "1./m * dZ2", "1 / m * dZ2"},
		{"2.*x", "2.*dZ2", "2 * dZ2"},
		{"1.e-3", "1.e-3 * dZ2 + 2.E+1", "0.001 * dZ2 + 20"},
		{"np.int64 mask", "np.multiply(dA1, np.int64(A1 > 0.5))", "dA1 * relu'(A1 - 0.5)"},
		{"np.array copy=True", "np.array(dA1, copy=True)", "dA1"},
		{"np.float64", "np.float64(Z1 <= 0)", "1 - relu'(Z1)"},
		{"dtype=", "np.sum(dZ2, axis=0, keepdims=True, dtype=np.float64)", "sum(dZ2, 0)"},
		{"relu mask", "dA1 * (Z1 > 0)", "dA1 * relu'(Z1)"},
		{"mask >=", "dA1 * (Z1 >= 0)", "dA1 * relu'(Z1)"},
		{"mask <=", "(Z1 <= 0)", "1 - relu'(Z1)"},
		{"mask <", "(0 < Z1)", "relu'(Z1)"},
		{".astype(float)", "(Z1 > 0).astype(float)", "relu'(Z1)"},
		{"np.where", "np.where(Z1 > 0, dA1, 0)", "dA1 * relu'(Z1)"},
		{"np.where broadcast", "np.where(Z1 > 0, 1, 0.01)", "relu'(Z1) * 0.99 + 0.01"},
		{"np.exp", "np.exp(Z1)", "exp(Z1)"},
		{"np.log", "np.log(A1)", "log(A1)"},
		{"np.tanh", "np.tanh(Z1)", "tanh(Z1)"},
		{"np.sigmoid", "np.sigmoid(Z1) - np.sigmoid_prime(Z1) + np.relu'(Z1)", "sigmoid(Z1) - sigmoid'(Z1) + relu'(Z1)"},
		{".copy()", "dA1.copy()", "dA1"},
		{"trailing ;", "A1.T @ dZ2;", "A1ᵀ @ dZ2"},
		{"÷ and ∗", "dZ2 ÷ 2 ∗ A2", "dZ2 / 2 * A2"},
		{"a byte-order mark", "\ufeffA1.T @ dZ2", "A1ᵀ @ dZ2"},
		{"indentation", "    A1.T @ dZ2", "A1ᵀ @ dZ2"},
		// paper and LaTeX
		{"^{T}", "A1^{T} @ dZ2", "A1ᵀ @ dZ2"},
		{"^\\top", "A1^\\top @ dZ2", "A1ᵀ @ dZ2"},
		{"^{\\top}", "A1^{\\top} @ dZ2", "A1ᵀ @ dZ2"},
		{"^\\intercal", "A1^\\intercal @ dZ2", "A1ᵀ @ dZ2"},
		{"⊤", "A1⊤ @ dZ2", "A1ᵀ @ dZ2"},
		{"(…)^{T}", "(A2 - Y)^{T}", "(A2 - Y)ᵀ"},
		{"\\odot", "dA1 \\odot sigmoid'(Z1)", "dA1 * sigmoid'(Z1)"},
		{"\\circ", "dA1 \\circ sigmoid'(Z1)", "dA1 * sigmoid'(Z1)"},
		{"\\sigma'", "dA1 ⊙ \\sigma'(Z1)", "dA1 * sigmoid'(Z1)"},
		{"\\sigma^{\\prime}", "\\sigma^{\\prime}(Z1)", "sigmoid'(Z1)"},
		{"\\sigma", "\\sigma(Z1)", "sigmoid(Z1)"},
		{"W^{[2]}", "W^{[2]}", "W2"},
		{"W^[2]", "W^[2]", "W2"},
		{"A^{[1]T}", "A^{[1]T} @ dZ^{[2]}", "A1ᵀ @ dZ2"},
		{"A^{[1]\\top}", "A^{[1]\\top} @ dZ^{[2]}", "A1ᵀ @ dZ2"},
		{"Z^{[L]}", "Z^{[L]}", "Z2"},
		{"δ^{(2)}", "δ^{(2)}", "dZ2"},
		{"\\delta^{(2)}", "\\delta^{(2)} @ W^{[2]T}", "dZ2 @ W2ᵀ"},
		{"\\frac{1}{m}", "\\frac{1}{m} * A1^T @ dZ2", "1 / m * A1ᵀ @ dZ2"},
		{"\\frac{a}{b}", "\\frac{A2 - Y}{A2 * (1 - A2)}", "(A2 - Y) / (A2 * (1 - A2))"},
		{"\\left( \\right)", "\\left(A2 - Y\\right) * 2", "(A2 - Y) * 2"},
		{"$…$", "$A1^T @ dZ2$", "A1ᵀ @ dZ2"},
		{"Markdown `…`", "`A1.T @ dZ2`", "A1ᵀ @ dZ2"},
		{"g^{[1]'}", "g^{[1]'}(Z^{[1]})", "sigmoid'(Z1)"},
		{"g^{[1]\\prime}", "g^{[1]\\prime}(Z^{[1]})", "sigmoid'(Z1)"},
		{"\\sigma^{[2]}", "\\sigma^{[2]}(Z^{[2]})", "sigmoid(Z2)"},
		// MATLAB and Octave
		{"A1'", "A1' @ dZ2", "A1ᵀ @ dZ2"},
		{"(…)'", "(dZ2 @ W2')'", "(dZ2 @ W2ᵀ)ᵀ"},
		{"A1''", "A1''", "A1"},
		{".*", "dA1 .* sigmoid'(Z1)", "dA1 * sigmoid'(Z1)"},
		{"./", "dZ2 ./ A2", "dZ2 / A2"},
		{".^", "A1.^2", "A1 * A1"},
		// aliases
		{"sigmoid_prime", "sigmoid_prime(Z1)", "sigmoid'(Z1)"},
		{"sigmoid_derivative", "sigmoid_derivative(Z1)", "sigmoid'(Z1)"},
		{"tanh_prime", "tanh_prime(Z1)", "tanh'(Z1)"},
		{"relu_derivative", "relu_derivative(Z1)", "relu'(Z1)"},
		{"g'", "g'(Z1)", "f'(Z1)"},
		{"g", "g(Z2)", "f(Z2)"},
		{"AL", "AL - Y", "A2 - Y"},
		{"WL", "WL", "W2"},
		{"a2, y", "a2 - y", "A2 - Y"},
		{"z1, w2", "dZ2 @ w2.T * sigmoid'(z1)", "dZ2 @ W2ᵀ * sigmoid'(Z1)"},
		{"x", "x.T", "Xᵀ"},
		{"dz2", "dz2", "dZ2"},
		{"delta2", "delta2", "dZ2"},
		{"dx", "dX", "dA0"},
	} {
		t.Run(tc.notation, func(t *testing.T) {
			extra := ""
			if strings.Contains(tc.written, "dA0") || strings.Contains(tc.written, "dX") {
				extra = "dA0 = dZ1 @ W1ᵀ\n"
			}
			pre := preamble + "dZ1 = dA1 * sigmoid'(Z1)\n" + extra
			got := values(t, pre+"q = "+tc.written+"\n", p)
			want := values(t, pre+"q = "+tc.plain+"\n", p)
			g, w := got[len(got)-1], want[len(want)-1]
			require.Equal(t, fmt.Sprint(w.Dims()), fmt.Sprint(g.Dims()))
			// the same operations in the same order, except math.Pow
			// against a product: equal to the last bits
			assert.True(t, mat.EqualApprox(g, w, 1e-15), "%s\n%v\n%v", tc.written, mat.Formatted(g), mat.Formatted(w))
		})
	}
}

// A pasted function body, or notes, in each course's notation: every
// checked line correct against derive's backprop, the verdict pass.
func TestPastedDerivations(t *testing.T) {
	mk := func(c derive.Convention, acts []derive.Activation, cost derive.Cost, red derive.Reduction) *problem.Problem {
		p, err := problem.Random(problem.Spec{Convention: c, Sizes: []int{4, 3, 2}, Batch: 5, Acts: acts,
			Cost: cost, Reduction: red, Init: derive.NormalScaled, Seed: 7})
		require.NoError(t, err)
		return p
	}
	tanhSig := []derive.Activation{derive.Tanh, derive.Sigmoid}
	reluSig := []derive.Activation{derive.ReLU, derive.Sigmoid}
	for _, tc := range []struct {
		name string
		p    *problem.Problem
		src  string
	}{
		{"Ng course 1 week 3, numpy (column, tanh, cross-entropy)", mk(col, tanhSig, derive.CrossEntropy, derive.Mean), `
import numpy as np

def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W1 = parameters["W1"]
    W2 = parameters["W2"]
    A1 = cache["A1"]
    A2 = cache['A2']
    # Backward propagation: calculate dW1, db1, dW2, db2.
    dZ2 = A2 - Y
    dW2 = (1 / m) * np.dot(dZ2, A1.T)
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW1 = (1 / m) * np.dot(dZ1, X.T)
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
    grads = {"dW1": dW1,
    return grads
`},
		{"Ng course 1 week 4, relu_backward and linear_backward (column)", mk(col, reluSig, derive.CrossEntropy, derive.Mean), `
dAL = - (np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
dZ2 = dAL * sigmoid_derivative(Z2);
dW2 = 1./m * np.dot(dZ2, A1.T)
db2 = 1./m * np.sum(dZ2, axis = 1, keepdims = True)
dA1 = np.dot(W2.T, dZ2)
dZ1 = np.where(Z1 > 0, dA1, 0)
dW1 = 1./m * np.dot(dZ1, X.T)
db1 = 1./m * np.sum(dZ1, axis=1, keepdims=True)
`},
		{"Ng's slides in LaTeX (column)", mk(col, tanhSig, derive.CrossEntropy, derive.Mean), `
$dZ^{[2]} = A^{[2]} - Y$
$dW^{[2]} = \frac{1}{m} * dZ^{[2]} @ A^{[1]T}$
$db^{[2]} = \frac{1}{m} * np.sum(dZ^{[2]}, axis=1, keepdims=True)$
$dZ^{[1]} = W^{[2]T} @ dZ^{[2]} \odot g^{[1]\prime}(Z^{[1]})$
$dW^{[1]} = \frac{1}{m} * dZ^{[1]} @ X^T$
$db^{[1]} = \frac{1}{m} * np.sum(dZ^{[1]}, axis=1, keepdims=True)$
`},
		{"Nielsen's network.py in his lowercase (per-example)", mk(per, []derive.Activation{derive.Sigmoid, derive.Sigmoid}, derive.Quadratic, derive.Mean), `
delta2 = (a2 - y) * sigmoid_prime(z2)
db2 = delta2
dW2 = np.dot(delta2, a1.transpose())
delta1 = np.dot(w2.transpose(), delta2) * sigmoid_prime(z1)
db1 = delta1
dW1 = np.dot(delta1, x.transpose())
`},
		{"CS231n-style numpy, row convention, lowercase gradients", mk(row, reluSig, derive.Quadratic, derive.Mean), `
dz2 = (a2 - Y) * a2 * (1 - a2) / m      # sigmoid output
dw2 = A1.T.dot(dz2)
db2 = np.sum(dz2, axis=0, keepdims=True)
dA1 = dz2.dot(W2.T)
dz1 = dA1 * (Z1 > 0)
dw1 = X.T.dot(dz1); db1 = dz1.sum(axis=0)
`},
		{"MATLAB (row convention)", mk(row, tanhSig, derive.SumSquares, derive.Sum), `
% backward pass
dZ2 = 2 * (A2 - Y) .* A2 .* (1 - A2);
dW2 = A1' @ dZ2;
db2 = sum(dZ2, 0);     % the axis is numpy's: MATLAB's sum(dZ2, 1)
dZ1 = (dZ2 @ W2') .* (1 - A1.^2);
dW1 = X' @ dZ1;
db1 = sum(dZ1, 0);
`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := checkText(t, tc.src, tc.p)
			for _, r := range rep.Results {
				assert.Equal(t, Correct, r.Status, "line %d: %s\n%s", r.Line, r.Text, r.Message)
			}
			assert.Equal(t, VerdictPass, rep.Verdict)
			assert.True(t, rep.Pass)
		})
	}
}

// TestEveryErrorReported: a pasted block with several mistakes gets all of
// them, each with its line and column, in one run, and each says what to
// write instead.
func TestEveryErrorReported(t *testing.T) {
	src := strings.Join([]string{
		"dZ2 = A2 - Y",                   // 1 fine
		"dW2 = A1[1:] @ dZ2",             // 2 slicing
		"db2 = sum(dZ2, 0) // m",         // 3 floor division
		"dZ1 = dZ2 @ W2ᵀ × sigmoid'(Z1)", // 4 ×
		"for l in range(2):",             // 5 a loop
		"dW1 = np.einsum(X, dZ1)",        // 6 an unknown numpy function
		`W1 = parameters["W2"]`,          // 7 another dictionary entry
		"dW1 = X^{2}",                    // 8 a power with ^
		"dA1 = dZ2 @ W2ᵀ \\cdot 2",       // 9 \cdot
	}, "\n")
	_, err := Parse(src)
	require.Error(t, err)
	var list ErrorList
	require.True(t, errors.As(err, &list))
	var fe *Error
	require.True(t, errors.As(err, &fe), "errors.As finds the first")
	assert.Equal(t, Pos{2, 9}, fe.Pos)
	want := []struct {
		pos  Pos
		says string
	}{
		{Pos{2, 9}, "Python indexing and slicing are not part of the language"},
		{Pos{3, 19}, "write / to divide, and # (not //) to start a comment"},
		{Pos{4, 17}, "write @ for the matrix product"},
		{Pos{5, 1}, "this loop has no body on the lines below it"},
		{Pos{6, 10}, "np.einsum is not part of the language; write the product with @ and ᵀ"},
		{Pos{7, 17}, `W1 = parameters["W2"] binds W1 to another entry: the problem gives W1 itself, so delete the line`},
		{Pos{8, 8}, "for an elementwise square write A1**2"},
		{Pos{9, 17}, `\cdot is ambiguous`},
	}
	require.Len(t, list, len(want), err.Error())
	for i, w := range want {
		assert.Equal(t, w.pos, list[i].Pos, list[i].Error())
		assert.Contains(t, list[i].Error(), w.says)
		assert.Equal(t, KindSyntax, list[i].Kind)
	}
	// and the names, once the file parses: every one
	p := randomProblem(t, row, 5, derive.Sigmoid, derive.Quadratic, derive.Mean)
	prog, err := Parse("dW2 = A3ᵀ @ dZ2\ndb2 = sum(qq, 0)\ndw9 = A1ᵀ\nh = dot(A1, W2)\nh = transpose(A2 - Y)")
	require.NoError(t, err)
	_, err = Check(prog, p.Net, p.X, p.Y)
	require.True(t, errors.As(err, &list))
	var got []string
	for _, e := range list {
		got = append(got, e.Error())
	}
	assert.Equal(t, []string{
		"1:7: A3: the network has 2 layers, so A runs from layer 0 to 2; there is no layer 3",
		"1:13: dZ2 is used before it is defined: the gradients are yours to write, so define dZ2 on an earlier line",
		"2:11: unknown name qq: the problem gives X (also A0), Y, A1…A2, Z1…Z2, W1…W2, b1…b2 and m; other names must be defined on an earlier line",
		"3:1: dw9: the network has 2 layers, so dW runs from layer 1 to 2; there is no layer 9",
		"4:5: unknown function dot: write A1 @ W2 (or np.dot(A1, W2), A1.dot(W2))",
		"5:5: unknown function transpose: write (A2 - Y)ᵀ (or (A2 - Y).T, (A2 - Y)^T, np.transpose(A2 - Y))",
	}, got)
}

// TestUnsupportedNamed: a notation that stays outside the language is
// named, with what to write instead, never "unexpected character".
func TestUnsupportedNamed(t *testing.T) {
	for _, tc := range []struct {
		src  string
		col  int
		says string
	}{
		{"dZ1 = dA1[Z1 <= 0]", 10, "Python indexing and slicing are not part of the language"},
		{"L = -np.log(probs[range(N), y])", 18, "delete it, or write it with the one-hot Y, as in -np.sum(Y * np.log(probs)) / N"},
		{"L = -np.log(probs[np.arange(N), y])", 18, "the loss line is not needed to check the gradient"},
		{"dW2 = A1ᵀ @ dZ2 // 2", 17, "// is Python's floor division"},
		{"// a comment from Go\ndW2 = A1ᵀ @ dZ2", 0, ""},
		{"dW2 = A1ᵀ @ dZ2 % 2", 17, "write # to start a comment"},
		{"dW2 = A1.flatten()", 10, ".flatten is not part of the language: the language keeps every value two-dimensional"},
		{"dW2 = np.einsum('ij,jk', A1, dZ2)", 10, "np.einsum is not part of the language"},
		{"dW2 = A1^{-1}", 9, "^ makes no powers"},
		{"dW2 = A1**0.5", 9, "whole-number power"},
		{"dW2 += A1", 0, ""},         // dW2 = dW2 + (A1)
		{"dW2, db2 = A1, A2", 0, ""}, // one statement a name
		{"dW2, db2 = A1", 1, "the problem does not give dW2"},
		{"dW2, db2 = A1, A2, Z1", 10, "2 names on the left and 3 values"},
		{"dW2, db2 = A1, dW2", 16, "read on its right, where Python reads its old value"},
		{"dW2 = A1 == 0", 0, ""}, // numpy's 0/1 array, as (A1 > 0)
		{"q = A1 == 0 != 1", 13, "comparisons do not chain"},
		{"q = == A1", 5, "== compares two values, so a value is missing before it"},
		{"q = float(A1, 2)", 5, "float takes one argument here"},
		{"q = np.argmax(A1, axis=2)", 0, ""},             // refused when names resolve
		{`print("accuracy: %d%%" % (100 * acc))`, 0, ""}, // passed over unread
		{"dW2 = \\nabla A1", 7, `\nabla is not part of the language`},
		{"dW2 = \\foo A1", 7, `\foo is not a LaTeX command the language reads`},
		{"dW2 = W2^{[2]}", 9, "already has a layer number"},
		{"dW2 = (A1)^{[2]}", 11, "a layer superscript belongs right after a name"},
		{"import torch", 1, "only numpy is imported here"},
		{"dW2 = {A1}", 7, "braces group only in LaTeX"},
		{"dZ1 = (Z1 > 0 > 1)", 15, "comparisons do not chain"},
		{"dW2 = np.pi", 10, "np.pi is not part of the language"},
		{"dW2 = (A1ᵀ @ dZ2", 7, "never closed on this line"},
		{"dW2 = A1⁻¹", 9, "backprop needs no inverse"},
		{"dW2 = np.dot(A1.T, \\\n  dZ2)", 0, ""}, // joined, as Python does
		{"dW2 = np.dot(A1.T,\n  dZ2)", 0, ""},
		{"dW2 = np.dot(A1.T,\n  dZ2", 7, "np.dot( is never closed on this line"},
		{"assert dW2 > 0", 1, "an assert is read when it claims a shape"},
		{"dW2 = A1.shape", 0, ""}, // refused when it runs
		{`dW2 = p["W" + str(k)]`, 9, "a key built from pieces"},
		{"dW2 = ᵀA1", 7, "a transpose follows what it transposes"},
		{"dZ1 = g^{[2]'}(Z^{[1]})", 16, "g^{[2]'} is layer 2's activation, but Z1 belongs to layer 1"},
		{"dZ1 = dA1 & (Z1 > 0)", 11, "a mask is a comparison"},
		{"dW2 = ∑ dZ2", 7, "a sum over the batch is sum(M, axis)"},
		{"A1 = np.tanh(Z1)", 1, ""}, // parses; refused when names resolve
	} {
		t.Run(tc.src, func(t *testing.T) {
			_, err := Parse(tc.src)
			if tc.says == "" {
				require.NoError(t, err)
				return
			}
			var fe *Error
			require.True(t, errors.As(err, &fe), "%v", err)
			assert.Equal(t, tc.col, fe.Col, err.Error())
			assert.Contains(t, fe.Msg, tc.says)
			assert.NotContains(t, fe.Msg, "unexpected character")
		})
	}
}

// TestGradientLookalikes: a name that looks like a gradient is checked as
// that gradient (dw2, dz2: only the case differs) or refused with the name
// it most likely means; it never passes unchecked as a helper.
func TestGradientLookalikes(t *testing.T) {
	p := randomProblem(t, row, 5, derive.Sigmoid, derive.Quadratic, derive.Mean)
	// dw2 = A1.T @ dZ2 * 3 is checked as dW2, and it is wrong
	rep := checkText(t, preamble+"dw2 = A1.T @ dZ2 * 3\n", p)
	last := rep.Results[len(rep.Results)-1]
	assert.True(t, last.Checked)
	assert.Equal(t, Wrong, last.Status)
	assert.Equal(t, []compare.Code{compare.Scale}, last.Diagnosis)
	assert.False(t, rep.Pass)
	for _, tc := range []struct{ name, means string }{
		{"grad_W2", "dW2"}, {"dW_2", "dW2"}, {"dC_dW2", "dW2"}, {"nabla_w2", "dW2"}, {"dW02", "dW2"},
		{"delta_2", "dZ2"}, {"grad_b1", "db1"}, {"dZ_1", "dZ1"}, {"dA_prev", "one of dA0…dA2 (name the layer)"}, {"delta", "dZ1 or dZ2 (name the layer)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prog, err := Parse(preamble + tc.name + " = A1.T @ dZ2 * 3\n")
			require.NoError(t, err)
			_, err = Check(prog, p.Net, p.X, p.Y)
			var fe *Error
			require.True(t, errors.As(err, &fe), "%v", err)
			assert.Equal(t, Pos{3, 1}, fe.Pos)
			assert.Contains(t, fe.Msg, "did you mean "+tc.means+"?", fe.Msg)
		})
	}
	// a dW without its layer is placed by its shape, n1×n2 (W2's), and judged
	rep = checkText(t, preamble+"dW = A1.T @ dZ2 * 3\n", p)
	last = rep.Results[len(rep.Results)-1]
	assert.True(t, last.Checked)
	assert.Equal(t, Wrong, last.Status)
	assert.Equal(t, []compare.Code{compare.Scale}, last.Diagnosis)
	assert.Contains(t, last.Notes[0], "dW is checked as dW2: placed by its shape")
	// a helper that does not look like a gradient stays a helper
	rep = checkText(t, preamble+"h = A1.T @ dZ2\ndW2 = h\n", p)
	assert.False(t, rep.Results[2].Checked)
	assert.True(t, rep.Pass)
	// dW99999: a layer the network does not have, not a helper
	prog, err := Parse("dW99999 = A1")
	require.NoError(t, err)
	_, err = Check(prog, p.Net, p.X, p.Y)
	assert.ErrorContains(t, err, "there is no layer 99999")
}

// TestVerdicts: every checked line that is wrong decides, and a file with
// no dW or db line does not pass.
func TestVerdicts(t *testing.T) {
	p := randomProblem(t, row, 5, derive.Sigmoid, derive.Quadratic, derive.Mean)
	for _, tc := range []struct {
		name    string
		src     string
		verdict Verdict
		summary string
	}{
		{"standard", program(row, nil), VerdictPass, "pass: every checked line is correct (6 lines, 4 of them dW or db)"},
		// issue: the row convention's dZ1 written in the column form is a
		// shape error, and it decides although no dW or db line reads it
		{"wrong intermediate", program(row, nil) + "dZ1 = (W2ᵀ @ dZ2) * sigmoid'(Z1)\n", VerdictFail, "FAIL: dZ1 (line 7) shape-error"},
		{"wrong dZ value", program(row, nil) + "dZ1 = 2 * dZ1\n", VerdictFail, "FAIL: dZ1 (line 7) wrong"},
		{"dZ without 1/m stays correct", "dZ2 = (A2 - Y) * sigmoid'(Z2)\ndW2 = A1ᵀ @ dZ2 / m\n", VerdictPass, "pass"},
		{"no dW or db", "dZ2 = (A2 - Y) * sigmoid'(Z2) / m\n", VerdictIncomplete, "INCOMPLETE, not a pass"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := checkText(t, tc.src, p)
			assert.Equal(t, tc.verdict, rep.Verdict)
			assert.Equal(t, tc.verdict == VerdictPass, rep.Pass)
			var b strings.Builder
			rep.WriteText(&b)
			assert.Contains(t, b.String(), tc.summary)
			if tc.verdict != VerdictPass {
				assert.NotContains(t, b.String(), "\npass:")
			}
		})
	}
}

// TestBounds: what a formula file can ask for is bounded before it runs.
func TestBounds(t *testing.T) {
	// operator chains and repeated transposes nest without parentheses
	for _, src := range []string{
		"q = A1" + strings.Repeat(" + A1", 5000),
		"q = A1" + strings.Repeat("ᵀ", 5000),
		"q = A1" + strings.Repeat("'", 5000),
		"q = A1" + strings.Repeat(".T", 5000),
		"q = " + strings.Repeat("-", 5000) + "A1",
		"q = " + strings.Repeat("exp(", 5000) + "A1" + strings.Repeat(")", 5000),
		"q = A1" + strings.Repeat(".dot(W2ᵀ)", 5000),
	} {
		_, err := Parse(src)
		var fe *Error
		require.True(t, errors.As(err, &fe), src[:20])
		assert.Contains(t, fe.Msg, "nested too deeply")
	}
	// at the limit it parses and evaluates
	p := randomProblem(t, row, 5, derive.Sigmoid, derive.Quadratic, derive.Mean)
	v := values(t, "q = A1"+strings.Repeat(" + A1", maxDepth-1), p)
	assert.InDelta(t, float64(maxDepth)*valueAt(t, p, "A1"), v[0].At(0, 0), 1e-12)

	// the layers a file names are bounded before a network is drawn
	prog, err := Parse("dW2000 = A1999ᵀ @ dZ2000")
	require.NoError(t, err)
	e := prog.TooManyLayers(5)
	require.NotNil(t, e)
	assert.Equal(t, Pos{1, 1}, e.Pos)
	assert.Contains(t, e.Msg, "names layer 2000: a network drawn for a formula file has at most 64 layers")
	assert.Contains(t, e.Msg, "GiB")
	prog, err = Parse("dW99999999999999999999 = A1")
	require.NoError(t, err)
	assert.Contains(t, prog.TooManyLayers(5).Msg, "names layer 99999999999999999999: a network drawn for a formula file has at most 64 layers")
	assert.Contains(t, prog.TooManyLayers(5).Msg, "more memory than any machine has")
	prog, err = Parse("dW64 = A63ᵀ @ dZ64")
	require.NoError(t, err)
	assert.Nil(t, prog.TooManyLayers(5))
	// the estimate: 2000 layers of sizes ℓ+2 hold Σ 2(ℓ+2)(ℓ+3) ≈ 2·2000³/3
	// weights and gradients alone, 5.3e9 floats, 40 GiB
	assert.Greater(t, LayerBytes(2000, 5), 8*2*2000.0*2000*2000/3)
}

// valueAt is the (0,0) entry of a given name on p.
func valueAt(t testing.TB, p *problem.Problem, name string) float64 {
	t.Helper()
	v := values(t, "q = "+name, p)
	return v[0].At(0, 0)
}

// TestNgShapeOfM: Ng's m = X.shape[1] is read and runs; in the row
// convention it is n0, not m, and the report says so — and the dW lines
// that divide by it are wrong by that factor.
func TestNgShapeOfM(t *testing.T) {
	src := "m = X.shape[1]\ndZ2 = (A2 - Y) * sigmoid'(Z2)\ndW2 = 1/m * dZ2 @ A1.T\n"
	rep := checkText(t, src, randomProblem(t, col, 5, derive.Sigmoid, derive.Quadratic, derive.Mean))
	assert.Empty(t, rep.Results[0].Notes)
	assert.True(t, rep.Pass)
	src = "m = X.shape[1]\ndZ2 = (A2 - Y) * sigmoid'(Z2)\ndW2 = 1/m * A1.T @ dZ2\n"
	rep = checkText(t, src, randomProblem(t, row, 5, derive.Sigmoid, derive.Quadratic, derive.Mean))
	assert.Equal(t, []string{"X.shape[1] is n0 = 4 here, not the batch size m = 5: in the row convention the examples are X's rows"}, rep.Results[0].Notes)
	dW := rep.Results[2]
	assert.Equal(t, Wrong, dW.Status)
	require.Len(t, dW.Mistakes, 1)
	assert.Equal(t, compare.Scale, dW.Mistakes[0].Code)
	assert.InDelta(t, 5.0/4, dW.Mistakes[0].Factor, 1e-9, "1/n0 where 1/m belongs: m/n0 times the truth")
	assert.False(t, rep.Pass)
}

// TestErrorsBounded: a file of mistakes reports the first 50 and counts
// the rest, where the 51st is.
func TestErrorsBounded(t *testing.T) {
	_, err := Parse(strings.Repeat("dW2 = A1[0] ? ?\n", 1000))
	var list ErrorList
	require.True(t, errors.As(err, &list))
	require.Len(t, list, maxErrors+1)
	// two lexical errors a line (a line that cannot be lexed is not
	// parsed): 25 lines listed, the 51st error is line 26's first
	assert.Equal(t, Pos{26, 13}, list[maxErrors].Pos)
	assert.Equal(t, "26:13: and 1950 more errors from here on", list[maxErrors].Error())
	lines := list.Lines("f.txt:")
	require.Len(t, lines, maxErrors+1)
	assert.Equal(t, "f.txt:26:13: and 1950 more errors from here on", lines[maxErrors])
}
