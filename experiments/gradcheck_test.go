package experiments

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each planted mistake leaves its own pattern, which compare's catalogue
// recognises; the numbers checked come from closed forms of the mistakes.
func TestGradcheckPlantings(t *testing.T) {
	g, err := RunGradcheck(GradcheckSpec)
	require.NoError(t, err)
	require.Len(t, g.Rows, len(Plantings))
	m := float64(g.Problem.Batch())
	for _, row := range g.Rows {
		t.Run(row.Name, func(t *testing.T) {
			switch row.Code {
			case "":
				// Central differences on a smooth cost: ≤ 1e-7 (CS231n's "good").
				assert.Less(t, row.MaxRel, 1e-7)
				for _, d := range row.Diagnosed {
					assert.Empty(t, d)
				}
			case "missing-1/m":
				// |m·g − g| / |m·g| = (m−1)/m for every entry, exactly.
				for _, re := range row.RelError {
					r, c := re.Dims()
					for i := range r {
						for j := range c {
							assert.InDelta(t, (m-1)/m, re.At(i, j), 1e-6)
						}
					}
				}
			case "transposed":
				// The diagonal of a square matrix survives transposition.
				for _, re := range row.RelError {
					r, _ := re.Dims()
					for i := range r {
						assert.Less(t, re.At(i, i), 1e-7)
					}
				}
			}
			if row.Code != "" {
				assert.Greater(t, row.MaxRel, 1e-2)
				for ℓ, d := range row.Diagnosed {
					if row.Code == "fprime-of-A" && ℓ+1 < len(row.Diagnosed) {
						// Below the output layer f′(A) compounds with the
						// wrong δ coming back, which the catalogue (one
						// mistake at a time) does not model.
						continue
					}
					assert.Contains(t, d, string(row.Code), "layer %d", ℓ+1)
				}
			}
		})
	}
}

// The three layouts hold the same numbers: row's ∂C/∂W is column's
// transposed, and per-example's sum over examples equals the batch product
// up to the order of additions.
func TestLayouts(t *testing.T) {
	l, err := RunLayouts(LayoutsSpec)
	require.NoError(t, err)
	assert.Equal(t, []string{"8×5", "5×3"}, l.Shapes[0], "row: W¹ is n₀×n₁")
	assert.Equal(t, []string{"5×8", "3×5"}, l.Shapes[1], "column: W¹ is n₁×n₀")
	assert.Equal(t, l.Shapes[1], l.Shapes[2])
	require.Len(t, l.Pairs, 3)
	for k := range l.Pairs {
		for _, d := range l.MaxDiff[k] {
			assert.Less(t, d, 1e-15, l.Pairs[k])
		}
		assert.Less(t, l.BiasDiff[k], 1e-15, l.Pairs[k])
	}
}
