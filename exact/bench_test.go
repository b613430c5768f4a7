package exact_test

import (
	"fmt"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/exact"
	"github.com/backproof/backproof/problem"
)

// BenchmarkGradient is the exact gradient as the network grows, on a
// batch of 10 dense N(0,1) inputs (every input nonzero: MNIST's blank
// pixels, skipped, make it faster), for docs/performance.md.
func BenchmarkGradient(b *testing.B) {
	for _, sizes := range [][]int{{784, 30, 10}, {784, 100, 10}, {784, 300, 10}, {784, 300, 100, 10}, {784, 1000, 10}} {
		p, err := problem.Random(problem.Spec{Convention: derive.Row, Sizes: sizes, Batch: 10,
			Acts: []derive.Activation{derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprint(sizes), func(b *testing.B) {
			dst := make([]float64, p.Net.NumParams())
			for b.Loop() {
				exact.Gradient(dst, p.Net, p.X, p.Y, exact.Left)
			}
		})
	}
}
