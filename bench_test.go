package backproof

import (
	"sync"
	"testing"

	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/numgrad"
	"github.com/backproof/backproof/problem"
)

// mnistProblem is the problem of issue #5's speed goal and of
// `backproof check --net 784,30,10 --batch 10 --data mnist --init normal`:
// Nielsen's [784, 30, 10] sigmoid network with N(0,1) weights, the
// quadratic cost with R = 1/m, and the first 10 MNIST training images.
var mnistProblem = sync.OnceValues(func() (*problem.Problem, error) {
	p, err := problem.Random(problem.Spec{Convention: derive.Row, Sizes: []int{784, 30, 10}, Batch: 10,
		Acts: []derive.Activation{derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean,
		Init: derive.Normal, Seed: 1})
	if err != nil {
		return nil, err
	}
	train, _, _, err := data.LoadMNIST("", data.Unit)
	if err != nil {
		return nil, err
	}
	p.X, p.Y = train.Batch([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	return p, nil
})

// BenchmarkCheckMNIST is backproof.CheckBackprop of every one of the 23,860
// parameters of [784, 30, 10] on a batch of 10, by each method on the
// layer-aware fast path, and central differences on the generic path
// (47,720 whole forward passes; run it with -benchtime=1x). Issue #5 asks
// the fast central check to take at most 1/100 of the time of
// torch.autograd.gradcheck in slow mode on the same problem; bench/run.sh
// measures both.
func BenchmarkCheckMNIST(b *testing.B) {
	p, err := mnistProblem()
	if err != nil {
		b.Skip("MNIST not available: ", err)
	}
	for _, bc := range []struct {
		name string
		s    Settings
	}{
		{"central", Settings{Method: numgrad.Central}},
		{"forward", Settings{Method: numgrad.Forward}},
		{"five-point", Settings{Method: numgrad.FivePoint}},
		{"richardson", Settings{Method: numgrad.Richardson}},
		{"complex-step", Settings{Method: numgrad.ComplexStep}},
		{"directional-8", Settings{Directions: 8, Seed: 1}},
		{"generic-central", Settings{Method: numgrad.Central, Generic: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				r, err := CheckBackprop(p, &bc.s)
				if err != nil || !r.Pass() {
					b.Fatal("check failed: ", err)
				}
			}
		})
	}
}

// BenchmarkNetGradientMNIST is the numeric gradient alone, on one core
// and on every core.
func BenchmarkNetGradientMNIST(b *testing.B) {
	p, err := mnistProblem()
	if err != nil {
		b.Skip("MNIST not available: ", err)
	}
	dst := make([]float64, p.Net.NumParams())
	for _, concurrent := range []bool{false, true} {
		name := "serial"
		if concurrent {
			name = "concurrent"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				numgrad.NetGradient(dst, p.Net, p.X, p.Y, &numgrad.Settings{Concurrent: concurrent})
			}
		})
	}
}

// BenchmarkCheckGradientMNIST is CheckGradient of a learner's right
// gradient of [784, 30, 10] on 10 MNIST images: the check of backproof's
// backpropagation by central differences, the exact reference in
// double-double arithmetic, and the learner's 4 arrays judged each on its
// own scale. The goal is under 50 ms; "exact-only" is the exact reference
// alone (exactReference).
func BenchmarkCheckGradientMNIST(b *testing.B) {
	p, err := mnistProblem()
	if err != nil {
		b.Skip("MNIST not available: ", err)
	}
	t := p.Net.Backprop(p.X, p.Y)
	g := &Gradient{DW: t.DW[1:], DB: t.DB[1:]}
	b.Run("check-gradient", func(b *testing.B) {
		for b.Loop() {
			r, err := CheckGradient(p, g, nil)
			if err != nil || !r.Pass() || r.Entries.Exact == nil {
				b.Fatal("check failed: ", err)
			}
		}
	})
	analytic := t.Grad(nil)
	b.Run("exact-only", func(b *testing.B) {
		for b.Loop() {
			exactReference(p, analytic)
		}
	})
}
