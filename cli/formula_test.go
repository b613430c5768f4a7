package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
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
	assert.Contains(t, out, "pass: every dW and db line is correct")
}

func TestFormulaJSONMismatch(t *testing.T) {
	code, out, _ := run(t, "formula", formulas+"thread-post13-zap.txt", "--json")
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
	assert.Contains(t, out, "FAIL: dW1 (line 5) error")
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
		{"bad flag", []string{"formula", layer, "--cost", "mse"}, `--cost: unknown cost "mse"`},
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
