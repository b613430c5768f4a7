package plots

import (
	"bytes"
	"image/png"
	"testing"

	"github.com/backproof/backproof/experiments"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLayoutGradientsGolden draws the layouts figure of the report's
// conventions problem and compares it with its golden image (-regen
// rewrites it, as for the other figures).
func TestLayoutGradientsGolden(t *testing.T) {
	g, err := experiments.RunLayoutGradients(experiments.LayoutsSpec)
	require.NoError(t, err)
	got, err := LayoutGradients(g)
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(got))
	require.NoError(t, err)
	assert.Equal(t, 864, img.Bounds().Dx(), "9 inches at 96 dpi")
	matchGolden(t, "layout-gradients", got)
}

func TestLayoutFormula(t *testing.T) {
	g, err := experiments.RunLayoutGradients(experiments.LayoutsSpec)
	require.NoError(t, err)
	want := []string{"(A¹)ᵀ δ²", "δ² (A¹)ᵀ", "Σₓ δ² (a¹)ᵀ"}
	first := []string{"Xᵀ δ¹", "δ¹ Xᵀ", "Σₓ δ¹ xᵀ"}
	for c, conv := range g.Conventions {
		assert.Equal(t, want[c], layoutFormula(conv, 2), conv.String())
		assert.Equal(t, first[c], layoutFormula(conv, 1), conv.String())
	}
}
