package experiments

import (
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// TestLayoutGradients: the row layout's ∂C/∂W is the column layout's
// transposed, and the per-example loop's sum equals the column product;
// derive implements the three conventions separately, so each is a check
// on the others.
func TestLayoutGradients(t *testing.T) {
	g, err := RunLayoutGradients(LayoutsSpec)
	require.NoError(t, err)
	require.Len(t, g.DW, 3)
	sizes := LayoutsSpec.Sizes
	for ℓ := 1; ℓ < len(sizes); ℓ++ {
		row, col, per := g.DW[0][ℓ-1], g.DW[1][ℓ-1], g.DW[2][ℓ-1]
		r, c := row.Dims()
		assert.Equal(t, [2]int{sizes[ℓ-1], sizes[ℓ]}, [2]int{r, c}, "row layout: n_{ℓ−1}×n_ℓ, layer %d", ℓ)
		r, c = col.Dims()
		assert.Equal(t, [2]int{sizes[ℓ], sizes[ℓ-1]}, [2]int{r, c}, "column layout: n_ℓ×n_{ℓ−1}, layer %d", ℓ)
		assert.True(t, mat.EqualApprox(row.T(), col, 1e-15), "row = columnᵀ, layer %d", ℓ)
		assert.True(t, mat.EqualApprox(per, col, 1e-15), "per-example sum = column product, layer %d", ℓ)
		assert.Greater(t, mat.Norm(col, 1), 0.0, "a gradient that is not all zero, layer %d", ℓ)
	}
	assert.Equal(t, derive.Row, g.Problem.Net.Convention)
}
