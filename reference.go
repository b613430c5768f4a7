package backproof

import (
	"math"
	"time"

	"github.com/backproof/backproof/exact"
	"github.com/backproof/backproof/problem"
)

// Exact is backproof's gradient computed in double-double arithmetic
// (package exact), about 32 digits, set beside its float64
// backpropagation: how far float64 can be trusted at this point, and
// which entries sit on a relu kink.
type Exact struct {
	// Left is the gradient with relu′ and leaky-relu′ taking their left
	// slope on a kink, as derive does; Right with the right slope, nil
	// when no pre-activation is on a kink. Both are in the order of
	// derive.Net.Params.
	Left, Right []float64
	// OnKink counts the pre-activations on a kink (exact.OnKink).
	OnKink int
	// Err is, for each array (W¹, b¹, W², …), the largest difference
	// between float64 backpropagation and Left over its entries off
	// kinks; Scale is the array's largest exact entry.
	Err, Scale []float64
	// Rel is the largest relative error of a float64 backpropagation
	// entry off kinks, over entries at least 1e-3 of their array's
	// largest: what float64 can vouch for here.
	Rel     float64
	Seconds float64
}

// maxExactWork is the largest m·Σ n_{ℓ−1}·n_ℓ for which a check computes
// the exact reference: [784, 1000, 10] on a batch of 10, 33 times Nielsen's
// network, about a quarter of a second at 31 ns per multiply-add (more on
// a loaded machine; docs/performance.md). Beyond it the learner is judged
// against float64 backpropagation alone.
const maxExactWork = 8_000_000

// exactWork is the multiply-adds of one forward pass of p.
func exactWork(p *problem.Problem) int {
	sizes := p.Net.Sizes()
	w := 0
	for ℓ := 1; ℓ < len(sizes); ℓ++ {
		w += sizes[ℓ-1] * sizes[ℓ]
	}
	return w * p.Batch()
}

// exactReference computes Exact for p beside float64 backpropagation's
// analytic gradient, or nil when p is too large for it.
func exactReference(p *problem.Problem, analytic []float64) *Exact {
	if exactWork(p) > maxExactWork {
		return nil
	}
	start := time.Now()
	e := &Exact{}
	e.Left, e.Right, e.OnKink = exact.Gradients(p.Net, p.X, p.Y)
	off := 0
	for _, l := range p.Net.Layers {
		r, c := l.W.Dims()
		for _, size := range []int{r * c, len(l.B)} {
			var worst, scale float64
			for i := off; i < off+size; i++ {
				scale = math.Max(scale, math.Abs(e.Left[i]))
				if e.Right != nil {
					scale = math.Max(scale, math.Abs(e.Right[i]))
				}
			}
			for i := off; i < off+size; i++ {
				if e.onKink(i) {
					continue
				}
				d := math.Abs(analytic[i] - e.Left[i])
				worst = math.Max(worst, d)
				if math.Abs(e.Left[i]) >= 1e-3*scale && d > 0 {
					e.Rel = math.Max(e.Rel, d/math.Abs(e.Left[i]))
				}
			}
			e.Err, e.Scale = append(e.Err, worst), append(e.Scale, scale)
			off += size
		}
	}
	e.Seconds = time.Since(start).Seconds()
	return e
}

// onKink reports whether entry i of the gradient depends on the slope
// taken at a kink: the left and right gradients differ there.
func (e *Exact) onKink(i int) bool {
	return e.Right != nil && e.Right[i] != e.Left[i]
}
