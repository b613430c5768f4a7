package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFormulaRegularization: Ng's backward_propagation_with_regularization
// (testdata/ng-regularization.py, its network in its header, λ on the
// command line) reads lambd and passes; with lambd * W2 not divided by m, line 11 is wrong and
// named.
func TestFormulaRegularization(t *testing.T) {
	src := filepath.Join("testdata", "ng-regularization.py")
	code, out, errb := run(t, "formula", src, "--lambda", "0.7")
	require.Equal(t, 0, code, errb+out)
	assert.Contains(t, out, "pass: every checked line is correct (11 lines, 6 of them dW or db)")

	raw, err := os.ReadFile(src)
	require.NoError(t, err)
	wrong := strings.Replace(string(raw), "+ (lambd * W2) / m", "+ lambd * W2", 1)
	require.NotEqual(t, string(raw), wrong)
	path := filepath.Join(t.TempDir(), "wrong.py")
	require.NoError(t, os.WriteFile(path, []byte(wrong), 0o644))
	code, out, _ = run(t, "formula", path, "--lambda", "0.7")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "[l2-lambda-not-divided]")
	assert.Contains(t, out, "dW2 adds λ W^2 where (λ/N) W^2 belongs")

}

// TestFormulaDropout: Ng's backward_propagation_with_dropout
// (testdata/ng-dropout.py) passes, its in-place dA = dA * D and
// dA = dA / keep_prob read as stages of dropout's backward pass; without
// the division by keep_prob for layer 2, dZ2 is wrong and named.
func TestFormulaDropout(t *testing.T) {
	src := filepath.Join("testdata", "ng-dropout.py")
	code, out, errb := run(t, "formula", src, "--keep-prob", "0.8")
	require.Equal(t, 0, code, errb+out)
	assert.Contains(t, out, "pass: every checked line is correct (15 lines, 6 of them dW or db)")
	assert.Contains(t, out, "Correct as a stage of dropout's backward pass")

	raw, err := os.ReadFile(src)
	require.NoError(t, err)
	wrong := strings.Replace(string(raw), "    dA2 = dA2 / keep_prob\n", "", 1)
	require.NotEqual(t, string(raw), wrong)
	path := filepath.Join(t.TempDir(), "wrong.py")
	require.NoError(t, os.WriteFile(path, []byte(wrong), 0o644))
	code, out, _ = run(t, "formula", path, "--keep-prob", "0.8")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "dZ2 = np.multiply(dA2, np.int64(A2 > 0))\n  wrong")
	assert.Contains(t, out, "[dropout-keep-prob-missing]")
}
