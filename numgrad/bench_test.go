package numgrad

import (
	"fmt"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
)

// denseBook is the book's [784, hidden, 10] sigmoid network with N(0,1)
// weights and the quadratic cost (mean) on a batch of 10 dense N(0,1)
// inputs: every input is nonzero, so that no example can be skipped
// (MNIST's blank pixels skip about four in five).
func denseBook(b *testing.B, hidden int) *problem.Problem {
	p, err := problem.Random(problem.Spec{Convention: derive.Row, Sizes: []int{784, hidden, 10}, Batch: 10,
		Acts: []derive.Activation{derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean,
		Init: derive.Normal, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkNetGradientDense is the central numeric gradient of every
// parameter of denseBook, serial and on every core, for hidden widths 30
// (the book's 23,860 parameters) to 1000 (795,010).
func BenchmarkNetGradientDense(b *testing.B) {
	for _, hidden := range []int{30, 100, 300, 1000} {
		p := denseBook(b, hidden)
		dst := make([]float64, p.Net.NumParams())
		for _, concurrent := range []bool{false, true} {
			b.Run(fmt.Sprintf("hidden=%d/concurrent=%v", hidden, concurrent), func(b *testing.B) {
				for b.Loop() {
					NetGradient(dst, p.Net, p.X, p.Y, &Settings{Concurrent: concurrent})
				}
			})
		}
	}
}

// BenchmarkNetGradientMoved is the central numeric gradient of networks
// whose entries go through pointCost's σ series instead of unitEntries:
// the book's [784, 30, 10] with cross-entropy (the output layer's moved σ,
// the innermost loop), and [784, 30, 30, 10] with the quadratic cost (the
// first layer's entries move a whole sigmoid layer), serial.
func BenchmarkNetGradientMoved(b *testing.B) {
	for _, c := range []struct {
		name  string
		sizes []int
		cost  derive.Cost
	}{
		{"784-30-10-cross-entropy", []int{784, 30, 10}, derive.CrossEntropy},
		{"784-30-30-10-quadratic", []int{784, 30, 30, 10}, derive.Quadratic},
	} {
		p, err := problem.Random(problem.Spec{Convention: derive.Row, Sizes: c.sizes, Batch: 10,
			Acts: []derive.Activation{derive.Sigmoid}, Cost: c.cost, Reduction: derive.Mean,
			Init: derive.Normal, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		dst := make([]float64, p.Net.NumParams())
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				NetGradient(dst, p.Net, p.X, p.Y, nil)
			}
		})
	}
}
