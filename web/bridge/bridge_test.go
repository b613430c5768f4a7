package bridge_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backproof/backproof/cli"
	"github.com/backproof/backproof/web/bridge"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The derivations the page's tests paste: right, without a 1/m, with a
// syntax error (line 2, column 17: the parenthesis never closes).
const (
	right = `# backproof: --convention row --cost quadratic --reduction mean
dZ2 = (A2 - Y) ⊙ sigmoid'(Z2)
dW2 = A1ᵀ @ dZ2 / m
db2 = sum(dZ2, 0) / m
dZ1 = (dZ2 @ W2^T) * sigmoid'(Z1)
dW1 = Xᵀ @ dZ1 / m
db1 = sum(dZ1, 0) / m
`
	noMean = `dZ2 = (A2 - Y) * sigmoid'(Z2)
dW2 = A1.T @ dZ2
db2 = sum(dZ2, 0) / m
`
	syntax = `dZ2 = (A2 - Y) * sigmoid'(Z2)
dW2 = A1.T @ (dZ2 / m
`
)

// Ng's regularized backward passes, with λ and p on the command line.
var ngRegularization, ngDropout = readFile("../../cli/testdata/ng-regularization.py"), readFile("../../cli/testdata/ng-dropout.py")

func readFile(path string) string {
	raw, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	return string(raw)
}

// cliRun runs `backproof formula FILE ARGS…` in this process, the file
// holding src, and returns what it prints and its exit status, the file's
// path in the output replaced by name.
func cliRun(t *testing.T, name, src string, args []string) bridge.Output {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(file, []byte(src), 0o644))
	var stdout, stderr bytes.Buffer
	code := cli.Main(append([]string{"formula", file}, args...), &stdout, &stderr)
	o := bridge.Output{Exit: code, Stdout: strings.ReplaceAll(stdout.String(), file, name), Stderr: []string{}}
	for _, l := range strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n") {
		if l != "" {
			o.Stderr = append(o.Stderr, strings.ReplaceAll(l, file, name))
		}
	}
	return o
}

// TestSameAsCLI: for the same derivation and flags, Formula prints what
// `backproof formula` prints, byte for byte, in JSON and in text, says
// the same on stderr and ends with the same exit status.
// costLine computes the cross-entropy, averaged, and the output's error
// that it gives with a sigmoid (no header: the cost is read).
const costLine = `cost = -np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m
dZ2 = (A2 - Y) / m
dW2 = A1ᵀ @ dZ2
db2 = sum(dZ2, axis=0, keepdims=True)
`

// perExampleCost is network2.py's CrossEntropyCost for one example, fn
// then delta: a sigmoid output's δ is a − y under the cross-entropy.
const perExampleCost = `C = np.sum(-Y * np.log(A2) - (1 - Y) * np.log(1 - A2))
dZ2 = A2 - Y
dW2 = np.dot(dZ2, A1.transpose())
db2 = dZ2
`

