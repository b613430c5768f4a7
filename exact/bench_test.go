package exact_test

import (
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/exact"
	"github.com/backproof/backproof/problem"
)

func BenchmarkBook(b *testing.B) {
	p, err := problem.Random(problem.Spec{Convention: derive.Row, Sizes: []int{784, 30, 10}, Batch: 10,
		Acts: []derive.Activation{derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		exact.Gradient(nil, p.Net, p.X, p.Y, exact.Left)
	}
}
