package derive_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/backproof/backproof/derive"
	"gonum.org/v1/gonum/mat"
)

// The thread's question: is ∇_Ω C = (L^(ℓ−1))ᵀ ∇_z C or ∇_z C (L^(ℓ−1))ᵀ?
// The first in the row layout, the second in the column layout: the same
// numbers, transposed.
func Example_rowAndColumn() {
	rng := rand.New(rand.NewPCG(1, 1))
	row := derive.NewNet(derive.NetSpec{
		Convention: derive.Row,
		Sizes:      []int{3, 4, 2},
		Acts:       []derive.Activation{derive.Sigmoid, derive.Sigmoid},
		Cost:       derive.Quadratic,
		Reduction:  derive.Mean,
		Init:       derive.UniformHalf,
	}, rng)
	col := row.In(derive.Column)

	X := mat.NewDense(5, 3, []float64{0, 1, 2, 1, 0, 1, 2, 2, 0, 0, 0, 1, 1, 1, 1}) // m×n0, one example a row
	Y := mat.NewDense(5, 2, []float64{1, 0, 0, 1, 1, 0, 0, 1, 1, 0})

	r := row.Backprop(X, Y)
	c := col.Backprop(derive.Batch(X, derive.Row, derive.Column), derive.Batch(Y, derive.Row, derive.Column))

	rr, rc := r.DW[2].Dims()
	cr, cc := c.DW[2].Dims()
	fmt.Printf("row:    ∂C/∂W2 = (A1)ᵀ δ2 is %d×%d\n", rr, rc)
	fmt.Printf("column: ∂C/∂W2 = δ2 (A1)ᵀ is %d×%d\n", cr, cc)
	fmt.Printf("transposes of each other: %v\n", mat.EqualApprox(r.DW[2], c.DW[2].T(), 1e-15))
	fmt.Printf("same cost: %v\n", math.Abs(r.Cost-c.Cost) < 1e-15)
	// Output:
	// row:    ∂C/∂W2 = (A1)ᵀ δ2 is 4×2
	// column: ∂C/∂W2 = δ2 (A1)ᵀ is 2×4
	// transposes of each other: true
	// same cost: true
}
