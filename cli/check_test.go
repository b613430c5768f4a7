package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestCheckRandomPasses(t *testing.T) {
	code, out, errb := run(t, "check", "--net", "4,3,2", "--batch", "5", "--act", "sigmoid", "--cost", "quadratic",
		"--reduction", "mean", "--convention", "row", "--seed", "1")
	require.Equal(t, 0, code, errb)
	assert.Contains(t, out, "PASS")
	assert.Contains(t, out, "verdict at h = 6e-06: good")
	assert.NotContains(t, out, "max relative error 0 ", "the headline is never an unearned 0")
	assert.Contains(t, out, "worst entries (layer, param, row, column)")
}

func TestCheckJSON(t *testing.T) {
	code, out, _ := run(t, "check", "../examples/design.json", "--json")
	require.Equal(t, 0, code)
	var got struct {
		Value       float64 `json:"value"`
		Method      string  `json:"method"`
		Step        float64 `json:"step"`
		MaxRelError float64 `json:"max_rel_error"`
		Pass        bool    `json:"pass"`
		Seconds     float64 `json:"seconds"`
		Layers      []struct {
			DW        [][]float64 `json:"dW"`
			DB        []float64   `json:"db"`
			DWNumeric [][]float64 `json:"dW_numeric"`
		} `json:"layers"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.True(t, got.Pass)
	assert.Equal(t, "central", got.Method)
	require.Len(t, got.Layers, 1)
	require.Len(t, got.Layers[0].DW, 2)
	// The value is the mean quadratic cost of docs/contracts.md's example, worked
	// out independently: Z = X W + b, C = (1/3) Σ ½ (σ(z) − y)².
	assert.InDelta(t, designCost(), got.Value, 1e-12)
}

// TestCheckStepTooLargeIsNotABug: a step of 0.5 makes central differences
// far too coarse to agree, and the check says so instead of blaming the
// gradient.
func TestCheckStepTooLargeIsNotABug(t *testing.T) {
	code, out, _ := run(t, "check", "--net", "3,4,2", "--step", "0.5", "--act", "tanh", "--init", "uniform-1")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "step too large")
	assert.Contains(t, out, "PASS: the analytic gradient agrees, confirmed by central differences")
}

// TestCheckLearnerGradient runs the numpy learner's files of gradfile's
// tests through the command line: exit 0 right, 1 wrong with the code.
func TestCheckLearnerGradient(t *testing.T) {
	td := filepath.Join("..", "gradfile", "testdata")
	code, out, errb := run(t, "check", filepath.Join(td, "row-problem.json"), "--gradient", filepath.Join(td, "row-right.npz"))
	require.Equal(t, 0, code, errb)
	assert.Contains(t, out, "your gradient is right")

	code, out, _ = run(t, "check", filepath.Join(td, "row-problem.json"), "--gradient", filepath.Join(td, "row-transposed.npz"))
	require.Equal(t, 1, code)
	assert.Contains(t, out, "WRONG [transposed]")
	assert.Contains(t, out, "your gradient is wrong")

	code, out, _ = run(t, "check", filepath.Join(td, "row-problem.json"), "--gradient", filepath.Join(td, "row-bias-not-summed.npz"), "--json")
	require.Equal(t, 1, code)
	var got struct {
		Pass           bool   `json:"pass"`
		GradientSource string `json:"gradient_source"`
		Diagnosis      []struct {
			Layer   int     `json:"layer"`
			Param   string  `json:"param"`
			Code    *string `json:"code"`
			Message string  `json:"message"`
		} `json:"diagnosis"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.False(t, got.Pass)
	assert.Contains(t, got.GradientSource, "row-bias-not-summed.npz")
	require.Len(t, got.Diagnosis, 1)
	assert.Equal(t, 2, got.Diagnosis[0].Layer)
	assert.Equal(t, "b", got.Diagnosis[0].Param)
	require.NotNil(t, got.Diagnosis[0].Code)
	assert.Equal(t, "bias-not-summed", *got.Diagnosis[0].Code)
}

// TestCheckNonFiniteCostExits2: with C = +Inf nothing can be compared, in
// text and JSON alike.
func TestCheckNonFiniteCostExits2(t *testing.T) {
	for _, extra := range [][]string{nil, {"--json"}} {
		args := append([]string{"check", "--net", "10000,1", "--init", "normal", "--cost", "cross-entropy", "--batch", "3"}, extra...)
		code, out, errb := run(t, args...)
		assert.Equal(t, 2, code)
		assert.Empty(t, out)
		assert.Contains(t, errb, "no gradient can be compared")
	}
}

func TestCheckBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"convention": "row",`), 0o644))
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"missing file", []string{"check", filepath.Join(dir, "none.json")}, "none.json: cannot read"},
		{"truncated file", []string{"check", bad}, "bad.json:1:"},
		{"unknown activation", []string{"check", "--act", "sigmod"}, `unknown activation "sigmod"`},
		{"unknown cost", []string{"check", "--cost", "mse"}, `unknown cost "mse"`},
		{"unknown method", []string{"check", "--method", "secant"}, `--method: unknown method "secant"`},
		{"bad net", []string{"check", "--net", "4,x"}, `"4,x" for "--net"`},
		{"too many acts", []string{"check", "--net", "4,3,2", "--act", "tanh,tanh,tanh"}, "3 activations for 2 layers"},
		{"net beside a file", []string{"check", "../examples/design.json", "--net", "4,3"}, "--net describes a random problem"},
		{"directions without directional", []string{"check", "--directions", "3"}, "--directions applies to --method directional"},
		{"mnist without data", []string{"check", "--mnist", "/tmp"}, "--mnist gives the MNIST folder"},
		{"negative step", []string{"check", "--step", "-1"}, "--step -1: want a step h"},
		{"NaN step", []string{"check", "--step", "NaN"}, "want a step h"},
		{"huge step", []string{"check", "--step", "1e300"}, "want a step h"},
		{"bad tol", []string{"check", "--tol", "-1"}, "--tol -1: want a relative error"},
		{"negative worst", []string{"check", "--worst", "-5"}, "--worst -5"},
		{"huge directions", []string{"check", "--method", "directional", "--directions", "2000000000"}, "--directions 2000000000: a directional check of 2000000000 directions needs about"},
		{"huge net", []string{"check", "--net", "100000000,2"}, "needs about 49.2 GiB of memory, more than the limit of 4 GiB"},
		{"gradient missing", []string{"check", "../examples/design.json", "--gradient", "nothing.npz"}, "--gradient: stat nothing.npz"},
		{"bad flag", []string{"check", "--nett", "4"}, "unknown flag: --nett"},
		{"two files", []string{"check", "a", "b"}, "accepts at most 1 arg"},
		{"unknown command", []string{"chekc"}, "unknown command"},
		{"mnist shape", []string{"check", "--data", "mnist", "--net", "4,3"}, "want 784 inputs (one per pixel) and 10 outputs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errb := run(t, tc.args...)
			assert.Equal(t, 2, code)
			assert.Contains(t, errb, tc.want)
			assert.Equal(t, 1, strings.Count(strings.TrimSpace(errb), "\n")+1, "one line: %q", errb)
		})
	}
}
