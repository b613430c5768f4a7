package plots

import (
	"bytes"
	"image/png"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// TestPNG decodes what PNG writes with the standard library's decoder and
// checks the size: 3 × 2 inches at gonum/plot's default 96 dpi.
func TestPNG(t *testing.T) {
	p := plot.New()
	p.Title.Text = "empty"
	b, err := PNG(p, 3*vg.Inch, 2*vg.Inch)
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	require.Equal(t, 288, img.Bounds().Dx())
	require.Equal(t, 192, img.Bounds().Dy())

	b, err = PNG(p, 0, 0) // the defaults: 6 × 4 inches
	require.NoError(t, err)
	img, err = png.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	require.Equal(t, 576, img.Bounds().Dx())
	require.Equal(t, 384, img.Bounds().Dy())
}
