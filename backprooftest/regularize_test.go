package backprooftest

import (
	"path/filepath"
	"testing"

	"github.com/backproof/backproof/gradfile"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCheckGradientRegularized: a problem with an L2 term and dropout,
// and a numpy learner's gradient of it (gen_reg_numpy.py): right passes
// silently, λ/m where λ belongs fails naming the mistake.
func TestCheckGradientRegularized(t *testing.T) {
	td := filepath.Join("..", "gradfile", "testdata")
	p, err := problem.Load(filepath.Join(td, "regnp-sum-problem.json"))
	require.NoError(t, err)
	right, err := gradfile.Load(filepath.Join(td, "regnp-sum-right.npz"), p)
	require.NoError(t, err)
	rec := &recorder{TB: t}
	CheckGradient(rec, p, right)
	assert.False(t, rec.failed, rec.log.String())

	wrong, err := gradfile.Load(filepath.Join(td, "regnp-sum-l2-over-m.npz"), p)
	require.NoError(t, err)
	rec = &recorder{TB: t}
	CheckGradient(rec, p, wrong)
	require.True(t, rec.failed)
	assert.Contains(t, rec.log.String(), "dW1 [l2-lambda-over-m]")
}