func TestSameAsCLI(t *testing.T) {
	cases := []struct {
		name string
		src  string
		args []string
		exit int
		// verdict begins so: the last line's word in capitals and, by
		// hand, what it must name.
		verdict string
	}{
		{"right", right, nil, 0, "PASS: every checked line is correct (6 lines, 4 of them dW or db)"},
		{"right in flags", right, []string{"--convention", "row", "--act", "sigmoid", "--cost", "quadratic", "--reduction", "mean"}, 0, "PASS"},
		{"no 1/m", noMean, []string{"--convention", "row", "--act", "sigmoid", "--cost", "quadratic", "--reduction", "mean"}, 1, "FAIL: dW2 (line 2) wrong"},
		{"no 1/m but sum", noMean, []string{"--reduction", "sum"}, 1, "FAIL: db2 (line 3) wrong"},
		{"syntax error", syntax, nil, 2, "ERROR: derivation.txt:2:"},
		{"flags over the header", right, []string{"--reduction", "sum"}, 1, "FAIL"},
		{"column", "dZ2 = (A2 - Y) ⊙ sigmoid'(Z2) / m\ndW2 = dZ2 @ A1ᵀ\ndb2 = sum(dZ2, axis=1, keepdims=True)\n", []string{"--convention", "column"}, 0, "PASS"},
		{"softmax", "dZ2 = (A2 - Y) / m\ndW2 = A1ᵀ @ dZ2\n", []string{"--act", "relu,softmax", "--cost", "log-likelihood"}, 0, "PASS"},
		{"incomplete", "dZ2 = (A2 - Y) * sigmoid'(Z2)\n", nil, 1, "INCOMPLETE, not a pass"},
		{"nothing", "# a comment\n", nil, 2, "ERROR: derivation.txt: nothing to check"},
		{"helpers only", "S = A2 - Y\n", nil, 2, "ERROR: derivation.txt: nothing to check"},
		{"bad flag value", right, []string{"--cost", "hinge"}, 2, "ERROR: invalid argument \"hinge\" for \"--cost\""},
		{"header flag not allowed", "# backproof: --json\ndW2 = A1ᵀ @ dZ2\n", nil, 2, "ERROR: derivation.txt:1:"},
		{"unknown name", "dW3 = A2ᵀ @ dZ3\n", []string{"--net", "4,3,2"}, 2, "ERROR: derivation.txt:1:"},
		{"net and batch", right, []string{"--net", "6,5,4", "--batch", "7", "--seed", "3", "--init", "xavier"}, 0, "PASS"},
		{"tiny memory", right, []string{"--max-memory", "1KiB"}, 2, "ERROR: "},
		{"batch not a number", right, []string{"--batch", "x"}, 2, "ERROR: invalid argument \"x\" for \"--batch\" flag"},
		{"batch of 0", right, []string{"--batch", "0"}, 2, "ERROR: --batch 0"},
		{"no value", right, []string{"--cost"}, 2, "ERROR: flag needs an argument: --cost"},
		{"unknown flag", right, []string{"--nope", "1"}, 2, "ERROR: unknown flag: --nope"},
		{"name=value", noMean, []string{"--reduction=sum", "--json=false"}, 1, "FAIL: db2 (line 3) wrong"},
		{"header's bad value", "# backproof: --cost hinge\ndW2 = A1ᵀ @ dZ2\n", nil, 2, "ERROR: derivation.txt:1:"},
		// Regularization on the command line, as the page gives it:
		// Ng's functions of cli/testdata, right with their λ and p.
		{"L2", ngRegularization, []string{"--lambda", "0.7"}, 0, "PASS: every checked line is correct (11 lines, 6 of them dW or db)"},
		{"L2 without λ", ngRegularization, nil, 1, "FAIL"},
		{"L2 over N", ngRegularization, []string{"--lambda=0.7", "--lambda-n", "3"}, 1, "FAIL"},
		{"dropout", ngDropout, []string{"--keep-prob", "0.8"}, 0, "PASS: every checked line is correct (15 lines, 6 of them dW or db)"},
		{"λ not a number", ngRegularization, []string{"--lambda", "x"}, 2, "ERROR: invalid argument \"x\" for \"--lambda\" flag"},
		{"λ negative", ngRegularization, []string{"--lambda", "-1"}, 2, "ERROR: --lambda -1: want a finite λ ≥ 0"},
		{"λ infinite", ngRegularization, []string{"--lambda", "+Inf"}, 2, "ERROR: --lambda +Inf"},
		{"N negative", ngRegularization, []string{"--lambda", "1", "--lambda-n", "-3"}, 2, "ERROR: --lambda-n -3"},
		{"N not whole", ngRegularization, []string{"--lambda-n", "2.5"}, 2, "ERROR: invalid argument \"2.5\" for \"--lambda-n\" flag"},
		{"p above 1", ngDropout, []string{"--keep-prob", "1.5"}, 2, "ERROR: --keep-prob 1.5: want a keep probability 0 < p ≤ 1"},
		{"p with no hidden layer", right, []string{"--keep-prob", "0.5", "--net", "4,2"}, 2, "ERROR: --keep-prob 0.5 --net 4,2: dropout is on hidden layers"},
		{"λ in the header", "# backproof: --lambda 0.7\ndW2 = A1ᵀ @ dZ2\n", nil, 2, "ERROR: derivation.txt:1:"},
		// the cost read from a cost line, as the command line reads it
		{"cost read", costLine, nil, 0, "PASS"},
		{"cost flag over the cost line", costLine, []string{"--cost", "quadratic"}, 1, "FAIL"},
		{"cost line then a number no cost's", costLine + "accuracy = np.mean((A2 > 0.5) * Y + (A2 <= 0.5) * (1 - Y))\n", nil, 0, "PASS"},
		{"cost line not placed", strings.Replace(costLine, "-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m", "np.sum(A2 - Y) / m", 1), nil, 1, "FAIL"},
		{"two cost lines that disagree", costLine + "loss = 0.5 * np.sum(np.power(A2 - Y, 2))\n", nil, 1, "FAIL"},
		{"one example's cost read", perExampleCost, []string{"--convention", "per-example", "--act", "sigmoid"}, 0, "PASS"},
	}
	for _, c := range cases {
		for _, asJSON := range []bool{true, false} {
			args := c.args
			if asJSON {
				args = append([]string{"--json"}, args...)
			}
			t.Run(c.name+map[bool]string{true: " json", false: " text"}[asJSON], func(t *testing.T) {
				want := cliRun(t, "derivation.txt", c.src, args)
				got := bridge.Formula("derivation.txt", c.src, args)
				assert.Equal(t, want.Exit, got.Exit, "exit status")
				assert.Equal(t, c.exit, got.Exit, "exit status")
				assert.Equal(t, want.Stdout, got.Stdout, "stdout")
				assert.Equal(t, want.Stderr, got.Stderr, "stderr")
				assert.True(t, strings.HasPrefix(got.Verdict, c.verdict), "verdict %q, want it to begin %q", got.Verdict, c.verdict)
			})
		}
	}
}

