package numgrad

import (
	"math/rand/v2"
	"testing"

	"github.com/backproof/backproof/derive"
	"gonum.org/v1/gonum/mat"

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

// TestWorkerPanicReachesTheCaller: a panic in one of NetGradient's
// goroutines is raised again in the caller's, where the command line's
// recover turns it into an internal error (exit 3) instead of a crash.
func TestWorkerPanicReachesTheCaller(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := derive.NewNet(derive.NetSpec{Convention: derive.Row, Sizes: []int{3, 4, 2}, Acts: []derive.Activation{derive.Sigmoid, derive.Sigmoid},
		Cost: derive.Quadratic, Reduction: derive.Mean, Init: derive.NormalScaled}, rng)
	X, Y := mat.NewDense(5, 3, nil), mat.NewDense(5, 2, nil)
	s := &Settings{Concurrent: true, Progress: func(done, total int) { panic("boom") }}
	assert.PanicsWithValue(t, "numgrad: NetGradient: boom", func() { NetGradient(nil, n, X, Y, s) })
}
