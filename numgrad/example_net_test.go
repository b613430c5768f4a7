package numgrad_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/numgrad"
	"gonum.org/v1/gonum/mat"
)

func ExampleNetGradient() {
	// A [3, 4, 2] sigmoid network in the row convention, batch of 5.
	rng := rand.New(rand.NewPCG(1, 2))
	acts := []derive.Activation{derive.Sigmoid, derive.Sigmoid}
	n := derive.NewNet(derive.NetSpec{Convention: derive.Row, Sizes: []int{3, 4, 2}, Acts: acts, Cost: derive.Quadratic, Reduction: derive.Mean, Init: derive.NormalScaled}, rng)
	X, Y := mat.NewDense(5, 3, nil), mat.NewDense(5, 2, nil)
	for i := range X.RawMatrix().Data {
		X.RawMatrix().Data[i] = rng.NormFloat64()
	}
	for i := range Y.RawMatrix().Data {
		Y.RawMatrix().Data[i] = rng.Float64()
	}

	// The generic path recomputes the whole network at every point; the
	// fast path updates only what the perturbed parameter moves.
	loss := func(θ []float64) float64 {
		m := n.In(n.Convention)
		m.SetParams(θ)
		return m.Loss(X, Y)
	}
	generic := numgrad.Gradient(nil, loss, n.Params(nil), nil)
	fast := numgrad.NetGradient(nil, n, X, Y, nil)
	complexStep := numgrad.NetGradient(nil, n, X, Y, &numgrad.Settings{Method: numgrad.ComplexStep})
	analytic := n.Backprop(X, Y).Grad(nil)

	var fastVsGeneric, complexVsAnalytic float64
	for i := range analytic {
		fastVsGeneric = math.Max(fastVsGeneric, math.Abs(fast[i]-generic[i]))
		complexVsAnalytic = math.Max(complexVsAnalytic, math.Abs(complexStep[i]-analytic[i]))
	}
	fmt.Printf("%d parameters; ∂C/∂%v = %.8f\n", len(fast), n.ParamAt(0), fast[0])
	fmt.Println("fast within 1e-10 of generic:", fastVsGeneric < 1e-10)
	fmt.Println("complex step within 1e-16 of backprop:", complexVsAnalytic < 1e-16)
	// Output:
	// 26 parameters; ∂C/∂W1[0,0] = -0.00142696
	// fast within 1e-10 of generic: true
	// complex step within 1e-16 of backprop: true
}