// TestSameAsCLIOnTestdata runs every derivation of formula's testdata
// through both, with and without --json.
func TestSameAsCLIOnTestdata(t *testing.T) {
	files, err := filepath.Glob("../../formula/testdata/*.txt")
	require.NoError(t, err)
	py, err := filepath.Glob("../../formula/testdata/*.py")
	require.NoError(t, err)
	files = append(files, py...)
	require.NotEmpty(t, files)
	for _, f := range files {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, args := range [][]string{nil, {"--json"}} {
			name := filepath.Base(f)
			want := cliRun(t, name, string(src), args)
			got := bridge.Formula(name, string(src), args)
			assert.Equal(t, want, bridge.Output{Exit: got.Exit, Stdout: got.Stdout, Stderr: got.Stderr}, "%s %v", name, args)
			assert.NotEmpty(t, got.Verdict)
		}
	}
}

// TestVerdictWords: the verdict begins with the word a page reader and
// the tests look for, whatever the outcome.
func TestVerdictWords(t *testing.T) {
	for _, src := range []string{right, noMean, syntax, "dZ2 = (A2 - Y) * sigmoid'(Z2)\n", ""} {
		v := bridge.Formula("derivation.txt", src, nil).Verdict
		ok := false
		for _, w := range []string{"PASS: ", "FAIL: ", "INCOMPLETE, ", "CANNOT TELL, ", "ERROR: "} {
			ok = ok || strings.HasPrefix(v, w)
		}
		assert.True(t, ok, "verdict %q", v)
	}
}

// TestProblemSameAsCLI: the problem the page offers for download is the
// file `backproof check FLAGS --save problem.json` writes.
func TestProblemSameAsCLI(t *testing.T) {
	for _, args := range [][]string{
		nil,
		{"--net", "4,3,2", "--batch", "5", "--seed", "3"},
		{"--net", "5,4,3", "--act", "relu,softmax", "--cost", "log-likelihood", "--convention", "column", "--init", "he", "--seed", "7"},
		{"--convention", "per-example", "--reduction", "sum", "--batch", "3"},
		{"--net", "4,5,3", "--batch", "6", "--convention", "column", "--lambda", "0.7", "--keep-prob", "0.8", "--seed", "2"},
		{"--lambda", "0.1", "--lambda-n", "50000"},
	} {
		file := filepath.Join(t.TempDir(), "problem.json")
		var stdout, stderr bytes.Buffer
		require.Equal(t, 0, cli.Main(append([]string{"check", "--save", file}, args...), &stdout, &stderr), stderr.String())
		want, err := os.ReadFile(file)
		require.NoError(t, err)
		got := bridge.Problem(args)
		assert.Equal(t, 0, got.Exit)
		assert.Equal(t, string(want), got.Stdout, "%v", args)
	}
	bad := bridge.Problem([]string{"--net", "4"})
	assert.Equal(t, 2, bad.Exit)
	assert.True(t, strings.HasPrefix(bad.Verdict, "ERROR: invalid argument \"4\" for \"--net\""), bad.Verdict)
}
