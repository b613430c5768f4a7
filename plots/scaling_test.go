package plots

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Slope recovers the exponent of exact power laws, and of a noisy one
// within the noise; it is NaN with fewer than two points.
func TestSlope(t *testing.T) {
	sizes := []float64{30, 100, 300, 1000}
	for _, s := range []float64{0.5, 1, 2} {
		secs := make([]float64, len(sizes))
		for i, n := range sizes {
			secs[i] = 3e-4 * math.Pow(n, s)
		}
		assert.InDelta(t, s, Slope(sizes, secs), 1e-12)
	}
	// t = n·(0.9, 1.1, 0.9, 1.1): 1 plus the slope of e = log10 of those
	// factors against x = log10 n. By hand: x − x̄ = (−0.76145, −0.23856,
	// 0.23856, 0.76145), e = (−a, b, −a, b) with a = 0.045757, b = 0.041393,
	// so Σ(x−x̄)e = 0.52289(a+b) = 0.045570, Σ(x−x̄)² = 1.27344, slope
	// 1 + 0.035785.
	assert.InDelta(t, 1.035785, Slope(sizes, []float64{30 * 0.9, 100 * 1.1, 300 * 0.9, 1000 * 1.1}), 2e-6)
	assert.True(t, math.IsNaN(Slope([]float64{3}, []float64{1})))
}

// scalingExample is a hand-made figure: two panels, three programs, one
// dashed series; not measurements.
func scalingExample() []ScalingPanel {
	return []ScalingPanel{
		{Title: "one training epoch", XLabel: "hidden units n", Series: []ScalingSeries{
			{Name: "backproof epoch", Sizes: []float64{30, 100, 300, 1000}, Seconds: []float64{0.1, 0.3, 0.9, 3}},
			{Name: "backproof measuring", Sizes: []float64{30, 100, 300, 1000}, Seconds: []float64{0.05, 0.14, 0.4, 1.3}, Dashed: true},
			{Name: "numpy epoch", Sizes: []float64{30, 100, 300, 1000}, Seconds: []float64{1.5, 2.2, 4, 12}, Style: 1},
		}},
		{Title: "entry-by-entry check", XLabel: "parameters", Series: []ScalingSeries{
			{Name: "backproof check", Sizes: []float64{23860, 79510, 238510, 795010}, Seconds: []float64{0.015, 0.05, 0.16, 0.6}},
			{Name: "torch gradcheck", Sizes: []float64{23860, 79510}, Seconds: []float64{7.6, 60}, Style: 2},
			{Name: "backproof directional", Sizes: []float64{1.8e6, 5.6e6}, Seconds: []float64{0.7, 2.1}, Style: 3, Dashed: true},
		}},
	}
}

// The scaling figure against testdata/scaling_golden.png, as
// TestHistoryGolden compares (regenerate with -regen after an intended
// change, and look at it).
func TestScalingGolden(t *testing.T) {
	got, err := Scaling(scalingExample())
	require.NoError(t, err)
	matchGolden(t, "scaling", got)
}

// A time or size that a log scale cannot place, and a series whose sizes
// and times do not pair up, are errors that name the series.
func TestScalingErrors(t *testing.T) {
	for _, s := range []ScalingSeries{
		{Name: "zero", Sizes: []float64{1, 2}, Seconds: []float64{0, 1}},
		{Name: "short", Sizes: []float64{1, 2}, Seconds: []float64{1}},
		{Name: "nan", Sizes: []float64{math.NaN()}, Seconds: []float64{1}},
	} {
		_, err := Scaling([]ScalingPanel{{Series: []ScalingSeries{s}}})
		require.Error(t, err)
		assert.Contains(t, err.Error(), `"`+s.Name+`"`)
	}
}
