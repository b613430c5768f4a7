package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const formulas = "../formula/testdata/"

func TestFormulaPasses(t *testing.T) {
	code, out, errb := run(t, "formula", formulas+"issue.txt", "--convention", "row", "--cost", "quadratic", "--reduction", "mean")
	require.Equal(t, 0, code, errb)
	assert.Contains(t, out, "dims: m = 5, n0 = 4, n1 = 3, n2 = 2")
	assert.Contains(t, out, "line 3: dW2 = A1ᵀ @ dZ2 / m")
	assert.Contains(t, out, "pass: every checked line is correct (4 lines, 2 of them dW or db)")
}

func TestFormulaJSONMismatch(t *testing.T) {
	code, out, _ := run(t, "formula", formulas+"thread-post13-zap.txt", "--json", "--reduction", "mean")
	require.Equal(t, 1, code)
	var got struct {
		Convention string         `json:"convention"`
		Dims       map[string]int `json:"dims"`
		Pass       bool           `json:"pass"`
		Results    []struct {
			Line        int      `json:"line"`
			Name        string   `json:"name"`
			Checked     bool     `json:"checked"`
			Status      string   `json:"status"`
			Shape       string   `json:"shape"`
			WantShape   string   `json:"want_shape"`
			MaxRelError *float64 `json:"max_rel_error"`
			Diagnosis   []string `json:"diagnosis"`
			Message     string   `json:"message"`
		} `json:"results"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, "row", got.Convention)
	assert.False(t, got.Pass)
	require.Len(t, got.Results, 3)
	dW := got.Results[1]
	assert.Equal(t, "dW2", dW.Name)
	assert.Equal(t, 6, dW.Line)
	assert.Equal(t, "wrong", dW.Status)
	assert.Equal(t, "n1×n2 = 3×2", dW.Shape)
	assert.Equal(t, []string{"missing-1/m"}, dW.Diagnosis)
	require.NotNil(t, dW.MaxRelError)
	assert.InDelta(t, 0.8, *dW.MaxRelError, 1e-9, "m·g against g: |5g − g| / |5g| = 4/5")
}

func TestFormulaShapeErrorExits1(t *testing.T) {
	code, out, _ := run(t, "formula", formulas+"thread-post07-nielsen-in-rows.txt", "--convention", "row")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "W2ᵀ @ dZ2 cannot multiply")
	assert.Contains(t, out, "FAIL: dZ1 (line 4) shape-error; dW1 (line 5) error")
}

func TestFormulaBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
		return p
	}
	syntax := write("syntax.txt", "# ok\ndW2 = A1ᵀ @ @ dZ2\n")
	layer := write("layer.txt", "dZ3 = A3 - Y\n")
	for _, tc := range []struct {
		name string
		args []string
		says string
	}{
		{"syntax", []string{"formula", syntax}, syntax + ":2:13: "},
		{"no layer 3", []string{"formula", layer, "--net", "4,3,2"}, layer + ":1:1: dZ3: the network has 2 layers"},
		{"missing file", []string{"formula", filepath.Join(dir, "nope.txt")}, "cannot read the formula file"},
		{"problem and net", []string{"formula", layer, "--problem", "../examples/thread-row.json", "--net", "4,3,2"}, "drop --net"},
		{"bad flag", []string{"formula", layer, "--cost", "mse"}, `unknown cost "mse"`},
		{"no file", []string{"formula"}, "accepts 1 arg"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errb := run(t, tc.args...)
			assert.Equal(t, 2, code)
			assert.Contains(t, errb, tc.says)
		})
	}
}

func TestFormulaLayersFromFile(t *testing.T) {
	// Without --net the network has as many layers as the file names, with
	// sizes that differ from each other and from the batch.
	p := filepath.Join(t.TempDir(), "three.txt")
	require.NoError(t, os.WriteFile(p, []byte("dZ3 = (A3 - Y) * sigmoid'(Z3) / m\ndW3 = A2ᵀ @ dZ3\n"), 0o644))
	code, out, errb := run(t, "formula", p)
	require.Equal(t, 0, code, errb)
	assert.Contains(t, out, "dims: m = 5, n0 = 6, n1 = 4, n2 = 3, n3 = 2")
	assert.NotContains(t, out, "warning")
}

func TestFormulaProblemFile(t *testing.T) {
	// examples/thread-row.json: row convention, sum of squares, summed: the
	// thread's own setting, where post #7's matrix formulas are right.
	code, out, errb := run(t, "formula", formulas+"thread-post07-matrix.txt", "--problem", "../examples/thread-row.json")
	require.Equal(t, 0, code, errb)
	assert.Contains(t, out, "sum-squares cost, sum reduction")
}

// writeFile writes src to a file in a fresh directory and returns its path.
func writeFile(t *testing.T, name, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
	return p
}

// TestFormulaPastedNumpy: the backward pass of a numpy notebook, pasted
// as it is (Ng's course, the column convention), is checked line by line.
func TestFormulaPastedNumpy(t *testing.T) {
	p := writeFile(t, "backward.py", `import numpy as np

def backward_propagation(parameters, cache, X, Y):
    dZ2 = A2 - Y
    dW2 = 1./m * np.dot(dZ2, A1.T)
    db2 = 1./m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    dW1 = 1./m * np.dot(dZ1, X.T)
    db1 = 1./m * np.sum(dZ1, axis=1, keepdims=True)
    return grads
`)
	code, out, errb := run(t, "formula", p, "--convention", "column", "--act", "tanh,sigmoid", "--cost", "cross-entropy")
	require.Equal(t, 0, code, errb)
	assert.Contains(t, out, "line 5: dW2 = 1./m * np.dot(dZ2, A1.T)")
	assert.Contains(t, out, "pass: every checked line is correct (6 lines, 4 of them dW or db)")
}

func TestFormulaVerdicts(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		code      int
		says      string
	}{
		// a lowercase gradient is checked, not taken for a helper
		{"dw2 is dW2", "dZ2 = (A2 - Y) * sigmoid'(Z2) / m\ndw2 = A1.T @ dZ2 * 3\n", 1, "FAIL: dw2 (line 2) wrong"},
		// a wrong intermediate line decides (row convention, column form)
		{"wrong dZ1", "dZ2 = (A2 - Y) * sigmoid'(Z2) / m\ndW2 = A1ᵀ @ dZ2\ndZ1 = (W2^T @ dZ2) * sigmoid'(Z1)\n", 1, "FAIL: dZ1 (line 3) shape-error"},
		{"no dW or db", "dZ2 = (A2 - Y) * sigmoid'(Z2) / m\n", 1, "INCOMPLETE, not a pass"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errb := run(t, "formula", writeFile(t, "f.txt", tc.src))
			assert.Equal(t, tc.code, code, errb)
			assert.Contains(t, out, tc.says)
			assert.NotContains(t, out, "\npass:")
		})
	}
}

// TestFormulaRefused: input formula refuses with exit status 2, the file
// named, every error of a file reported, nothing large allocated.
func TestFormulaRefused(t *testing.T) {
	big := writeFile(t, "big.txt", strings.Repeat("# a comment line\n", 70000))
	many := writeFile(t, "many.txt", "dW2 = np.dot(A1.T, dZ2\ndb2 = dZ2[0]\nok = A1\ndZ1 = dZ2 × W2\n")
	for _, tc := range []struct {
		name  string
		args  []string
		lines []string // each on its own line of stderr
	}{
		{"empty", []string{"formula", writeFile(t, "empty.txt", "")}, []string{"empty.txt: nothing to check: the file has no statement"}},
		{"comments only", []string{"formula", writeFile(t, "c.txt", "# dW2 = A1ᵀ @ dZ2\n\n")}, []string{"nothing to check"}},
		{"helpers only", []string{"formula", writeFile(t, "h.txt", "h = A1ᵀ\n")}, []string{"h.txt: nothing to check: no line is named dZℓ, dAℓ, dWℓ or dbℓ"}},
		{"too large", []string{"formula", big}, []string{"big.txt: the formula file is larger than 1 MiB, the limit"}},
		{"/dev/zero", []string{"formula", "/dev/zero"}, []string{"/dev/zero: the formula file is larger than 1 MiB, the limit"}},
		{"binary", []string{"formula", writeFile(t, "b.txt", "dW2 = \xff\xfe")}, []string{"b.txt: the formula file is not UTF-8 text"}},
		{"2000 layers", []string{"formula", writeFile(t, "deep.txt", "dW2000 = A1999ᵀ @ dZ2000")},
			[]string{"deep.txt:1:1: dW2000 names layer 2000: a network drawn for a formula file has at most 64 layers"}},
		{"dW99999", []string{"formula", writeFile(t, "n.txt", "dW99999 = A1"), "--net", "4,3,2"}, []string{"n.txt:1:1: dW99999: the network has 2 layers"}},
		{"every syntax error", []string{"formula", many}, []string{
			"many.txt:1:7: np.dot( is never closed on this line",
			"many.txt:2:10: Python indexing and slicing are not part of the language",
			"many.txt:4:11: \"×\" is ambiguous"}},
		{"lookalike", []string{"formula", writeFile(t, "g.txt", "grad_W2 = A1")}, []string{"g.txt:1:1: grad_W2 looks like a gradient", "did you mean dW2?"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errb := run(t, tc.args...)
			assert.Equal(t, 2, code, errb)
			assert.Empty(t, out)
			assert.NotContains(t, errb, "goroutine")
			for _, l := range tc.lines {
				assert.Contains(t, errb, l)
			}
			got := strings.Split(strings.TrimSpace(errb), "\n")
			if tc.name == "every syntax error" {
				require.Len(t, got, 3, errb)
				for i, l := range got {
					assert.True(t, strings.HasPrefix(l, "backproof: "+tc.args[1]+":"), l)
					assert.Contains(t, l, tc.lines[i])
				}
			} else {
				assert.Len(t, got, 1, errb)
			}
		})
	}
}

// TestFormulaNgNotebook pins what the README shows for a pasted numpy
// backward pass (formula/testdata/ng-week3.py, one planted mistake).
func TestFormulaNgNotebook(t *testing.T) {
	code, out, errb := run(t, "formula", formulas+"ng-week3.py", "--convention", "column", "--act", "tanh,sigmoid", "--cost", "cross-entropy")
	require.Equal(t, 1, code, errb)
	for _, s := range []string{
		"column convention, tanh,sigmoid layers, cross-entropy cost, mean reduction",
		"line 7: m = X.shape[1]\n  m = 5, the batch size\n",
		"line 13: dW2 = 1./m * np.dot(dZ2, A1.T)\n  correct     shape n2×n1 = 2×3   max rel error 0\n",
		"line 15: dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))\n  correct     shape n1×m = 3×5   max rel error 0\n",
		"line 16: dW1 = np.dot(dZ1, X.T)\n  wrong       shape n1×n0 = 3×4   max rel error 0.8   [missing-1/m]\n",
		"\nFAIL: dW1 (line 16) wrong\n",
	} {
		assert.Contains(t, out, s)
	}
	assert.Equal(t, 7, strings.Count(out, "\nline "), "m and the six gradient lines; the frame lines (def, dictionaries, return) are skipped")
}

// TestFormulaMemoryRefused: a formula line whose matrices would not fit
// in --max-memory is refused before any line runs (exit 2, naming the
// line and the estimate), instead of the runtime's out-of-memory crash.
func TestFormulaMemoryRefused(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
		return p
	}
	gram := write("gram.txt", "dZ2 = (A2 - Y) * sigmoid'(Z2) / m\nG = X @ X.T\ndW2 = A1.T @ dZ2\n")
	outer := write("outer.txt", "dZ2 = (A2 - Y) * sigmoid'(Z2) / m\nc = sum(X, 1)\nr = c.T\nH = c * r\ndW2 = A1.T @ dZ2\n")
	// X @ Xᵀ is m×m: 50,000² float64 is 18.6 GiB
	refused(t, []string{"formula", gram, "--batch", "50000"}, gram+":2:1:", "G = X @ X.T", "18.6 GiB", "(G is m×m = 50000×50000)", "limit of 4 GiB", "--max-memory")
	// a column times a row broadcasts to m×m too
	refused(t, []string{"formula", outer, "--batch", "50000"}, outer+":4:1:", "H = c * r", "(H is m×m = 50000×50000)")
	// the same files with a small batch run
	code, _, errb := run(t, "formula", gram, "--batch", "50")
	assert.Equal(t, 0, code, errb)
	// and a limit below what the lines need refuses them too
	refused(t, []string{"formula", gram, "--batch", "2000", "--max-memory", "20MiB"}, gram+":2:1:", "(G is m×m = 2000×2000)", "limit of 20 MiB")
}

// TestFormulaHeaders: every bundled formula file runs without flags on the
// problem its header names, with the verdict its comments state: the
// thread's right derivations pass, and the files that show a mistake (a
// product that cannot multiply, a planted missing 1/m) fail on it.
func TestFormulaHeaders(t *testing.T) {
	fails := map[string]string{
		"thread-post07-nielsen-in-rows.txt": "FAIL: dZ1 (line 4) shape-error",
		"thread-post09.txt":                 "FAIL: dA1 (line 4) shape-error",
		"thread-post20.txt":                 "FAIL: dW2 (line 5) shape-error; dA1 (line 7) shape-error",
		"ng-week3.py":                       "FAIL: dW1 (line 16) wrong",
	}
	files, err := filepath.Glob(formulas + "*.*")
	require.NoError(t, err)
	require.Len(t, files, 12)
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			code, out, errb := run(t, "formula", f)
			assert.Empty(t, errb)
			if want, ok := fails[name]; ok {
				assert.Equal(t, 1, code, out)
				assert.Contains(t, out, want)
				return
			}
			assert.Equal(t, 0, code, out)
			assert.Contains(t, out, "pass: every checked line is correct")
		})
	}
	// the header's setting is the one used
	_, out, _ := run(t, "formula", formulas+"thread-post01.txt")
	assert.Contains(t, out, "row convention, sigmoid,sigmoid layers, sum-squares cost, sum reduction")
}

// TestFormulaHeaderOverride: the command line wins over the header and
// says so on stderr; --problem makes the header unused, said too; a header
// that sets how the command runs, or a bad value, is refused at its line.
func TestFormulaHeaderOverride(t *testing.T) {
	code, out, errb := run(t, "formula", formulas+"thread-post01.txt", "--reduction", "mean")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "sum-squares cost, mean reduction")
	assert.Contains(t, out, "missing-1/m")
	assert.Equal(t, "backproof: "+formulas+"thread-post01.txt:3: --reduction mean on the command line overrides the header's --reduction sum\n", errb)
	// the same value on the command line says nothing
	code, _, errb = run(t, "formula", formulas+"thread-post01.txt", "--cost", "sum-squares")
	assert.Equal(t, 0, code)
	assert.Empty(t, errb)

	dir := t.TempDir()
	write := func(name, src string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
		return p
	}
	prob := filepath.Join(dir, "p.json")
	code, _, errb = run(t, "check", "--net", "4,3,2", "--save", prob)
	require.Equal(t, 0, code, errb)
	code, _, errb = run(t, "formula", formulas+"thread-post01.txt", "--problem", prob)
	assert.Equal(t, 1, code) // the problem's quadratic mean cost, not the header's
	assert.Contains(t, errb, "thread-post01.txt:3: the header's flags are not used: --problem gives the network and the batch")

	body := "dZ2 = (A2 - Y) * sigmoid'(Z2)\ndW2 = A1.T @ dZ2\n"
	json := write("json.txt", "# backproof: --cost quadratic --json\n"+body)
	refused(t, []string{"formula", json}, json+":1:31: --json cannot be given in the header", "--net, --batch")
	bad := write("bad.txt", "# backproof: --cost mse\n"+body)
	refused(t, []string{"formula", bad}, bad+":1:14: the header's --cost mse")
	twice := write("twice.txt", "# backproof: --cost quadratic\n# backproof: --reduction sum\n"+body)
	refused(t, []string{"formula", twice}, twice+":2:1: a second header line (the first is line 1)")
	noValue := write("novalue.txt", "#backproof: --cost --reduction=sum\n"+body)
	refused(t, []string{"formula", noValue}, noValue+":1:13: --cost in the header has no value")
	// --name=value, CRLF line endings and a byte-order mark read alike
	crlf := write("crlf.txt", "\ufeff# backproof: --reduction=sum --convention row\r\n"+strings.ReplaceAll(body, "\n", "\r\n"))
	code, out, errb = run(t, "formula", crlf)
	assert.Equal(t, 0, code, out+errb)
	cr := write("cr.txt", "# backproof: --reduction=sum --convention row\r"+strings.ReplaceAll(body, "\n", "\r"))
	code, out, errb = run(t, "formula", cr)
	assert.Equal(t, 0, code, out+errb)
}

// TestFormulaStdin: a file named - is standard input, so a paste can be
// piped in; full-width letters (ｄＷ２) are the gradient they spell.
func TestFormulaStdin(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "paste")
	require.NoError(t, err)
	_, err = f.WriteString("ｄＺ２ = (A2 - Y) * A2 * (1 - A2) / m\nｄＷ２ = A1.T @ ｄＺ２\n")
	require.NoError(t, err)
	_, err = f.Seek(0, 0)
	require.NoError(t, err)
	old := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = old }()
	code, out, errb := run(t, "formula", "-", "--convention", "row", "--cost", "quadratic", "--reduction", "mean")
	require.Equal(t, 0, code, errb)
	assert.Contains(t, out, "pass: every checked line is correct (2 lines, 1 of them dW or db)")
}

// TestFormulaForwardActivations: without --act, the activations of the
// pasted forward pass are used, and stderr says so; with --act, the flag
// wins, and stderr says where the paste differs.
func TestFormulaForwardActivations(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "cs231n.py")
	src := `def backward(X, y, W1, b1, W2, b2):
    N = X.shape[0]
    hidden = np.maximum(0, np.dot(X, W1) + b1)
    scores = np.dot(hidden, W2) + b2
    probs = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)
    dscores = probs.copy()
    dscores[range(N), y] -= 1
    dscores /= N
    dW2 = np.dot(hidden.T, dscores)
    db2 = np.sum(dscores, axis=0, keepdims=True)
    dhidden = np.dot(dscores, W2.T)
    dhidden[hidden <= 0] = 0
    dW1 = np.dot(X.T, dhidden)
    db1 = np.sum(dhidden, axis=0, keepdims=True)
`
	require.NoError(t, os.WriteFile(f, []byte(src), 0o644))
	code, out, errb := run(t, "formula", f, "--convention", "row", "--cost", "log-likelihood")
	assert.Equal(t, 0, code, out)
	assert.Equal(t, "backproof: activations read from your forward pass: relu, softmax (lines 3, 5)\n", errb)
	assert.Contains(t, out, "row convention, relu,softmax layers")
	code, out, errb = run(t, "formula", f, "--convention", "row", "--cost", "log-likelihood", "--act", "tanh,softmax")
	assert.Equal(t, 1, code, out)
	assert.Equal(t, "backproof: your forward pass applies relu on layer 1 (line 3), but --act gives tanh: the flag is used\n", errb)
}

// TestFormulaCostRead: without --cost, the cost a pasted line computes is
// used when its value is one cost's alone, and stderr says so; a flag
// wins, and stderr says where the paste differs; a line that is no
// cost's changes nothing, and stderr says how to give the cost.
func TestFormulaCostRead(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "ng.py")
	src := `def model(X, Y, W1, b1, W2, b2):
    m = X.shape[1]
    Z1 = np.dot(W1, X) + b1
    A1 = np.tanh(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = 1/(1+np.exp(-Z2))
    cost = -np.sum(Y*np.log(A2) + (1-Y)*np.log(1-A2))/m
    dZ2 = A2 - Y
    dW2 = (1 / m) * np.dot(dZ2, A1.T)
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
`
	require.NoError(t, os.WriteFile(f, []byte(src), 0o644))
	code, out, errb := run(t, "formula", f, "--convention", "column")
	assert.Equal(t, 0, code, out)
	assert.Equal(t, "backproof: activations read from your forward pass: tanh, sigmoid (lines 4, 6)\n"+
		"backproof: cost read from your forward pass: cross-entropy, mean (line 7)\n", errb)
	assert.Contains(t, out, "column convention, tanh,sigmoid layers, cross-entropy cost, mean reduction")
	code, out, errb = run(t, "formula", f, "--convention", "column", "--act", "tanh,sigmoid", "--cost", "quadratic", "--reduction", "sum")
	assert.Equal(t, 1, code, out)
	assert.Equal(t, "backproof: your forward pass computes the cross-entropy cost, mean (line 7), but --cost gives quadratic and --reduction gives sum: the flags are used\n", errb)
	code, out, errb = run(t, "formula", f, "--convention", "column", "--act", "tanh,sigmoid", "--cost", "cross-entropy", "--reduction", "sum")
	assert.Equal(t, 1, code, out)
	assert.Equal(t, "backproof: your forward pass computes the cross-entropy cost, mean (line 7), but --reduction gives sum: the flag is used\n", errb)
	// the mean of the errors is no cost: nothing read
	require.NoError(t, os.WriteFile(f, []byte(strings.Replace(src, "-np.sum(Y*np.log(A2) + (1-Y)*np.log(1-A2))/m", "np.sum(A2 - Y)/m", 1)), 0o644))
	code, out, errb = run(t, "formula", f, "--convention", "column", "--act", "tanh,sigmoid")
	assert.Equal(t, 1, code, out)
	assert.Equal(t, "backproof: the cost on line 7 of your forward pass could not be placed (its value is no cost's, summed or averaged): the cost used is quadratic, mean; give it with --cost and --reduction, or in the header (# backproof: --cost NAME --reduction sum)\n", errb)
	assert.Contains(t, out, "quadratic cost, mean reduction")
	// an accuracy after the cost line, and a count of right answers
	// before it, are no cost's: passed over, the cost line is read
	acc := strings.Replace(src, "    dZ2 = A2 - Y\n", "    predictions = (A2 > 0.5)\n    accuracy = np.mean(predictions * Y + (1 - predictions) * (1 - Y))\n    dZ2 = A2 - Y\n", 1)
	acc = strings.Replace(acc, "    cost = ", "    correct = np.sum((A2 > 0.5) * Y)\n    cost = ", 1)
	require.NoError(t, os.WriteFile(f, []byte(acc), 0o644))
	code, out, errb = run(t, "formula", f, "--convention", "column", "--act", "tanh,sigmoid")
	assert.Equal(t, 0, code, out)
	assert.Equal(t, "backproof: cost read from your forward pass: cross-entropy, mean (line 8)\n", errb)
	assert.Contains(t, out, "cross-entropy cost, mean reduction")
	// two lines whose values are two costs: nothing read, both named
	two := strings.Replace(src, "    dZ2 = A2 - Y\n", "    loss = 0.5 * np.sum(np.power(A2 - Y, 2))\n    dZ2 = A2 - Y\n", 1)
	require.NoError(t, os.WriteFile(f, []byte(two), 0o644))
	code, out, errb = run(t, "formula", f, "--convention", "column", "--act", "tanh,sigmoid")
	assert.Equal(t, 1, code, out)
	assert.Equal(t, "backproof: lines 7 and 8 of your forward pass compute different costs (cross-entropy, mean on line 7; quadratic, sum on line 8): the cost used is quadratic, mean; give it with --cost and --reduction, or in the header (# backproof: --cost NAME --reduction sum)\n", errb)
	assert.Contains(t, out, "quadratic cost, mean reduction")
	code, _, errb = run(t, "formula", f, "--convention", "column", "--act", "tanh,sigmoid", "--cost", "cross-entropy")
	assert.Equal(t, 0, code)
	assert.Equal(t, "backproof: lines 7 and 8 of your forward pass compute different costs (cross-entropy, mean on line 7; quadratic, sum on line 8): --cost cross-entropy is used\n", errb)
}

// TestFormulaCostReadPerExample: in the per-example convention a cost
// line holds one example's cost (network2.py's CrossEntropyCost.fn), read
// as a cost without a reduction, which is the update's; the same line
// averaged over the batch is no example's cost.
func TestFormulaCostReadPerExample(t *testing.T) {
	f := filepath.Join(t.TempDir(), "network2.py")
	src := `C = np.sum(-Y * np.log(A2) - (1 - Y) * np.log(1 - A2))
dZ2 = A2 - Y
dW2 = np.dot(dZ2, A1.transpose())
db2 = dZ2
`
	require.NoError(t, os.WriteFile(f, []byte(src), 0o644))
	code, out, errb := run(t, "formula", f, "--convention", "per-example", "--act", "sigmoid")
	assert.Equal(t, 0, code, out)
	assert.Equal(t, "backproof: cost read from your forward pass: cross-entropy (line 1)\n", errb)
	assert.Contains(t, out, "cross-entropy cost, mean reduction")
	code, out, errb = run(t, "formula", f, "--convention", "per-example", "--act", "sigmoid", "--cost", "quadratic")
	assert.Equal(t, 1, code, out)
	assert.Equal(t, "backproof: your forward pass computes the cross-entropy cost (line 1), but --cost gives quadratic: the flag is used\n", errb)
	// the quadratic cost of one example, read as such; over m, no cost
	require.NoError(t, os.WriteFile(f, []byte(strings.Replace(src, "np.sum(-Y * np.log(A2) - (1 - Y) * np.log(1 - A2))", "0.5 * np.sum((A2 - Y) ** 2)", 1)), 0o644))
	_, _, errb = run(t, "formula", f, "--convention", "per-example", "--act", "sigmoid")
	assert.Equal(t, "backproof: cost read from your forward pass: quadratic (line 1)\n", errb)
	require.NoError(t, os.WriteFile(f, []byte(strings.Replace(src, "np.sum(-Y * np.log(A2) - (1 - Y) * np.log(1 - A2))", "0.5 * np.sum((A2 - Y) ** 2) / m", 1)), 0o644))
	code, out, errb = run(t, "formula", f, "--convention", "per-example", "--act", "sigmoid")
	assert.Equal(t, 1, code, out)
	assert.Equal(t, "backproof: the cost on line 1 of your forward pass could not be placed (its value is no cost's for the example): the cost used is quadratic, mean; give it with --cost and --reduction, or in the header (# backproof: --cost NAME --reduction sum)\n", errb)
}
