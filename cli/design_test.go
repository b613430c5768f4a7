package cli

import "math"

// designCost is docs/contracts.md's example problem's cost, computed by hand from
// its numbers with no backproof code: row convention, sigmoid, quadratic,
// mean over m = 3.
func designCost() float64 {
	X := [][]float64{{1, 2}, {3, 4}, {5, 6}}
	Y := [][]float64{{0, 1}, {1, 0}, {0, 1}}
	W := [][]float64{{0.1, 0.2}, {0.3, 0.4}}
	b := []float64{0.0, 0.1}
	var c float64
	for i, x := range X {
		for k := 0; k < 2; k++ {
			z := x[0]*W[0][k] + x[1]*W[1][k] + b[k]
			a := 1 / (1 + math.Exp(-z))
			c += 0.5 * (a - Y[i][k]) * (a - Y[i][k])
		}
	}
	return c / 3
}
