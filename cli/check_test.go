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
	assert.Contains(t, out, "verdict: good")
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
	// The value is the mean quadratic cost of DESIGN.md's example, worked
	// out independently: Z = X W + b, C = (1/3) Σ ½ (σ(z) − y)².
	assert.InDelta(t, designCost(), got.Value, 1e-12)
}

func TestCheckMismatchExits1(t *testing.T) {
	// A step of 0.5 makes central differences far too coarse to agree.
	code, out, _ := run(t, "check", "--net", "3,4,2", "--step", "0.5", "--act", "tanh", "--init", "uniform-1")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "FAIL")
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
		{"unknown activation", []string{"check", "--act", "sigmod"}, `--act: unknown activation "sigmod"`},
		{"unknown cost", []string{"check", "--cost", "mse"}, `--cost: unknown cost "mse"`},
		{"unknown method", []string{"check", "--method", "secant"}, `--method: unknown method "secant"`},
		{"bad net", []string{"check", "--net", "4,x"}, `--net "4,x"`},
		{"too many acts", []string{"check", "--net", "4,3,2", "--act", "tanh,tanh,tanh"}, "3 names for 2 layers"},
		{"bad flag", []string{"check", "--nett", "4"}, "unknown flag: --nett"},
		{"two files", []string{"check", "a", "b"}, "accepts at most 1 arg"},
		{"unknown command", []string{"chekc"}, "unknown command"},
		{"mnist shape", []string{"check", "--data", "mnist", "--net", "4,3"}, "784 inputs and 10 outputs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errb := run(t, tc.args...)
			assert.Equal(t, 2, code)
			assert.Contains(t, errb, tc.want)
			assert.Equal(t, 1, strings.Count(strings.TrimSpace(errb), "\n")+1, "one line: %q", errb)
		})
	}
}
