package numgrad_test

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"

	"github.com/backproof/backproof/numgrad"
)

func ExampleGradient() {
	// f(x) = x₀² x₁ + sin(x₁), so ∇f = (2 x₀ x₁, x₀² + cos(x₁)) = (12, 4 + cos 3).
	f := func(x []float64) float64 {
		return x[0]*x[0]*x[1] + math.Sin(x[1])
	}
	x := []float64{2, 3}
	fmt.Printf("exact       %.6f\n", []float64{12, 4 + math.Cos(3)})
	for _, m := range []numgrad.Method{numgrad.Central, numgrad.Forward, numgrad.FivePoint} {
		g := numgrad.Gradient(nil, f, x, &numgrad.Settings{Method: m})
		fmt.Printf("%-11v %.6f\n", m, g)
	}

	// Output:
	// exact       [12.000000 3.010008]
	// central     [12.000000 3.010008]
	// forward     [12.000000 3.010008]
	// five-point  [12.000000 3.010008]
}

func ExampleComplexGradient() {
	// The same f in complex arithmetic: each entry is exact to rounding.
	f := func(z []complex128) complex128 {
		return z[0]*z[0]*z[1] + cmplx.Sin(z[1])
	}
	g := numgrad.ComplexGradient(nil, f, []float64{2, 3}, 0)
	fmt.Printf("%.12f\n", g)

	// Output:
	// [12.000000000000 3.010007503400]
}

func ExampleDirectional() {
	// f(x) = Σ x_i², so the derivative along v is vᵀ∇f = 2 vᵀx.
	f := func(x []float64) float64 {
		var s float64
		for _, v := range x {
			s += v * v
		}
		return s
	}
	x := []float64{1, 2, 3, 4}
	v := numgrad.RandomDirection(rand.New(rand.NewPCG(1, 1)), len(x))
	var exact float64
	for i := range x {
		exact += 2 * v[i] * x[i]
	}
	fmt.Printf("numeric %.6f\n", numgrad.Directional(f, x, v, nil))
	fmt.Printf("exact   %.6f\n", exact)

	// Output:
	// numeric 2.903775
	// exact   2.903775
}
