package numgrad

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"gonum.org/v1/gonum/floats"
)

// TestComplexDirectional checks the complex step along random unit vectors
// against vᵀ∇f with ∇f in closed form (to the complex step's tolerance),
// and that along e_i it is ComplexGradient's entry i, bit for bit.
func TestComplexDirectional(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	grad := make([]float64, 5)
	for _, tf := range testFuncs {
		var worst float64
		for _, x := range testPoints(10, 5) {
			v := RandomDirection(rng, len(x))
			vOrig, xOrig := bits(v), bits(x)
			tf.grad(grad, x)
			worst = math.Max(worst, errOf(ComplexDirectional(tf.fc, x, v, 0), floats.Dot(v, grad)))
			assert.Equal(t, vOrig, bits(v), "v unchanged")
			assert.Equal(t, xOrig, bits(x), "x unchanged")
			e := make([]float64, len(x))
			e[3] = 1
			assert.Equal(t, ComplexGradient(nil, tf.fc, x, 0)[3], ComplexDirectional(tf.fc, x, e, 0), "along e_3, %s", tf.name)
		}
		t.Logf("%-14s worst error %.1e", tf.name, worst)
		assert.LessOrEqual(t, worst, tolerances[ComplexStep], tf.name)
	}
	assert.Panics(t, func() { ComplexDirectional(testFuncs[0].fc, []float64{1, 2}, []float64{1}, 0) })
	assert.Panics(t, func() { ComplexDirectional(testFuncs[0].fc, []float64{1}, []float64{1}, -1) })
}
