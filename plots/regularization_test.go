package plots

import (
	"strings"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/experiments"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The regularization caption states the problem's term and dropout as the
// problem has them, and each claim only while the rows bear it out.
func TestRegularizationCaption(t *testing.T) {
	g, err := experiments.RunRegcheck(experiments.RegcheckSpec)
	require.NoError(t, err)
	c := RegularizationCaption(g)
	for _, want := range []string{
		"λ = 0.7 and N = 10 (N = m, the batch",
		"p = 0.8 on layers 1 and 2",
		"Correct: largest errors", "W¹ agrees, W² agrees, W³ agrees — finite-difference noise",
		// λ/N = 0.7/10
		"every entry is off by exactly (λ/N)|ω| = 0.07|ω|",
		"Mask D² missing: largest errors", "W¹ inherits layer 2's mistake, W² diagnosed: dropout-mask-missing, W³ agrees — the mistake is in δ²: W³ above it is right, and W¹ below inherits it",
		"W² diagnosed: dropout-keep-prob-missing",
		"without it δ² is p = 0.8 times the truth",
	} {
		assert.Contains(t, c, want)
	}

	// Claims go when the data do not bear them out.
	fresh := func() *experiments.Gradcheck {
		g, err := experiments.RunRegcheck(experiments.RegcheckSpec)
		require.NoError(t, err)
		return g
	}
	g = fresh()
	g.Rows[0].RelError[1].Set(0, 0, 0.5) // and beyond the noise floor:
	g.Rows[0].AbsError[1].Set(0, 0, 0.01)
	assert.NotContains(t, RegularizationCaption(g), "finite-difference noise", "a correct row with an entry off")
	g = fresh()
	g.Rows[1].AbsError[2].Set(1, 1, g.Rows[1].AbsError[2].At(1, 1)*1.01)
	assert.NotContains(t, RegularizationCaption(g), "off by exactly", "one entry off by 1% more than the term")
	g = fresh()
	g.Rows[2].Inherits[0] = 0
	c = RegularizationCaption(g)
	assert.NotContains(t, c, "a dropped unit's δ must be 0", "layer 1 not inheriting")
	assert.Contains(t, c, "without it δ² is p = 0.8", "the other row keeps its claim")
	g = fresh()
	g.Rows[3].RelError[2].Set(0, 0, 0.3)
	g.Rows[3].AbsError[2].Set(0, 0, 0.01)
	assert.NotContains(t, RegularizationCaption(g), "without it δ²", "layer 3 above the mistake wrong too")

	// Another problem: λ over a stated N, one dropout layer.
	spec := experiments.RegcheckSpec
	spec.L2 = derive.L2{Lambda: 5, N: 50}
	spec.Keep = 0.5
	g, err = experiments.RunRegcheck(spec)
	require.NoError(t, err)
	c = RegularizationCaption(g)
	assert.Contains(t, c, "λ = 5 and N = 50,")
	assert.NotContains(t, c, "N = m")
	assert.Contains(t, c, "p = 0.5 on layers 1 and 2")
	assert.Contains(t, c, "(λ/N)|ω| = 0.1|ω|")
	assert.Equal(t, 1, strings.Count(c, "L2 term missing:"))

	// Without an L2 term no term is described.
	spec.L2 = derive.L2{}
	g, err = experiments.RunRegcheck(spec)
	require.NoError(t, err)
	assert.NotContains(t, RegularizationCaption(g), "Σ_ℓ ‖W^ℓ‖²")
}
