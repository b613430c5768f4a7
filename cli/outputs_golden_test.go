package cli

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var regenOutputs = flag.Bool("regen-outputs", false, "rewrite testdata/outputs/*.txt from the commands' outputs")

// goldenOutputs are commands whose whole output, text and JSON, is a
// contract (docs/contracts.md): a change of the code behind them must
// leave every byte as it was, times aside. Together they reach every
// part of check's text and JSON writers: each method, the directional
// check, a confirmation, kinks, and the learner's gradient right, wrong,
// not finite, inherited, on a kink, saturated, float32 and misshapen.
var goldenOutputs = []struct {
	name string
	args []string
}{
	{"random", []string{"check", "--net", "4,3,2", "--batch", "5", "--act", "sigmoid", "--cost", "quadratic", "--reduction", "mean", "--convention", "row", "--seed", "1"}},
	{"design", []string{"check", "../examples/design.json"}},
	{"thread-row", []string{"check", "../examples/thread-row.json"}},
	{"step-too-large", []string{"check", "--net", "3,4,2", "--step", "0.5", "--act", "tanh", "--init", "uniform-1"}},
	{"step-too-small", []string{"check", "--net", "3,4,2", "--step", "1e-12", "--act", "tanh", "--seed", "2"}},
	{"generic", []string{"check", "--net", "3,4,2", "--generic", "--cost", "cross-entropy", "--seed", "3"}},
	{"relu", []string{"check", "--net", "4,6,3", "--act", "relu,sigmoid", "--batch", "7", "--seed", "4"}},
	{"five-point", []string{"check", "--net", "3,4,2", "--method", "five-point", "--seed", "5"}},
	{"forward", []string{"check", "--net", "3,4,2", "--method", "forward", "--convention", "column", "--seed", "6"}},
	{"complex-step", []string{"check", "--net", "3,4,2", "--method", "complex-step", "--act", "tanh,softmax", "--cost", "log-likelihood", "--seed", "7"}},
	{"directional", []string{"check", "--net", "4,3,2", "--method", "directional", "--directions", "4", "--seed", "8"}},
	{"directional-relu", []string{"check", "--net", "6,8,3", "--method", "directional", "--act", "relu,sigmoid", "--directions", "5", "--seed", "9"}},
	{"learner-right", []string{"check", "../gradfile/testdata/row-problem.json", "--gradient", "../gradfile/testdata/row-right.npz"}},
	{"learner-transposed", []string{"check", "../gradfile/testdata/row-problem.json", "--gradient", "../gradfile/testdata/row-transposed.npz"}},
	{"learner-bias", []string{"check", "../gradfile/testdata/row-problem.json", "--gradient", "../gradfile/testdata/row-bias-not-summed.npz"}},
	{"learner-float32", []string{"check", "../gradfile/testdata/column-problem.json", "--gradient", "../gradfile/testdata/column-right-float32.npz"}},
	{"learner-axis", []string{"check", "../gradfile/testdata/column-problem.json", "--gradient", "../gradfile/testdata/column-bias-wrong-axis.npz"}},
	{"learner-softmax", []string{"check", "../gradfile/testdata/softmax-problem.json", "--gradient", "../gradfile/testdata/softmax-hadamard-for-softmax.npz"}},
	{"learner-nan", []string{"check", "../gradfile/testdata/hard-nan-problem.json", "--gradient", "../gradfile/testdata/hard-nan-textbook.npz"}},
	{"learner-inherit", []string{"check", "../gradfile/testdata/hard-inherit5-problem.json", "--gradient", "../gradfile/testdata/hard-inherit5-fprime-of-A.npz"}},
	{"learner-kink", []string{"check", "../gradfile/testdata/hard-kink-problem.json", "--gradient", "../gradfile/testdata/hard-kink-prime-half.npz"}},
	{"learner-saturated", []string{"check", "../gradfile/testdata/hard-saturated-problem.json", "--gradient", "../gradfile/testdata/hard-saturated-sign.npz"}},
	{"learner-fitted", []string{"check", "../gradfile/testdata/hard-fitted-problem.json", "--gradient", "../gradfile/testdata/hard-fitted-missing-1m.npz"}},
	{"learner-directional", []string{"check", "../gradfile/testdata/row-problem.json", "--gradient", "../gradfile/testdata/row-missing-1m.npz", "--method", "directional", "--directions", "3"}},
	{"formula", []string{"formula", "../formula/testdata/ng-week3.py", "--convention", "column", "--act", "tanh,sigmoid", "--cost", "cross-entropy"}},
}

// maskedOutput hides what differs from run to run: times, in text and
// in JSON.
func maskedOutput(s string) string {
	s = masked(s)
	return regexp.MustCompile(`"seconds":[0-9.e+-]+`).ReplaceAllString(s, `"seconds":…`)
}

// TestOutputsUnchanged runs each command of goldenOutputs as text and as
// JSON and compares the output and the exit status with those recorded
// in testdata/outputs (go test -run TestOutputsUnchanged -regen-outputs
// records them anew, after a change meant to change them).
func TestOutputsUnchanged(t *testing.T) {
	for _, tc := range goldenOutputs {
		for _, asJSON := range []bool{false, true} {
			name, args := tc.name, tc.args
			if asJSON {
				name, args = name+"-json", append(append([]string(nil), args...), "--json")
			}
			t.Run(name, func(t *testing.T) {
				code, out, _ := run(t, args...)
				got := fmt.Sprintf("$ backproof %s\nexit status %d\n%s", strings.Join(args, " "), code, maskedOutput(out))
				file := filepath.Join("testdata", "outputs", name+".txt")
				if *regenOutputs {
					require.NoError(t, os.WriteFile(file, []byte(got), 0o644))
					return
				}
				want, err := os.ReadFile(file)
				require.NoError(t, err)
				assert.Equal(t, string(want), got)
			})
		}
	}
}
