package backproof

import (
	"testing"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReluKink places a relu pre-activation 1e-7 above zero, well inside
// the central stencil's ±6e-6: the finite difference of W1[0,0] averages
// relu's two slopes and disagrees with the analytic (right) derivative.
// The check must call that entry a kink, not a failure.
func TestReluKink(t *testing.T) {
	p, err := problem.Parse("kink.json", []byte(`{"convention": "row", "cost": "quadratic", "reduction": "sum",
	 "layers": [{"activation": "relu", "W": [[1e-7], [0.5]], "b": [0]},
	            {"activation": "identity", "W": [[2]], "b": [0.1]}],
	 "X": [[1, 0]], "Y": [[1]]}`))
	require.NoError(t, err)
	r, err := CheckBackprop(p, nil)
	require.NoError(t, err)
	e := r.Comparison.Entries()[0]
	require.Equal(t, "W1[0,0]", e.Param.String())
	// By hand: z = 1e-7, a = z, output 2a + 0.1, C = ½(2a + 0.1 − 1)²,
	// ∂C/∂W1[0,0] = (2a − 0.9)·2·x₀ for z > 0.
	assert.InDelta(t, (2e-7-0.9)*2, e.Analytic, 1e-12)
	assert.Greater(t, e.RelErr, 0.1, "the stencil straddles the kink")
	assert.True(t, e.Kink)
	assert.True(t, r.Pass())
	// b1[0] moves the same pre-activation across zero; nothing else does.
	assert.Equal(t, 2, r.Comparison.Kinks)
	assert.True(t, r.Comparison.Entries()[2].Kink, r.Comparison.Entries()[2].Param.String())

	// Without kink detection the same numbers fail.
	plain := compare.Gradients(r.Analytic, r.Numeric, p.Net.ParamAt, nil, nil)
	assert.False(t, plain.Pass)
}
