package numgrad

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPoints: the stencils as the textbooks write them.
func TestPoints(t *testing.T) {
	h := 0.1
	assert.ElementsMatch(t, []float64{-h, h}, Points(Central, h))
	assert.ElementsMatch(t, []float64{0, h}, Points(Forward, h))
	assert.ElementsMatch(t, []float64{0, -h}, Points(Backward, h))
	assert.ElementsMatch(t, []float64{-2 * h, -h, h, 2 * h}, Points(FivePoint, h))
	assert.ElementsMatch(t, []float64{-h, h, -h / 2, h / 2}, Points(Richardson, h))
}
